package streaming_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/store"
)

// TestSSEWithWebSession: agora's web UI streams with its session cookie,
// from its own origin only.
func TestSSEWithWebSession(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		secret := auth.NewSecret(32)
		if err := s.App.Store.CreateSession(context.Background(), auth.HashSecret(secret), &store.WebSession{
			UserID: alice.UserID, CSRF: "x", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		open := func(ctx context.Context, headers map[string]string) *http.Response {
			req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/v1/streaming/user", nil)
			req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: secret})
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			res, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
			res := open(context.Background(), h)
			res.Body.Close()
			if res.StatusCode != 401 {
				t.Errorf("cookie stream with %v: %d, want 401", h, res.StatusCode)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		res := open(ctx, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": s.App.Cfg.URL})
		defer res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("same-origin cookie stream: %d", res.StatusCode)
		}
		br := bufio.NewReader(res.Body)
		id := post(t, s, alice, "live in the web UI", "public")
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(line, "data: {") && strings.Contains(line, `"id":"`+id+`"`) {
				return
			}
		}
	})
}
