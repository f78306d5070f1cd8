package federation

import (
	"context"
	"html"
	"slices"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/search"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Limits of received notes.
const (
	maxContentLen       = 100000 // bytes of HTML before sanitizing
	maxSpoilerLen       = 1000   // characters of a content warning
	maxNoteTags         = 100    // tag entries read
	maxAttachments      = 8      // attachments read
	maxMediaDescription = 1500   // characters of a media description
	maxRemotePollOpts   = 20     // options of a remote poll
	maxPolicyURILen     = 2000   // bytes of one actor URI in an interactionPolicy
	defaultPollLength   = 30 * 24 * time.Hour
)

// isNoteType reports whether t is an object agora stores as a status.
func isNoteType(t activitypub.Type) bool {
	switch t {
	case "Note", "Question", "Article", "Page":
		return true
	}
	return false
}

// isPublic reports whether an audience entry is the Public collection, in
// any of the forms JSON-LD compaction leaves.
func isPublic(s string) bool {
	return s == activitypub.Public || s == "as:Public" || s == "Public"
}

// visibilityOf maps to/cc as Mastodon does: Public in to is public, Public
// only in cc unlisted, the author's followers collection private, anything
// else direct.
func visibilityOf(to, cc []string, followers string) domain.Visibility {
	switch {
	case slices.ContainsFunc(to, isPublic):
		return domain.Public
	case slices.ContainsFunc(cc, isPublic):
		return domain.Unlisted
	case followers != "" && (slices.Contains(to, followers) || slices.Contains(cc, followers)):
		return domain.Private
	}
	return domain.Direct
}

// noteAuthor checks a note's origin: it needs an id and an attributedTo on
// the same host.
func noteAuthor(doc *activitypub.Incoming) (string, error) {
	if hostOf(doc.ID) == "" {
		return "", drop("note without an http(s) id")
	}
	author := doc.AttributedTo.ID
	if hostOf(author) != hostOf(doc.ID) {
		return "", drop("note %s is attributed to %q of another host", doc.ID, author)
	}
	return author, nil
}

// createdNote checks the note a Create carries, for both ways of storing
// one (Processor.create and the batch path, ingest_create.go): a note
// type, attributed to the Create's actor.
func createdNote(actor string, obj *activitypub.Incoming) error {
	if !isNoteType(obj.Type) {
		return drop("Create of a %q", obj.Type)
	}
	author, err := noteAuthor(obj)
	if err != nil {
		return err
	}
	if author != actor {
		return drop("Create by %s of a note attributed to %s", actor, author)
	}
	return nil
}

// storeNote stores a note whose origin the caller checked (fetched from its
// id, or embedded in an activity of its author), fetching its author and
// missing ancestors.
func (r *resolver) storeNote(ctx context.Context, doc *activitypub.Incoming, depth int) (*domain.Status, error) {
	return r.storeNoteBody(ctx, doc, nil, depth)
}

// storeNoteBody is storeNote given the note's JSON too (nil when the
// caller has none), for what the parsed note leaves out (noteStored).
func (r *resolver) storeNoteBody(ctx context.Context, doc *activitypub.Incoming, body []byte, depth int) (*domain.Status, error) {
	authorID, err := noteAuthor(doc)
	if err != nil {
		return nil, err
	}
	if r.isLocal(doc.ID) {
		return nil, drop("note %s claims to be local", doc.ID)
	}
	author, err := r.account(ctx, authorID)
	if err != nil {
		return nil, err
	}
	in, err := r.remoteStatusBody(ctx, doc, body, author, depth)
	if err != nil {
		return nil, err
	}
	// Its custom emoji first (emojis.go), so that it is never shown without.
	if err := r.keepEmojis(ctx, doc, author); err != nil {
		return nil, err
	}
	id, err := r.statuses.CreateRemote(ctx, *in)
	if err != nil {
		return nil, err
	}
	st, err := r.h.Store.Status(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := r.noteStored(ctx, doc, body, author, st); err != nil {
		return nil, err
	}
	return st, nil
}

// noteStored is what follows storing a new remote note, on every path that
// stores one (storeNoteBody, and Processor.storeCreates for batches): the
// quote's state (quotes.go) and a poll's first tallies (polls.go; body is
// the note's JSON, nil when unknown).
func (r *resolver) noteStored(ctx context.Context, doc *activitypub.Incoming, body []byte, author *domain.Account, st *domain.Status) error {
	if err := r.keepQuote(ctx, doc, author, st); err != nil {
		return err
	}
	return r.firstTallies(ctx, st, doc, body)
}

// remoteStatus converts a note: sanitized content (an Article as a link
// post, quotes and attachments as links), content warning, language,
// visibility, mentions, hashtags, poll and parent. A reply to another
// server's post that needs its author's authorization is refused without
// a valid one (approvals_check.go).
func (r *resolver) remoteStatus(ctx context.Context, doc *activitypub.Incoming, author *domain.Account, depth int) (*statuses.RemoteStatus, error) {
	return r.remoteStatusBody(ctx, doc, nil, author, depth)
}

// remoteStatusBody is remoteStatus given the note's JSON (nil when the
// caller has none: it is fetched again only for a reply whose
// authorization must be checked).
func (r *resolver) remoteStatusBody(ctx context.Context, doc *activitypub.Incoming, noteBody []byte, author *domain.Account, depth int) (*statuses.RemoteStatus, error) {
	body, lang := doc.Text()
	if len(body) > maxContentLen {
		return nil, drop("note %s: content larger than %d bytes", doc.ID, maxContentLen)
	}
	url := httpURL(activitypub.LinkURL(doc.URL))
	if url == "" {
		url = doc.ID
	}
	var b strings.Builder
	spoiler := doc.Summary
	switch doc.Type {
	case "Article", "Page":
		// Shown as a link post: its title and a link to read it.
		title := PlainText(doc.Name)
		if title == "" {
			title = url
		}
		b.WriteString("<p><strong>" + html.EscapeString(title) + "</strong></p>")
		b.WriteString(`<p><a href="` + html.EscapeString(url) + `">` + html.EscapeString(url) + "</a></p>")
		spoiler = ""
	default:
		b.WriteString(body)
		if body == "" && doc.Type == "Question" {
			b.WriteString("<p>" + html.EscapeString(doc.Name) + "</p>")
		}
	}
	// Mastodon and agora put this link in the content already.
	if q := httpURL(doc.QuotedURI()); q != "" && !strings.Contains(body, `class="quote-inline"`) {
		b.WriteString(`<p class="quote-inline">RE: <a href="` + html.EscapeString(q) + `">` + html.EscapeString(q) + "</a></p>")
	}
	// Images, videos and sounds become media attachments that reference
	// the remote file; other attachments are links at the end.
	var media []*store.Media
	rejectMedia, err := r.rejectMedia(ctx, hostOf(doc.ID))
	if err != nil {
		return nil, err
	}
	n := 0
	for _, att := range doc.Attachment {
		u := httpURL(att.URL.ID)
		if u == "" || att.Type == "PropertyValue" || n >= maxAttachments {
			continue
		}
		n++
		if typ := mediaType(att); typ != "" {
			if rejectMedia {
				continue
			}
			media = append(media, &store.Media{Type: typ, ContentType: truncate(att.MediaType, 100), RemoteURL: u,
				Description: truncate(PlainText(att.Name), maxMediaDescription), Blurhash: truncate(att.Blurhash, 100)})
			continue
		}
		label := PlainText(att.Name)
		if label == "" {
			label = u
		}
		b.WriteString(`<p><a href="` + html.EscapeString(u) + `">` + html.EscapeString(truncate(label, 200)) + "</a></p>")
	}
	in := &statuses.RemoteStatus{
		Author: author, URI: doc.ID, URL: url,
		Content:     SanitizeHTML(b.String()),
		SpoilerText: truncate(PlainText(spoiler), maxSpoilerLen),
		Sensitive:   doc.Sensitive,
		Visibility:  visibilityOf(doc.To, doc.Cc, author.FollowersURL),
		Language:    language(lang),
		Published:   activitypub.ParseTime(doc.Published),
		Media:       media,
	}
	// Mentions: Mention tags and local actors addressed in to/cc (direct
	// messages may carry only the latter), known accounts only.
	hrefs := slices.Concat(doc.To, doc.Cc)
	for i, t := range doc.Tag {
		if i >= maxNoteTags {
			break
		}
		switch t.Type {
		case "Mention":
			hrefs = append(hrefs, t.Href)
		case "Hashtag":
			if name, _, ok := search.NormalizeTag(strings.TrimPrefix(t.Name, "#")); ok && !slices.Contains(in.Tags, name) {
				in.Tags = append(in.Tags, name)
			}
		}
	}
	for _, h := range hrefs {
		if h == "" || isPublic(h) || h == author.FollowersURL {
			continue
		}
		if a, err := r.knownAccount(ctx, h); err == nil && !slices.Contains(in.Mentions, a.ID) {
			in.Mentions = append(in.Mentions, a.ID)
		}
	}
	if doc.Type == "Question" {
		in.Poll = remotePoll(doc, r.h.Now())
	}
	in.InteractionPolicy = remotePolicy(doc.Policy(), author, in.Visibility)
	in.QuotePolicy = remoteQuotePolicy(doc, author).String() // quotes.go
	if parent := doc.InReplyTo.ID; parent != "" {
		st, err := r.status(ctx, parent, depth+1)
		if err != nil {
			r.h.Log.Debug("reply parent not fetched", "note", doc.ID, "parent", parent, "err", err)
		} else {
			in.InReplyTo = st
		}
	}
	if in.InReplyTo != nil {
		if err := r.interactionAuthorized(ctx, statuses.Reply, doc.ID, noteBody, author, in.InReplyTo); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// remotePolicy maps a note's interactionPolicy to the API's values:
// Public is public, the author's followers collection followers, its
// following collection (assumed at ACTOR/following, as Mastodon and
// GoToSocial publish it) following, the author author; other actors stay
// as URIs. A sub-policy left out keeps the visibility's default. nil when
// the note has no policy.
func remotePolicy(p *activitypub.IncomingPolicy, author *domain.Account, vis domain.Visibility) *store.InteractionPolicy {
	if p == nil {
		return nil
	}
	out := statuses.DefaultPolicy(vis)
	values := func(uris []string) []string {
		vals := []string{}
		for _, u := range uris {
			v := u
			switch {
			case isPublic(u):
				v = store.PolicyPublic
			case u == author.URI:
				v = store.PolicyAuthor
			case author.FollowersURL != "" && u == author.FollowersURL:
				v = store.PolicyFollowers
			case u == strings.TrimSuffix(author.URI, "/")+"/following":
				v = store.PolicyFollowing
			case httpURL(u) == "" || len(u) > maxPolicyURILen:
				continue
			}
			if !slices.Contains(vals, v) && len(vals) < statuses.MaxPolicyValues {
				vals = append(vals, v)
			}
		}
		return vals
	}
	for _, x := range []struct {
		in  *activitypub.IncomingRule
		dst *store.PolicyRule
	}{{p.CanLike, &out.CanFavourite}, {p.CanReply, &out.CanReply}, {p.CanAnnounce, &out.CanReblog}} {
		if x.in != nil {
			*x.dst = store.PolicyRule{AutomaticApproval: values(x.in.Automatic()), ManualApproval: values(x.in.Manual())}
		}
	}
	return &out
}

// remotePoll reads a Question's options (oneOf: single choice, anyOf:
// multiple) and end; the remote tallies are not kept.
func remotePoll(doc *activitypub.Incoming, now time.Time) *store.Poll {
	opts, multiple := doc.OneOf, false
	if len(doc.AnyOf) > 0 {
		opts, multiple = doc.AnyOf, true
	}
	p := &store.Poll{Multiple: multiple}
	for _, o := range opts {
		name := truncate(PlainText(o.Name), 200)
		if name != "" && len(p.Options) < maxRemotePollOpts {
			p.Options = append(p.Options, name)
		}
	}
	if len(p.Options) == 0 {
		return nil
	}
	p.ExpiresAt = activitypub.ParseTime(doc.EndTime)
	if p.ExpiresAt.IsZero() {
		var closed string
		if len(doc.Closed) > 0 && doc.Closed[0] == '"' {
			closed = strings.Trim(string(doc.Closed), `"`)
		}
		p.ExpiresAt = activitypub.ParseTime(closed)
	}
	if p.ExpiresAt.IsZero() {
		p.ExpiresAt = now.Add(defaultPollLength)
	}
	return p
}

// language keeps a contentMap key that is an ISO 639-1 code (a region
// suffix dropped).
func language(tag string) string {
	tag = strings.ToLower(tag)
	if i := strings.IndexAny(tag, "-_"); i > 0 {
		tag = tag[:i]
	}
	if statuses.ValidLanguage(tag) {
		return tag
	}
	return ""
}

// mediaType is the Mastodon media type of an attachment (image, video or
// audio, from its mediaType or else its type), "" for anything else.
func mediaType(att activitypub.Attachment) string {
	major, _, _ := strings.Cut(strings.ToLower(att.MediaType), "/")
	switch major {
	case "image", "video", "audio":
		return major
	}
	if att.MediaType == "" {
		switch att.Type {
		case "Image":
			return "image"
		case "Video":
			return "video"
		case "Audio":
			return "audio"
		}
	}
	return ""
}
