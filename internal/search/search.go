// Package search holds the rules for search and hashtags: what a query
// finds (accounts, hashtags, statuses by URL and by full text), what
// anonymous visitors may ask, and what a valid hashtag name is.
package search

import (
	"context"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits on search and hashtags.
const (
	DefaultLimit    = 20
	MaxLimit        = 40
	MaxOffset       = 10000 // deeper pages cost more than they are worth
	MaxQueryLen     = 500   // characters in a query
	MaxTagLen       = 100   // characters in a hashtag name
	MaxFeaturedTags = 10    // featured hashtags per profile
)

// Types a search can be restricted to.
const (
	TypeAccounts = "accounts"
	TypeHashtags = "hashtags"
	TypeStatuses = "statuses"
)

// Service runs searches.
type Service struct {
	Store   *store.Store
	BaseURL string // this server's public URL, to recognise local status URLs
}

// Query is a search request.
type Query struct {
	Q      string
	Type   string // "" for all
	Limit  int
	Offset int
	// OffsetGiven says offset was sent at all: Mastodon refuses it from
	// anonymous visitors even when it is 0.
	OffsetGiven bool
	Following   bool
	AccountID   domain.ID // statuses by this account only
	Resolve     bool      // fetch remote accounts and posts (the API's Resolver does it)
}

// Result is what a search found. Statuses are ids: the caller renders
// them, dropping those the viewer may not see.
type Result struct {
	Accounts  []*domain.Account
	Hashtags  []*store.Tag
	StatusIDs []domain.ID
}

// Search runs q for viewer (0 when anonymous). Anonymous visitors may not
// page or resolve, as in Mastodon.
func (svc *Service) Search(ctx context.Context, viewer domain.ID, q Query) (*Result, error) {
	if viewer == 0 && (q.Offset > 0 || q.OffsetGiven || q.Resolve) {
		return nil, domain.E(domain.KindUnauthorized, "Search queries pagination is not supported without authentication")
	}
	q.Q = strings.TrimSpace(q.Q)
	if q.Q == "" {
		return nil, domain.Invalid("q is required")
	}
	if utf8.RuneCountInString(q.Q) > MaxQueryLen {
		return nil, domain.Invalid("q is too long (maximum is %d characters)", MaxQueryLen)
	}
	switch q.Type {
	case "", TypeAccounts, TypeHashtags, TypeStatuses:
	default:
		return nil, domain.Invalid("type must be accounts, hashtags or statuses")
	}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	if q.Offset < 0 || q.Offset > MaxOffset {
		return nil, domain.Invalid("offset must be from 0 to %d", MaxOffset)
	}
	if q.Following && viewer == 0 {
		q.Following = false
	}
	res := &Result{Accounts: []*domain.Account{}, Hashtags: []*store.Tag{}, StatusIDs: []domain.ID{}}
	isURL := strings.HasPrefix(q.Q, "https://") || strings.HasPrefix(q.Q, "http://")
	var err error
	if (q.Type == "" || q.Type == TypeStatuses) && isURL && q.Offset == 0 {
		if res.StatusIDs, err = svc.Store.StatusIDsByURL(ctx, q.Q, svc.localStatusID(q.Q), q.AccountID); err != nil {
			return nil, err
		}
	}
	if isURL {
		return res, nil // a URL names one object; prefix searches would find noise
	}
	// Status search needs a token, as in Mastodon: anonymous visitors get
	// no statuses rather than an error, so that "all types" still works.
	if (q.Type == "" || q.Type == TypeStatuses) && viewer != 0 {
		if res.StatusIDs, err = svc.searchStatuses(ctx, viewer, q); err != nil {
			return nil, err
		}
	}
	if q.Type == "" || q.Type == TypeAccounts {
		accts, err := svc.Store.SearchAccountsRanked(ctx, store.AccountSearch{Q: q.Q, LocalHost: svc.host(),
			Viewer: viewer, Following: q.Following, Limit: q.Limit, Offset: q.Offset})
		if err != nil {
			return nil, err
		}
		// Blocks hide accounts both ways, as in Mastodon.
		ids := make([]domain.ID, 0, len(accts))
		for _, a := range accts {
			ids = append(ids, a.ID)
		}
		blocked, err := svc.Store.BlockedAmong(ctx, viewer, ids)
		if err != nil {
			return nil, err
		}
		for _, a := range accts {
			if !blocked[a.ID] {
				res.Accounts = append(res.Accounts, a)
			}
		}
	}
	if q.Type == "" || q.Type == TypeHashtags {
		if name, _, ok := NormalizeTag(strings.TrimPrefix(q.Q, "#")); ok {
			if res.Hashtags, err = svc.Store.SearchTags(ctx, name, q.Limit, q.Offset); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

var localStatusPath = regexp.MustCompile(`^/(?:@[A-Za-z0-9_]+|users/[A-Za-z0-9_]+/statuses)/([0-9]{1,19})$`)

// localStatusID recognises this server's status URLs (/@name/ID and
// /users/name/statuses/ID) and returns the id in them.
func (svc *Service) localStatusID(u string) domain.ID {
	base := strings.TrimRight(svc.BaseURL, "/")
	if base == "" || !strings.HasPrefix(u, base+"/") {
		return 0
	}
	m := localStatusPath.FindStringSubmatch(u[len(base):])
	if m == nil {
		return 0
	}
	id, _ := domain.ParseID(m[1])
	return id
}

// NormalizeTag checks a hashtag name (without "#"): letters (any script),
// digits, underscores and combining marks, at least one letter, at most
// MaxTagLen characters. It returns the stored (lowercased) name and the
// name as typed.
func NormalizeTag(s string) (name, display string, ok bool) {
	if s == "" || utf8.RuneCountInString(s) > MaxTagLen {
		return "", "", false
	}
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r), r == '_', unicode.Is(unicode.M, r):
		default:
			return "", "", false
		}
	}
	if !letter {
		return "", "", false
	}
	return strings.ToLower(s), s, true
}

// FollowTag makes account follow the hashtag typed as s; an invalid name is
// "not found", as in Mastodon.
func (svc *Service) FollowTag(ctx context.Context, account domain.ID, s string) (*store.Tag, error) {
	name, display, ok := NormalizeTag(s)
	if !ok {
		return nil, domain.NotFound()
	}
	return svc.Store.FollowTag(ctx, account, name, display)
}

// UnfollowTag stops account following the hashtag typed as s.
func (svc *Service) UnfollowTag(ctx context.Context, account domain.ID, s string) (*store.Tag, error) {
	t, err := svc.Tag(ctx, s)
	if err != nil {
		return nil, err
	}
	if t.ID != 0 {
		err = svc.Store.UnfollowTag(ctx, account, t.ID)
	}
	return t, err
}

// Tag loads the hashtag typed as s; a valid name nobody used yet gives an
// unsaved tag (ID 0), as Mastodon shows it.
func (svc *Service) Tag(ctx context.Context, s string) (*store.Tag, error) {
	name, display, ok := NormalizeTag(s)
	if !ok {
		return nil, domain.NotFound()
	}
	t, err := svc.Store.TagByName(ctx, name)
	if domain.KindOf(err) == domain.KindNotFound {
		return &store.Tag{Name: name, DisplayName: display}, nil
	}
	return t, err
}

// FeatureTag features the hashtag typed as s on account's profile.
func (svc *Service) FeatureTag(ctx context.Context, account domain.ID, s string) (*store.FeaturedTag, error) {
	name, display, ok := NormalizeTag(strings.TrimPrefix(s, "#"))
	if !ok {
		return nil, domain.Invalid("Validation failed: Tag is invalid (letters, digits and underscores, at most %d characters)", MaxTagLen)
	}
	id, err := svc.Store.FeatureTag(ctx, account, name, display, MaxFeaturedTags)
	if err != nil {
		return nil, err
	}
	all, err := svc.Store.FeaturedTags(ctx, account)
	if err != nil {
		return nil, err
	}
	for _, f := range all {
		if f.ID == id {
			return f, nil
		}
	}
	return nil, domain.NotFound()
}
