package httpclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func addrOf(t *testing.T, s *httptest.Server) netip.AddrPort {
	t.Helper()
	ap, err := netip.ParseAddrPort(s.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

func TestLoopbackRefusedUnlessAllowed(t *testing.T) {
	var ua string
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		ua = r.UserAgent()
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	ctx := context.Background()

	_, err := New(Config{}).Get(ctx, s.URL, "application/json", 0)
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("without AllowPrivate: got %v, want ErrForbiddenAddress", err)
	}
	if !strings.Contains(err.Error(), "loopback") {
		t.Errorf("error %q does not say which rule refused", err)
	}

	c := New(Config{AllowPrivate: true, UserAgent: UserAgent("1.2.3", "https://example.org")})
	body, err := c.Get(ctx, s.URL, "application/json", 0)
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	if string(body) != `{"ok":true}` {
		t.Errorf("body = %s", body)
	}
	if want := "agora/1.2.3 (+https://example.org)"; ua != want {
		t.Errorf("User-Agent = %q, want %q", ua, want)
	}
}

func TestRedirectToForbiddenAddressRefused(t *testing.T) {
	inner := serve(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("secret")) })
	outer := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inner.URL+"/admin", http.StatusFound)
	})
	allowed := addrOf(t, outer)
	c := New(Config{})
	// Only the outer server counts as "public": the redirect target must be
	// checked again when it is dialled.
	c.permit = func(ap netip.AddrPort) bool { return ap == allowed }
	_, err := c.Get(context.Background(), outer.URL, "*/*", 0)
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("got %v, want ErrForbiddenAddress", err)
	}
}

func TestRedirectLimitAndScheme(t *testing.T) {
	var s *httptest.Server
	s = serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, s.URL+"/loop", http.StatusFound)
		case "/ftp":
			http.Redirect(w, r, "ftp://example.org/file", http.StatusFound)
		case "/three":
			http.Redirect(w, r, s.URL+"/two", http.StatusFound)
		case "/two":
			http.Redirect(w, r, s.URL+"/one", http.StatusFound)
		case "/one":
			http.Redirect(w, r, s.URL+"/done", http.StatusFound)
		default:
			_, _ = w.Write([]byte("done"))
		}
	})
	c := New(Config{AllowPrivate: true})
	ctx := context.Background()
	if _, err := c.Get(ctx, s.URL+"/loop", "*/*", 0); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("redirect loop: got %v, want ErrTooManyRedirects", err)
	}
	if _, err := c.Get(ctx, s.URL+"/ftp", "*/*", 0); !errors.Is(err, ErrScheme) {
		t.Errorf("redirect to ftp: got %v, want ErrScheme", err)
	}
	if body, err := c.Get(ctx, s.URL+"/three", "*/*", 0); err != nil || string(body) != "done" {
		t.Errorf("three redirects: got %q, %v; want done", body, err)
	}
	if _, err := c.Get(ctx, "file:///etc/passwd", "*/*", 0); !errors.Is(err, ErrScheme) {
		t.Errorf("file URL: got %v, want ErrScheme", err)
	}
}

func TestBodyLimit(t *testing.T) {
	big := strings.Repeat("x", 2000)
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.(http.Flusher).Flush() // no Content-Length: the limit must hold while reading
		}
		_, _ = w.Write([]byte(big))
	})
	c := New(Config{AllowPrivate: true, MaxBody: 1000})
	ctx := context.Background()
	for _, path := range []string{"/announced", "/chunked"} {
		if _, err := c.Get(ctx, s.URL+path, "*/*", 0); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: got %v, want ErrTooLarge", path, err)
		}
	}
	// A per-call limit overrides the default.
	if body, err := c.Get(ctx, s.URL+"/chunked", "*/*", 4000); err != nil || len(body) != 2000 {
		t.Errorf("with a larger limit: got %d bytes, %v", len(body), err)
	}
	// Exactly at the limit is fine.
	if body, err := New(Config{AllowPrivate: true, MaxBody: 2000}).Get(ctx, s.URL+"/chunked", "*/*", 0); err != nil || len(body) != 2000 {
		t.Errorf("at the limit: got %d bytes, %v", len(body), err)
	}
}

func TestForbidden(t *testing.T) {
	cases := map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fc00::1": true, "fd12::1": true, "224.0.0.1": true,
		"ff02::1": true, "0.0.0.0": true, "::": true, "100.64.0.1": true, "::ffff:127.0.0.1": true,
		"64:ff9b::a00:1": true, "255.255.255.255": true,
		"93.184.216.34": false, "2606:2800:220:1:248:1893:25c8:1946": false, "100.128.0.1": false,
		"64:ff9b::5db8:d822": false,
	}
	for s, want := range cases {
		got := Forbidden(netip.MustParseAddr(s)) != ""
		if got != want {
			t.Errorf("Forbidden(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestControlRejectsByResolvedAddress(t *testing.T) {
	// "localhost" is a name: the guard must judge what it resolves to.
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	_, err := New(Config{}).Get(context.Background(), "http://localhost:"+port+"/", "*/*", 0)
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("got %v, want ErrForbiddenAddress", err)
	}
}
