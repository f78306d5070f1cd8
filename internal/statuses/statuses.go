// Package statuses holds the rules of statuses: posting, editing, deleting,
// boosts, favourites, bookmarks, pins, conversation mutes, polls, and the
// visibility rule every reader goes through. The Mastodon API, the web UI
// and federation call it; SQL lives in the store.
package statuses

import (
	"context"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits on what a status may hold.
const (
	MaxMentions = 50 // distinct mentions resolved per status
	// MaxMentionLookups is how many mentions of remote accounts not known
	// here one post looks up on their servers (WebFinger, then the actor),
	// each within MentionLookupTimeout; the others stay text.
	MaxMentionLookups    = 5
	MentionLookupTimeout = 5 * time.Second
	MaxTags              = 30      // distinct hashtags per status
	MaxPollOptions       = 4       // options per poll
	MinPollOptions       = 2       // options per poll
	MaxPollOptionChars   = 50      // characters per option
	MinPollExpiry        = 300     // seconds
	MaxPollExpiry        = 2629746 // seconds (a month)
	MaxPins              = 5       // pinned statuses per account
	MaxIdempotencyKeyLen = 256     // bytes of an Idempotency-Key header
)

// Service applies the rules of statuses.
type Service struct {
	Cfg   *config.Config
	Store *store.Store
	// Abuse holds the new-account restrictions and the spam heuristics'
	// settings (abuse.go).
	Abuse config.Abuse
}

// New returns the service.
func New(cfg *config.Config, st *store.Store) *Service {
	return &Service{Cfg: cfg, Store: st, Abuse: cfg.Abuse}
}

// PollInput is a poll as a client sends it.
type PollInput struct {
	Options    []string
	ExpiresIn  int // seconds
	Multiple   bool
	HideTotals bool
}

// PostInput is a new status as a client sends it.
type PostInput struct {
	Text           string
	SpoilerText    string
	Sensitive      *bool // nil: the author's default
	Visibility     string
	Language       string
	InReplyToID    domain.ID
	Poll           *PollInput
	MediaIDs       []string
	ScheduledAt    *time.Time
	IdempotencyKey string
	ApplicationID  domain.ID
	// InteractionPolicy sets who may reply, boost and favourite (nil: the
	// author's default for the visibility).
	InteractionPolicy *PolicyInput
	// QuotedStatusID is the post this one quotes (0: none); QuotePolicy
	// says who may quote this one ("": the author's default).
	QuotedStatusID domain.ID
	QuotePolicy    string
}

// content is the validated, rendered form of text, spoiler and poll.
type content struct {
	html     string
	mentions []domain.ID
	tags     []string
	poll     *store.Poll
	media    []domain.ID // attachments, in order
}

// prepare validates and renders what posting and editing share. Media ids
// are checked for form here; whose they are is checked by checkMedia.
func (s *Service) prepare(ctx context.Context, text, spoiler string, poll *PollInput, media []string, lang string) (*content, error) {
	c := &content{}
	var err error
	if c.media, err = mediaIDs(media); err != nil {
		return nil, err
	}
	if len(c.media) > 0 && poll != nil {
		return nil, domain.Invalid("Validation failed: a post cannot have both a poll and media attachments").Tr("err_post_poll_media")
	}
	if strings.TrimSpace(text) == "" && poll == nil && len(c.media) == 0 {
		return nil, domain.Invalid("Validation failed: Text can't be blank").Tr("err_post_text_blank")
	}
	if n := countLength(spoiler) + countLength(text); n > s.Cfg.MaxStatusChars {
		return nil, domain.Invalid("Validation failed: Text character limit of %d exceeded", s.Cfg.MaxStatusChars).Tr("err_post_too_long", s.Cfg.MaxStatusChars)
	}
	if lang != "" && !ValidLanguage(lang) {
		return nil, domain.Invalid("Validation failed: Language %q is not an ISO 639-1 code", lang).Tr("err_post_language", lang)
	}
	if poll != nil {
		p, err := validatePoll(poll, s.Store.Now())
		if err != nil {
			return nil, err
		}
		c.poll = p
	}
	c.tags = tagsOf(text)
	if len(c.tags) > MaxTags {
		return nil, domain.Invalid("Validation failed: at most %d hashtags per post", MaxTags).Tr("err_post_tags", MaxTags)
	}
	mentions := mentionsOf(text)
	if len(mentions) > MaxMentions {
		return nil, domain.Invalid("Validation failed: at most %d mentions per post", MaxMentions).Tr("err_post_mentions", MaxMentions)
	}
	targets := map[string]mentionTarget{}
	seen := map[domain.ID]bool{}
	lookups := 0
	for _, m := range mentions {
		host := m[1]
		if strings.EqualFold(host, s.Cfg.Domain) {
			host = ""
		}
		acct, err := s.Store.AccountByHandle(ctx, m[0], host)
		if domain.KindOf(err) == domain.KindNotFound && host != "" && lookups < MaxMentionLookups {
			lookups++
			acct, err = s.lookupMention(ctx, m[0], host)
		}
		if domain.KindOf(err) == domain.KindNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		key := strings.ToLower(m[0])
		if m[1] != "" {
			key += "@" + m[1]
		}
		url := acct.URL
		if url == "" {
			url = acct.URI
		}
		targets[key] = mentionTarget{URL: url}
		if !seen[acct.ID] {
			seen[acct.ID] = true
			c.mentions = append(c.mentions, acct.ID)
		}
	}
	c.html = renderHTML(text, s.Cfg.URL, targets)
	return c, nil
}

// mediaIDs parses media_ids: at most store.MaxStatusMedia distinct ids.
func mediaIDs(in []string) ([]domain.ID, error) {
	if len(in) > store.MaxStatusMedia {
		return nil, domain.Invalid("Validation failed: at most %d media attachments per post", store.MaxStatusMedia).Tr("err_post_media_many", store.MaxStatusMedia)
	}
	out := make([]domain.ID, 0, len(in))
	seen := map[domain.ID]bool{}
	for _, v := range in {
		id, ok := domain.ParseID(strings.TrimSpace(v))
		if !ok {
			return nil, domain.Invalid("Validation failed: media_ids: %q is not an id", v)
		}
		if seen[id] {
			return nil, domain.Invalid("Validation failed: media_ids lists %s twice", v)
		}
		seen[id] = true
		out = append(out, id)
	}
	return out, nil
}

// checkMedia checks that author may attach ids to status (0 for a new
// one): the author's own uploads, not attached to another status.
func (s *Service) checkMedia(ctx context.Context, author, status domain.ID, ids []domain.ID) error {
	return s.Store.MediaAttachable(ctx, author, status, ids)
}

func validatePoll(in *PollInput, now time.Time) (*store.Poll, error) {
	if len(in.Options) < MinPollOptions || len(in.Options) > MaxPollOptions {
		return nil, domain.Invalid("Validation failed: a poll needs %d to %d options", MinPollOptions, MaxPollOptions).Tr("err_post_poll_options", MinPollOptions, MaxPollOptions)
	}
	seen := map[string]bool{}
	for _, o := range in.Options {
		o = strings.TrimSpace(o)
		if o == "" {
			return nil, domain.Invalid("Validation failed: poll options can't be blank").Tr("err_post_poll_blank")
		}
		if len([]rune(o)) > MaxPollOptionChars {
			return nil, domain.Invalid("Validation failed: poll options are at most %d characters", MaxPollOptionChars).Tr("err_post_poll_option_long", MaxPollOptionChars)
		}
		if seen[o] {
			return nil, domain.Invalid("Validation failed: poll options must be different").Tr("err_post_poll_duplicate")
		}
		seen[o] = true
	}
	if in.ExpiresIn < MinPollExpiry || in.ExpiresIn > MaxPollExpiry {
		return nil, domain.Invalid("Validation failed: poll expires_in must be from %d to %d seconds", MinPollExpiry, MaxPollExpiry).Tr("err_post_poll_expiry", MinPollExpiry, MaxPollExpiry)
	}
	opts := make([]string, len(in.Options))
	for i, o := range in.Options {
		opts[i] = strings.TrimSpace(o)
	}
	return &store.Poll{Options: opts, Multiple: in.Multiple, HideTotals: in.HideTotals,
		ExpiresAt: now.Add(time.Duration(in.ExpiresIn) * time.Second)}, nil
}

// visibilityRank orders visibilities from widest (0) to narrowest.
func visibilityRank(v domain.Visibility) int {
	switch v {
	case domain.Unlisted:
		return 1
	case domain.Private:
		return 2
	case domain.Direct:
		return 3
	}
	return 0
}

// Post creates a status and returns its id (the earlier status's id when
// the idempotency key was already used within the hour).
func (s *Service) Post(ctx context.Context, author *domain.Account, prefs domain.Preferences, in PostInput) (domain.ID, error) {
	if err := accounts.CanPost(author); err != nil {
		return 0, err
	}
	if in.ScheduledAt != nil {
		return 0, domain.Invalid("scheduled posts are not supported yet: post without scheduled_at")
	}
	if len(in.IdempotencyKey) > MaxIdempotencyKeyLen {
		return 0, domain.Invalid("Idempotency-Key is longer than %d bytes", MaxIdempotencyKeyLen)
	}
	vis := domain.Visibility(in.Visibility)
	if vis == "" {
		vis = prefs.DefaultVisibility
	}
	if vis == "" {
		vis = domain.Public
	}
	if !domain.ValidVisibility(vis) {
		return 0, domain.Invalid("Validation failed: visibility must be public, unlisted, private or direct").Tr("err_post_visibility")
	}
	lang := strings.ToLower(strings.TrimSpace(in.Language))
	if lang == "" {
		lang = prefs.DefaultLanguage
	}
	sensitive := prefs.DefaultSensitive
	if in.Sensitive != nil {
		sensitive = *in.Sensitive
	}
	c, err := s.prepare(ctx, in.Text, in.SpoilerText, in.Poll, in.MediaIDs, lang)
	if err != nil {
		return 0, err
	}
	if err := s.checkMedia(ctx, author.ID, 0, c.media); err != nil {
		return 0, err
	}
	id := s.Store.IDs.Next()
	st := &domain.Status{
		ID: id, AccountID: author.ID, Local: true,
		URI:     s.Cfg.URL + "/users/" + author.Username + "/statuses/" + id.String(),
		URL:     s.Cfg.URL + "/@" + author.Username + "/" + id.String(),
		Content: c.html, Text: in.Text, SpoilerText: in.SpoilerText, Sensitive: sensitive || in.SpoilerText != "",
		Visibility: vis, Language: lang, ConversationID: id, ApplicationID: in.ApplicationID,
		CreatedAt: s.Store.Now(), MentionedAccountIDs: c.mentions, Tags: c.tags,
	}
	decision, replyTo := Allowed, (*domain.Status)(nil)
	if in.InReplyToID != 0 {
		parent, err := s.visibleOriginal(ctx, author.ID, in.InReplyToID)
		if err != nil {
			return 0, err
		}
		if decision, err = s.DecideInteraction(ctx, author, parent, Reply); err != nil {
			return 0, err
		}
		replyTo = parent
		st.InReplyToID, st.InReplyToAccountID, st.ConversationID = parent.ID, parent.AccountID, parent.ConversationID
		// A reply to a followers-only or direct status stays at least as narrow.
		if visibilityRank(parent.Visibility) >= visibilityRank(domain.Private) && visibilityRank(st.Visibility) < visibilityRank(parent.Visibility) {
			st.Visibility = parent.Visibility
		}
	}
	policy, err := s.newPostPolicy(ctx, author.ID, st.Visibility, in.InteractionPolicy)
	if err != nil {
		return 0, err
	}
	qp := in.QuotePolicy
	if qp == "" {
		qp = prefs.DefaultQuotePolicy
	}
	if qp, err = ValidQuotePolicy(qp); err != nil {
		return 0, err
	}
	st.QuotePolicy = storedQuotePolicy(st.Visibility, qp)
	var quote *store.Quote
	if in.QuotedStatusID != 0 {
		if quote, err = s.quoteFor(ctx, author, in.QuotedStatusID, c); err != nil {
			return 0, err
		}
	}
	// New-account restrictions refuse; spam heuristics hold for review.
	hold, err := s.checkAbuse(ctx, author, st, in.Text)
	if err != nil {
		return 0, err
	}
	if decision == NeedsApproval {
		return s.postPendingReply(ctx, author, replyTo, store.NewStatus{Status: st, Poll: c.poll, MediaIDs: c.media,
			InteractionPolicy: policy, Quote: quote, IdempotencyKey: in.IdempotencyKey})
	}
	notify := st.Visibility != domain.Direct && (st.InReplyToID == 0 || st.InReplyToAccountID == author.ID)
	n := store.NewStatus{Status: st, Poll: c.poll, IdempotencyKey: in.IdempotencyKey, NotifyFollowers: notify, MediaIDs: c.media,
		InteractionPolicy: policy, Hold: hold, Quote: quote}
	got, _, err := s.Store.CreateStatus(ctx, n)
	if err != nil && in.IdempotencyKey != "" && db.IsUniqueViolation(err) {
		// A concurrent request with the same key committed first: the
		// retry finds its key and returns its status.
		got, _, err = s.Store.CreateStatus(ctx, n)
	}
	return got, err
}

// postPendingReply stores a reply that waits for the approval of the
// author it replies to (store.CreatePendingReply) and, to a remote
// author, sends it to them alone. The spam heuristics' hold does not
// apply: nobody but that author sees it before they approve it.
func (s *Service) postPendingReply(ctx context.Context, author *domain.Account, parent *domain.Status, n store.NewStatus) (domain.ID, error) {
	req := s.requestFor(author, parent, store.RequestReply)
	req.URI = n.Status.URI
	id, created, err := s.Store.CreatePendingReply(ctx, n, req)
	if err != nil || !created { // !created: the same Idempotency-Key posted it already
		return id, err
	}
	if !parent.Local {
		// Rendered from the committed reply (its mentions, tags, media).
		if err := s.Store.FederateInteraction(ctx, req, store.InteractionAsked); err != nil {
			return 0, err
		}
	}
	return n.Status.ID, nil
}

// EditInput is an edit as a client sends it. A nil Poll removes the poll,
// as in Mastodon.
type EditInput struct {
	Text        string
	SpoilerText string
	Sensitive   *bool
	Language    *string
	Poll        *PollInput
	MediaIDs    []string
	// InteractionPolicy replaces the rules it gives (nil keeps the policy).
	InteractionPolicy *PolicyInput
}

// Edit changes one's own status, keeping the history.
func (s *Service) Edit(ctx context.Context, editor domain.ID, id domain.ID, in EditInput) error {
	prev, err := s.visibleStatus(ctx, editor, id)
	if err != nil {
		return err
	}
	if prev.AccountID != editor || prev.ReblogOfID != 0 {
		return domain.Forbidden("This action is not allowed").Tr("err_not_allowed")
	}
	if prev.Visibility == store.HeldVisibility {
		// An edit would be delivered as an Update of a post nobody received.
		return domain.Invalid("This post is held for review by a moderator: it can be edited once it is released (or deleted now)").Tr("err_edit_held")
	}
	lang := prev.Language
	if in.Language != nil {
		lang = strings.ToLower(strings.TrimSpace(*in.Language))
	}
	c, err := s.prepare(ctx, in.Text, in.SpoilerText, in.Poll, in.MediaIDs, lang)
	if err != nil {
		return err
	}
	if err := s.checkMedia(ctx, editor, id, c.media); err != nil {
		return err
	}
	if c.poll != nil || len(c.media) > 0 {
		quotes, err := s.Store.QuotesOf(ctx, []domain.ID{id})
		if err != nil {
			return err
		}
		if quotes[id] != nil {
			return domain.Invalid("Validation failed: a quote cannot have a poll or media attachments").Tr("err_quote_poll_media")
		}
	}
	polls, _, err := s.Store.Polls(ctx, 0, []domain.ID{id})
	if err != nil {
		return err
	}
	prevPoll := polls[id]
	changed := pollChanged(prevPoll, c.poll)
	if !changed && prevPoll != nil && c.poll != nil {
		c.poll = prevPoll // same options: keep the votes and the end date
	}
	next := *prev
	now := s.Store.Now()
	next.Content, next.Text, next.SpoilerText, next.Language, next.EditedAt = c.html, in.Text, in.SpoilerText, lang, &now
	next.Sensitive = prev.Sensitive
	if in.Sensitive != nil {
		next.Sensitive = *in.Sensitive
	}
	next.Sensitive = next.Sensitive || in.SpoilerText != ""
	next.MentionedAccountIDs, next.Tags = c.mentions, c.tags
	old, err := s.Store.MentionsOf(ctx, []domain.ID{id})
	if err != nil {
		return err
	}
	had := map[domain.ID]bool{}
	for _, a := range old[id] {
		had[a] = true
	}
	var added []domain.ID
	for _, a := range c.mentions {
		if !had[a] {
			added = append(added, a)
		}
	}
	var policy *store.InteractionPolicy
	if in.InteractionPolicy != nil {
		cur, err := s.PolicyOf(ctx, prev)
		if err != nil {
			return err
		}
		p, err := applyPolicy(cur, in.InteractionPolicy)
		if err != nil {
			return err
		}
		policy = &p
	}
	// An edit lists every attachment the status keeps.
	return s.Store.UpdateStatus(ctx, prev, &next, prevPoll, c.poll, changed, added, &c.media, policy)
}

func pollChanged(a, b *store.Poll) bool {
	if (a == nil) != (b == nil) {
		return true
	}
	if a == nil {
		return false
	}
	if a.Multiple != b.Multiple || len(a.Options) != len(b.Options) {
		return true
	}
	for i := range a.Options {
		if a.Options[i] != b.Options[i] {
			return true
		}
	}
	return false
}

// Delete deletes one's own status (and its boosts) and returns it as it
// was, for delete-and-redraft.
func (s *Service) Delete(ctx context.Context, viewer, id domain.ID) (*domain.Status, error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != viewer {
		return nil, domain.Forbidden("This action is not allowed").Tr("err_not_allowed")
	}
	var asked *store.InteractionRequest // a reply sent for approval only
	if st.Visibility == store.HeldVisibility && st.InReplyToID != 0 {
		reqs, err := s.Store.ReplyRequests(ctx, []domain.ID{st.ID})
		if err != nil {
			return nil, err
		}
		if r := reqs[st.ID]; r != nil && r.AcceptedAt == nil {
			if target, err := s.Store.Account(ctx, r.TargetAccountID); err == nil && !target.Local() {
				asked = r
			}
		}
	}
	if err := s.Store.DeleteStatus(ctx, st); err != nil {
		return nil, err
	}
	if asked != nil {
		if err := s.Store.TellPendingReplyDeleted(ctx, asked, st.URI); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// Get returns a status the viewer may see.
func (s *Service) Get(ctx context.Context, viewer, id domain.ID) (*domain.Status, error) {
	return s.visibleStatus(ctx, viewer, id)
}

// History returns a visible status's versions, oldest first; a status never
// edited has one version, itself.
func (s *Service) History(ctx context.Context, viewer, id domain.ID) (*domain.Status, []store.StatusEdit, error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return nil, nil, err
	}
	edits, err := s.Store.StatusEdits(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if len(edits) == 0 {
		polls, _, err := s.Store.Polls(ctx, 0, []domain.ID{id})
		if err != nil {
			return nil, nil, err
		}
		e := store.StatusEdit{Content: st.Content, Text: st.Text, SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, CreatedAt: st.CreatedAt.UnixMilli()}
		if p := polls[id]; p != nil {
			e.PollOptions = p.Options
		}
		edits = []store.StatusEdit{e}
	}
	return st, edits, nil
}

// mentionResolver finds a remote account on its server (the federation
// handler, reached through the store's Federator).
type mentionResolver interface {
	ResolveAccount(ctx context.Context, username, host string) (*domain.Account, error)
}

// lookupMention finds a mentioned remote account not known here yet, as
// Mastodon does when a post is written; one that cannot be found (or
// without federation) is not found, and the mention stays text.
func (s *Service) lookupMention(ctx context.Context, username, host string) (*domain.Account, error) {
	r, ok := s.Store.Federator.(mentionResolver)
	if !ok {
		return nil, domain.NotFound()
	}
	ctx, cancel := context.WithTimeout(ctx, MentionLookupTimeout)
	defer cancel()
	a, err := r.ResolveAccount(ctx, username, host)
	if err != nil {
		return nil, domain.NotFound()
	}
	return a, nil
}
