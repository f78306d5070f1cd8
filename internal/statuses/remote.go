package statuses

import (
	"context"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// MaxRemoteMedia is how many attachments of a remote status are kept.
const MaxRemoteMedia = 8

// RemoteStatus is a status received over federation, already parsed,
// sanitized and with its references resolved by the federation package.
type RemoteStatus struct {
	Author      *domain.Account
	URI, URL    string
	Content     string // sanitized HTML
	SpoilerText string // plain text
	Sensitive   bool
	Visibility  domain.Visibility
	Language    string
	InReplyTo   *domain.Status // the known parent, or nil
	Mentions    []domain.ID    // mentioned accounts (local or known remote)
	Tags        []string
	Poll        *store.Poll
	Media       []*store.Media // remote references: type, content type, remote_url, description, blurhash
	Published   time.Time
	// InteractionPolicy is the note's interactionPolicy mapped to the
	// API's values (actor URIs kept as they are); nil when it has none.
	InteractionPolicy *store.InteractionPolicy
	// QuotePolicy is the note's canQuote as stored in statuses.quote_policy
	// (federation/quotes.go); empty when nobody but the author may quote.
	QuotePolicy string
}

// rules applies to a remote status what applies to a local one: a reply
// to a narrow status stays as narrow, mentions of accounts that block the
// author (or that it blocks) are dropped so that the blocked author cannot
// reach them, and limits on mentions and tags hold.
func (s *Service) remoteRules(ctx context.Context, in *RemoteStatus) (*domain.Status, error) {
	if !domain.ValidVisibility(in.Visibility) {
		return nil, domain.Invalid("unknown visibility %q", in.Visibility)
	}
	st := &domain.Status{
		AccountID: in.Author.ID, URI: in.URI, URL: in.URL, Local: false,
		Content: in.Content, SpoilerText: in.SpoilerText, Sensitive: in.Sensitive || in.SpoilerText != "",
		Visibility: in.Visibility, Language: in.Language, QuotePolicy: in.QuotePolicy,
	}
	if len(in.Tags) > MaxTags {
		in.Tags = in.Tags[:MaxTags]
	}
	st.Tags = in.Tags
	seen := map[domain.ID]bool{}
	for _, id := range in.Mentions {
		if seen[id] || id == in.Author.ID || len(st.MentionedAccountIDs) >= MaxMentions {
			continue
		}
		seen[id] = true
		blocked, err := s.Store.BlockedEither(ctx, in.Author.ID, id)
		if err != nil {
			return nil, err
		}
		if !blocked {
			st.MentionedAccountIDs = append(st.MentionedAccountIDs, id)
		}
	}
	if p := in.InReplyTo; p != nil {
		st.InReplyToID, st.InReplyToAccountID = p.ID, p.AccountID
		if visibilityRank(p.Visibility) >= visibilityRank(domain.Private) && visibilityRank(st.Visibility) < visibilityRank(p.Visibility) {
			st.Visibility = p.Visibility
		}
	}
	return st, nil
}

// CreateRemote stores a remote status and returns its id (the stored one's
// when its uri is already known). Its id comes from its publication date,
// bounded by now, so that fetched old posts do not appear as new.
func (s *Service) CreateRemote(ctx context.Context, in RemoteStatus) (domain.ID, error) {
	p, err := s.prepareRemote(ctx, &in, nil)
	if err != nil || p.known != 0 {
		return p.known, err
	}
	created, err := s.Store.CreateRemoteStatus(ctx, p.w.Status, p.w.Poll, p.w.Media, p.w.NotifyFollowers)
	if err != nil {
		return 0, err
	}
	return s.finishRemote(ctx, p, created)
}

// preparedRemote is a remote status admitted and ready to store.
type preparedRemote struct {
	in    *RemoteStatus
	known domain.ID // the stored status with the same uri: nothing to store
	w     *store.RemoteStatusWrite
	after func(context.Context, domain.ID) error
	err   error // CreateRemoteBatch: storing it alone failed
}

// prepareRemote applies to in everything that comes before storing it:
// the duplicate check (in known when not nil), admitRemote, remoteRules, its id and whether its
// author's followers are notified.
func (s *Service) prepareRemote(ctx context.Context, in *RemoteStatus, known map[string]domain.ID) (*preparedRemote, error) {
	p := &preparedRemote{in: in}
	if known != nil { // looked up for a batch (CreateRemoteBatch)
		if id, ok := known[in.URI]; ok && in.URI != "" {
			p.known = id
			return p, nil
		}
	} else if prev, err := s.Store.StatusByURI(ctx, in.URI); err == nil {
		p.known = prev.ID
		return p, nil
	} else if domain.KindOf(err) != domain.KindNotFound {
		return p, err
	}
	after, err := s.admitRemote(ctx, in)
	if err != nil {
		return p, err
	}
	p.after = after
	st, err := s.remoteRules(ctx, in)
	if err != nil {
		return p, err
	}
	now := s.Store.Now()
	published := in.Published
	if published.IsZero() || published.After(now) {
		published = now
	}
	st.ID = s.Store.IDs.At(published)
	if published.Equal(now) {
		st.ID = s.Store.IDs.Next()
	}
	st.CreatedAt = published
	st.ConversationID = st.ID
	if in.InReplyTo != nil {
		st.ConversationID = in.InReplyTo.ConversationID
	}
	notify := st.Visibility != domain.Direct && (st.InReplyToID == 0 || st.InReplyToAccountID == st.AccountID)
	if len(in.Media) > MaxRemoteMedia {
		in.Media = in.Media[:MaxRemoteMedia]
	}
	p.w = &store.RemoteStatusWrite{Status: st, Poll: in.Poll, Media: in.Media, NotifyFollowers: notify}
	return p, nil
}

// finishRemote does what follows the store: the stored status's id when
// another worker stored the uri meanwhile, else the interaction policy and
// admitRemote's after.
func (s *Service) finishRemote(ctx context.Context, p *preparedRemote, created bool) (domain.ID, error) {
	if !created { // stored meanwhile by another worker
		prev, err := s.Store.StatusByURI(ctx, p.in.URI)
		if err != nil {
			return 0, err
		}
		return prev.ID, nil
	}
	id := p.w.Status.ID
	if p.in.InteractionPolicy != nil {
		if err := s.Store.SetStatusInteractionPolicy(ctx, id, p.in.InteractionPolicy); err != nil {
			return 0, err
		}
	}
	if p.after != nil {
		if err := p.after(ctx, id); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// EditRemote applies a remote Update of prev (which the caller checked
// belongs to the updating actor): the previous version goes to the
// history, as for a local edit, and newly mentioned accounts are notified.
func (s *Service) EditRemote(ctx context.Context, prev *domain.Status, in RemoteStatus, editedAt time.Time) error {
	if prev.AccountID != in.Author.ID || prev.ReblogOfID != 0 {
		return domain.Forbidden("only the author may edit a status")
	}
	st, err := s.remoteRules(ctx, &in)
	if err != nil {
		return err
	}
	now := s.Store.Now()
	if editedAt.IsZero() || editedAt.After(now) {
		editedAt = now
	}
	if prev.EditedAt != nil && !editedAt.After(*prev.EditedAt) {
		return nil // an older or repeated Update
	}
	next := *prev
	next.Content, next.SpoilerText, next.Sensitive, next.EditedAt = st.Content, st.SpoilerText, st.Sensitive, &editedAt
	if st.Language != "" {
		next.Language = st.Language
	}
	next.MentionedAccountIDs, next.Tags = st.MentionedAccountIDs, st.Tags
	polls, _, err := s.Store.Polls(ctx, 0, []domain.ID{prev.ID})
	if err != nil {
		return err
	}
	prevPoll := polls[prev.ID]
	changed := pollChanged(prevPoll, in.Poll)
	nextPoll := in.Poll
	if !changed && prevPoll != nil {
		nextPoll = prevPoll
	}
	old, err := s.Store.MentionsOf(ctx, []domain.ID{prev.ID})
	if err != nil {
		return err
	}
	had := map[domain.ID]bool{}
	for _, a := range old[prev.ID] {
		had[a] = true
	}
	var added []domain.ID
	for _, a := range st.MentionedAccountIDs {
		if !had[a] {
			added = append(added, a)
		}
	}
	return s.Store.UpdateStatus(ctx, prev, &next, prevPoll, nextPoll, changed, added, nil, in.InteractionPolicy)
}

// DeleteRemote deletes a remote status (or boost) on its author's request.
func (s *Service) DeleteRemote(ctx context.Context, actor domain.ID, st *domain.Status) error {
	if st.AccountID != actor {
		return domain.Forbidden("only the author may delete a status")
	}
	return s.Store.DeleteStatus(ctx, st)
}
