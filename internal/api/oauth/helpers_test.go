package oauth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
)

// browser is a client with a cookie jar that does not follow redirects, so
// that tests see where the server sends it.
type browser struct {
	t  *testing.T
	s  *apitest.Server
	c  *http.Client
	ip string // sent as X-Forwarded-For (trusted from loopback) when set
}

func newBrowser(t *testing.T, s *apitest.Server) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	Status int
	Header http.Header
	Body   string
}

func (b *browser) do(method, path string, form url.Values) *page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.s.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.ip != "" {
		req.Header.Set("X-Forwarded-For", b.ip)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &page{Status: res.StatusCode, Header: res.Header, Body: string(data)}
}

func (b *browser) get(path string) *page { b.t.Helper(); return b.do("GET", path, nil) }

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	return b.do("POST", path, form)
}

var inlineHandler = regexp.MustCompile(`\son[a-z]+=`)

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hidden returns a page's hidden form fields, as a browser would send them.
func (p *page) hidden() url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(p.Body, -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// submit fills a page's form: its hidden fields plus extra.
func (p *page) submit(extra url.Values) url.Values {
	v := p.hidden()
	for k, vs := range extra {
		v[k] = vs
	}
	return v
}

// mustStatus fails unless the page has the status.
func (p *page) mustStatus(t *testing.T, want int, what string) *page {
	t.Helper()
	if p.Status != want {
		t.Fatalf("%s: got status %d, want %d; body:\n%s", what, p.Status, want, p.Body)
	}
	return p
}

// isHTMLPage checks what every page must have: landmarks, a heading, no
// script, and the strict Content-Security-Policy.
func (p *page) isHTMLPage(t *testing.T, what string) {
	t.Helper()
	if ct := p.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	csp := p.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: Content-Security-Policy %q", what, csp)
	}
	for _, want := range []string{`<html lang="`, "<main", "<h1>", "<header", "<footer"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("%s: no %s in the page", what, want)
		}
	}
	if strings.Contains(p.Body, "<script") || strings.Contains(p.Body, " style=") || inlineHandler.MatchString(p.Body) {
		t.Errorf("%s: the page has inline script or style", what)
	}
}

// app registers an OAuth app and returns its credentials.
func app(t *testing.T, s *apitest.Server, redirect, scopes string) (id, secret string) {
	t.Helper()
	m := s.Must(t, 200, "POST", "/api/v1/apps", "", url.Values{"client_name": {"Test App"}, "redirect_uris": {redirect}, "scopes": {scopes}}).Map(t)
	return m["client_id"].(string), m["client_secret"].(string)
}

// pkce returns a verifier and its S256 challenge, computed independently
// of the server's code.
func pkce() (verifier, challenge string) {
	verifier = auth.NewSecret(48)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func authorizePath(q url.Values) string { return "/oauth/authorize?" + q.Encode() }

// codeFrom returns the code and state of a redirect to redirect.
func codeFrom(t *testing.T, p *page, redirect string) (code, state string) {
	t.Helper()
	p.mustStatus(t, http.StatusFound, "authorize")
	loc, err := url.Parse(p.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirect {
		t.Fatalf("redirected to %s, want %s", loc, redirect)
	}
	q := loc.Query()
	if q.Get("code") == "" {
		t.Fatalf("no code in %s", loc)
	}
	return q.Get("code"), q.Get("state")
}

const password = "correct horse battery" // apitest's users' password
