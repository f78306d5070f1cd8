// Package web serves agora's own web UI: server-rendered pages from
// embedded templates, working without JavaScript. Handlers are thin: they
// read the form, call one service (accounts, statuses, graph, search) and
// render; the rules live in those services.
package web

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/export"
	"github.com/agora-social/agora/internal/filters"
	"github.com/agora-social/agora/internal/graph"
	"github.com/agora-social/agora/internal/imports"
	"github.com/agora-social/agora/internal/mail"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/ratelimit"
	"github.com/agora-social/agora/internal/search"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Limits of the web UI.
const (
	MaxFormBytes = 64 << 10 // body of any form
	PageSize     = 20       // statuses per timeline page
	AccountsPage = 40       // accounts per followers/following page
	MaxPollNew   = 40       // statuses one live-update poll returns
	// SignUpWindow is the window of the sign-up limit (mastodon.LimitSignUps
	// accounts per IP address, as the API allows).
	SignUpWindow = 30 * time.Minute
)

// CSP is the Content-Security-Policy of every page: scripts and styles only
// from this server's files (no inline code), images from here or over
// HTTPS (remote avatars), fetch only to this server.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Handler serves the web UI.
type Handler struct {
	Cfg      *config.Config
	Log      *slog.Logger
	Store    *store.Store
	Accounts *accounts.Service
	// Media stores the compose form's images; nil leaves posting images
	// out (the pages say so).
	Media *media.Service
	// Export writes the account exports of /settings/export; nil leaves
	// the page saying exports are unavailable.
	Export *export.Exporter
	// Imports reads the CSV lists of /settings/export's import form; nil
	// leaves the form out.
	Imports *imports.Service

	once     sync.Once
	exports  exportState // export.go
	sessions *auth.Sessions
	statuses *statuses.Service
	graph    *graph.Service
	search   *search.Service
	filters  *filters.Service
	pages    map[string]*template.Template
	assets   map[string]*asset
	signUps  *ratelimit.Limiter
	posts    *ratelimit.Limiter
	// Password resets (password_reset.go).
	mail        mail.Sender
	resetsIP    *ratelimit.Limiter
	resetsEmail *ratelimit.Limiter
	mailSlots   chan struct{}
	background  sync.WaitGroup
	zones       *zones // the readers' time zones (reader_time.go)
}

// Wait waits for the work the handler does after answering (reset
// emails); call it on shutdown, after the HTTP server stopped.
func (h *Handler) Wait() { h.background.Wait() }

// pageNames are the templates in templates/ that are whole pages: every
// file there except the shared layout and partials.
func pageNames() []string {
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	var names []string
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == e.Name() || name == "layout" || name == "partials" {
			continue
		}
		names = append(names, name)
	}
	return names
}

// prepare builds the services and parses the templates, once: the Handler
// is made as a struct literal by its caller.
func (h *Handler) prepare() {
	h.sessions = &auth.Sessions{Store: h.Store, Secure: strings.HasPrefix(h.Cfg.URL, "https://"), Origin: publicOrigin(h.Cfg.URL)}
	h.statuses = statuses.New(h.Cfg, h.Store)
	h.graph = graph.New(h.Store)
	h.search = &search.Service{Store: h.Store, BaseURL: h.Cfg.URL}
	h.filters = &filters.Service{Store: h.Store, Now: h.Store.Now}
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	h.pages = map[string]*template.Template{}
	for _, name := range pageNames() {
		t := template.Must(base.Clone())
		h.pages[name] = template.Must(t.ParseFS(templateFS, "templates/"+name+".html"))
	}
	h.assets = compactAssets(loadAssets())
	h.zones = newZones()
	// The same allowance as the API's sign-up endpoint, counted apart.
	h.signUps = ratelimit.New(mastodon.LimitSignUps, SignUpWindow, h.Store.Now)
	h.posts = ratelimit.New(mastodon.LimitStatusesPerHour, time.Hour, h.Store.Now)
	h.mail = mail.New(h.Cfg.Mail, h.Log)
	h.resetsIP = ratelimit.New(LimitResetsPerIP, ResetWindow, h.Store.Now)
	h.resetsEmail = ratelimit.New(LimitResetsPerEmail, ResetWindow, h.Store.Now)
	h.mailSlots = make(chan struct{}, MaxResetMailsInFlight)
}

// Register adds the web UI routes.
func (h *Handler) Register(mux *http.ServeMux) {
	h.once.Do(h.prepare)
	mux.HandleFunc("GET /web/static/", h.serveStatic)
	mux.HandleFunc("GET /home", h.home)
	mux.HandleFunc("GET /public", h.federated)
	mux.HandleFunc("GET /public/local", h.local)
	mux.HandleFunc("GET /tags/{name}", h.tag)
	mux.HandleFunc("GET /favourites", h.favourites)
	mux.HandleFunc("GET /bookmarks", h.bookmarks)
	mux.HandleFunc("GET /notifications", h.notifications)
	mux.HandleFunc("GET /search", h.searchPage)
	mux.HandleFunc("GET /settings", h.settingsPage)
	mux.HandleFunc("POST /settings/profile", h.saveProfile)
	mux.HandleFunc("POST /settings/preferences", h.savePreferences)
	mux.HandleFunc("GET /settings/filters", h.filtersPage)
	mux.HandleFunc("POST /settings/filters", h.createFilter)
	mux.HandleFunc("GET /settings/filters/{id}", h.filterPage)
	mux.HandleFunc("POST /settings/filters/{id}", h.updateFilter)
	mux.HandleFunc("GET /settings/apps", h.appsPage)
	mux.HandleFunc("POST /settings/apps/{id}/revoke", h.revokeApp)
	mux.HandleFunc("GET /notes", h.notesToRatePage)
	mux.HandleFunc("POST /web/statuses/{id}/notes", h.writeNote)
	mux.HandleFunc("POST /web/notes/{id}/rating", h.rateNote)
	mux.HandleFunc("GET /settings/notifications", h.notificationSettingsPage)
	mux.HandleFunc("POST /settings/notifications/calm", h.saveCalmMode)
	mux.HandleFunc("POST /settings/notifications/policy", h.saveNotificationPolicy)
	mux.HandleFunc("POST /settings/notifications/requests/{id}", h.answerNotificationRequest)
	mux.HandleFunc("GET /settings/invites", h.invitesPage)
	mux.HandleFunc("POST /settings/invites", h.createInvite)
	mux.HandleFunc("POST /settings/invites/{id}/revoke", h.revokeInvite)
	mux.HandleFunc("GET /invite/{code}", h.invite)
	mux.HandleFunc("GET /settings/domain_blocks", h.domainBlocksPage)
	mux.HandleFunc("POST /settings/domain_blocks", h.changeDomainBlock)
	mux.HandleFunc("GET /follow_requests", h.requestsPage)
	mux.HandleFunc("GET /lists", h.listsPage)
	mux.HandleFunc("POST /lists", h.createList)
	mux.HandleFunc("GET /lists/{id}", h.listTimelinePage)
	mux.HandleFunc("GET /lists/{id}/edit", h.listEditPage)
	mux.HandleFunc("POST /lists/{id}", h.updateList)
	mux.HandleFunc("GET /statements", h.statementsPage)
	mux.HandleFunc("GET /auth/sign_up", h.signUpPage)
	mux.HandleFunc("POST /auth/sign_up", h.signUp)
	mux.HandleFunc("GET /auth/password/new", h.passwordNewPage)
	mux.HandleFunc("POST /auth/password", h.requestPasswordReset)
	mux.HandleFunc("GET /auth/password/edit", h.passwordEditPage)
	mux.HandleFunc("POST /auth/password/edit", h.resetPassword)
	mux.HandleFunc("GET /web/poll/{timeline}", h.poll)
	mux.HandleFunc("POST /web/statuses", h.compose)
	mux.HandleFunc("POST /web/announcements/{id}/dismiss", h.dismissAnnouncement)
	mux.HandleFunc("POST /web/statuses/{id}", h.statusAction)
	mux.HandleFunc("GET /web/statuses/{id}/quote", h.quotePage)
	mux.HandleFunc("POST /web/polls/{id}/votes", h.vote)
	mux.HandleFunc("POST /web/accounts/{id}/follow", h.follow)
	mux.HandleFunc("POST /web/follow_requests/{id}", h.answerRequest)
	mux.HandleFunc("POST /web/accounts/{id}/relationship", h.relationship)
	// "/", /@NAME, /@NAME/ID, /@NAME/with_replies, /@NAME/followers and
	// /@NAME/following. ServeMux wildcards are whole segments (no "/@{name}"),
	// and "GET /{handle}/{sub}" would conflict with the API's "/api/", so the
	// web UI takes what no other edge matched and sorts it here.
	h.registerModeration(mux)          // moderation.go: /report, /transparency, /statements, /admin/reports
	h.registerAdmin(mux)               // admin.go: /admin/ pages for server settings and blocks
	h.registerExport(mux)              // export.go: /settings/export
	h.registerMigration(mux)           // migration.go: /settings/migration
	h.registerInteractionRequests(mux) // interaction_requests.go
	mux.HandleFunc("/", h.fallback)
}

// fallback serves the paths no other route matched: the root, profiles and
// statuses, else a 404 page.
func (h *Handler) fallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/" {
		h.root(w, r)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if !strings.HasPrefix(parts[0], "@") || len(parts) > 2 {
		h.fail(w, r, domain.NotFound())
		return
	}
	r.SetPathValue("handle", parts[0])
	if len(parts) == 1 {
		h.profile(w, r)
		return
	}
	r.SetPathValue("sub", parts[1])
	h.profileSub(w, r)
}

// view is what every template gets: the frame (language, viewer, token,
// message) and the page's own data.
type view struct {
	Lang  string
	L     map[string]string
	Site  string
	Title string
	Nav   string // the current navigation entry
	Sub   string // the current entry of a section's own navigation (settings)
	// Suspended: the viewer's account is suspended; the pages offer only
	// its statements of reasons and logging out.
	Suspended bool
	Viewer    *domain.Account
	User      *domain.User
	CSRF      string
	Flash     string // a message after a redirect
	Error     string // a form error shown at the top of the form
	Path      string // where forms come back to
	MaxChars  int
	Data      any
	// Page is the template rendered: timeline pages leave out pages.css.
	Page string
	// Loc is the reader's time zone (reader_time.go); ZoneError says why
	// their chosen zone could not be used.
	Loc       *time.Location
	ZoneError string
}

// Tr returns the message key in the page's language, formatted with args.
func (v *view) Tr(key string, args ...any) string { return tr(v.L, key, args...) }

// Date formats a time for the page's language, in the reader's zone.
func (v *view) Date(t time.Time) string { return formatDateIn(v.Lang, v.Loc, t) }

// Day formats a date without the time, in the reader's zone.
func (v *view) Day(t time.Time) string { return formatDayIn(v.Lang, v.Loc, t) }

// DateOf formats a status's time for the page's language.
func (v *view) DateOf(s *statusView) string { return formatDateIn(v.Lang, v.Loc, s.CreatedAt) }

// request is one page request: its viewer (nil when anonymous) and view.
type request struct {
	w    http.ResponseWriter
	r    *http.Request
	sess *auth.Session
	user *domain.User
	acct *domain.Account
	v    *view
}

func (q *request) viewer() domain.ID {
	if q.acct == nil {
		return 0
	}
	return q.acct.ID
}

// begin loads the session and viewer and prepares the view. It writes an
// error page and returns nil when that fails.
func (h *Handler) begin(w http.ResponseWriter, r *http.Request) *request {
	h.once.Do(h.prepare)
	q := &request{w: w, r: r}
	if err := h.loadViewer(q); err != nil {
		h.fail(w, r, err)
		return nil
	}
	lang := ""
	if q.user != nil {
		lang = q.user.Locale
	}
	lang = pickLanguage(r, lang)
	q.v = &view{Lang: lang, L: messages[lang], Site: h.Cfg.InstanceTitle, Viewer: q.acct, User: q.user,
		Path: r.URL.RequestURI(), MaxChars: h.Cfg.MaxStatusChars}
	q.v.CSRF = h.sessions.CSRFToken(w, r, q.sess)
	q.v.Flash = takeFlash(w, r, q.v.L)
	if loc, err := h.readerZone(r, q.user); err != nil {
		q.v.Loc, q.v.ZoneError = loc, q.v.Tr("rd_zone_unknown", q.user.Preferences.TimeZone)
	} else {
		q.v.Loc = loc
	}
	if q.acct != nil && q.acct.SuspendedAt != nil {
		q.v.Suspended = true
		if !suspendedMayUse(r) {
			h.refuseSuspended(q)
			return nil
		}
	}
	return q
}

// loadViewer fills the session, user and account, leaving them nil for a
// browser without a valid session or whose user may no longer sign in.
func (h *Handler) loadViewer(q *request) error {
	s, err := h.sessions.Load(q.r.Context(), q.r)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil
	} else if err != nil {
		return err
	}
	u, err := h.Store.User(q.r.Context(), s.UserID)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil
	} else if err != nil {
		return err
	}
	if u.Disabled || !u.Approved {
		return nil
	}
	a, err := h.Store.Account(q.r.Context(), u.AccountID)
	if err != nil {
		return err
	}
	q.sess, q.user, q.acct = s, u, a
	return nil
}

// render writes a page with the security headers.
func (h *Handler) render(q *request, status int, name string) {
	var buf bytes.Buffer
	q.v.Page = name
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", q.v); err != nil {
		h.Log.ErrorContext(q.r.Context(), "render page", "page", name, "err", err)
		http.Error(q.w, "internal error", http.StatusInternalServerError)
		return
	}
	writeHTML(q.w, q.r, status, buf.Bytes())
}

// writeHTML writes a page with the security headers, gzipped when the
// client accepts it (a timeline page shrinks about fivefold).
func writeHTML(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Vary", "Cookie, Accept-Language, Accept-Encoding")
	if acceptsGzip(r) && len(body) > 1024 && r.Method != http.MethodHead {
		hd.Set("Content-Encoding", "gzip")
		body = gzipFast(body)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// message renders a page of text, e.g. an error.
func (h *Handler) message(q *request, status int, title string, paras ...string) {
	q.v.Title = title
	q.v.Data = paras
	h.render(q, status, "message")
}

// fail shows an error page for err: its safe message for the known kinds,
// a generic one (and a log line) otherwise.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	// Keep the viewer when there is one, so that the navigation and the
	// language stay; a failure here shows the page without them.
	q := &request{w: w, r: r}
	if h.loadViewer(q) != nil {
		q.sess, q.user, q.acct = nil, nil, nil
	}
	locale := ""
	if q.user != nil {
		locale = q.user.Locale
	}
	lang := pickLanguage(r, locale)
	q.v = &view{Lang: lang, L: messages[lang], Site: h.Cfg.InstanceTitle, Path: "/", Viewer: q.acct, User: q.user,
		Suspended: q.acct != nil && q.acct.SuspendedAt != nil}
	q.v.CSRF = h.sessions.CSRFToken(w, r, q.sess)
	q.v.Loc, _ = h.readerZone(r, q.user)
	status := http.StatusInternalServerError
	msg := q.v.Tr("error_internal")
	switch domain.KindOf(err) {
	case domain.KindNotFound:
		status, msg = http.StatusNotFound, q.v.Tr("error_not_found")
	case domain.KindForbidden:
		status, msg = http.StatusForbidden, q.v.Err(err)
	case domain.KindInvalid:
		status, msg = http.StatusUnprocessableEntity, q.v.Err(err)
	case domain.KindUnauthorized:
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return
	case domain.KindRateLimited:
		status, msg = http.StatusTooManyRequests, q.v.Err(err)
	default:
		h.Log.ErrorContext(r.Context(), "web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	h.message(q, status, q.v.Tr("error_title"), msg)
}

// errorMessage is the client-safe message of a domain error, in English
// (view.Err, messages_errors.go, says it in the page's language).
func errorMessage(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return "error"
}

// publicOrigin is scheme://host[:port] of the server's public URL, "" when
// it cannot be read.
func publicOrigin(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// avatarURL is an account's avatar, or the placeholder.
func (h *Handler) avatarURL(a *domain.Account) string {
	if a.AvatarURL != "" {
		return a.AvatarURL
	}
	return mastodon.AvatarMissing
}
