package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
)

// settingsData is the settings page's two forms, as stored or as typed.
type settingsData struct {
	DisplayName   string
	Note          string
	Fields        []accounts.FieldInput // always MaxFields rows
	Locked, Bot   bool
	Visibility    string
	Language      string
	Locale        string
	Languages     []string
	Locales       []string
	ProfileError  string
	PrefsError    string
	MaxNote       int
	MaxName       int
	MaxFieldName  int
	MaxFieldValue int
	Relations     *mutedAndBlocked
	// The reader's time zone ("" : the browser's), the zones offered,
	// and the zone the browser reported (reader_time.go).
	TimeZone    string
	Zones       []string
	BrowserZone string
	// ReplyDefaults is who may reply to new posts by default, by
	// visibility (public, unlisted, private), as replyChoices; custom
	// rules set from an app show as "custom" and are kept unless changed.
	ReplyDefaults []replyDefault
	// QuotePolicy is who may quote new public and unlisted posts by
	// default (quoteChoices), Mastodon's source[quote_policy].
	QuotePolicy string
	// AttributionDomains are the sites whose pages may credit the
	// account on their link previews, one per line as typed.
	AttributionDomains string
	MaxAttribution     int
}

// replyDefault is one visibility's default reply rule in the settings.
type replyDefault struct {
	Visibility domain.Visibility
	Choice     string
}

// replyDefaultVisibilities are the visibilities whose default reply rule
// the settings offer (a direct post is for the mentioned accounts).
var replyDefaultVisibilities = []domain.Visibility{domain.Public, domain.Unlisted, domain.Private}

func (h *Handler) settingsFrom(q *request) (*settingsData, error) {
	a, u := q.acct, q.user
	d := &settingsData{DisplayName: a.DisplayName, Note: a.NoteSource, Locked: a.Locked, Bot: a.Bot,
		Visibility: string(u.Preferences.DefaultVisibility), Language: u.Preferences.DefaultLanguage, Locale: u.Locale,
		Languages: composeLanguages, Locales: []string{"en", "fr"}, MaxNote: accounts.MaxNoteLen, MaxName: accounts.MaxDisplayNameLen,
		MaxFieldName: accounts.MaxFieldNameLen, MaxFieldValue: accounts.MaxFieldValueLen,
		TimeZone: u.Preferences.TimeZone, Zones: h.zones.names, BrowserZone: browserZone(q.r), QuotePolicy: u.Preferences.DefaultQuotePolicy,
		MaxAttribution: accounts.MaxAttributionDomains}
	domains, err := h.Store.AttributionDomains(q.r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	d.AttributionDomains = strings.Join(domains, "\n")
	if d.QuotePolicy == "" {
		d.QuotePolicy = domain.QuotePublic
	}
	if d.TimeZone != "" && !slices.Contains(d.Zones, d.TimeZone) {
		d.Zones = append([]string{d.TimeZone}, d.Zones...) // kept, even if the system lost it
	}
	if d.Visibility == "" {
		d.Visibility = string(domain.Public)
	}
	for _, f := range a.Fields {
		// Stored values are HTML (links); the form edits their text.
		d.Fields = append(d.Fields, accounts.FieldInput{Name: f.Name, Value: accounts.FieldSource(f.Value)})
	}
	for len(d.Fields) < accounts.MaxFields {
		d.Fields = append(d.Fields, accounts.FieldInput{})
	}
	return d, nil
}

// settingsPage is GET /settings: profile and preferences.
func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return
	}
	d, err := h.settingsFrom(q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderSettings(q, d, http.StatusOK)
}

func (h *Handler) renderSettings(q *request, d *settingsData, status int) {
	rel, err := h.loadMutedAndBlocked(q)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d.Relations = rel
	if d.ReplyDefaults == nil {
		defs, err := h.statuses.InteractionDefaults(q.r.Context(), q.acct.ID)
		if err != nil {
			h.fail(q.w, q.r, err)
			return
		}
		for _, vis := range replyDefaultVisibilities {
			d.ReplyDefaults = append(d.ReplyDefaults, replyDefault{vis, replyChoiceOf(defs[vis].CanReply)})
		}
	}
	if d.PrefsError == "" {
		d.PrefsError = q.v.ZoneError
	}
	q.v.Title, q.v.Nav, q.v.Data, q.v.Path = q.v.Tr("nav_settings"), "settings", d, "/settings"
	h.render(q, status, "settings")
}

// saveProfile is POST /settings/profile.
func (h *Handler) saveProfile(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	v := r.PostForm
	d, err := h.settingsFrom(q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.DisplayName, d.Note, d.Locked, d.Bot = v.Get("display_name"), v.Get("note"), on(v, "locked"), on(v, "bot")
	d.Fields = d.Fields[:0]
	for i := range accounts.MaxFields {
		n := strconv.Itoa(i)
		d.Fields = append(d.Fields, accounts.FieldInput{Name: v.Get("field_name_" + n), Value: v.Get("field_value_" + n)})
	}
	fields := append([]accounts.FieldInput{}, d.Fields...)
	upd := accounts.ProfileUpdate{DisplayName: &d.DisplayName, Note: &d.Note, Fields: &fields, Locked: &d.Locked, Bot: &d.Bot}
	if v.Has("attribution_domains") { // one per line; a form without the field keeps them
		d.AttributionDomains = v.Get("attribution_domains")
		domains := strings.FieldsFunc(d.AttributionDomains, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' })
		upd.AttributionDomains = &domains
	}
	if _, _, err := h.Accounts.UpdateProfile(r.Context(), q.user, q.acct, upd); err != nil {
		if domain.KindOf(err) != domain.KindInvalid {
			h.fail(w, r, err)
			return
		}
		d.ProfileError = q.v.Err(err)
		h.renderSettings(q, d, http.StatusUnprocessableEntity)
		return
	}
	q.v.Path = "/settings"
	h.done(q, "flash_saved", nil)
}

// savePreferences is POST /settings/preferences: default visibility,
// posting language and the interface language.
func (h *Handler) savePreferences(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	v := r.PostForm
	d, err := h.settingsFrom(q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Visibility, d.Language, d.Locale = v.Get("visibility"), v.Get("language"), v.Get("locale")
	d.TimeZone = v.Get("time_zone")
	if v.Has("quote_policy") {
		d.QuotePolicy = v.Get("quote_policy")
	}
	var replies []replyDefault
	for _, vis := range replyDefaultVisibilities {
		if c := v.Get("reply_" + string(vis)); c != "" {
			replies = append(replies, replyDefault{vis, c})
		}
	}
	if len(replies) == len(replyDefaultVisibilities) {
		d.ReplyDefaults = replies // shown as sent if the form comes back
	}
	if _, ok := messages[d.Locale]; !ok && d.Locale != "" {
		d.PrefsError = q.v.Tr("err_locale")
		h.renderSettings(q, d, http.StatusUnprocessableEntity)
		return
	}
	if _, err := h.zones.load(d.TimeZone); err != nil {
		d.PrefsError = q.v.Tr("rd_zone_unknown", d.TimeZone)
		h.renderSettings(q, d, http.StatusUnprocessableEntity)
		return
	}
	quotePolicy, err := statuses.ValidQuotePolicy(d.QuotePolicy)
	if err != nil {
		d.PrefsError = q.v.Tr("qt_err_policy")
		h.renderSettings(q, d, http.StatusUnprocessableEntity)
		return
	}
	if err := h.saveReplyDefaults(q, replies); err != nil {
		if domain.KindOf(err) != domain.KindInvalid {
			h.fail(w, r, err)
			return
		}
		d.PrefsError = errorMessage(err)
		h.renderSettings(q, d, http.StatusUnprocessableEntity)
		return
	}
	u, _, err := h.Accounts.UpdateProfile(r.Context(), q.user, q.acct, accounts.ProfileUpdate{Privacy: &d.Visibility, Language: &d.Language})
	if err == nil && (d.Locale != q.user.Locale || d.TimeZone != u.Preferences.TimeZone || quotePolicy != u.Preferences.DefaultQuotePolicy) {
		// The interface language, time zone and quote default are user
		// settings with no rule beyond the lists checked above.
		u.Preferences.TimeZone, u.Preferences.DefaultQuotePolicy = d.TimeZone, quotePolicy
		err = h.Store.SetPreferences(r.Context(), u.ID, u.Preferences, d.Locale)
	}
	if err != nil {
		if domain.KindOf(err) != domain.KindInvalid {
			h.fail(w, r, err)
			return
		}
		d.PrefsError = errorMessage(err)
		h.renderSettings(q, d, http.StatusUnprocessableEntity)
		return
	}
	q.v.Path = "/settings"
	if d.Locale != "" {
		// The message is shown in the new language.
		q.v.L = messages[d.Locale]
	}
	h.done(q, "flash_saved", nil)
}

// saveReplyDefaults sets the account's default reply rules for the
// visibilities in ds, keeping the rest of each default policy (boosts,
// favourites) and the other visibilities' as they are: the service
// resets what it is not given. "custom" keeps a rule set from an app; a
// visibility left out of ds keeps its rule.
func (h *Handler) saveReplyDefaults(q *request, ds []replyDefault) error {
	if len(ds) == 0 {
		return nil
	}
	ctx := q.r.Context()
	cur, err := h.statuses.InteractionDefaults(ctx, q.acct.ID)
	if err != nil {
		return err
	}
	in := map[domain.Visibility]*statuses.PolicyInput{}
	for vis, p := range cur {
		in[vis] = &statuses.PolicyInput{CanFavourite: &p.CanFavourite, CanReply: &p.CanReply, CanReblog: &p.CanReblog}
	}
	for _, d := range ds {
		if d.Choice == replyCustom {
			continue
		}
		r := replyRule(d.Choice)
		if r == nil {
			return domain.Invalid("%s", q.v.Tr("rd_err_reply_choice"))
		}
		in[d.Visibility].CanReply = r
	}
	_, err = h.statuses.SetInteractionDefaults(ctx, q.acct.ID, in)
	return err
}
