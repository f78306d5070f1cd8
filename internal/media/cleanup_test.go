package media_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCleanupOrphans: uploads unattached for a day are deleted with their
// files; attached ones and recent ones stay.
func TestCleanupOrphans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.UnixMilli(1_700_000_000_000)
		st := store.New(d, func() time.Time { return now })
		_, acct, err := st.CreateLocalUser(ctx, store.NewLocalUser{Username: "alice", Email: "a@example.org", PasswordHash: "x", Approved: true, BaseURL: "https://example.org"})
		if err != nil {
			t.Fatal(err)
		}
		storage, err := media.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		svc := &media.Service{Cfg: cfg, Store: st, Storage: storage}
		up := func() *store.Media {
			t.Helper()
			data := smallPNG(t)
			m, err := svc.Upload(ctx, acct.ID, media.Upload{File: media.File{Body: bytes.NewReader(data), Size: int64(len(data)), Filename: "x.png", ContentType: "image/png"}})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		orphan, kept := up(), up()
		sid := st.IDs.Next()
		if _, _, err := st.CreateStatus(ctx, store.NewStatus{Status: &domain.Status{ID: sid, AccountID: acct.ID, Visibility: domain.Public, ConversationID: sid, Local: true, CreatedAt: now}}); err != nil {
			t.Fatal(err)
		}
		if err := st.AttachMedia(ctx, sid, acct.ID, []domain.ID{kept.ID}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(23 * time.Hour)
		recent := up()
		if n, err := svc.CleanupOrphans(ctx); err != nil || n != 0 {
			t.Fatalf("after 23 h: removed %d, %v", n, err)
		}
		now = now.Add(2 * time.Hour)
		if n, err := svc.CleanupOrphans(ctx); err != nil || n != 1 {
			t.Fatalf("after 25 h: removed %d, %v; want 1", n, err)
		}
		if _, err := st.Media(ctx, orphan.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("orphan row: %v", err)
		}
		for _, k := range []string{orphan.FileKey, orphan.PreviewKey} {
			if _, err := storage.Open(ctx, k); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("orphan file %s: %v", k, err)
			}
		}
		for _, m := range []*store.Media{kept, recent} {
			if _, err := st.Media(ctx, m.ID); err != nil {
				t.Errorf("media %d: %v", m.ID, err)
			}
			obj, err := storage.Open(ctx, m.FileKey)
			if err != nil {
				t.Errorf("file of %d: %v", m.ID, err)
				continue
			}
			obj.Body.Close()
		}
	})
}
