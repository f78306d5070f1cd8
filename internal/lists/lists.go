// Package lists holds the rules for lists: titles, replies policies,
// exclusivity, how many lists an account may have and who may be in them.
package lists

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits on lists.
const (
	MaxTitleLen        = 100 // characters in a list's title
	MaxListsPerAccount = 50  // lists one account may own
	MaxAccountsPerCall = 250 // account_ids[] in one add or remove request
)

// Replies policies (which replies a list timeline shows).
const (
	RepliesFollowed = "followed" // replies to anyone the owner follows
	RepliesList     = "list"     // replies to members of the list
	RepliesNone     = "none"     // no replies to others
)

// Service applies the list rules.
type Service struct {
	Store *store.Store
}

// Changes are the editable attributes of a list; nil leaves one as it is.
type Changes struct {
	Title         *string
	RepliesPolicy *string
	Exclusive     *bool
}

func (c Changes) apply(l *store.List) error {
	if c.Title != nil {
		t := strings.TrimSpace(*c.Title)
		if t == "" {
			return domain.Invalid("Validation failed: Title can't be blank").Tr("err_title_blank")
		}
		if utf8.RuneCountInString(t) > MaxTitleLen {
			return domain.Invalid("Validation failed: Title is too long (maximum is %d characters)", MaxTitleLen).Tr("err_title_long", MaxTitleLen)
		}
		l.Title = t
	}
	if c.RepliesPolicy != nil {
		switch *c.RepliesPolicy {
		case RepliesFollowed, RepliesList, RepliesNone:
			l.RepliesPolicy = *c.RepliesPolicy
		default:
			return domain.Invalid("Validation failed: Replies policy must be followed, list or none").Tr("err_list_replies_policy")
		}
	}
	if c.Exclusive != nil {
		l.Exclusive = *c.Exclusive
	}
	return nil
}

// Create makes a new list for owner; a title is required.
func (svc *Service) Create(ctx context.Context, owner domain.ID, c Changes) (*store.List, error) {
	if c.Title == nil {
		return nil, domain.Invalid("Validation failed: Title can't be blank").Tr("err_title_blank")
	}
	l := &store.List{AccountID: owner, RepliesPolicy: RepliesList}
	if err := c.apply(l); err != nil {
		return nil, err
	}
	if err := svc.Store.CreateList(ctx, l, MaxListsPerAccount); err != nil {
		return nil, err
	}
	return l, nil
}

// Update changes owner's list.
func (svc *Service) Update(ctx context.Context, owner, id domain.ID, c Changes) (*store.List, error) {
	l, err := svc.Store.List(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if err := c.apply(l); err != nil {
		return nil, err
	}
	if err := svc.Store.UpdateList(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

// AddAccounts adds followed accounts to owner's list.
func (svc *Service) AddAccounts(ctx context.Context, owner, id domain.ID, accountIDs []domain.ID) error {
	if err := checkIDs(accountIDs); err != nil {
		return err
	}
	return svc.Store.AddListMembers(ctx, owner, id, accountIDs)
}

// RemoveAccounts removes accounts from owner's list.
func (svc *Service) RemoveAccounts(ctx context.Context, owner, id domain.ID, accountIDs []domain.ID) error {
	if err := checkIDs(accountIDs); err != nil {
		return err
	}
	return svc.Store.RemoveListMembers(ctx, owner, id, accountIDs)
}

func checkIDs(ids []domain.ID) error {
	if len(ids) == 0 {
		return domain.Invalid("account_ids must name at least one account").Tr("err_list_no_accounts")
	}
	if len(ids) > MaxAccountsPerCall {
		return domain.Invalid("account_ids: at most %d accounts at a time", MaxAccountsPerCall).Tr("err_list_accounts_many", MaxAccountsPerCall)
	}
	return nil
}
