package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/graph"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func newAccounts(t *testing.T, st *store.Store, names ...string) []*domain.Account {
	t.Helper()
	var out []*domain.Account
	for _, n := range names {
		_, a, err := st.CreateLocalUser(context.Background(), store.NewLocalUser{Username: n, Email: n + "@example.org", PasswordHash: "x", Approved: true, BaseURL: "https://agora.example"})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestServiceRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		st := store.New(d, func() time.Time { return now })
		g := graph.New(st)
		acc := newAccounts(t, st, "ann", "ben", "cat")
		ann, ben, cat := acc[0], acc[1], acc[2]

		if _, err := g.Follow(ctx, ann.ID, ann.ID, graph.FollowOptions{}); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("self follow: %v, want invalid", err)
		}
		if _, err := g.Follow(ctx, ann.ID, 12345, graph.FollowOptions{}); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("unknown follow: %v, want not found", err)
		}
		bad := []string{"EN"}
		if _, err := g.Follow(ctx, ann.ID, ben.ID, graph.FollowOptions{Languages: &bad}); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("bad language: %v, want invalid", err)
		}

		ben.Locked = true
		if err := st.UpdateProfile(ctx, ben); err != nil {
			t.Fatal(err)
		}
		rel, err := g.Follow(ctx, ann.ID, ben.ID, graph.FollowOptions{})
		if err != nil || !rel.Requested || rel.Following {
			t.Fatalf("follow locked: %+v, %v", rel, err)
		}
		if rel, err = g.Authorize(ctx, ben.ID, ann.ID); err != nil || !rel.FollowedBy {
			t.Fatalf("authorize: %+v, %v", rel, err)
		}

		if _, err := g.Block(ctx, cat.ID, ann.ID); err != nil {
			t.Fatal(err)
		}
		for _, pair := range [][2]domain.ID{{ann.ID, cat.ID}, {cat.ID, ann.ID}} {
			if _, err := g.Follow(ctx, pair[0], pair[1], graph.FollowOptions{}); domain.KindOf(err) != domain.KindForbidden {
				t.Errorf("follow across a block: %v, want forbidden", err)
			}
		}

		if _, err := g.Mute(ctx, ann.ID, cat.ID, true, -time.Second); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("negative mute: %v, want invalid", err)
		}
		if _, err := g.Mute(ctx, ann.ID, cat.ID, true, time.Hour); err != nil {
			t.Fatal(err)
		}
		var expires int64
		if err := d.R.QueryRow(`SELECT expires_at FROM mutes WHERE account_id = $1`, int64(ann.ID)).Scan(&expires); err != nil {
			t.Fatal(err)
		}
		if want := now.Add(time.Hour).UnixMilli(); expires != want {
			t.Errorf("expires_at = %d, want %d", expires, want)
		}
		if rel, err := g.SetNote(ctx, ann.ID, ben.ID, string(make([]rune, graph.MaxNoteLen+1))); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("long note: %+v, %v", rel, err)
		}
		if _, err := g.Relationships(ctx, ann.ID, make([]domain.ID, graph.MaxRelationshipIDs+1)); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("too many relationship ids: %v", err)
		}
	})
}
