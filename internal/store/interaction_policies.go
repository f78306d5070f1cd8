package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Values of an interaction policy, as GoToSocial's: who, relative to the
// status's author, may interact. Anything else in a stored policy is an
// actor URI (remote policies name accounts).
const (
	PolicyPublic    = "public"    // anyone
	PolicyFollowers = "followers" // accounts following the author
	PolicyFollowing = "following" // accounts the author follows
	PolicyMentioned = "mentioned" // accounts the status mentions
	PolicyAuthor    = "author"    // the author
	PolicyMe        = "me"        // in requests: the requesting account, that is the author
)

// PolicyRule says who may do one kind of interaction: automatically, or
// after the author's approval.
type PolicyRule struct {
	AutomaticApproval []string `json:"automatic_approval"`
	ManualApproval    []string `json:"manual_approval"`
}

// InteractionPolicy is GoToSocial's interaction_policy of a status, in
// the API's shape (also how it is stored).
type InteractionPolicy struct {
	CanFavourite PolicyRule `json:"can_favourite"`
	CanReply     PolicyRule `json:"can_reply"`
	CanReblog    PolicyRule `json:"can_reblog"`
}

// StatusInteractionPolicies loads the stored policies of statuses; a status
// without one follows its visibility's default.
func (s *Store) StatusInteractionPolicies(ctx context.Context, ids []domain.ID) (map[domain.ID]*InteractionPolicy, error) {
	out := map[domain.ID]*InteractionPolicy{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT status_id, policy FROM status_interaction_policies
		WHERE status_id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load interaction policies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, err
		}
		p := &InteractionPolicy{}
		if err := json.Unmarshal([]byte(text), p); err != nil {
			return nil, fmt.Errorf("decode interaction policy of %d: %w", id, err)
		}
		out[domain.ID(id)] = p
	}
	return out, rows.Err()
}

// setStatusInteractionPolicy stores (or, with nil, removes) a status's
// policy in the caller's transaction.
func setStatusInteractionPolicy(ctx context.Context, q db.Querier, id domain.ID, p *InteractionPolicy) error {
	if p == nil {
		if _, err := q.ExecContext(ctx, `DELETE FROM status_interaction_policies WHERE status_id = $1`, int64(id)); err != nil {
			return fmt.Errorf("remove interaction policy: %w", err)
		}
		return nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO status_interaction_policies (status_id, policy) VALUES ($1, $2)
		ON CONFLICT (status_id) DO UPDATE SET policy = excluded.policy`, int64(id), string(b))
	if err != nil {
		return fmt.Errorf("store interaction policy: %w", err)
	}
	return nil
}

// InteractionPolicyDefaults loads an account's default policies for new
// posts, by visibility; visibilities it never set are absent.
func (s *Store) InteractionPolicyDefaults(ctx context.Context, account domain.ID) (map[domain.Visibility]*InteractionPolicy, error) {
	out := map[domain.Visibility]*InteractionPolicy{}
	var text string
	err := s.DB.R.QueryRowContext(ctx, `SELECT policies FROM account_interaction_policies WHERE account_id = $1`, int64(account)).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load interaction policy defaults: %w", err)
	}
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		return nil, fmt.Errorf("decode interaction policy defaults: %w", err)
	}
	return out, nil
}

// SetInteractionPolicyDefaults replaces an account's default policies
// (an empty map goes back to GoToSocial's defaults).
func (s *Store) SetInteractionPolicyDefaults(ctx context.Context, account domain.ID, m map[domain.Visibility]*InteractionPolicy) error {
	if len(m) == 0 {
		_, err := s.DB.W.ExecContext(ctx, `DELETE FROM account_interaction_policies WHERE account_id = $1`, int64(account))
		if err != nil {
			return fmt.Errorf("reset interaction policy defaults: %w", err)
		}
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO account_interaction_policies (account_id, policies, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (account_id) DO UPDATE SET policies = excluded.policies, updated_at = excluded.updated_at`,
		int64(account), string(b), s.nowMs())
	if err != nil {
		return fmt.Errorf("store interaction policy defaults: %w", err)
	}
	return nil
}

// SetStatusInteractionPolicy stores (nil: removes) a status's policy on
// its own; posting and editing store it in their transaction instead.
func (s *Store) SetStatusInteractionPolicy(ctx context.Context, id domain.ID, p *InteractionPolicy) error {
	return setStatusInteractionPolicy(ctx, s.DB.W, id, p)
}

// SetReplyHidden hides (or shows again) a reply in its thread; by is the
// thread's author, checked by the caller.
func (s *Store) SetReplyHidden(ctx context.Context, status, by domain.ID, hidden bool) error {
	var err error
	if hidden {
		_, err = s.DB.W.ExecContext(ctx, `INSERT INTO hidden_replies (status_id, hidden_by, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (status_id) DO NOTHING`, int64(status), int64(by), s.nowMs())
	} else {
		_, err = s.DB.W.ExecContext(ctx, `DELETE FROM hidden_replies WHERE status_id = $1`, int64(status))
	}
	if err != nil {
		return fmt.Errorf("hide reply: %w", err)
	}
	return nil
}

// HiddenReplies returns which of ids are hidden replies.
func (s *Store) HiddenReplies(ctx context.Context, ids []domain.ID) (IDSet, error) {
	out := IDSet{}
	if len(ids) == 0 {
		return out, nil
	}
	hidden, err := scanIDs(s.DB.R.QueryContext(ctx, `SELECT status_id FROM hidden_replies
		WHERE status_id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...))
	if err != nil {
		return nil, fmt.Errorf("load hidden replies: %w", err)
	}
	for _, id := range hidden {
		out[id] = true
	}
	return out, nil
}
