package moderation

import (
	"context"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Rule limits.
const (
	MaxRuleTextLen = 1000
	MaxRuleHintLen = 1000
	MaxRules       = 100
)

func requireAdmin(u *domain.User) error {
	if u == nil || u.Role != domain.RoleAdmin {
		return domain.Forbidden("This action is not allowed")
	}
	return nil
}

func checkRule(text, hint string) (string, string, error) {
	text, hint = strings.TrimSpace(text), strings.TrimSpace(hint)
	if text == "" || runeLen(text) > MaxRuleTextLen {
		return "", "", domain.Invalid("text: between 1 and %d characters", MaxRuleTextLen)
	}
	if runeLen(hint) > MaxRuleHintLen {
		return "", "", domain.Invalid("hint: at most %d characters", MaxRuleHintLen)
	}
	return text, hint, nil
}

// SaveRule creates (id 0) or updates a server rule (admins only). Each
// change is kept in the audit log, which is the rules' version history.
func (s *Service) SaveRule(ctx context.Context, u *domain.User, id domain.ID, text, hint string) (store.Rule, error) {
	if err := requireAdmin(u); err != nil {
		return store.Rule{}, err
	}
	text, hint, err := checkRule(text, hint)
	if err != nil {
		return store.Rule{}, err
	}
	if id == 0 {
		rules, err := s.Store.Rules(ctx)
		if err != nil {
			return store.Rule{}, err
		}
		if len(rules) >= MaxRules {
			return store.Rule{}, domain.Invalid("At most %d rules", MaxRules)
		}
		r, err := s.Store.AddRule(ctx, text, hint)
		if err != nil {
			return r, err
		}
		return r, s.audit(ctx, s.Store.DB.W, u.AccountID, "rule.create", "rule", r.ID, text)
	}
	if err := s.Store.UpdateRule(ctx, id, text, hint); err != nil {
		return store.Rule{}, err
	}
	return store.Rule{ID: id, Text: text, Hint: hint}, s.audit(ctx, s.Store.DB.W, u.AccountID, "rule.update", "rule", id, text)
}

// DeleteRule removes a rule (admins only); decisions keep citing its id.
func (s *Service) DeleteRule(ctx context.Context, u *domain.User, id domain.ID) error {
	if err := requireAdmin(u); err != nil {
		return err
	}
	if err := s.Store.DeleteRule(ctx, id); err != nil {
		return err
	}
	return s.audit(ctx, s.Store.DB.W, u.AccountID, "rule.delete", "rule", id, "")
}

// MoveRule moves a rule one place "up" or "down" in the order the rules
// are shown (instance API, sign-up, about page, decisions) (admins only),
// audited like the other changes.
func (s *Service) MoveRule(ctx context.Context, u *domain.User, id domain.ID, dir string) error {
	if err := requireAdmin(u); err != nil {
		return err
	}
	by := map[string]int{"up": -1, "down": 1}[dir]
	if by == 0 {
		return domain.Invalid("move: up or down")
	}
	if err := s.Store.MoveRule(ctx, id, by); err != nil {
		return err
	}
	return s.audit(ctx, s.Store.DB.W, u.AccountID, "rule.move", "rule", id, dir)
}
