package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// clock is a settable clock for tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func mustLocalUser(t *testing.T, st *store.Store, name string) *domain.User {
	t.Helper()
	u, _, err := st.CreateLocalUser(context.Background(), store.NewLocalUser{
		Username: name, Email: name + "@example.org", PasswordHash: "x", Approved: true, BaseURL: "https://example.org",
	})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

func TestWebSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{time.UnixMilli(1_700_000_000_000)}
		st := store.New(d, c.now)
		alice := mustLocalUser(t, st, "alice")

		ws := &store.WebSession{UserID: alice.ID, CSRF: "csrf1", UserAgent: "test", IP: "127.0.0.1", ExpiresAt: c.t.Add(time.Hour)}
		if err := st.CreateSession(ctx, "hash1", ws); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateSession(ctx, "hash2", &store.WebSession{UserID: alice.ID, CSRF: "csrf2", ExpiresAt: c.t.Add(2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Session(ctx, "hash1")
		if err != nil {
			t.Fatal(err)
		}
		if got.UserID != alice.ID || got.CSRF != "csrf1" || got.UserAgent != "test" || !got.ExpiresAt.Equal(c.t.Add(time.Hour)) {
			t.Errorf("session = %+v", got)
		}
		if _, err := st.Session(ctx, "unknown"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("unknown session: got %v, want not found", err)
		}

		// Expired sessions are not found.
		c.t = c.t.Add(90 * time.Minute)
		if _, err := st.Session(ctx, "hash1"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("expired session: got %v, want not found", err)
		}
		if _, err := st.Session(ctx, "hash2"); err != nil {
			t.Errorf("live session: %v", err)
		}

		if err := st.DeleteSession(ctx, "hash2"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Session(ctx, "hash2"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("deleted session: got %v, want not found", err)
		}
		if err := st.DeleteSession(ctx, "hash2"); err != nil {
			t.Errorf("deleting twice: %v", err)
		}

		if err := st.CreateSession(ctx, "hash3", &store.WebSession{UserID: alice.ID, CSRF: "c", ExpiresAt: c.t.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteUserSessions(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Session(ctx, "hash3"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("after DeleteUserSessions: got %v, want not found", err)
		}
	})
}

func TestDeleteSettingIf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		if err := st.SetSetting(ctx, "k", "v1"); err != nil {
			t.Fatal(err)
		}
		if ok, err := st.DeleteSettingIf(ctx, "k", "other"); err != nil || ok {
			t.Errorf("DeleteSettingIf with another value = %v, %v; want false", ok, err)
		}
		if ok, err := st.DeleteSettingIf(ctx, "k", "v1"); err != nil || !ok {
			t.Errorf("DeleteSettingIf = %v, %v; want true", ok, err)
		}
		if ok, err := st.DeleteSettingIf(ctx, "k", "v1"); err != nil || ok {
			t.Errorf("second DeleteSettingIf = %v, %v; want false", ok, err)
		}
		if _, ok, _ := st.Setting(ctx, "k"); ok {
			t.Error("setting still there")
		}
	})
}
