// Package graph holds the rules of the social graph: follows and follow
// requests, blocks, mutes, private notes and relationships. The Mastodon
// API, the web UI and federation all go through it.
package graph

import (
	"context"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits on graph requests (documented in docs/api.md).
const (
	MaxNoteLen         = 2000                 // characters in a private note
	MaxFollowLanguages = 50                   // languages[] on a follow
	MaxMuteDuration    = 10 * 365 * 24 * 3600 // seconds (ten years)
	MaxRelationshipIDs = 100                  // id[] on relationships
	MaxFamiliarIDs     = 40                   // id[] on familiar_followers
	FamiliarPerAccount = 40                   // familiar followers listed per account
	DefaultPageLimit   = 40                   // followers, following, blocks, mutes, requests
	MaxPageLimit       = 80                   // Mastodon's cap for these lists
	// MaxFollowing is Mastodon's follow limit: beyond it one may follow
	// more only while following fewer than FollowRatio times one's followers.
	MaxFollowing = 7500
)

// FollowRatio is the following/followers ratio allowed past MaxFollowing.
const FollowRatio = 1.1

var languageRE = regexp.MustCompile(`^[a-z]{2,3}$`)

// Service is the social graph service.
type Service struct {
	Store *store.Store
}

// New returns the service over st.
func New(st *store.Store) *Service { return &Service{Store: st} }

// FollowOptions are a follow's options; nil fields keep the current value.
type FollowOptions = store.FollowOptions

// ValidateLanguages checks a follow's languages (ISO 639 codes).
func ValidateLanguages(langs []string) error {
	if len(langs) > MaxFollowLanguages {
		return domain.Invalid("languages: at most %d", MaxFollowLanguages)
	}
	for _, l := range langs {
		if !languageRE.MatchString(l) {
			return domain.Invalid("languages: %q is not an ISO 639 language code", l)
		}
	}
	return nil
}

// target loads the account an action is about; actions on oneself are
// refused with msg.
func (s *Service) target(ctx context.Context, viewer, id domain.ID, self string) (*domain.Account, error) {
	if id == viewer {
		return nil, domain.Invalid("%s", self)
	}
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.SuspendedAt != nil {
		return nil, domain.NotFound()
	}
	return a, nil
}

// relationship is the viewer's relationship to one account after an action.
func (s *Service) relationship(ctx context.Context, viewer, id domain.ID) (*domain.Relationship, error) {
	rs, err := s.Store.Relationships(ctx, viewer, []domain.ID{id})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// Follow makes viewer follow id. A locked or remote account gets a follow
// request instead (a remote one answers with Accept over federation);
// following again updates the options. Blocks either way forbid it.
func (s *Service) Follow(ctx context.Context, viewer, id domain.ID, o FollowOptions) (*domain.Relationship, error) {
	if o.Languages != nil {
		if err := ValidateLanguages(*o.Languages); err != nil {
			return nil, err
		}
	}
	t, err := s.target(ctx, viewer, id, "You cannot follow yourself")
	if err != nil {
		return nil, err
	}
	blocked, err := s.Store.BlockedEither(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if blocked {
		return nil, domain.Forbidden("This action is not allowed")
	}
	following, err := s.Store.IsFollowing(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if !following {
		me, err := s.Store.Account(ctx, viewer)
		if err != nil {
			return nil, err
		}
		if me.FollowingCount >= MaxFollowing && float64(me.FollowingCount) >= FollowRatio*float64(me.FollowersCount) {
			return nil, domain.Invalid("You can't follow more than %d people unless more people follow you", MaxFollowing)
		}
	}
	if following || (t.Local() && !t.Locked) {
		_, err = s.Store.Follow(ctx, viewer, id, o)
	} else {
		_, err = s.Store.RequestFollow(ctx, viewer, id, o)
	}
	if err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, id)
}

// Unfollow ends viewer's follow of id or withdraws a pending request.
func (s *Service) Unfollow(ctx context.Context, viewer, id domain.ID) (*domain.Relationship, error) {
	if _, err := s.target(ctx, viewer, id, "You cannot unfollow yourself"); err != nil {
		return nil, err
	}
	if err := s.Store.Unfollow(ctx, viewer, id); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, id)
}

// RemoveFromFollowers makes id stop following viewer.
func (s *Service) RemoveFromFollowers(ctx context.Context, viewer, id domain.ID) (*domain.Relationship, error) {
	if _, err := s.target(ctx, viewer, id, "You cannot remove yourself from your followers"); err != nil {
		return nil, err
	}
	if err := s.Store.RemoveFromFollowers(ctx, viewer, id); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, id)
}

// Block makes viewer block id, ending follows and requests both ways.
func (s *Service) Block(ctx context.Context, viewer, id domain.ID) (*domain.Relationship, error) {
	if _, err := s.target(ctx, viewer, id, "You cannot block yourself"); err != nil {
		return nil, err
	}
	if err := s.Store.Block(ctx, viewer, id); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, id)
}

// Unblock removes viewer's block of id.
func (s *Service) Unblock(ctx context.Context, viewer, id domain.ID) (*domain.Relationship, error) {
	if _, err := s.target(ctx, viewer, id, "You cannot unblock yourself"); err != nil {
		return nil, err
	}
	if err := s.Store.Unblock(ctx, viewer, id); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, id)
}

// Mute makes viewer mute id for duration (0 for ever); hideNotifications
// also hides id's notifications.
func (s *Service) Mute(ctx context.Context, viewer, id domain.ID, hideNotifications bool, duration time.Duration) (*domain.Relationship, error) {
	if duration < 0 || duration > MaxMuteDuration*time.Second {
		return nil, domain.Invalid("duration: give seconds from 0 (for ever) to %d", MaxMuteDuration)
	}
	if _, err := s.target(ctx, viewer, id, "You cannot mute yourself"); err != nil {
		return nil, err
	}
	var expires *time.Time
	if duration > 0 {
		t := s.Store.Now().Add(duration)
		expires = &t
	}
	if err := s.Store.Mute(ctx, viewer, id, hideNotifications, expires); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, id)
}

// Unmute removes viewer's mute of id.
func (s *Service) Unmute(ctx context.Context, viewer, id domain.ID) (*domain.Relationship, error) {
	if _, err := s.target(ctx, viewer, id, "You cannot unmute yourself"); err != nil {
		return nil, err
	}
	if err := s.Store.Unmute(ctx, viewer, id); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, id)
}

// SetNote saves viewer's private note about id; empty deletes it.
func (s *Service) SetNote(ctx context.Context, viewer, id domain.ID, comment string) (*domain.Relationship, error) {
	if utf8.RuneCountInString(comment) > MaxNoteLen {
		return nil, domain.Invalid("comment: at most %d characters", MaxNoteLen)
	}
	// A note about oneself is allowed, as in Mastodon.
	if _, err := s.Store.Account(ctx, id); err != nil {
		return nil, err
	}
	if err := s.Store.SetAccountNote(ctx, viewer, id, comment); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, id)
}

// Authorize accepts requester's pending follow request to viewer.
func (s *Service) Authorize(ctx context.Context, viewer, requester domain.ID) (*domain.Relationship, error) {
	if err := s.Store.AcceptFollowRequest(ctx, requester, viewer); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, requester)
}

// Reject refuses requester's pending follow request to viewer.
func (s *Service) Reject(ctx context.Context, viewer, requester domain.ID) (*domain.Relationship, error) {
	if err := s.Store.RejectFollowRequest(ctx, requester, viewer); err != nil {
		return nil, err
	}
	return s.relationship(ctx, viewer, requester)
}

// Relationships returns viewer's relationships to the existing accounts
// among ids, in the order of ids, without duplicates.
func (s *Service) Relationships(ctx context.Context, viewer domain.ID, ids []domain.ID) ([]*domain.Relationship, error) {
	if len(ids) > MaxRelationshipIDs {
		return nil, domain.Invalid("id: at most %d ids", MaxRelationshipIDs)
	}
	accts, err := s.Store.Accounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	var found []domain.ID
	for _, id := range ids {
		if accts[id] != nil && !slices.Contains(found, id) {
			found = append(found, id)
		}
	}
	return s.Store.Relationships(ctx, viewer, found)
}

// canSeeCollections says whether viewer may list id's followers and
// follows: not when id blocks viewer, nor when id hides them from others.
func (s *Service) canSeeCollections(ctx context.Context, viewer domain.ID, a *domain.Account) (bool, error) {
	if viewer == a.ID {
		return true, nil
	}
	if a.HideCollections || a.SuspendedAt != nil {
		return false, nil
	}
	if viewer == 0 {
		return true, nil
	}
	blocked, err := s.Store.BlockedEither(ctx, viewer, a.ID)
	return !blocked, err
}

// AccountPage is one page of an account list. Newest and Oldest are the
// row ids bounding the page before hidden accounts were dropped, for the
// Link header; both are 0 on an empty page.
type AccountPage struct {
	Accounts       []*domain.Account
	Newest, Oldest domain.ID
}

// Followers pages id's followers as viewer (0 when anonymous) may see them.
func (s *Service) Followers(ctx context.Context, viewer, id domain.ID, p domain.Page) (*AccountPage, error) {
	return s.collection(ctx, viewer, id, p, s.Store.Followers)
}

// Following pages the accounts id follows, as viewer may see them.
func (s *Service) Following(ctx context.Context, viewer, id domain.ID, p domain.Page) (*AccountPage, error) {
	return s.collection(ctx, viewer, id, p, s.Store.Following)
}

func (s *Service) collection(ctx context.Context, viewer, id domain.ID, p domain.Page,
	list func(context.Context, domain.ID, domain.Page) ([]store.Follow, error)) (*AccountPage, error) {
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.canSeeCollections(ctx, viewer, a)
	if err != nil || !ok {
		return &AccountPage{Accounts: []*domain.Account{}}, err
	}
	rows, err := list(ctx, id, p)
	if err != nil {
		return nil, err
	}
	return s.visible(ctx, viewer, rows)
}

// visible drops suspended accounts, and accounts that block the viewer or
// that the viewer blocks, as Mastodon does.
func (s *Service) visible(ctx context.Context, viewer domain.ID, rows []store.Follow) (*AccountPage, error) {
	page := &AccountPage{Accounts: make([]*domain.Account, 0, len(rows))}
	if len(rows) == 0 {
		return page, nil
	}
	page.Newest, page.Oldest = rows[0].ID, rows[len(rows)-1].ID
	ids := make([]domain.ID, len(rows))
	for i, r := range rows {
		ids[i] = r.Account.ID
	}
	blocked, err := s.Store.BlockedAmong(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if !blocked[r.Account.ID] && r.Account.SuspendedAt == nil {
			page.Accounts = append(page.Accounts, r.Account)
		}
	}
	return page, nil
}

// FollowRequests pages the requests pending for viewer.
func (s *Service) FollowRequests(ctx context.Context, viewer domain.ID, p domain.Page) (*AccountPage, error) {
	rows, err := s.Store.FollowRequests(ctx, viewer, p)
	if err != nil {
		return nil, err
	}
	return s.visible(ctx, 0, rows)
}

// Blocks pages the accounts viewer blocks.
func (s *Service) Blocks(ctx context.Context, viewer domain.ID, p domain.Page) (*AccountPage, error) {
	rows, err := s.Store.Blocks(ctx, viewer, p)
	if err != nil {
		return nil, err
	}
	return s.visible(ctx, 0, rows)
}

// FamiliarFollowers returns, for each of ids, the accounts following it
// that viewer follows.
func (s *Service) FamiliarFollowers(ctx context.Context, viewer domain.ID, ids []domain.ID) (map[domain.ID][]*domain.Account, error) {
	if len(ids) > MaxFamiliarIDs {
		return nil, domain.Invalid("id: at most %d ids", MaxFamiliarIDs)
	}
	fam, err := s.Store.FamiliarFollowers(ctx, viewer, ids, FamiliarPerAccount)
	if err != nil {
		return nil, err
	}
	// An account hiding its collections does not reveal its followers,
	// and nobody blocked either way is listed.
	accts, err := s.Store.Accounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	var listed []domain.ID
	for id, list := range fam {
		if a := accts[id]; a == nil || (a.HideCollections && id != viewer) {
			delete(fam, id)
			continue
		}
		for _, f := range list {
			listed = append(listed, f.ID)
		}
	}
	blocked, err := s.Store.BlockedAmong(ctx, viewer, listed)
	if err != nil {
		return nil, err
	}
	for id, list := range fam {
		fam[id] = slices.DeleteFunc(list, func(a *domain.Account) bool { return blocked[a.ID] })
	}
	return fam, nil
}

// Mutes pages the accounts viewer mutes (expired mutes excluded).
func (s *Service) Mutes(ctx context.Context, viewer domain.ID, p domain.Page) ([]store.Muted, error) {
	return s.Store.Mutes(ctx, viewer, p)
}
