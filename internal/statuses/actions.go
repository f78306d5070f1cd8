package statuses

import (
	"context"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Favourite favourites a visible status (the boosted one for a boost) and
// returns its id.
func (s *Service) Favourite(ctx context.Context, viewer, id domain.ID) (domain.ID, error) {
	st, err := s.visibleOriginal(ctx, viewer, id)
	if err != nil {
		return 0, err
	}
	acct, err := s.Store.Account(ctx, viewer)
	if err != nil {
		return 0, err
	}
	d, err := s.DecideInteraction(ctx, acct, st, Favourite)
	if err != nil {
		return 0, err
	}
	if d == NeedsApproval {
		// Recorded as a request: favourited once the author approves it
		// (the Like sent to a remote author is named by the request's id).
		vs, err := s.Store.LoadViewerState(ctx, viewer, []domain.ID{st.ID}, nil)
		if err != nil || vs.Favourited[st.ID] {
			return st.ID, err
		}
		req := s.requestFor(acct, st, store.RequestFavourite)
		req.URI = activitypub.LikeID(s.actorURI(acct), req.ID)
		_, err = s.Store.CreateInteractionRequest(ctx, req)
		return st.ID, err
	}
	return st.ID, s.Store.Favourite(ctx, viewer, st)
}

// PendingInteraction reports whether viewer's kind of interaction with a
// status waits for its author's approval (what the web UI says after a
// reply, favourite or boost).
func (s *Service) PendingInteraction(ctx context.Context, viewer, status domain.ID, kind Interaction) (bool, error) {
	if kind == Reply {
		m, err := s.Store.ReplyRequests(ctx, []domain.ID{status})
		if err != nil {
			return false, err
		}
		r := m[status]
		return r != nil && r.Pending() && r.AccountID == viewer, nil
	}
	k := store.RequestFavourite
	if kind == Reblog {
		k = store.RequestReblog
	}
	r, err := s.Store.PendingInteraction(ctx, viewer, status, k)
	return r != nil, err
}

// Unfavourite removes a favourite, or withdraws one waiting for the
// author's approval.
func (s *Service) Unfavourite(ctx context.Context, viewer, id domain.ID) (domain.ID, error) {
	st, err := s.visibleOriginal(ctx, viewer, id)
	if err != nil {
		return 0, err
	}
	if err := s.withdraw(ctx, viewer, st, store.RequestFavourite); err != nil {
		return 0, err
	}
	return st.ID, s.Store.Unfavourite(ctx, viewer, st)
}

// withdraw takes back the viewer's pending request of kind on st, if any.
func (s *Service) withdraw(ctx context.Context, viewer domain.ID, st *domain.Status, kind string) error {
	req, err := s.Store.PendingInteraction(ctx, viewer, st.ID, kind)
	if err != nil || req == nil {
		return err
	}
	return s.Store.WithdrawInteraction(ctx, req, st.URI)
}

// Reblog boosts a visible status and returns the boost's id. Only public
// and unlisted statuses may be boosted, and one's own private ones (which
// stay private); boosting twice returns the first boost.
func (s *Service) Reblog(ctx context.Context, booster *domain.Account, prefs domain.Preferences, id domain.ID, visibility string) (domain.ID, error) {
	orig, err := s.visibleOriginal(ctx, booster.ID, id)
	if err != nil {
		return 0, err
	}
	switch {
	case orig.Visibility == domain.Direct,
		orig.Visibility == domain.Private && orig.AccountID != booster.ID:
		return 0, domain.Forbidden("This action is not allowed").Tr("err_not_allowed")
	case orig.Visibility == store.HeldVisibility: // only its author sees it; a boost would announce it
		return 0, domain.Invalid("This post is held for review by a moderator: it can be boosted once it is released").Tr("err_boost_held")
	}
	d, err := s.DecideInteraction(ctx, booster, orig, Reblog)
	if err != nil {
		return 0, err
	}
	if prev, err := s.Store.ReblogOf(ctx, booster.ID, orig.ID); err != nil || prev != 0 {
		return prev, err
	}
	vis := domain.Visibility(visibility)
	if vis == "" {
		vis = prefs.DefaultVisibility
	}
	if vis == "" || vis == domain.Direct {
		vis = domain.Public
	}
	if !domain.ValidVisibility(vis) {
		return 0, domain.Invalid("Validation failed: visibility must be public, unlisted or private").Tr("err_boost_visibility")
	}
	if orig.Visibility == domain.Private {
		vis = domain.Private
	}
	if d == NeedsApproval {
		// Recorded as a request: the boost is created, with the
		// request's id, once the author approves it. No boost id yet.
		req := s.requestFor(booster, orig, store.RequestReblog)
		req.Visibility = vis
		req.URI = s.Cfg.URL + "/users/" + booster.Username + "/statuses/" + req.ID.String() + "/activity"
		_, err := s.Store.CreateInteractionRequest(ctx, req)
		return 0, err
	}
	bid := s.Store.IDs.Next()
	boost := &domain.Status{
		ID: bid, AccountID: booster.ID, Local: true, Visibility: vis, ReblogOfID: orig.ID,
		URI:            s.Cfg.URL + "/users/" + booster.Username + "/statuses/" + bid.String() + "/activity",
		URL:            s.Cfg.URL + "/@" + booster.Username + "/" + bid.String(),
		ConversationID: orig.ConversationID, CreatedAt: s.Store.Now(),
	}
	return bid, s.Store.CreateReblog(ctx, boost, orig)
}

// Unreblog removes the viewer's boost of a status and returns the
// boosted status's id.
func (s *Service) Unreblog(ctx context.Context, viewer, id domain.ID) (domain.ID, error) {
	orig, err := s.visibleOriginal(ctx, viewer, id)
	if err != nil {
		return 0, err
	}
	if err := s.withdraw(ctx, viewer, orig, store.RequestReblog); err != nil {
		return 0, err
	}
	bid, err := s.Store.ReblogOf(ctx, viewer, orig.ID)
	if err != nil || bid == 0 {
		return orig.ID, err
	}
	boost, err := s.Store.Status(ctx, bid)
	if err != nil {
		return 0, err
	}
	return orig.ID, s.Store.DeleteStatus(ctx, boost)
}

// Bookmark adds or removes a bookmark on a visible status.
func (s *Service) Bookmark(ctx context.Context, viewer, id domain.ID, on bool) (domain.ID, error) {
	st, err := s.visibleOriginal(ctx, viewer, id)
	if err != nil {
		return 0, err
	}
	return st.ID, s.Store.SetBookmark(ctx, viewer, st.ID, on)
}

// Pin pins or unpins one's own public, unlisted or private status.
func (s *Service) Pin(ctx context.Context, viewer, id domain.ID, on bool) (domain.ID, error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return 0, err
	}
	if !on {
		return st.ID, s.Store.Unpin(ctx, viewer, st.ID)
	}
	switch {
	case st.ReblogOfID != 0:
		return 0, domain.Invalid("Validation failed: A boost cannot be pinned").Tr("err_pin_boost")
	case st.AccountID != viewer:
		return 0, domain.Invalid("Validation failed: Someone else's post cannot be pinned").Tr("err_pin_other")
	case st.Visibility == domain.Direct:
		return 0, domain.Invalid("Validation failed: A direct post cannot be pinned").Tr("err_pin_direct")
	}
	return st.ID, s.Store.Pin(ctx, viewer, st.ID, MaxPins)
}

// MuteConversation stops (or resumes) notifications from a status's thread.
func (s *Service) MuteConversation(ctx context.Context, viewer, id domain.ID, on bool) (domain.ID, error) {
	st, err := s.visibleOriginal(ctx, viewer, id)
	if err != nil {
		return 0, err
	}
	return st.ID, s.Store.SetConversationMute(ctx, viewer, st.ConversationID, on)
}

// Vote records the viewer's choices in a visible poll (poll ids are their
// status's id).
func (s *Service) Vote(ctx context.Context, viewer, pollID domain.ID, choices []int) error {
	st, err := s.visibleStatus(ctx, viewer, pollID)
	if err != nil {
		return err
	}
	polls, _, err := s.Store.Polls(ctx, viewer, []domain.ID{st.ID})
	if err != nil {
		return err
	}
	p := polls[st.ID]
	if p == nil {
		return domain.NotFound()
	}
	if !p.ExpiresAt.After(s.Store.Now()) {
		return domain.Invalid("Validation failed: The poll has already ended").Tr("err_poll_ended")
	}
	if len(choices) == 0 {
		return domain.Invalid("Validation failed: choices can't be blank").Tr("err_poll_no_choices")
	}
	if len(choices) > 1 && !p.Multiple {
		return domain.Invalid("Validation failed: This poll allows a single choice").Tr("err_poll_single")
	}
	seen := map[int]bool{}
	for _, c := range choices {
		if c < 0 || c >= len(p.Options) {
			return domain.Invalid("Validation failed: choice %d is not an option of this poll", c).Tr("err_poll_choice_unknown", c)
		}
		if seen[c] {
			return domain.Invalid("Validation failed: choice %d given twice", c).Tr("err_poll_choice_twice", c)
		}
		seen[c] = true
	}
	return s.Store.Vote(ctx, viewer, st.ID, choices)
}

// Poll returns a visible status's poll id, or not found.
func (s *Service) Poll(ctx context.Context, viewer, pollID domain.ID) (domain.ID, error) {
	st, err := s.visibleStatus(ctx, viewer, pollID)
	if err != nil {
		return 0, err
	}
	polls, _, err := s.Store.Polls(ctx, 0, []domain.ID{st.ID})
	if err != nil {
		return 0, err
	}
	if polls[st.ID] == nil {
		return 0, domain.NotFound()
	}
	return st.ID, nil
}

// NotifyExpiredPolls sends "poll" notifications for polls that ended. The
// lead wires it into a periodic job.
func (s *Service) NotifyExpiredPolls(ctx context.Context) (int, error) {
	return s.Store.NotifyExpiredPolls(ctx)
}

// Expired reports whether a poll has ended at now.
func Expired(p *store.Poll, now time.Time) bool { return !p.ExpiresAt.After(now) }
