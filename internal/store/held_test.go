package store

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestHeldStatusStore: a held status reaches only its author's feed, no
// notification, no delivery, no public timeline; it files an automated
// report; releasing it does all that posting would have done; deleting a
// held status sends no Delete. Standing and stranger counts too.
func TestHeldStatusStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &recorder{}
		s.Federator = rec
		ids := graphUsers(t, s, "alice", "bea", "cy")
		alice, bea, cy := ids[0], ids[1], ids[2]
		remote := remoteAccount(t, s, "r1", "one.example", true)
		for _, f := range [][2]domain.ID{{bea, alice}, {remote, alice}} {
			if _, err := s.Follow(ctx, f[0], f[1], FollowOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		rec.take()
		st := testStatus(s, alice, domain.Public, cy)
		st.Local, st.URL = true, "https://agora.example/@alice/"+st.ID.String()
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: st, NotifyFollowers: true,
			Hold: &Hold{Score: 7, Signals: `[{"name":"repeated_link","points":3,"detail":"x"}]`, Comment: "Held: repeated_link"}}); err != nil {
			t.Fatal(err)
		}
		if got := rec.take(); len(got) != 0 {
			t.Fatalf("holding delivered %+v", got)
		}
		if st.Visibility != domain.Public {
			t.Fatalf("the caller's status got visibility %q", st.Visibility)
		}
		stored, err := s.Status(ctx, st.ID)
		if err != nil || stored.Visibility != HeldVisibility {
			t.Fatalf("stored visibility: got %v, %v; want held", stored, err)
		}
		inFeed := func(reader domain.ID) bool {
			t.Helper()
			items, err := s.HomeTimeline(ctx, reader, domain.Page{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.ID == st.ID {
					return true
				}
			}
			return false
		}
		public := func() bool {
			t.Helper()
			items, err := s.PublicTimeline(ctx, 0, PublicFilter{}, domain.Page{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.ID == st.ID {
					return true
				}
			}
			return false
		}
		if !inFeed(alice) || inFeed(bea) || public() {
			t.Fatalf("held: in alice's feed %v (want true), bea's %v, public %v (want false)", inFeed(alice), inFeed(bea), public())
		}
		var notes int
		if err := d.R.QueryRow(`SELECT COUNT(*) FROM notifications WHERE status_id = $1`, int64(st.ID)).Scan(&notes); err != nil || notes != 0 {
			t.Fatalf("notifications of a held status: got %d, %v; want 0", notes, err)
		}
		h, err := s.HeldStatusByID(ctx, st.ID)
		if err != nil || h.Visibility != domain.Public || h.Score != 7 || h.ReportID == 0 || h.ReleasedAt != nil {
			t.Fatalf("held record: got %+v, %v", h, err)
		}
		r, err := s.Report(ctx, h.ReportID)
		if err != nil || r.Source != "automated" || r.Category != "spam" || r.AccountID != 0 || r.TargetAccountID != alice ||
			len(r.StatusIDs) != 1 || r.StatusIDs[0] != st.ID || r.Comment != "Held: repeated_link" || r.State != "open" {
			t.Fatalf("automated report: got %+v, %v", r, err)
		}
		if vis, err := s.HeldVisibilities(ctx, []domain.ID{st.ID, 42}); err != nil || len(vis) != 1 || vis[st.ID] != domain.Public {
			t.Fatalf("held visibilities: got %v, %v", vis, err)
		}
		pending, err := s.HeldStatuses(ctx, true, 10)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending held: got %d, %v; want 1", len(pending), err)
		}

		var released *domain.Status
		err = s.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			released, err = s.ReleaseHeld(ctx, tx, st.ID, bea)
			return err
		})
		if err != nil || released.Visibility != domain.Public {
			t.Fatalf("release: got %v, %v", released, err)
		}
		got := rec.take()
		if len(got) != 1 || got[0].Type != "Create" || got[0].StatusID != st.ID || !got[0].Followers {
			t.Fatalf("release delivered %+v, want one Create to followers", got)
		}
		if vis, err := s.HeldVisibilities(ctx, []domain.ID{st.ID}); err != nil || len(vis) != 0 {
			t.Fatalf("held visibilities after release: got %v, %v", vis, err)
		}
		if !inFeed(bea) || !public() {
			t.Fatalf("released: in bea's feed %v, public %v; want both", inFeed(bea), public())
		}
		if err := d.R.QueryRow(`SELECT COUNT(*) FROM notifications WHERE status_id = $1 AND account_id = $2 AND type = 'mention'`,
			int64(st.ID), int64(cy)).Scan(&notes); err != nil || notes != 1 {
			t.Fatalf("mention notification on release: got %d, %v; want 1", notes, err)
		}
		if r, _ = s.Report(ctx, h.ReportID); r.State != "resolved" || r.ActionTakenByAccountID != bea {
			t.Fatalf("report after release: got %+v", r)
		}
		err = s.Tx(ctx, func(tx *sql.Tx) error { _, err := s.ReleaseHeld(ctx, tx, st.ID, bea); return err })
		if domain.KindOf(err) != domain.KindConflict {
			t.Fatalf("second release: got %v, want conflict", err)
		}

		// A held reply deleted by its author: nothing goes out, and the
		// reply count it never had is not taken off.
		replies := func() (n int) {
			t.Helper()
			if err := d.R.QueryRow(`SELECT replies_count FROM statuses WHERE id = $1`, int64(st.ID)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		st2 := testStatus(s, alice, domain.Public)
		st2.InReplyToID, st2.InReplyToAccountID = st.ID, alice
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: st2, Hold: &Hold{Score: 6, Signals: "[]"}}); err != nil {
			t.Fatal(err)
		}
		st3 := testStatus(s, alice, domain.Public)
		st3.InReplyToID, st3.InReplyToAccountID = st.ID, alice
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: st3}); err != nil {
			t.Fatal(err)
		}
		rec.take()
		if n := replies(); n != 1 {
			t.Fatalf("replies_count with a held reply: got %d, want 1", n)
		}
		st2, _ = s.Status(ctx, st2.ID)
		if err := s.DeleteStatus(ctx, st2); err != nil {
			t.Fatal(err)
		}
		if got := rec.take(); len(got) != 0 {
			t.Fatalf("deleting a held status delivered %+v", got)
		}
		if n := replies(); n != 1 {
			t.Fatalf("replies_count after deleting the held reply: got %d, want 1", n)
		}
		if _, err := s.HeldStatusByID(ctx, st2.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("held record of a deleted status: got %v, want not found", err)
		}

		// Standing: created by the operator's tools (no sign-up address) is
		// trusted; a sign-up is not until a moderator trusts it.
		p, err := s.PostingStanding(ctx, alice)
		if err != nil || !p.Trusted || p.Role != domain.RoleUser || time.Since(p.SignedUpAt) > time.Minute {
			t.Fatalf("standing of an operator-made account: got %+v, %v", p, err)
		}
		_, dan, err := s.CreateLocalUser(ctx, NewLocalUser{Username: "dan", Email: "dan@example.org", PasswordHash: "x", Approved: true,
			SignUpIP: "203.0.113.9", BaseURL: "https://agora.example"})
		if err != nil {
			t.Fatal(err)
		}
		if p, _ = s.PostingStanding(ctx, dan.ID); p.Trusted {
			t.Fatal("a fresh sign-up is trusted")
		}
		if err := s.SetTrusted(ctx, d.W, dan.ID, true); err != nil {
			t.Fatal(err)
		}
		if p, _ = s.PostingStanding(ctx, dan.ID); !p.Trusted {
			t.Fatal("trusted mark not read")
		}
		if err := s.SetTrusted(ctx, d.W, remote, true); domain.KindOf(err) != domain.KindInvalid {
			t.Fatalf("trusting a remote account: got %v, want invalid", err)
		}
		if _, err := s.PostingStanding(ctx, remote); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("standing of a remote account: got %v, want not found", err)
		}
		// Strangers: bea follows alice (not a stranger), cy does not, the
		// author herself never counts.
		if n, err := s.StrangerMentions(ctx, alice, []domain.ID{alice, bea, cy, remote}); err != nil || n != 1 {
			t.Fatalf("stranger mentions: got %d, %v; want 1 (cy; remote follows alice)", n, err)
		}
		recent, err := s.RecentPosts(ctx, alice, 50)
		if err != nil || len(recent) != 2 {
			t.Fatalf("recent posts: got %d, %v; want 2", len(recent), err)
		}
	})
}
