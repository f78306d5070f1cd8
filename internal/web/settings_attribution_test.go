package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestAttributionSettings sets the websites allowed to credit an account
// from Settings → Profile (one per line, normalized), shows a mistake with
// what was typed, in English and in French, and keeps the list when a
// form without the field is sent.
func TestAttributionSettings(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		b := newBrowser(t, s)
		b.signIn("alice")
		contains(t, b.get("/settings", 200), `<label for="attribution_domains">Websites allowed to credit you</label>`,
			`name="attribution_domains"`, "at most 100")
		b.post("/settings", "/settings/profile", url.Values{"display_name": {"Alice"},
			"attribution_domains": {"News.Example\r\n\r\nhttps://blog.example/\r\nbücher.example"}}, 303)
		ctx := context.Background()
		if got, err := s.App.Store.AttributionDomains(ctx, alice.ID); err != nil || strings.Join(got, ",") != "news.example,blog.example,xn--bcher-kva.example" {
			t.Fatalf("domains = %v, %v", got, err)
		}
		contains(t, b.get("/settings", 200), "news.example\nblog.example\nxn--bcher-kva.example</textarea>")

		p := b.post("/settings", "/settings/profile", url.Values{"display_name": {"Alice"}, "attribution_domains": {"ok.example\nnot a domain"}}, 422)
		contains(t, p, "“not a domain” is not a domain name: write one domain per line", "ok.example\nnot a domain</textarea>")
		b.lang = "fr"
		p = b.post("/settings", "/settings/profile", url.Values{"display_name": {"Alice"}, "attribution_domains": {"x..example"}}, 422)
		contains(t, p, "« x..example » n’est pas un nom de domaine", "Sites web autorisés à vous créditer")

		b.post("/settings", "/settings/profile", url.Values{"display_name": {"Alice B."}}, 303)
		if got, _ := s.App.Store.AttributionDomains(ctx, alice.ID); len(got) != 3 {
			t.Errorf("a form without the field changed the domains: %v", got)
		}
		b.post("/settings", "/settings/profile", url.Values{"display_name": {"Alice"}, "attribution_domains": {""}}, 303)
		if got, _ := s.App.Store.AttributionDomains(ctx, alice.ID); len(got) != 0 {
			t.Errorf("an empty field kept the domains: %v", got)
		}
	})
}
