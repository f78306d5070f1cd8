package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
)

// composeLanguages are offered in the compose form's language list (any
// ISO 639-1 code is accepted by the service; these are the common ones).
var composeLanguages = []string{"en", "fr", "de", "es", "it", "nl", "pt", "ca", "eu", "br", "oc", "ar", "pl", "sv", "da", "fi", "el", "tr", "uk", "ru", "ja", "zh"}

// composeForm is the compose form's state: empty, a reply, or sent back
// with an error and everything typed.
type composeForm struct {
	Text        string
	SpoilerText string
	Visibility  string
	Language    string
	InReplyTo   string
	Idempotency string // one per form shown, so a double submit posts once
	Languages   []string
	Heading     string
	Error       string
	// The poll, optional: MaxPollOptions option fields, a duration in
	// seconds (one of pollDurations) and single or multiple choice.
	PollOptions   []string
	PollExpiresIn string
	PollMultiple  bool
	PollDurations []struct{ Value, Key string }
	// Images: MaxComposeImages slots, sensitive media, and the alt-text
	// nudge (AltMissing: shown again because an image has no alt text).
	Media      []composeMedia
	Sensitive  bool
	AltMissing bool
	// ReplyPolicy is who may reply (reader_policy.go): "" for the
	// author's default for the visibility.
	ReplyPolicy string
	// QuotedStatus is the post this one quotes (quotes.go); QuotePolicy
	// who may quote this one ("" : the author's default), offered when
	// QuotePolicies is set: not on the home timeline, whose page weight
	// is held to a budget (the account default applies there).
	QuotedStatus  string
	QuotePolicy   string
	QuotePolicies bool
}

// MediaOpen reports whether the form comes back with images chosen.
func (f *composeForm) MediaOpen() bool {
	for _, m := range f.Media {
		if m.ID != "" {
			return true
		}
	}
	return f.Sensitive
}

// PollOpen reports whether the form comes back with a poll being written.
func (f *composeForm) PollOpen() bool {
	for _, o := range f.PollOptions {
		if strings.TrimSpace(o) != "" {
			return true
		}
	}
	return false
}

// newCompose is an empty form with the viewer's defaults; a reply to
// parent starts with its author's handle and keeps its visibility.
func (h *Handler) newCompose(q *request, parent *statusView) *composeForm {
	f := &composeForm{Visibility: string(q.user.Preferences.DefaultVisibility), Language: q.user.Preferences.DefaultLanguage,
		Idempotency: auth.NewSecret(12), Languages: composeLanguages, Heading: q.v.Tr("compose_heading"),
		PollOptions: make([]string, statuses.MaxPollOptions), PollExpiresIn: DefaultPollDuration, PollDurations: pollDurations,
		Media: make([]composeMedia, MaxComposeImages), Sensitive: q.user.Preferences.DefaultSensitive}
	if f.Visibility == "" {
		f.Visibility = string(domain.Public)
	}
	if parent != nil {
		f.InReplyTo = parent.ID
		f.Heading = q.v.Tr("reply_heading", parent.Account.Acct)
		if parent.Account.ID != q.acct.ID.String() {
			f.Text = "@" + parent.Account.Acct + " "
		}
		if parent.Visibility == domain.Private || parent.Visibility == domain.Direct {
			f.Visibility = string(parent.Visibility)
		}
	}
	return f
}

// compose is POST /web/statuses: it posts and goes back where the form
// was; on an error it shows the form again, as typed, with the message.
func (h *Handler) compose(w http.ResponseWriter, r *http.Request) {
	if !parseCompose(w, r) {
		return
	}
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	q := h.formRequest(w, r, true)
	if q == nil {
		return
	}
	v := r.PostForm
	f := &composeForm{Text: v.Get("status"), SpoilerText: v.Get("spoiler_text"), Visibility: v.Get("visibility"),
		Language: v.Get("language"), InReplyTo: v.Get("in_reply_to_id"), Idempotency: v.Get("idempotency_key"),
		Languages: composeLanguages, Heading: q.v.Tr("compose_heading"), PollDurations: pollDurations,
		Media: make([]composeMedia, MaxComposeImages), Sensitive: on(v, "sensitive"), ReplyPolicy: v.Get("reply_policy"),
		QuotedStatus: v.Get("quoted_status_id"), QuotePolicy: v.Get("quote_policy"), QuotePolicies: v.Has("quote_policy")}
	sensitive := f.Sensitive
	in := statuses.PostInput{Text: f.Text, SpoilerText: f.SpoilerText, Visibility: f.Visibility, Language: f.Language,
		IdempotencyKey: "web:" + f.Idempotency, Poll: composePoll(r, f), Sensitive: &sensitive, QuotePolicy: f.QuotePolicy}
	if f.Idempotency == "" {
		in.IdempotencyKey = ""
	}
	if f.InReplyTo != "" {
		id, err := strconv.ParseInt(f.InReplyTo, 10, 64)
		if err != nil || id <= 0 {
			h.fail(w, r, domain.Invalid("in_reply_to_id: not an id"))
			return
		}
		in.InReplyToID = domain.ID(id)
	}
	quoted, err := quotedID(f.QuotedStatus)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in.QuotedStatusID = quoted
	var id domain.ID
	mediaIDs, missingAlt, err := h.composeUploads(q, f)
	in.MediaIDs = mediaIDs
	if err == nil {
		in.InteractionPolicy, err = replyPolicyInput(v)
	}
	if err == nil && missingAlt && !on(v, "alt_confirmed") {
		// The nudge: not a refusal, a question the author answers.
		f.AltMissing = true
		err = domain.Invalid("%s", q.v.Tr("alt_missing"))
	}
	switch {
	case err != nil:
	case h.Cfg.RateLimits && !h.posts.Allow("account:"+q.acct.ID.String()).Allowed:
		// The API's hourly allowance, counted apart.
		err = domain.E(domain.KindRateLimited, "%s", q.v.Tr("too_many_posts"))
	default:
		id, err = h.statuses.Post(r.Context(), q.acct, q.user.Preferences, in)
	}
	if err != nil {
		if k := domain.KindOf(err); k != domain.KindInvalid && k != domain.KindForbidden && k != domain.KindRateLimited {
			h.fail(w, r, err)
			return
		}
		if wantsJSON(r) {
			writeJSON(w, statusOf(err), map[string]string{"error": q.v.Err(err)})
			return
		}
		f.Error = postError(q.v, err)
		if quoted != 0 {
			h.quoteCompose(q, quoted, f, statusOf(err))
			return
		}
		if in.InReplyToID != 0 {
			// A reply goes back to its thread, as typed.
			h.threadPage(q, in.InReplyToID, f, statusOf(err))
			return
		}
		h.homeTimeline(q, f, statusOf(err))
		return
	}
	flash := "flash_posted"
	if held, err := h.Store.HeldStatusByID(r.Context(), id); err == nil && held.ReleasedAt == nil {
		flash = "flash_held"
	} else if in.InReplyToID != 0 {
		if pending, err := h.statuses.PendingInteraction(r.Context(), q.acct.ID, id, statuses.Reply); err == nil && pending {
			flash = "flash_reply_pending"
		}
	}
	h.done(q, flash, map[string]string{"id": id.String()})
}

// postError turns the service's message into the page's language for the
// common cases, keeping the service's words otherwise.
func postError(v *view, err error) string {
	msg := errorMessage(err)
	switch {
	case strings.Contains(msg, "can't be blank"):
		return v.Tr("err_post_blank")
	case strings.Contains(msg, "character limit"):
		return v.Tr("err_post_long", v.MaxChars)
	case strings.Contains(msg, "a poll needs"):
		return v.Tr("err_poll_options", statuses.MinPollOptions, statuses.MaxPollOptions)
	case strings.Contains(msg, "poll options must be different"):
		return v.Tr("err_poll_duplicate")
	case strings.Contains(msg, "poll options are at most"):
		return v.Tr("err_poll_option_long", statuses.MaxPollOptionChars)
	case strings.Contains(msg, "have not finished processing"):
		// store.ErrMediaNotReady: a video still being converted.
		return v.Tr("rd_err_media_processing")
	case strings.Contains(msg, "accepts replies from"), strings.Contains(msg, "does not accept replies"):
		// statuses.CheckInteraction's refusal of a reply.
		return v.Tr("rd_err_reply_refused")
	case strings.Contains(msg, "accepts quotes from"), strings.Contains(msg, "does not accept quotes"), strings.Contains(msg, "can be quoted"):
		return v.Tr("qt_err_refused")
	case strings.Contains(msg, "a quote cannot have"):
		return v.Tr("qt_err_poll_media")
	case strings.Contains(msg, "quote_approval_policy"):
		return v.Tr("qt_err_policy")
	}
	return v.Err(err)
}
