// Package filters holds the rules for users' content filters (Mastodon's
// v2 filters, and v1 filters mapped onto them): validation, limits and
// matching statuses against keywords and statuses.
package filters

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits on filters.
const (
	MaxFiltersPerAccount = 100
	MaxKeywordsPerFilter = 100
	MaxStatusesPerFilter = 500
	MaxTitleLen          = 256                       // characters in a filter's title
	MaxKeywordLen        = 256                       // characters in a keyword
	MaxExpiresIn         = 10 * 365 * 24 * time.Hour // longest expires_in
)

// Contexts are the places a filter applies to.
var Contexts = []string{"home", "notifications", "public", "thread", "account"}

// Actions a filter takes on a matching status.
const (
	ActionWarn = "warn" // shown behind a warning naming the filter
	ActionHide = "hide" // removed entirely
	ActionBlur = "blur" // media hidden behind a warning
)

// Service applies the filter rules.
type Service struct {
	Store *store.Store
	Now   func() time.Time
}

// Changes are the editable attributes of a filter; nil leaves one as it is.
type Changes struct {
	Title      *string
	Context    []string // nil: unchanged
	Action     *string
	ExpiresIn  *time.Duration // set with ExpiresSet; nil means never
	ExpiresSet bool
	Keywords   []store.KeywordChange
}

func (svc *Service) now() time.Time {
	if svc.Now != nil {
		return svc.Now()
	}
	return svc.Store.Now()
}

func (svc *Service) apply(f *store.Filter, c Changes) error {
	if c.Title != nil {
		t := strings.TrimSpace(*c.Title)
		if t == "" {
			return domain.Invalid("Validation failed: Title can't be blank").Tr("err_title_blank")
		}
		if utf8.RuneCountInString(t) > MaxTitleLen {
			return domain.Invalid("Validation failed: Title is too long (maximum is %d characters)", MaxTitleLen).Tr("err_title_long", MaxTitleLen)
		}
		f.Title = t
	}
	if c.Context != nil {
		ctxs, err := CheckContext(c.Context)
		if err != nil {
			return err
		}
		f.Context = ctxs
	}
	if c.Action != nil {
		switch *c.Action {
		case ActionWarn, ActionHide, ActionBlur:
			f.Action = *c.Action
		default:
			return domain.Invalid("Validation failed: Filter action must be warn, hide or blur").Tr("err_filter_action")
		}
	}
	if c.ExpiresSet {
		if c.ExpiresIn == nil {
			f.ExpiresAt = nil
		} else {
			if *c.ExpiresIn <= 0 || *c.ExpiresIn > MaxExpiresIn {
				return domain.Invalid("expires_in must be from 1 to %d seconds", int64(MaxExpiresIn/time.Second)).Tr("err_filter_expires", int64(MaxExpiresIn/time.Second))
			}
			t := svc.now().Add(*c.ExpiresIn).UTC()
			f.ExpiresAt = &t
		}
	}
	for i := range c.Keywords {
		k := &c.Keywords[i]
		if k.Destroy {
			continue
		}
		if k.KeepText {
			k.Keyword = ""
			for _, stored := range f.Keywords {
				if stored.ID == k.ID {
					k.Keyword = stored.Keyword
				}
			}
			if k.Keyword == "" {
				return domain.NotFound()
			}
		}
		kw, err := CheckKeyword(k.Keyword)
		if err != nil {
			return err
		}
		k.Keyword = kw
	}
	return nil
}

// CheckContext validates and deduplicates context values.
func CheckContext(ctxs []string) ([]string, error) {
	if len(ctxs) == 0 {
		return nil, domain.Invalid("Validation failed: Context can't be blank").Tr("err_filter_context_blank")
	}
	var out []string
	for _, c := range ctxs {
		if !slices.Contains(Contexts, c) {
			return nil, domain.Invalid("Validation failed: Context %q is not one of home, notifications, public, thread, account", c).Tr("err_filter_context_unknown", c)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// CheckKeyword validates a keyword.
func CheckKeyword(k string) (string, error) {
	k = strings.TrimSpace(k)
	if k == "" {
		return "", domain.Invalid("Validation failed: Keyword can't be blank").Tr("err_keyword_blank")
	}
	if utf8.RuneCountInString(k) > MaxKeywordLen {
		return "", domain.Invalid("Validation failed: Keyword is too long (maximum is %d characters)", MaxKeywordLen).Tr("err_keyword_long", MaxKeywordLen)
	}
	return k, nil
}

// Create makes a filter for owner; title and context are required.
func (svc *Service) Create(ctx context.Context, owner domain.ID, c Changes) (*store.Filter, error) {
	if c.Title == nil {
		return nil, domain.Invalid("Validation failed: Title can't be blank").Tr("err_title_blank")
	}
	if c.Context == nil {
		return nil, domain.Invalid("Validation failed: Context can't be blank").Tr("err_filter_context_blank")
	}
	f := &store.Filter{AccountID: owner, Action: ActionWarn}
	if err := svc.apply(f, c); err != nil {
		return nil, err
	}
	if len(c.Keywords) > MaxKeywordsPerFilter {
		return nil, domain.Invalid("A filter cannot have more than %d keywords", MaxKeywordsPerFilter).Tr("err_keywords_many", MaxKeywordsPerFilter)
	}
	for _, k := range c.Keywords {
		if !k.Destroy {
			f.Keywords = append(f.Keywords, store.FilterKeyword{Keyword: k.Keyword, WholeWord: k.WholeWord})
		}
	}
	if err := svc.Store.CreateFilter(ctx, f, MaxFiltersPerAccount); err != nil {
		return nil, err
	}
	return svc.Store.Filter(ctx, owner, f.ID)
}

// Update changes owner's filter and its keywords.
func (svc *Service) Update(ctx context.Context, owner, id domain.ID, c Changes) (*store.Filter, error) {
	f, err := svc.Store.Filter(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if err := svc.apply(f, c); err != nil {
		return nil, err
	}
	if err := svc.Store.UpdateFilter(ctx, f, c.Keywords, MaxKeywordsPerFilter); err != nil {
		return nil, err
	}
	return svc.Store.Filter(ctx, owner, id)
}

// AddKeyword adds a keyword to owner's filter.
func (svc *Service) AddKeyword(ctx context.Context, owner, filterID domain.ID, keyword string, wholeWord bool) (*store.FilterKeyword, error) {
	kw, err := CheckKeyword(keyword)
	if err != nil {
		return nil, err
	}
	k := &store.FilterKeyword{FilterID: filterID, Keyword: kw, WholeWord: wholeWord}
	if err := svc.Store.AddFilterKeyword(ctx, owner, k, MaxKeywordsPerFilter); err != nil {
		return nil, err
	}
	return k, nil
}

// UpdateKeyword changes a keyword of owner's filter; nil leaves a field.
func (svc *Service) UpdateKeyword(ctx context.Context, owner, id domain.ID, keyword *string, wholeWord *bool) (*store.FilterKeyword, error) {
	k, err := svc.Store.FilterKeyword(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if keyword != nil {
		if k.Keyword, err = CheckKeyword(*keyword); err != nil {
			return nil, err
		}
	}
	if wholeWord != nil {
		k.WholeWord = *wholeWord
	}
	if err := svc.Store.UpdateFilterKeyword(ctx, owner, k); err != nil {
		return nil, err
	}
	return k, nil
}

// AddStatus adds a status to owner's filter.
func (svc *Service) AddStatus(ctx context.Context, owner, filterID, statusID domain.ID) (*store.FilterStatus, error) {
	if statusID == 0 {
		return nil, domain.Invalid("status_id is required")
	}
	fs := &store.FilterStatus{FilterID: filterID, StatusID: statusID}
	if err := svc.Store.AddFilterStatus(ctx, owner, fs, MaxStatusesPerFilter); err != nil {
		return nil, err
	}
	return fs, nil
}
