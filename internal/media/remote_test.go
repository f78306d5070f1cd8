package media_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
)

// TestCacheRemoteImages copies a remote post's image, re-encoded, serves
// it from here, counts failures, and drops copies past the retention.
func TestCacheRemoteImages(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 30, 20))); err != nil {
			t.Fatal(err)
		}
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/a.png" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(buf.Bytes())
		}))
		defer origin.Close()
		st := s.App.Store
		now := time.Now().UnixMilli()
		acct, sid, good, bad := st.IDs.Next(), st.IDs.Next(), st.IDs.Next(), st.IDs.Next()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO accounts (id, username, domain, uri, created_at, updated_at) VALUES ($1, 'ann', 'remote.example', 'https://remote.example/users/ann', $2, $2)`, []any{int64(acct), now}},
			{`INSERT INTO statuses (id, account_id, uri, local, content, visibility, conversation_id, created_at) VALUES ($1, $2, 'https://remote.example/s/1', FALSE, '<p>pic</p>', 'public', $1, $3)`, []any{int64(sid), int64(acct), now}},
			{`INSERT INTO media_attachments (id, account_id, status_id, position, type, content_type, file_key, remote_url, description, created_at, updated_at)
				VALUES ($1, $2, $3, 0, 'image', 'image/png', '', $4, 'a square', $5, $5)`, []any{int64(good), int64(acct), int64(sid), origin.URL + "/a.png", now}},
			{`INSERT INTO media_attachments (id, account_id, status_id, position, type, content_type, file_key, remote_url, created_at, updated_at)
				VALUES ($1, $2, $3, 1, 'image', 'image/png', '', $4, $5, $5)`, []any{int64(bad), int64(acct), int64(sid), origin.URL + "/gone.png", now}},
		} {
			if _, err := s.App.DB.W.ExecContext(ctx, q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
		app := s.App.Media // the app's own job runs too: change a copy
		svc := &media.Service{Cfg: app.Cfg, Store: app.Store, Storage: app.Storage, Log: app.Log}
		svc.Client = httpclient.New(httpclient.Config{}) // no private addresses: nothing fetched
		if n, err := svc.CacheRemote(ctx); err != nil || n != 0 {
			t.Fatalf("CacheRemote without private addresses = %d, %v", n, err)
		}
		svc.Client = httpclient.New(httpclient.Config{AllowPrivate: true})
		for range store.MaxRemoteFetchFailures {
			if _, err := svc.CacheRemote(ctx); err != nil {
				t.Fatal(err)
			}
		}
		m, err := st.Media(ctx, good)
		if err != nil || m.FileKey == "" || m.PreviewKey == "" || m.Blurhash == "" {
			t.Fatalf("cached media = %+v, %v", m, err)
		}
		atts := s.Must(t, 200, "GET", "/api/v1/statuses/"+sid.String(), "", nil).Map(t)["media_attachments"].([]any)
		first := atts[0].(map[string]any)
		if first["remote_url"] != origin.URL+"/a.png" || first["url"] == first["remote_url"] || first["description"] != "a square" {
			t.Errorf("rendered = %v", first)
		}
		res, err := http.Get(first["url"].(string))
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET local copy: %v %v", res, err)
		}
		res.Body.Close()
		second := atts[1].(map[string]any)
		if second["url"] != s.URL+"/media_proxy/"+bad.String() {
			t.Errorf("an image without a copy goes through the proxy: %v", second)
		}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err = noRedirect.Get(second["url"].(string))
		if err != nil || res.StatusCode != http.StatusFound || res.Header.Get("Location") != origin.URL+"/gone.png" {
			t.Fatalf("proxy of a dead image: %v %v", res, err)
		}
		res.Body.Close()
		if list, _ := st.RemoteMediaToCache(ctx, time.Time{}, 10); len(list) != 0 {
			t.Errorf("after %d failures the dead link is still tried: %d", store.MaxRemoteFetchFailures, len(list))
		}

		// Past the retention, the copy goes and the origin is used again.
		cfg := *s.App.Cfg
		cfg.Media.RemoteRetentionDays = 1
		svc.Cfg = &cfg
		if _, err := s.App.DB.W.ExecContext(ctx, `UPDATE media_attachments SET cached_at = $1 WHERE id = $2`, now-2*86400*1000, int64(good)); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.ExpireRemoteCache(ctx); err != nil || n != 1 {
			t.Fatalf("ExpireRemoteCache = %d, %v", n, err)
		}
		if m, _ := st.Media(ctx, good); m.FileKey != "" {
			t.Errorf("expired copy kept: %+v", m)
		}
		if n, _ := svc.CacheRemote(ctx); n != 0 {
			t.Errorf("an expired copy was fetched again by the job")
		}
		// ... but on demand, through the proxy, it is copied again.
		s.App.Media.Client = svc.Client
		res, err = noRedirect.Get(s.URL + "/media_proxy/" + good.String())
		if err != nil || res.StatusCode != http.StatusFound || !strings.Contains(res.Header.Get("Location"), "/system/media/") {
			t.Fatalf("proxy of an expired copy: %v %v", res, err)
		}
		res.Body.Close()
		if m, _ := st.Media(ctx, good); m.FileKey == "" {
			t.Errorf("the proxy did not copy the image again")
		}
	})
}
