package filters

import (
	"context"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// V1 is a v1 filter: one keyword of a v2 filter, identified by the
// keyword's id, as Mastodon maps them.
type V1 struct {
	Keyword store.FilterKeyword
	Filter  *store.Filter
}

// V1Changes are the attributes of a v1 filter; nil leaves one as it is.
type V1Changes struct {
	Phrase       *string
	Context      []string
	Irreversible *bool
	WholeWord    *bool
	ExpiresIn    *time.Duration
	ExpiresSet   bool
}

// V1List returns owner's filters as v1 filters, one per keyword.
func (svc *Service) V1List(ctx context.Context, owner domain.ID) ([]V1, error) {
	fs, err := svc.Store.Filters(ctx, owner)
	if err != nil {
		return nil, err
	}
	out := []V1{}
	for _, f := range fs {
		for _, k := range f.Keywords {
			out = append(out, V1{Keyword: k, Filter: f})
		}
	}
	return out, nil
}

// V1Get loads one v1 filter by keyword id.
func (svc *Service) V1Get(ctx context.Context, owner, id domain.ID) (V1, error) {
	k, err := svc.Store.FilterKeyword(ctx, owner, id)
	if err != nil {
		return V1{}, err
	}
	f, err := svc.Store.Filter(ctx, owner, k.FilterID)
	if err != nil {
		return V1{}, err
	}
	return V1{Keyword: *k, Filter: f}, nil
}

func (c V1Changes) v2() Changes {
	out := Changes{Context: c.Context, ExpiresIn: c.ExpiresIn, ExpiresSet: c.ExpiresSet}
	if c.Phrase != nil {
		out.Title = c.Phrase
	}
	if c.Irreversible != nil {
		a := ActionWarn
		if *c.Irreversible {
			a = ActionHide
		}
		out.Action = &a
	}
	return out
}

// V1Create makes a filter titled after its phrase, with that one keyword;
// irreversible filters hide, others warn.
func (svc *Service) V1Create(ctx context.Context, owner domain.ID, c V1Changes) (V1, error) {
	if c.Phrase == nil {
		return V1{}, domain.Invalid("Validation failed: Keyword can't be blank").Tr("err_keyword_blank")
	}
	phrase, err := CheckKeyword(*c.Phrase)
	if err != nil {
		return V1{}, err
	}
	c.Phrase = &phrase
	ch := c.v2()
	ch.Keywords = []store.KeywordChange{{Keyword: phrase, WholeWord: c.WholeWord == nil || *c.WholeWord}}
	f, err := svc.Create(ctx, owner, ch)
	if err != nil {
		return V1{}, err
	}
	return V1{Keyword: f.Keywords[0], Filter: f}, nil
}

// V1Update edits a v1 filter: its keyword, and the filter it belongs to
// when that filter has no other keyword (else Mastodon refuses too).
func (svc *Service) V1Update(ctx context.Context, owner, id domain.ID, c V1Changes) (V1, error) {
	cur, err := svc.V1Get(ctx, owner, id)
	if err != nil {
		return V1{}, err
	}
	ch := c.v2()
	ch.Title = nil // the title stays; the phrase is the keyword
	filterLevel := ch.Context != nil || ch.Action != nil || ch.ExpiresSet
	if filterLevel && len(cur.Filter.Keywords) > 1 {
		return V1{}, domain.Invalid("This filter has several keywords: edit it with /api/v2/filters")
	}
	kw := store.KeywordChange{ID: id, Keyword: cur.Keyword.Keyword, WholeWord: cur.Keyword.WholeWord}
	if c.Phrase != nil {
		kw.Keyword = *c.Phrase
	}
	if c.WholeWord != nil {
		kw.WholeWord = *c.WholeWord
	}
	ch.Keywords = []store.KeywordChange{kw}
	if _, err := svc.Update(ctx, owner, cur.Filter.ID, ch); err != nil {
		return V1{}, err
	}
	return svc.V1Get(ctx, owner, id)
}

// V1Delete removes a v1 filter's keyword, and its filter when nothing else
// is left in it.
func (svc *Service) V1Delete(ctx context.Context, owner, id domain.ID) error {
	cur, err := svc.V1Get(ctx, owner, id)
	if err != nil {
		return err
	}
	if len(cur.Filter.Keywords) == 1 && len(cur.Filter.Statuses) == 0 {
		return svc.Store.DeleteFilter(ctx, owner, cur.Filter.ID)
	}
	return svc.Store.DeleteFilterKeyword(ctx, owner, id)
}
