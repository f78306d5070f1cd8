package statuses

import (
	"context"
	"maps"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Bundle is everything needed to render a page of statuses for one viewer,
// loaded in a fixed number of batched queries.
type Bundle struct {
	Order    []domain.ID                   // the requested ids the viewer may see, in order
	Statuses map[domain.ID]*domain.Status  // requested statuses and the ones they boost
	Accounts map[domain.ID]*domain.Account // authors and mentioned accounts
	Mentions map[domain.ID][]domain.ID     // by status
	Tags     map[domain.ID][]string        // by status
	Polls    map[domain.ID]*store.Poll     // by status
	Media    map[domain.ID][]*store.Media  // attachments by status, in order
	Cards    map[domain.ID]*store.Card     // link previews by status
	OwnVotes map[domain.ID][]int           // the viewer's choices, by status
	Viewer   *store.ViewerState            // the viewer's favourites, boosts, ...
	Apps     map[domain.ID]store.AppInfo   // by application id
	// Policies are the stored interaction policies, by status (see
	// PolicyFor for the others).
	Policies map[domain.ID]*store.InteractionPolicy
	// Held are the statuses held for review (only their author loads
	// them): the visibility each gets on release.
	Held map[domain.ID]domain.Visibility
	// Quotes are the quotes the loaded statuses make, by quoting status;
	// the quoted statuses the viewer may see are in Statuses.
	Quotes map[domain.ID]*store.Quote
	// Rel holds the viewer's blocks and follows of the loaded authors.
	Rel *store.Relations
	// missing are quoted statuses that are gone.
	missing map[domain.ID]bool
}

// QuotedStatus is the status st quotes, when it has an accepted quote
// of a status the viewer may see; else nil, with the state to show
// instead ("" when st quotes nothing): the stored state, or deleted,
// blocked_account, unauthorized.
func (b *Bundle) QuotedStatus(st *domain.Status) (*domain.Status, string) {
	q := b.Quotes[st.ID]
	if q == nil {
		return nil, ""
	}
	if q.State != store.QuoteAccepted {
		return nil, q.State
	}
	if b.Rel != nil && b.Rel.Blocked[q.QuotedAccountID] {
		return nil, "blocked_account"
	}
	quoted := b.Statuses[q.QuotedStatusID]
	if quoted == nil {
		if b.missing[q.QuotedStatusID] {
			return nil, "deleted"
		}
		return nil, "unauthorized"
	}
	return quoted, q.State
}

// PolicyFor is a loaded status's interaction policy: its stored one or
// the default of its visibility.
func (b *Bundle) PolicyFor(st *domain.Status) store.InteractionPolicy {
	p := DefaultPolicy(st.Visibility)
	if sp := b.Policies[st.ID]; sp != nil {
		p = *sp
	}
	for _, r := range []*store.PolicyRule{&p.CanFavourite, &p.CanReply, &p.CanReblog} {
		if r.AutomaticApproval == nil {
			r.AutomaticApproval = []string{}
		}
		if r.ManualApproval == nil {
			r.ManualApproval = []string{}
		}
	}
	return p
}

// Load loads ids for viewer (0 = anonymous), keeping only those the viewer
// may see. It runs about ten queries whatever the number of ids.
func (s *Service) Load(ctx context.Context, viewer domain.ID, ids []domain.ID) (*Bundle, error) {
	b := &Bundle{}
	var err error
	if b.Statuses, err = s.Store.Statuses(ctx, ids); err != nil {
		return nil, err
	}
	var origIDs []domain.ID
	for _, st := range b.Statuses {
		if st.ReblogOfID != 0 && b.Statuses[st.ReblogOfID] == nil {
			origIDs = append(origIDs, st.ReblogOfID)
		}
	}
	if len(origIDs) > 0 {
		origs, err := s.Store.Statuses(ctx, origIDs)
		if err != nil {
			return nil, err
		}
		for id, st := range origs {
			b.Statuses[id] = st
		}
	}
	if err := s.loadQuoted(ctx, b); err != nil {
		return nil, err
	}
	authors, all := uniqueAuthors(b.Statuses)
	rel, err := s.Store.ViewerRelations(ctx, viewer, authors, all)
	if err != nil {
		return nil, err
	}
	b.Rel = rel
	seen := map[domain.ID]bool{}
	for _, id := range ids {
		st := b.Statuses[id]
		if st == nil || seen[id] || !VisibleWithOriginal(st, b.Statuses[st.ReblogOfID], viewer, rel) {
			continue
		}
		seen[id] = true
		b.Order = append(b.Order, id)
	}
	// Only what is shown needs the rest.
	shown := map[domain.ID]*domain.Status{}
	for _, id := range b.Order {
		st := b.Statuses[id]
		shown[id] = st
		if st.ReblogOfID != 0 {
			shown[st.ReblogOfID] = b.Statuses[st.ReblogOfID]
		}
	}
	// A quoted status is shown inside its quote only to a viewer who may
	// see it on its own.
	for _, st := range maps.Clone(shown) {
		if q := b.Quotes[st.ID]; q != nil && q.State == store.QuoteAccepted {
			if quoted := b.Statuses[q.QuotedStatusID]; quoted != nil && Visible(quoted, viewer, rel) {
				shown[quoted.ID] = quoted
			}
		}
	}
	b.Statuses = shown
	accountIDs, statusIDs := uniqueAuthors(shown)
	var convs, apps []domain.ID
	for _, st := range shown {
		convs = append(convs, st.ConversationID)
		if st.ApplicationID != 0 {
			apps = append(apps, st.ApplicationID)
		}
	}
	if b.Mentions, err = s.Store.MentionsOf(ctx, statusIDs); err != nil {
		return nil, err
	}
	for _, ms := range b.Mentions {
		accountIDs = append(accountIDs, ms...)
	}
	if b.Cards, err = s.Store.CardsOf(ctx, statusIDs); err != nil {
		return nil, err
	}
	for _, c := range b.Cards { // the accounts the link previews credit
		if c.AuthorAccountID != 0 {
			accountIDs = append(accountIDs, c.AuthorAccountID)
		}
	}
	if b.Accounts, err = s.Store.Accounts(ctx, accountIDs); err != nil {
		return nil, err
	}
	if b.Tags, err = s.Store.TagsOf(ctx, statusIDs); err != nil {
		return nil, err
	}
	if b.Polls, b.OwnVotes, err = s.Store.Polls(ctx, viewer, statusIDs); err != nil {
		return nil, err
	}
	if b.Media, err = s.Store.MediaOf(ctx, statusIDs); err != nil {
		return nil, err
	}
	if b.Viewer, err = s.Store.LoadViewerState(ctx, viewer, statusIDs, convs); err != nil {
		return nil, err
	}
	if b.Apps, err = s.Store.Apps(ctx, apps); err != nil {
		return nil, err
	}
	if b.Policies, err = s.Store.StatusInteractionPolicies(ctx, statusIDs); err != nil {
		return nil, err
	}
	var held []domain.ID
	for _, st := range b.Statuses {
		if st.Visibility == store.HeldVisibility {
			held = append(held, st.ID)
		}
	}
	if len(held) > 0 { // rare: no query otherwise
		if b.Held, err = s.Store.HeldVisibilities(ctx, held); err != nil {
			return nil, err
		}
		reqs, err := s.Store.ReplyRequests(ctx, held)
		if err != nil {
			return nil, err
		}
		if b.Held == nil {
			b.Held = map[domain.ID]domain.Visibility{}
		}
		for id, r := range reqs { // replies waiting for approval: the visibility they will get
			if _, ok := b.Held[id]; !ok {
				b.Held[id] = r.Visibility
			}
		}
	}
	return b, nil
}

// loadQuoted loads the quotes of the statuses in b and the statuses
// they quote (not yet checked visible), noting those that are gone.
func (s *Service) loadQuoted(ctx context.Context, b *Bundle) error {
	ids := make([]domain.ID, 0, len(b.Statuses))
	for id := range b.Statuses {
		ids = append(ids, id)
	}
	var err error
	if b.Quotes, err = s.Store.QuotesOf(ctx, ids); err != nil {
		return err
	}
	var quoted []domain.ID
	for _, q := range b.Quotes {
		if q.State == store.QuoteAccepted && b.Statuses[q.QuotedStatusID] == nil {
			quoted = append(quoted, q.QuotedStatusID)
		}
	}
	if len(quoted) == 0 {
		return nil
	}
	got, err := s.Store.Statuses(ctx, quoted)
	if err != nil {
		return err
	}
	b.missing = map[domain.ID]bool{}
	for _, id := range quoted {
		if st := got[id]; st != nil {
			b.Statuses[id] = st
		} else {
			b.missing[id] = true
		}
	}
	return nil
}

func uniqueAuthors(m map[domain.ID]*domain.Status) (authors, ids []domain.ID) {
	seen := map[domain.ID]bool{}
	for id, st := range m {
		ids = append(ids, id)
		if !seen[st.AccountID] {
			seen[st.AccountID] = true
			authors = append(authors, st.AccountID)
		}
	}
	return authors, ids
}
