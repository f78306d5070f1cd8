// Package relays is the administration of the ActivityPub relays the
// server subscribes to (docs/administration.md, "Relays"): adding one by
// its inbox URL, enabling it (a Follow of the public collection from the
// instance actor), disabling it (the Undo of that Follow) and removing
// it. Every change is audited; the delivery of the Follow or Undo is a job
// enqueued in the same transaction (store.RelayFederator). The web page,
// the agora API and the agora admin command share these rules.
package relays

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits.
const (
	MaxInboxURLLen = 2048
	MaxRelays      = 100
)

// Service applies the rules.
type Service struct {
	Store *store.Store
	// BaseURL is the server's public URL: the ids of its Follows.
	BaseURL string
}

// Operator is the acting user of the agora admin command: an admin with
// no account (audited as the operator).
func Operator() *domain.User { return &domain.User{Role: domain.RoleAdmin} }

func requireAdmin(u *domain.User) error {
	if u == nil || u.Role != domain.RoleAdmin {
		return domain.Forbidden("This action is not allowed")
	}
	return nil
}

func (s *Service) audit(ctx context.Context, tx *sql.Tx, u *domain.User, action string, r *store.Relay) error {
	return s.Store.InsertAudit(ctx, tx, &store.AuditEntry{AccountID: u.AccountID, Action: action, TargetType: "relay",
		TargetID: r.ID, Detail: r.InboxURL})
}

// NormalizeInbox checks a relay's inbox URL: an absolute http(s) URL with
// a host, without credentials or fragment.
func NormalizeInbox(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxInboxURLLen {
		return "", domain.Invalid("inbox_url: an http(s) URL of at most %d characters", MaxInboxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return "", domain.Invalid("inbox_url: an http(s) URL of the relay's inbox, such as https://relay.example/inbox")
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// List returns the relays (admins only).
func (s *Service) List(ctx context.Context, u *domain.User) ([]*store.Relay, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.Relays(ctx)
}

// Get returns one relay (admins only).
func (s *Service) Get(ctx context.Context, u *domain.User, id domain.ID) (*store.Relay, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.Relay(ctx, id)
}

// ByInbox returns the relay of an inbox URL (admins only).
func (s *Service) ByInbox(ctx context.Context, u *domain.User, raw string) (*store.Relay, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	inbox, err := NormalizeInbox(raw)
	if err != nil {
		return nil, err
	}
	return s.Store.RelayByInbox(ctx, inbox)
}

// Add adds a relay, idle (admins only); enable subscribes at once.
func (s *Service) Add(ctx context.Context, u *domain.User, raw string, enable bool) (*store.Relay, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	inbox, err := NormalizeInbox(raw)
	if err != nil {
		return nil, err
	}
	if all, err := s.Store.Relays(ctx); err != nil {
		return nil, err
	} else if len(all) >= MaxRelays {
		return nil, domain.Invalid("at most %d relays", MaxRelays)
	}
	r, err := s.Store.AddRelay(ctx, inbox, func(tx *sql.Tx, r *store.Relay) error {
		return s.audit(ctx, tx, u, "relay.create", r)
	})
	if err != nil || !enable {
		return r, err
	}
	return s.SetEnabled(ctx, u, r.ID, true)
}

// SetEnabled subscribes to a relay (sending the Follow) or unsubscribes
// (sending the Undo) (admins only).
func (s *Service) SetEnabled(ctx context.Context, u *domain.User, id domain.ID, enable bool) (*store.Relay, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	action, followID := "relay.disable", ""
	if enable {
		action = "relay.enable"
		followID = fmt.Sprintf("%s/actor#relays/%s/follows/%d", s.BaseURL, id, s.Store.IDs.Next())
	}
	return s.Store.SetRelayEnabled(ctx, id, enable, followID, func(tx *sql.Tx, r *store.Relay) error {
		return s.audit(ctx, tx, u, action, r)
	})
}

// Remove removes a relay, unsubscribing first when enabled (admins only).
func (s *Service) Remove(ctx context.Context, u *domain.User, id domain.ID) (*store.Relay, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.DeleteRelay(ctx, id, func(tx *sql.Tx, r *store.Relay) error {
		return s.audit(ctx, tx, u, "relay.destroy", r)
	})
}
