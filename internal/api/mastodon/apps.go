package mastodon

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

// OOB is the out-of-band redirect URI: the code is shown on the page.
const OOB = "urn:ietf:wg:oauth:2.0:oob"

// Application is Mastodon's Application entity (with credentials when created).
type Application struct {
	ID           string   `json:"id,omitempty"`
	Name         string   `json:"name"`
	Website      *string  `json:"website"`
	Scopes       []string `json:"scopes,omitempty"`
	RedirectURI  string   `json:"redirect_uri,omitempty"`
	RedirectURIs []string `json:"redirect_uris,omitempty"`
	ClientID     string   `json:"client_id,omitempty"`
	ClientSecret string   `json:"client_secret,omitempty"`
	VapidKey     string   `json:"vapid_key,omitempty"`
}

func (a *API) registerApps(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/apps", a.endpoint(anyone, "", a.createApp))
	mux.HandleFunc("GET /api/v1/apps/verify_credentials", a.endpoint(appToken, "", a.verifyApp))
}

// Limits on app registration (docs/api.md).
const (
	maxAppName      = 200
	maxRedirectURIs = 10
	maxURILen       = 2000
)

func (a *API) createApp(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(p.String("client_name"))
	if name == "" || utf8.RuneCountInString(name) > maxAppName {
		return domain.Invalid("client_name: give a name of at most %d characters", maxAppName)
	}
	var uris []string
	for _, s := range append(p.Strings("redirect_uris"), strings.Fields(p.String("redirect_uri"))...) {
		uris = append(uris, strings.Fields(s)...)
	}
	if len(uris) == 0 {
		return domain.Invalid("redirect_uris: give at least one redirect URI (or %s)", OOB)
	}
	if len(uris) > maxRedirectURIs {
		return domain.Invalid("redirect_uris: at most %d", maxRedirectURIs)
	}
	for _, u := range uris {
		if err := validRedirectURI(u); err != nil {
			return err
		}
	}
	scopes, ok := domain.ParseScopes(p.String("scopes"))
	if !ok {
		return domain.Invalid("scopes: %q has an unknown scope", p.String("scopes"))
	}
	website := strings.TrimSpace(p.String("website"))
	if website != "" {
		if u, err := url.Parse(website); err != nil || (u.Scheme != "http" && u.Scheme != "https") || len(website) > maxURILen {
			return domain.Invalid("website: %q is not an http(s) URL", website)
		}
	}
	app := &domain.App{
		Name: name, Website: website, RedirectURIs: uris, Scopes: scopes,
		ClientID: auth.NewSecret(32), ClientSecret: auth.NewSecret(32),
	}
	if err := a.Store.CreateApp(r.Context(), app); err != nil {
		return err
	}
	out := renderApp(app)
	out.ClientID, out.ClientSecret = app.ClientID, app.ClientSecret
	rest.OK(w, out)
	return nil
}

func validRedirectURI(s string) error {
	if s == OOB {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || len(s) > maxURILen || u.Fragment != "" {
		return domain.Invalid("redirect_uris: %q is not an absolute URI without a fragment", s)
	}
	if u.Scheme == "javascript" || u.Scheme == "data" || u.Scheme == "vbscript" {
		return domain.Invalid("redirect_uris: the %s scheme is not allowed", u.Scheme)
	}
	return nil
}

func renderApp(app *domain.App) *Application {
	out := &Application{
		ID: app.ID.String(), Name: app.Name, Scopes: app.Scopes, RedirectURIs: app.RedirectURIs,
		RedirectURI: strings.Join(app.RedirectURIs, "\n"), VapidKey: "",
	}
	if app.Website != "" {
		out.Website = &app.Website
	}
	return out
}

func (a *API) verifyApp(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if v.Token.AppID == 0 {
		rest.OK(w, Application{Name: "agora admin CLI", Scopes: v.Token.Scopes})
		return nil
	}
	app, err := a.Store.App(r.Context(), v.Token.AppID)
	if err != nil {
		return err
	}
	out := renderApp(app)
	out.ID, out.RedirectURI, out.RedirectURIs = "", "", nil
	out.Scopes = v.Token.Scopes
	rest.OK(w, out)
	return nil
}
