package web

import (
	"net/http"
	"strconv"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/domain"
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
}

func (h *Handler) settingsFrom(q *request) *settingsData {
	a, u := q.acct, q.user
	d := &settingsData{DisplayName: a.DisplayName, Note: a.NoteSource, Locked: a.Locked, Bot: a.Bot,
		Visibility: string(u.Preferences.DefaultVisibility), Language: u.Preferences.DefaultLanguage, Locale: u.Locale,
		Languages: composeLanguages, Locales: []string{"en", "fr"}, MaxNote: accounts.MaxNoteLen, MaxName: accounts.MaxDisplayNameLen,
		MaxFieldName: accounts.MaxFieldNameLen, MaxFieldValue: accounts.MaxFieldValueLen}
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
	return d
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
	h.renderSettings(q, h.settingsFrom(q), http.StatusOK)
}

func (h *Handler) renderSettings(q *request, d *settingsData, status int) {
	rel, err := h.loadMutedAndBlocked(q)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d.Relations = rel
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
	d := h.settingsFrom(q)
	d.DisplayName, d.Note, d.Locked, d.Bot = v.Get("display_name"), v.Get("note"), on(v, "locked"), on(v, "bot")
	d.Fields = d.Fields[:0]
	for i := range accounts.MaxFields {
		n := strconv.Itoa(i)
		d.Fields = append(d.Fields, accounts.FieldInput{Name: v.Get("field_name_" + n), Value: v.Get("field_value_" + n)})
	}
	fields := append([]accounts.FieldInput{}, d.Fields...)
	upd := accounts.ProfileUpdate{DisplayName: &d.DisplayName, Note: &d.Note, Fields: &fields, Locked: &d.Locked, Bot: &d.Bot}
	if _, _, err := h.Accounts.UpdateProfile(r.Context(), q.user, q.acct, upd); err != nil {
		if domain.KindOf(err) != domain.KindInvalid {
			h.fail(w, r, err)
			return
		}
		d.ProfileError = errorMessage(err)
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
	d := h.settingsFrom(q)
	d.Visibility, d.Language, d.Locale = v.Get("visibility"), v.Get("language"), v.Get("locale")
	if _, ok := messages[d.Locale]; !ok && d.Locale != "" {
		d.PrefsError = q.v.Tr("err_locale")
		h.renderSettings(q, d, http.StatusUnprocessableEntity)
		return
	}
	u, _, err := h.Accounts.UpdateProfile(r.Context(), q.user, q.acct, accounts.ProfileUpdate{Privacy: &d.Visibility, Language: &d.Language})
	if err == nil && d.Locale != q.user.Locale {
		// The interface language is a user setting with no rule beyond the
		// list of translations above.
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
