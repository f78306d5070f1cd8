package web

import (
	"context"
	"html/template"
	"regexp"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/filters"
	"github.com/agora-social/agora/internal/store"
)

// accountView is an account as the pages show it.
type accountView struct {
	ID       string
	Name     string        // display name, else username
	NameHTML template.HTML // Name with its custom emoji as images
	Acct     string        // user or user@domain
	Path     string        // its profile page
	Avatar   string
	Locked   bool
	Bot      bool
}

// accountView renders an account, looking up the custom emoji of its
// display name (one query, only when it has a ":shortcode:").
func (h *Handler) accountView(a *domain.Account) *accountView {
	return h.accountViewWith(a, nil)
}

// accountViewWith renders an account with the emoji found for a page
// (nil: looked up now).
func (h *Handler) accountViewWith(a *domain.Account, found emojiSet) *accountView {
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	if found == nil {
		found = h.lookupEmojis(context.Background(), emojiWants{}.add(a.Domain, name))
	}
	return &accountView{ID: a.ID.String(), Name: name, NameHTML: h.emojifyText(name, a.Domain, found),
		Acct: a.Acct(), Path: profilePath(a), Avatar: h.avatarURL(a), Locked: a.Locked, Bot: a.Bot}
}

// profilePath is the web page of an account: /@user or /@user@domain.
func profilePath(a *domain.Account) string { return "/@" + a.Acct() }

// statusView is a status as the pages show it; for a boost, the boosted
// status with BoostedBy set.
type statusView struct {
	ID          string // the status shown (the original of a boost)
	EntryID     string // the timeline entry (the boost itself), for live updates
	Path        string
	Account     *accountView
	BoostedBy   *accountView
	ReplyTo     string // path of the status replied to
	ReplyToAcct string // its author's handle
	Content     template.HTML
	SpoilerText string
	Visibility  domain.Visibility
	Language    string
	CreatedAt   time.Time
	ISO         string
	Edited      bool
	Replies     int64
	Boosts      int64
	Favourites  int64
	Favourited  bool
	Boosted     bool
	Bookmarked  bool
	CanBoost    bool
	Focus       bool   // the status a thread page is about
	Filtered    string // titles of the viewer's filters that matched (warn)
	Poll        *pollView
	Media       []*mediaView
	Sensitive   bool // media behind a click
	Card        *cardView
	// On a thread page only (reader_thread.go): the reply can be hidden
	// by the viewer (the thread's author), or is hidden.
	CanHide bool
	Hidden  bool
	// Quote is the post this one quotes, nil for none (quotes.go).
	Quote *quoteView
	// A reply waiting for the approval of the author it replies to, or
	// declined by them: only its author sees it (heldReplies).
	Pending  bool
	Declined bool

	spoilerHTML template.HTML // SpoilerText with its custom emoji (loadStatuses)
}

// SpoilerHTML is the content warning as pages show it: with its custom
// emoji when loadStatuses found them, else the escaped text.
func (v *statusView) SpoilerHTML() template.HTML {
	if v.spoilerHTML != "" {
		return v.spoilerHTML
	}
	return template.HTML(template.HTMLEscapeString(v.SpoilerText))
}

// loadStatuses loads ids for the viewer and returns the visible ones, in
// order, as views: one batched Load whatever the count. The viewer's
// filters for filterContext ("" for none) hide statuses or put them behind
// a warning, as in the API.
func (h *Handler) loadStatuses(ctx context.Context, viewer domain.ID, ids []domain.ID, filterContext string) ([]*statusView, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	b, err := h.statuses.Load(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	var active filters.Set
	if viewer != 0 && filterContext != "" {
		if active, err = h.filters.Active(ctx, viewer, filterContext); err != nil {
			return nil, err
		}
	}
	emojis := h.bundleEmojis(ctx, b)
	out := make([]*statusView, 0, len(b.Order))
	var held []*statusView
	for _, id := range b.Order {
		entry := b.Statuses[id]
		st := entry
		var booster *domain.Account
		if entry.ReblogOfID != 0 {
			booster = b.Accounts[entry.AccountID]
			st = b.Statuses[entry.ReblogOfID]
		}
		if st == nil {
			continue
		}
		author := b.Accounts[st.AccountID]
		if author == nil {
			continue
		}
		var options []string
		if p := b.Polls[st.ID]; p != nil {
			options = p.Options
		}
		var warn []string
		hidden := false
		for _, m := range active.Match(st, options) {
			if m.Filter.Action == "hide" {
				hidden = true
			}
			warn = append(warn, m.Filter.Title)
		}
		if hidden {
			continue
		}
		v := &statusView{
			ID: st.ID.String(), EntryID: entry.ID.String(), Path: profilePath(author) + "/" + st.ID.String(),
			Account: h.accountViewWith(author, emojis), SpoilerText: st.SpoilerText,
			Content:    h.emojifyHTML(template.HTML(slimContent(st.Content, h.Cfg.URL)), author.Domain, emojis),
			Visibility: st.Visibility, Language: st.Language, CreatedAt: st.CreatedAt, ISO: isoTime(st.CreatedAt),
			Edited: st.EditedAt != nil, Replies: st.RepliesCount, Boosts: st.ReblogsCount, Favourites: st.FavouritesCount,
			Favourited: b.Viewer.Favourited[st.ID], Boosted: b.Viewer.Reblogged[st.ID], Bookmarked: b.Viewer.Bookmarked[st.ID],
			CanBoost: st.Visibility == domain.Public || st.Visibility == domain.Unlisted ||
				(st.Visibility == domain.Private && st.AccountID == viewer),
		}
		if st.SpoilerText != "" {
			v.spoilerHTML = h.emojifyText(st.SpoilerText, author.Domain, emojis)
		}
		if ms := b.Media[st.ID]; len(ms) > 0 {
			v.Media = h.mediaViews(ms)
			v.Sensitive = st.Sensitive || st.SpoilerText != "" || len(warn) > 0
		}
		// As Mastodon, media win over the card; and a post behind a warning
		// does not show its link's preview outside it.
		if c := b.Cards[st.ID]; c != nil && len(v.Media) == 0 && st.SpoilerText == "" && len(warn) == 0 {
			v.Card = h.cardViewOf(c, b.Accounts[c.AuthorAccountID])
		}
		if booster != nil {
			v.BoostedBy = h.accountViewWith(booster, emojis)
		}
		if p := b.Polls[st.ID]; p != nil {
			v.Poll = h.pollViewOf(st, p, b.OwnVotes[st.ID], viewer)
			for i := range v.Poll.Options {
				v.Poll.Options[i].TitleHTML = h.emojifyText(v.Poll.Options[i].Title, author.Domain, emojis)
			}
		}
		v.Quote = h.quoteViewOf(b, st, emojis)
		v.Filtered = strings.Join(warn, ", ")
		if st.InReplyToID != 0 {
			if parentAuthor := b.Accounts[st.InReplyToAccountID]; parentAuthor != nil {
				v.ReplyTo = profilePath(parentAuthor) + "/" + st.InReplyToID.String()
				v.ReplyToAcct = parentAuthor.Acct()
			}
		}
		if st.Visibility == store.HeldVisibility {
			held = append(held, v)
		}
		out = append(out, v)
	}
	if len(held) > 0 { // rare: no query otherwise
		if err := h.heldReplies(ctx, held); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// heldReplies marks the held statuses among views that are replies
// waiting for approval (Pending) or declined (Declined). One that is not
// also held for a moderator's review shows the audience it was written
// for rather than "held for review", which is not what holds it.
func (h *Handler) heldReplies(ctx context.Context, views []*statusView) error {
	ids := make([]domain.ID, len(views))
	for i, v := range views {
		ids[i], _ = domain.ParseID(v.ID)
	}
	reqs, err := h.Store.ReplyRequests(ctx, ids)
	if err != nil || len(reqs) == 0 {
		return err
	}
	reviewed, err := h.Store.HeldVisibilities(ctx, ids)
	if err != nil {
		return err
	}
	for i, v := range views {
		r := reqs[ids[i]]
		if r == nil || r.Kind != store.RequestReply || r.AcceptedAt != nil {
			continue
		}
		v.Pending, v.Declined = r.Pending(), r.RejectedAt != nil
		if _, ok := reviewed[ids[i]]; !ok && r.Visibility != "" {
			v.Visibility = r.Visibility
		}
	}
	return nil
}

// emptySpans matches the markup Mastodon-style link shortening wraps
// around the visible part of a link that is not cut: a span without a
// class and an empty hidden span, about 50 bytes a link that change
// nothing on the page.
var emptySpans = regexp.MustCompile(`<span class="">([^<]*)</span><span class="invisible"></span>`)

// slimContent is a status's sanitized HTML without those spans, and with
// links to this server (mentions, hashtags) made relative: the same
// targets in fewer bytes (the API keeps both as they are: Mastodon's
// clients expect them). A timeline page has a byte budget
// (TestTimelineSize).
func slimContent(html, base string) string {
	if base = strings.TrimSuffix(base, "/"); base != "" {
		html = strings.ReplaceAll(html, `href="`+base+`/`, `href="/`)
	}
	if !strings.Contains(html, `<span class="">`) {
		return html
	}
	return emptySpans.ReplaceAllString(html, "$1")
}

// timelineData is what the timeline template shows.
type timelineData struct {
	Heading  string
	Intro    string
	Statuses []*statusView
	Older    string // link to the next page, "" at the end
	Poll     string // live-update endpoint, "" for none
	Compose  *composeForm
	Empty    string
	Links    []link // e.g. "Manage this list"
	// Announcements not dismissed yet (home only).
	Announcements []announcementView

	filterContext string // the viewer's filters that apply: home, public, ...
}

// link is a labelled link a page shows.
type link struct{ Href, Text string }

// olderLink is the link to the page after items (by their cursors).
func olderLink(path string, items []store.PageItem, limit int) string {
	if len(items) < limit {
		return ""
	}
	return path + "?max_id=" + items[len(items)-1].Cursor.String()
}
