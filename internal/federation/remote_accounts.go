package federation

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/ratelimit"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Limits of remote accounts.
const (
	// AccountRefreshAfter is the age after which a remote actor is
	// fetched again when it acts or is looked up.
	AccountRefreshAfter = 24 * time.Hour
	maxUsernameLen      = 300
	maxDisplayNameLen   = 300
	maxNoteLen          = 20000
	maxFields           = 16
	maxFieldLen         = 2000
)

// dropError marks an activity that can never be processed (forged,
// malformed, about something unknown): it is logged and marked processed,
// never retried.
type dropError struct{ reason string }

func (e *dropError) Error() string { return e.reason }

func drop(format string, args ...any) error { return &dropError{reason: fmt.Sprintf(format, args...)} }

// permanent reports whether err will not go away with a retry: a drop, a
// refused document (4xx but 429), an address the guard refuses, a
// document too large, or a domain rule.
func permanent(err error) bool {
	var d *dropError
	if errors.As(err, &d) {
		return true
	}
	var se *httpclient.StatusError
	if errors.As(err, &se) {
		return se.Status/100 == 4 && se.Status != 429
	}
	switch domain.KindOf(err) {
	case domain.KindInvalid, domain.KindForbidden, domain.KindNotFound, domain.KindConflict:
		return true
	}
	return errors.Is(err, activitypub.ErrMalformed) || errors.Is(err, httpclient.ErrForbiddenAddress) ||
		errors.Is(err, httpclient.ErrScheme) || errors.Is(err, httpclient.ErrTooManyRedirects) || errors.Is(err, httpclient.ErrTooLarge)
}

// resolver finds remote actors and objects, fetching them through the
// handler's guarded client and storing them through the services.
type resolver struct {
	h        *Handler
	statuses *statuses.Service
	// backfill bounds the fetches of missing reply parents per remote
	// host; nil for lookups a user asked for (the API's limits apply).
	backfill *ratelimit.Limiter
}

func (h *Handler) resolver() *resolver {
	h.init()
	return &resolver{h: h, statuses: statuses.New(h.Cfg, h.Store)}
}

// hostOf is the host of a URL, lowercased ("" when it has none).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	return strings.ToLower(u.Host)
}

// isLocal reports whether an id is on this server.
func (r *resolver) isLocal(id string) bool {
	return hostOf(id) != "" && hostOf(id) == hostOf(r.h.Cfg.URL)
}

// localAccount finds the local account an actor id or profile URL names
// (/users/NAME or /@NAME).
func (r *resolver) localAccount(ctx context.Context, id string) (*domain.Account, error) {
	if !r.isLocal(id) {
		return nil, domain.NotFound()
	}
	u, _ := url.Parse(id)
	name, ok := strings.CutPrefix(u.Path, "/users/")
	if !ok {
		name, ok = strings.CutPrefix(u.Path, "/@")
	}
	if !ok || name == "" || strings.Contains(name, "/") {
		return nil, domain.NotFound()
	}
	return r.h.Store.AccountByHandle(ctx, name, "")
}

// account returns the account of an actor id: a local one, a stored remote
// one (refreshed when older than AccountRefreshAfter; a failed refresh
// keeps the stored one), or one fetched now.
func (r *resolver) account(ctx context.Context, id string) (*domain.Account, error) {
	if r.isLocal(id) {
		return r.localAccount(ctx, id)
	}
	ra, err := r.h.Store.RemoteAccountByURI(ctx, id)
	if err != nil && domain.KindOf(err) != domain.KindNotFound {
		return nil, err
	}
	if ra != nil && r.h.Now().Sub(ra.FetchedAt) < AccountRefreshAfter {
		return ra.Account, nil
	}
	a, ferr := r.fetchAccount(ctx, id)
	if ferr != nil {
		if ra != nil {
			r.h.Log.Debug("refresh remote account", "uri", id, "err", ferr)
			return ra.Account, nil
		}
		return nil, ferr
	}
	return a, nil
}

// knownAccount returns a stored account (local or remote) without fetching.
func (r *resolver) knownAccount(ctx context.Context, id string) (*domain.Account, error) {
	if r.isLocal(id) {
		return r.localAccount(ctx, id)
	}
	return r.h.Store.AccountByURI(ctx, id)
}

// fetchAccount fetches an actor document and stores it.
func (r *resolver) fetchAccount(ctx context.Context, id string) (*domain.Account, error) {
	if err := r.fetchable(ctx, id); err != nil {
		return nil, err
	}
	body, err := r.h.SignedGet(ctx, id, maxActorDocument)
	if err != nil {
		return nil, fmt.Errorf("fetch actor %s: %w", id, err)
	}
	doc, err := activitypub.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("actor %s: %w", id, err)
	}
	return r.storeActor(ctx, id, doc)
}

// storeActor checks an actor document fetched from fetchedFrom and stores
// it: its id must be on the URL's host, its type an actor's, and its
// preferredUsername@host must WebFinger back to its id (Mastodon's check
// that the handle is the actor's).
func (r *resolver) storeActor(ctx context.Context, fetchedFrom string, doc *activitypub.Incoming) (*domain.Account, error) {
	if !activitypub.IsActorType(doc.Type) {
		return nil, drop("%s is a %q, not an actor", fetchedFrom, doc.Type)
	}
	host := hostOf(doc.ID)
	if host == "" || host != hostOf(fetchedFrom) {
		return nil, drop("actor id %q is not on the host of %s", doc.ID, fetchedFrom)
	}
	if r.isLocal(doc.ID) {
		return nil, drop("actor %s claims to be local", doc.ID)
	}
	username := doc.PreferredUsername
	if username == "" || len(username) > maxUsernameLen || strings.ContainsAny(username, "@/?# \t\r\n") || !utf8.ValidString(username) {
		return nil, drop("actor %s has no valid preferredUsername", doc.ID)
	}
	if doc.Inbox == "" || hostOf(doc.Inbox) == "" {
		return nil, drop("actor %s has no inbox", doc.ID)
	}
	self, err := r.h.WebFinger(ctx, username, host)
	if err != nil {
		return nil, drop("actor %s: %v", doc.ID, err)
	}
	if self != doc.ID {
		return nil, drop("actor %s: %s@%s WebFingers to %s", doc.ID, username, host, self)
	}
	a := &domain.Account{
		Username: username, Domain: host, URI: doc.ID,
		DisplayName:    truncate(PlainText(doc.Name), maxDisplayNameLen),
		Note:           SanitizeHTML(truncate(doc.Summary, maxNoteLen)),
		Locked:         doc.ManuallyApprovesFollowers,
		Bot:            doc.Type == "Service" || doc.Type == "Application",
		Discoverable:   doc.Discoverable != nil && *doc.Discoverable,
		Indexable:      doc.Indexable != nil && *doc.Indexable,
		URL:            httpURL(activitypub.LinkURL(doc.URL)),
		AvatarURL:      httpURL(activitypub.ImageURL(doc.Icon)),
		HeaderURL:      httpURL(activitypub.ImageURL(doc.Image)),
		InboxURL:       doc.Inbox,
		SharedInboxURL: httpURL(doc.Endpoints.SharedInbox),
		FollowersURL:   httpURL(doc.Followers),
		PublicKey:      doc.KeyPEM(""),
		Fields:         []domain.Field{},
	}
	if a.URL == "" {
		a.URL = doc.ID
	}
	for _, f := range doc.Attachment {
		if f.Type != "PropertyValue" || len(a.Fields) >= maxFields {
			continue
		}
		a.Fields = append(a.Fields, domain.Field{Name: truncate(PlainText(f.Name), maxFieldLen), Value: SanitizeHTML(truncate(f.Value, maxFieldLen))})
	}
	block, err := r.h.Store.DomainBlockFor(ctx, host)
	if err != nil {
		return nil, err
	}
	if block != nil && block.RejectMedia {
		a.AvatarURL, a.HeaderURL = "", ""
	}
	if block != nil && block.Severity == store.SeveritySilence {
		// Marked with the block's time, as the block marks the accounts
		// it silences (lifting it lifts this too).
		at := block.CreatedAt
		a.SilencedAt = &at
	}
	ra := &store.RemoteAccount{Account: a, AlsoKnownAs: doc.AlsoKnownAs, MovedToURI: doc.MovedTo.ID}
	if hostOf(doc.Featured.ID) == host {
		ra.FeaturedURL = doc.Featured.ID
	}
	if doc.MovedTo.ID != "" {
		if to, err := r.knownAccount(ctx, doc.MovedTo.ID); err == nil {
			a.MovedToAccountID = to.ID
		}
	}
	if err := r.h.Store.UpsertRemoteAccount(ctx, ra); err != nil {
		return nil, err
	}
	if err := r.storeAttributionDomains(ctx, a.ID, doc.RawAttributionDomains); err != nil {
		return nil, err
	}
	// The custom emoji of its name, bio and fields (emojis.go).
	if err := r.keepEmojiTags(ctx, doc.Tag, a); err != nil {
		return nil, err
	}
	tagsURL := ""
	if hostOf(doc.FeaturedTags.ID) == host {
		tagsURL = doc.FeaturedTags.ID
	}
	if err := r.h.Store.SetFeaturedTagsURL(ctx, a.ID, tagsURL); err != nil {
		return nil, err
	}
	if ra.FeaturedURL != "" || tagsURL != "" {
		r.h.enqueueFeatured(ctx, a.ID) // its pinned posts and hashtags, read in the background
	}
	return r.h.Store.Account(ctx, a.ID)
}

// httpURL keeps an http(s) URL and drops anything else (javascript:, data:).
func httpURL(s string) string {
	if hostOf(s) == "" {
		return ""
	}
	return s
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// rejectMedia reports whether a domain block rejects the media of host.
func (r *resolver) rejectMedia(ctx context.Context, host string) (bool, error) {
	b, err := r.domainBlockFor(ctx, host) // looked up once per note on the batch path (ingest_create.go)
	if err != nil {
		return false, err
	}
	return b != nil && (b.RejectMedia || b.Severity == store.SeveritySuspend), nil
}

// fetchable refuses fetches from a suspended domain.
func (r *resolver) fetchable(ctx context.Context, rawURL string) error {
	b, err := r.h.Store.DomainBlockFor(ctx, hostOf(rawURL))
	if err != nil {
		return err
	}
	if b != nil && b.Severity == store.SeveritySuspend {
		return drop("domain %s is suspended", b.Domain)
	}
	return nil
}
