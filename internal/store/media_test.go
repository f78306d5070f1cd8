package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func TestMediaAttach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{time.UnixMilli(1_700_000_000_000)}
		st := store.New(d, c.now)
		alice, bob := mustLocalUser(t, st, "alice").AccountID, mustLocalUser(t, st, "bob").AccountID
		upload := func(owner domain.ID, desc string) domain.ID {
			t.Helper()
			m := &store.Media{ID: st.IDs.Next(), AccountID: owner, Type: "image", ContentType: "image/jpeg",
				FileKey: "media/x/original.jpg", Description: desc, Meta: `{}`, FocusX: 0.5, FocusY: -0.25}
			if err := st.CreateMedia(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		post := func(author domain.ID) *domain.Status {
			t.Helper()
			id := st.IDs.Next()
			s := &domain.Status{ID: id, AccountID: author, Visibility: domain.Public, ConversationID: id, Local: true, CreatedAt: c.t}
			if _, _, err := st.CreateStatus(ctx, store.NewStatus{Status: s}); err != nil {
				t.Fatal(err)
			}
			return s
		}
		ids := func(status domain.ID) []domain.ID {
			t.Helper()
			m, err := st.MediaOf(ctx, []domain.ID{status})
			if err != nil {
				t.Fatal(err)
			}
			var out []domain.ID
			for i, x := range m[status] {
				if x.Position != i || x.StatusID != status {
					t.Errorf("media %d: position %d status %d", x.ID, x.Position, x.StatusID)
				}
				out = append(out, x.ID)
			}
			return out
		}
		m1, m2, m3, m4, m5 := upload(alice, "one"), upload(alice, "two"), upload(alice, "three"), upload(alice, "four"), upload(alice, "five")
		b1 := upload(bob, "bob's")

		for name, list := range map[string][]domain.ID{
			"someone else's": {m1, b1}, "five": {m1, m2, m3, m4, m5}, "twice": {m1, m1}, "unknown": {m1, 12345},
		} {
			if err := st.MediaAttachable(ctx, alice, 0, list); domain.KindOf(err) != domain.KindInvalid {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
		s1, s2 := post(alice), post(alice)
		if err := st.AttachMedia(ctx, s1.ID, alice, []domain.ID{m2, m1}); err != nil {
			t.Fatal(err)
		}
		if got := ids(s1.ID); !slices.Equal(got, []domain.ID{m2, m1}) {
			t.Errorf("attached = %v, want %v", got, []domain.ID{m2, m1})
		}
		m, err := st.Media(ctx, m2)
		if err != nil || m.Description != "two" || m.FocusX != 0.5 || m.FocusY != -0.25 || m.StatusID != s1.ID {
			t.Errorf("media = %+v, %v", m, err)
		}
		// Attached to another status: refused, inside the transaction too.
		if err := st.AttachMedia(ctx, s2.ID, alice, []domain.ID{m1}); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("attach to a second status: %v", err)
		}
		if err := st.AttachMedia(ctx, s2.ID, bob, []domain.ID{b1}); domain.KindOf(err) != domain.KindForbidden {
			t.Errorf("attach to someone else's status id by bob: %v", err)
		}
		// An edit keeps m1, adds m3, drops m2.
		if err := st.AttachMedia(ctx, s1.ID, alice, []domain.ID{m1, m3}); err != nil {
			t.Fatal(err)
		}
		if got := ids(s1.ID); !slices.Equal(got, []domain.ID{m1, m3}) {
			t.Errorf("after edit = %v", got)
		}
		if m, _ := st.Media(ctx, m2); m.StatusID != 0 {
			t.Errorf("dropped media still attached to %d", m.StatusID)
		}
		// Uploads left unattached for a day are found, oldest first.
		c.t = c.t.Add(25 * time.Hour)
		old, err := st.UnattachedMedia(ctx, c.t.Add(-24*time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []domain.ID
		for _, m := range old {
			got = append(got, m.ID)
		}
		slices.Sort(got)
		want := []domain.ID{m4, m5, b1}
		slices.Sort(want)
		// m2 was detached at the edit, 25 hours ago too.
		want = append(want, m2)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("unattached = %v, want %v", got, want)
		}
		if recent, _ := st.UnattachedMedia(ctx, c.t.Add(-48*time.Hour), 10); len(recent) != 0 {
			t.Errorf("unattached before 48 h = %d rows", len(recent))
		}
		// Once its status is deleted, media may be attached again
		// (delete and redraft).
		if err := st.DeleteStatus(ctx, s1); err != nil {
			t.Fatal(err)
		}
		if err := st.AttachMedia(ctx, s2.ID, alice, []domain.ID{m1}); err != nil {
			t.Errorf("redraft: %v", err)
		}
		if got := ids(s2.ID); !slices.Equal(got, []domain.ID{m1}) {
			t.Errorf("redrafted = %v", got)
		}
		if err := st.DeleteMedia(ctx, m5); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Media(ctx, m5); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("deleted media: %v", err)
		}
	})
}
