package mastodon

import (
	"context"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Status is Mastodon's Status entity.
type Status struct {
	ID                 string             `json:"id"`
	CreatedAt          Time               `json:"created_at"`
	InReplyToID        *string            `json:"in_reply_to_id"`
	InReplyToAccountID *string            `json:"in_reply_to_account_id"`
	Sensitive          bool               `json:"sensitive"`
	SpoilerText        string             `json:"spoiler_text"`
	Visibility         string             `json:"visibility"`
	Language           *string            `json:"language"`
	URI                string             `json:"uri"`
	URL                *string            `json:"url"`
	RepliesCount       int64              `json:"replies_count"`
	ReblogsCount       int64              `json:"reblogs_count"`
	FavouritesCount    int64              `json:"favourites_count"`
	EditedAt           *Time              `json:"edited_at"`
	Favourited         *bool              `json:"favourited,omitempty"` // only with a user
	Reblogged          *bool              `json:"reblogged,omitempty"`
	Muted              *bool              `json:"muted,omitempty"`
	Bookmarked         *bool              `json:"bookmarked,omitempty"`
	Pinned             *bool              `json:"pinned,omitempty"` // only on one's own statuses
	Content            string             `json:"content"`
	Filtered           []FilterResult     `json:"filtered"`
	Reblog             *Status            `json:"reblog"`
	Application        *Application       `json:"application"`
	Account            *Account           `json:"account"`
	MediaAttachments   []*MediaAttachment `json:"media_attachments"`
	Mentions           []Mention          `json:"mentions"`
	Tags               []Tag              `json:"tags"`
	Emojis             []Emoji            `json:"emojis"`
	Card               any                `json:"card"`
	Poll               *Poll              `json:"poll"`
	Text               *string            `json:"text,omitempty"` // only when deleted, for redrafting
	// InteractionPolicy is GoToSocial's: who may reply, boost, favourite.
	InteractionPolicy store.InteractionPolicy `json:"interaction_policy"`
	// Quote is the post this one quotes (null: none); QuotesCount counts
	// its accepted quotes; QuoteApproval says who may quote it.
	Quote         any           `json:"quote"`
	QuotesCount   int64         `json:"quotes_count"`
	QuoteApproval QuoteApproval `json:"quote_approval"`
	// AgoraHeld marks a post held for review, on its author's view (the
	// only one): docs/abuse.md.
	AgoraHeld bool `json:"agora_held,omitempty"`
}

// Quote is Mastodon's Quote entity: the quoted status, null unless the
// state is accepted and the viewer may see it.
type Quote struct {
	State        string  `json:"state"`
	QuotedStatus *Status `json:"quoted_status"`
}

// ShallowQuote is Mastodon's quote of a status shown inside a quote (not
// rendered deeper).
type ShallowQuote struct {
	State          string  `json:"state"`
	QuotedStatusID *string `json:"quoted_status_id"`
}

// QuoteApproval is Mastodon's: who may quote a status, and what the
// viewer would get.
type QuoteApproval struct {
	Automatic   []string `json:"automatic"`
	Manual      []string `json:"manual"`
	CurrentUser string   `json:"current_user"`
}

// Mention is Mastodon's Status Mention entity.
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// Tag is a status's hashtag.
type Tag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Poll is Mastodon's Poll entity.
type Poll struct {
	ID          string       `json:"id"`
	ExpiresAt   *Time        `json:"expires_at"`
	Expired     bool         `json:"expired"`
	Multiple    bool         `json:"multiple"`
	VotesCount  int64        `json:"votes_count"`
	VotersCount *int64       `json:"voters_count"`
	Voted       *bool        `json:"voted,omitempty"`
	OwnVotes    *[]int       `json:"own_votes,omitempty"`
	Options     []PollOption `json:"options"`
	Emojis      []Emoji      `json:"emojis"`
}

// PollOption is one option of a poll; VotesCount is null while totals
// are hidden.
type PollOption struct {
	Title      string `json:"title"`
	VotesCount *int64 `json:"votes_count"`
}

func (a *API) statusService() *statuses.Service { return statuses.New(a.Cfg, a.Store) }

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func boolPtr(b bool) *bool { return &b }

// msTime renders a stored time (milliseconds since the epoch).
func msTime(v int64) Time { return Time(time.UnixMilli(v).UTC()) }

// renderStatusList loads and renders ids for the viewer in a fixed number
// of queries, dropping statuses the viewer may not see.
func (a *API) renderStatusList(ctx context.Context, v *Viewer, ids []domain.ID, filterContext string) ([]*Status, error) {
	return a.renderStatusesHiding(ctx, v, ids, filterContext, true)
}

// renderStatusesHiding renders ids; with hide, statuses that a filter with
// the "hide" action matches are left out, as Mastodon does in timelines.
// A single status asked for by id is shown, marked in "filtered".
func (a *API) renderStatusesHiding(ctx context.Context, v *Viewer, ids []domain.ID, filterContext string, hide bool) ([]*Status, error) {
	out := []*Status{}
	if len(ids) == 0 {
		return out, nil
	}
	b, err := a.statusService().Load(ctx, v.AccountID(), ids)
	if err != nil {
		return nil, err
	}
	var shown []*domain.Status
	for _, st := range b.Statuses {
		shown = append(shown, st)
	}
	filtered, err := a.filterResults(ctx, v, filterContext, shown)
	if err != nil {
		return nil, err
	}
	r := statusRenderer{a: a, v: v, b: b, filtered: filtered, now: a.Store.Now()}
	for _, id := range b.Order {
		if hide && hiddenByFilter(filtered[id]) {
			continue
		}
		if s := r.render(b.Statuses[id]); s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// renderStatus renders one status; it is not found when the viewer may
// not see it.
func (a *API) renderStatus(ctx context.Context, v *Viewer, id domain.ID) (*Status, error) {
	list, err := a.renderStatusesHiding(ctx, v, []domain.ID{id}, "thread", false)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, domain.NotFound()
	}
	return list[0], nil
}

type statusRenderer struct {
	a        *API
	v        *Viewer
	b        *statuses.Bundle
	filtered map[domain.ID][]FilterResult
	now      time.Time
	emojis   emojiSet // the bundle's custom emoji, loaded on first use
}

// emojiSet returns the custom emoji of the whole bundle (one query).
func (r *statusRenderer) emojiSet() emojiSet {
	if r.emojis == nil {
		r.emojis = r.a.bundleEmojis(context.Background(), r.b)
	}
	return r.emojis
}

func (r *statusRenderer) render(st *domain.Status) *Status {
	return r.renderDepth(st, 0)
}

// renderDepth renders a status; a quoted one (depth 1) shows its own
// quote shallowly, as Mastodon does.
func (r *statusRenderer) renderDepth(st *domain.Status, depth int) *Status {
	acct := r.b.Accounts[st.AccountID]
	if acct == nil {
		return nil
	}
	viewer := r.v.AccountID()
	out := &Status{
		ID: st.ID.String(), CreatedAt: Time(st.CreatedAt), Sensitive: st.Sensitive, SpoilerText: st.SpoilerText,
		Visibility: string(st.Visibility), Language: strPtr(st.Language), URI: st.URI, URL: strPtr(st.URL),
		RepliesCount: st.RepliesCount, ReblogsCount: st.ReblogsCount, FavouritesCount: st.FavouritesCount,
		EditedAt: timePtr(st.EditedAt), Content: st.Content, Filtered: []FilterResult{}, InteractionPolicy: r.b.PolicyFor(st),
		Account: r.a.renderAccountWith(acct, r.emojiSet()), MediaAttachments: []*MediaAttachment{}, Mentions: []Mention{}, Tags: []Tag{}, Emojis: []Emoji{},
	}
	if v, ok := r.b.Held[st.ID]; ok {
		// Clients know only Mastodon's visibilities: the one it will get.
		out.Visibility, out.AgoraHeld = string(v), true
	}
	if st.InReplyToID != 0 {
		out.InReplyToID = strPtr(st.InReplyToID.String())
	}
	if st.InReplyToAccountID != 0 {
		out.InReplyToAccountID = strPtr(st.InReplyToAccountID.String())
	}
	if f := r.filtered[st.ID]; len(f) > 0 {
		out.Filtered = f
	}
	if viewer != 0 {
		vs := r.b.Viewer
		out.Favourited = boolPtr(vs.Favourited[st.ID])
		out.Reblogged = boolPtr(vs.Reblogged[st.ID])
		out.Muted = boolPtr(vs.MutedConversations[st.ConversationID])
		out.Bookmarked = boolPtr(vs.Bookmarked[st.ID])
		if st.AccountID == viewer && st.ReblogOfID == 0 && st.Visibility != domain.Direct {
			out.Pinned = boolPtr(vs.Pinned[st.ID])
		}
	}
	if st.ReblogOfID != 0 {
		orig := r.b.Statuses[st.ReblogOfID]
		if orig == nil {
			return nil
		}
		if out.Reblog = r.renderDepth(orig, depth); out.Reblog == nil {
			return nil
		}
		if len(out.Reblog.Filtered) > 0 {
			out.Filtered = out.Reblog.Filtered
		}
		return out
	}
	out.Emojis = r.a.emojisIn(r.emojiSet(), acct.Domain, st.Content, st.SpoilerText)
	if app, ok := r.b.Apps[st.ApplicationID]; ok && st.ApplicationID != 0 {
		out.Application = &Application{Name: app.Name, Website: strPtr(app.Website)}
	}
	for _, id := range r.b.Mentions[st.ID] {
		if m := r.b.Accounts[id]; m != nil {
			u := m.URL
			if u == "" {
				u = m.URI
			}
			out.Mentions = append(out.Mentions, Mention{ID: m.ID.String(), Username: m.Username, URL: u, Acct: m.Acct()})
		}
	}
	for _, t := range r.b.Tags[st.ID] {
		out.Tags = append(out.Tags, Tag{Name: t, URL: r.a.Cfg.URL + "/tags/" + t})
	}
	for _, m := range r.b.Media[st.ID] {
		out.MediaAttachments = append(out.MediaAttachments, r.a.renderMedia(m))
	}
	if c := r.b.Cards[st.ID]; c != nil {
		out.Card = r.a.renderCard(c, r.b.Accounts[c.AuthorAccountID])
	}
	if p := r.b.Polls[st.ID]; p != nil {
		out.Poll = r.renderPoll(st, p)
	}
	r.renderQuote(st, out, depth)
	return out
}

// renderQuote fills the quote fields of an original status.
func (r *statusRenderer) renderQuote(st *domain.Status, out *Status, depth int) {
	viewer := r.v.AccountID()
	out.QuotesCount = st.QuotesCount
	out.QuoteApproval = QuoteApproval{Automatic: []string{}, Manual: []string{},
		CurrentUser: statuses.QuoteDecision(st, viewer, r.b.Rel.Following[st.AccountID], r.b.Rel.Blocked[st.AccountID])}
	switch {
	case !statuses.Quotable(st):
	case st.Local:
		switch p := statuses.QuotePolicyOf(st); p {
		case domain.QuotePublic, domain.QuoteFollowers:
			out.QuoteApproval.Automatic = []string{p}
		}
	default: // a remote post's canQuote, as received
		rp := statuses.ParseRemoteQuotePolicy(st.QuotePolicy)
		out.QuoteApproval.Automatic = append(out.QuoteApproval.Automatic, rp.Automatic...)
		out.QuoteApproval.Manual = append(out.QuoteApproval.Manual, rp.Manual...)
	}
	q := r.b.Quotes[st.ID]
	if q == nil {
		return
	}
	quoted, state := r.b.QuotedStatus(st)
	if depth > 0 {
		sq := &ShallowQuote{State: state}
		if quoted != nil {
			sq.QuotedStatusID = strPtr(quoted.ID.String())
		}
		out.Quote = sq
		return
	}
	qt := &Quote{State: state}
	if quoted != nil {
		if qt.QuotedStatus = r.renderDepth(quoted, 1); qt.QuotedStatus == nil {
			qt.State = "unauthorized"
		}
	}
	out.Quote = qt
}

func (r *statusRenderer) renderPoll(st *domain.Status, p *store.Poll) *Poll {
	viewer := r.v.AccountID()
	expired := statuses.Expired(p, r.now)
	own := viewer != 0 && viewer == st.AccountID
	out := &Poll{
		ID: st.ID.String(), ExpiresAt: timePtr(&p.ExpiresAt), Expired: expired, Multiple: p.Multiple,
		Options: make([]PollOption, len(p.Options)), Emojis: []Emoji{},
	}
	if acct := r.b.Accounts[st.AccountID]; acct != nil {
		out.Emojis = r.a.emojisIn(r.emojiSet(), acct.Domain, p.Options...)
	}
	voters := p.VotersCount
	out.VotersCount = &voters
	hide := p.HideTotals && !expired && !own
	for i, title := range p.Options {
		out.Options[i].Title = title
		out.VotesCount += p.Votes[i]
		if !hide {
			n := p.Votes[i]
			out.Options[i].VotesCount = &n
		}
	}
	if viewer != 0 {
		votes := r.b.OwnVotes[st.ID]
		out.Voted = boolPtr(own || len(votes) > 0)
		mine := append([]int{}, votes...)
		out.OwnVotes = &mine
	}
	return out
}

// PreviewCard is Mastodon's PreviewCard entity (a link preview).
type PreviewCard struct {
	URL          string  `json:"url"`
	Title        string  `json:"title"`
	Description  string  `json:"description"`
	Type         string  `json:"type"`
	AuthorName   string  `json:"author_name"`
	AuthorURL    string  `json:"author_url"`
	ProviderName string  `json:"provider_name"`
	ProviderURL  string  `json:"provider_url"`
	HTML         string  `json:"html"`
	Width        int64   `json:"width"`
	Height       int64   `json:"height"`
	Image        *string `json:"image"`
	EmbedURL     string  `json:"embed_url"`
	Blurhash     *string `json:"blurhash"`
	Language     *string `json:"language"`
	Authors      []any   `json:"authors"`
}

// renderCard renders a card; its image is the stored copy, never the
// linked site's (a card without a copy has none). author is the account
// the card credits (nil for none).
func (a *API) renderCard(c *store.Card, author *domain.Account) *PreviewCard {
	out := &PreviewCard{URL: c.URL, Title: c.Title, Description: c.Description, Type: c.Type,
		ProviderName: c.ProviderName, Width: c.Width, Height: c.Height}
	a.setCardAuthors(out, c.AuthorName, c.AuthorURL, author)
	if c.ImageKey != "" {
		out.Image, out.Blurhash = strPtr(a.mediaURL(c.ImageKey)), &c.Blurhash
	}
	if c.Language != "" {
		out.Language = &c.Language
	}
	return out
}
