package search

import (
	"context"
	"net/url"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// searchStatuses runs a full-text status search for viewer (signed in).
// Operator errors are "invalid"; an unknown from: account finds nothing.
func (svc *Service) searchStatuses(ctx context.Context, viewer domain.ID, q Query) ([]domain.ID, error) {
	p, err := parseQuery(q.Q)
	if err != nil {
		return nil, err
	}
	if !p.text() && p.From == "" && q.AccountID == 0 && p.Scope != "library" {
		// Operators alone over every public post would be a table scan
		// dressed as a search; Mastodon needs words too, except from:.
		if p.HasPoll == nil && p.IsReply == nil && p.IsSensitive == nil && p.Language == "" && p.Before.IsZero() && p.After.IsZero() && p.HasMedia == nil {
			return []domain.ID{}, nil
		}
	}
	s := store.StatusSearch{
		Viewer: viewer, Terms: p.Terms, Phrases: p.Phrases, Exclude: p.Exclude,
		HasPoll: p.HasPoll, HasMedia: p.HasMedia, IsReply: p.IsReply, IsSensitive: p.IsSensitive,
		Language: p.Language, Scope: p.Scope, Limit: q.Limit, Offset: q.Offset,
	}
	if !p.Before.IsZero() {
		s.Before = p.Before.UnixMilli()
	}
	if !p.After.IsZero() {
		s.After = p.After.UnixMilli()
	}
	if p.From != "" {
		if s.From, err = svc.fromAccount(ctx, viewer, p.From); err != nil || s.From == 0 {
			return []domain.ID{}, err
		}
	}
	if q.AccountID != 0 {
		if s.From != 0 && s.From != q.AccountID {
			return []domain.ID{}, nil
		}
		s.From = q.AccountID
	}
	return svc.Store.SearchStatuses(ctx, s)
}

// fromAccount resolves from:'s value: "me", a local username, or
// user@domain (this server's domain means local); 0 when unknown.
func (svc *Service) fromAccount(ctx context.Context, viewer domain.ID, v string) (domain.ID, error) {
	if v == "me" {
		return viewer, nil
	}
	user, host, _ := strings.Cut(v, "@")
	if strings.EqualFold(host, svc.host()) {
		host = ""
	}
	a, err := svc.Store.AccountByHandle(ctx, user, host)
	if domain.KindOf(err) == domain.KindNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return a.ID, nil
}

// host is this server's domain, as in handles.
func (svc *Service) host() string {
	u, err := url.Parse(svc.BaseURL)
	if err != nil {
		return ""
	}
	return u.Host
}
