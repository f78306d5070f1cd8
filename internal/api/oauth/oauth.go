// Package oauth serves OAuth 2 (/oauth/authorize, /oauth/token,
// /oauth/revoke, /.well-known/oauth-authorization-server), the web login
// session it needs (/auth/sign_in, /auth/sign_out), and the first-admin
// setup page (/setup). The rules live in internal/auth.
package oauth

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

// MaxFormBytes limits the bodies of the HTML forms.
const MaxFormBytes = 64 << 10

// Handler serves the OAuth endpoints.
type Handler struct {
	Cfg      *config.Config
	Log      *slog.Logger
	Store    *store.Store
	Accounts *accounts.Service

	once     sync.Once
	oauth    *auth.OAuth
	sessions *auth.Sessions
	guard    *auth.LoginGuard
	pages    map[string]*template.Template
}

// Sessions returns the web session manager (the web UI shares it).
func (h *Handler) Sessions() *auth.Sessions { h.once.Do(h.prepare); return h.sessions }

// prepare builds the rule holders and parses the templates, once: the
// Handler is made as a struct literal by its caller.
func (h *Handler) prepare() {
	h.oauth = &auth.OAuth{Store: h.Store}
	h.sessions = &auth.Sessions{Store: h.Store, Secure: strings.HasPrefix(h.Cfg.URL, "https://")}
	h.guard = auth.NewLoginGuard(h.Store.Now)
	h.pages = map[string]*template.Template{}
	for _, name := range []string{"authorize", "message", "sign_in", "setup"} {
		h.pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
}

// Register adds the OAuth, session and setup routes.
func (h *Handler) Register(mux *http.ServeMux) {
	h.once.Do(h.prepare)
	mux.HandleFunc("GET /oauth/authorize", h.authorizePage)
	mux.HandleFunc("POST /oauth/authorize", h.authorize)
	mux.HandleFunc("POST /oauth/token", h.token)
	mux.HandleFunc("POST /oauth/revoke", h.revoke)
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", h.metadata)
	mux.HandleFunc("GET /oauth/userinfo", h.userinfo)
	mux.HandleFunc("POST /oauth/userinfo", h.userinfo)
	mux.HandleFunc("GET /oauth/static/style.css", serveCSS)
	mux.HandleFunc("GET /auth/sign_in", h.signInPage)
	mux.HandleFunc("POST /auth/sign_in", h.signIn)
	mux.HandleFunc("POST /auth/sign_out", h.signOut)
	mux.HandleFunc("GET /setup", h.setupPage)
	mux.HandleFunc("POST /setup", h.setup)
}

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(styleCSS)
}

// page is what every template gets; pages use the fields they need.
type page struct {
	Lang       string
	L          map[string]string
	Site       string
	Title      string
	Error      string
	CSRF       string
	Paragraphs []string
	Code       string

	// authorize
	App             *domain.App
	Scopes          []scopeView
	Hidden          []hiddenField
	ShowLogin       bool
	Login           string
	Handle          string
	OtherAccountURL string

	// setup
	SetupToken string
	Username   string
	Email      string

	formAction string // an extra CSP form-action source (the redirect URI)
}

type scopeView struct{ Name, Description string }

type hiddenField struct{ Name, Value string }

func (h *Handler) newPage(r *http.Request, langParam string) *page {
	lang := language(r, langParam)
	return &page{Lang: lang, L: messages[lang], Site: h.Cfg.InstanceTitle}
}

// render writes an HTML page with a strict Content-Security-Policy: no
// scripts at all, styles only from this server.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.Log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	formAction := "'self'"
	if p.formAction != "" {
		formAction += " " + p.formAction
	}
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action "+
		formAction+"; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// message renders a page of text: errors, the out-of-band code, results.
func (h *Handler) message(w http.ResponseWriter, r *http.Request, status int, p *page, title string, paras ...string) {
	p.Title = title
	p.Paragraphs = paras
	h.render(w, r, status, "message", p)
}

// internalError logs err and shows a generic page.
func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, p *page, err error) {
	h.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	h.message(w, r, http.StatusInternalServerError, p, "Internal error", "An internal error occurred; it has been logged.")
}

// parseForm reads a form body of bounded size.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	return r.ParseForm()
}

var (
	cspScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*$`)
	cspHost   = regexp.MustCompile(`^[A-Za-z0-9.:\[\]-]+$`)
)

// formActionSource is the CSP source that lets the form's redirect reach
// the app: browsers apply form-action to the redirects after a POST.
func formActionSource(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil || redirectURI == auth.OOB || !cspScheme.MatchString(u.Scheme) {
		return ""
	}
	if (u.Scheme == "http" || u.Scheme == "https") && cspHost.MatchString(u.Host) {
		return u.Scheme + "://" + u.Host
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		return ""
	}
	return u.Scheme + ":"
}

// handle is how a local account is shown: @name.
func handle(a *domain.Account) string { return "@" + a.Username }

// loginKeys are the failed-login counters a login attempt touches.
func loginKeys(r *http.Request, login string) []string {
	return []string{"ip:" + clientIP(r), "login:" + strings.ToLower(strings.TrimSpace(login))}
}

// login checks credentials under the failed-login limits. On failure it
// sets p.Error and returns the status to show the form again with.
func (h *Handler) login(w http.ResponseWriter, r *http.Request, p *page, login, password string) (*domain.User, int, error) {
	keys := loginKeys(r, login)
	if blocked, until := h.guard.Blocked(keys...); blocked {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(until.Sub(h.Store.Now())/time.Second))))
		p.Error = p.L["too_many"]
		return nil, http.StatusTooManyRequests, nil
	}
	u, err := h.Accounts.Login(r.Context(), strings.TrimSpace(login), password)
	var de *domain.Error
	switch {
	case err == nil:
		return u, 0, nil
	case domain.KindOf(err) == domain.KindUnauthorized:
		h.guard.Failed(keys...)
		p.Error = p.L["bad_login"]
		return nil, http.StatusUnauthorized, nil
	case errors.As(err, &de) && de.Kind == domain.KindForbidden:
		p.Error = de.Message // disabled, or waiting for approval
		return nil, http.StatusForbidden, nil
	}
	return nil, 0, err
}

// loadViewer returns the session and its account, or nil ones when the
// browser has no valid session or its user can no longer sign in.
func (h *Handler) loadViewer(r *http.Request) (*auth.Session, *domain.User, *domain.Account, error) {
	s, err := h.sessions.Load(r.Context(), r)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, nil, nil, nil
		}
		return nil, nil, nil, err
	}
	u, err := h.Store.User(r.Context(), s.UserID)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, nil, nil, nil
		}
		return nil, nil, nil, err
	}
	if u.Disabled || !u.Approved {
		return nil, nil, nil, nil
	}
	a, err := h.Store.Account(r.Context(), u.AccountID)
	if err != nil {
		return nil, nil, nil, err
	}
	return s, u, a, nil
}

// clientIP is the peer's address, as the API counts it.
func clientIP(r *http.Request) string { return mastodon.ClientIP(r) }
