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

func TestFiltersStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.UnixMilli(1_700_000_000_000).UTC()
		st := store.New(d, func() time.Time { return now })
		alice, bob := lfAccount(t, st, "alice"), lfAccount(t, st, "bob")
		exp := now.Add(time.Hour)
		f := &store.Filter{AccountID: alice, Title: "Spoilers", Context: []string{"home", "public"}, Action: "warn", ExpiresAt: &exp,
			Keywords: []store.FilterKeyword{{Keyword: "finale", WholeWord: true}, {Keyword: "ending", WholeWord: false}}}
		if err := st.CreateFilter(ctx, f, 2); err != nil {
			t.Fatal(err)
		}
		got, err := st.Filter(ctx, alice, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Spoilers" || len(got.Context) != 2 || got.Context[1] != "public" || got.ExpiresAt == nil ||
			!got.ExpiresAt.Equal(exp) || len(got.Keywords) != 2 || got.Keywords[0].Keyword != "finale" || !got.Keywords[0].WholeWord {
			t.Fatalf("Filter = %+v", got)
		}
		if _, err := st.Filter(ctx, bob, f.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob reads alice's filter: got %v, want not found", err)
		}
		if err := st.CreateFilter(ctx, &store.Filter{AccountID: alice, Title: "two", Context: []string{"home"}, Action: "hide"}, 2); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateFilter(ctx, &store.Filter{AccountID: alice, Title: "three", Context: []string{"home"}, Action: "hide"}, 2); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("third filter with limit 2: got %v, want invalid", err)
		}

		// Keyword changes: edit one, destroy one, add one; then the limit.
		changes := []store.KeywordChange{
			{ID: got.Keywords[0].ID, Keyword: "Finale", WholeWord: false},
			{ID: got.Keywords[1].ID, Destroy: true},
			{Keyword: "season 2", WholeWord: true},
		}
		got.Title = "TV"
		if err := st.UpdateFilter(ctx, got, changes, 3); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Filter(ctx, alice, f.ID)
		if got.Title != "TV" || len(got.Keywords) != 2 || got.Keywords[0].Keyword != "Finale" || got.Keywords[0].WholeWord ||
			got.Keywords[1].Keyword != "season 2" {
			t.Errorf("after update: %+v", got)
		}
		tooMany := []store.KeywordChange{{Keyword: "a"}, {Keyword: "b"}}
		if err := st.UpdateFilter(ctx, got, tooMany, 3); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("4 keywords with limit 3: got %v, want invalid", err)
		}
		if g2, _ := st.Filter(ctx, alice, f.ID); len(g2.Keywords) != 2 {
			t.Errorf("a refused update changed keywords: %+v", g2.Keywords)
		}
		other := &store.Filter{ID: f.ID, AccountID: bob, Title: "x", Context: []string{"home"}, Action: "warn"}
		if err := st.UpdateFilter(ctx, other, nil, 3); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob updates alice's filter: got %v, want not found", err)
		}
		if err := st.UpdateFilter(ctx, got, []store.KeywordChange{{ID: 12345, Keyword: "x"}}, 3); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("editing an unknown keyword: got %v, want not found", err)
		}

		// Keywords and statuses by id, owner-checked.
		kid := got.Keywords[0].ID
		if _, err := st.FilterKeyword(ctx, bob, kid); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob reads alice's keyword: %v", err)
		}
		if err := st.DeleteFilterKeyword(ctx, bob, kid); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob deletes alice's keyword: %v", err)
		}
		post := lfPost(t, st, domain.Status{AccountID: bob, Text: "hello"})
		fs := &store.FilterStatus{FilterID: f.ID, StatusID: post.ID}
		if err := st.AddFilterStatus(ctx, alice, fs, 10); err != nil {
			t.Fatal(err)
		}
		if err := st.AddFilterStatus(ctx, alice, &store.FilterStatus{FilterID: f.ID, StatusID: post.ID}, 10); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("same status twice: got %v, want invalid", err)
		}
		if err := st.AddFilterStatus(ctx, alice, &store.FilterStatus{FilterID: f.ID, StatusID: 42}, 10); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("unknown status: got %v, want not found", err)
		}
		if err := st.AddFilterStatus(ctx, bob, &store.FilterStatus{FilterID: f.ID, StatusID: post.ID}, 10); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob adds to alice's filter: got %v, want not found", err)
		}
		if x, err := st.FilterStatusByID(ctx, alice, fs.ID); err != nil || x.StatusID != post.ID {
			t.Errorf("FilterStatusByID = %+v, %v", x, err)
		}

		// Expired filters are not active.
		active, _ := st.ActiveFilters(ctx, alice)
		if len(active) != 2 {
			t.Errorf("active filters now: %d, want 2", len(active))
		}
		now = now.Add(2 * time.Hour)
		active, _ = st.ActiveFilters(ctx, alice)
		if len(active) != 1 || active[0].Title != "two" {
			t.Errorf("active after expiry: %+v, want only \"two\"", active)
		}
		if all, _ := st.Filters(ctx, alice); len(all) != 2 || len(all[0].Statuses) != 1 {
			t.Errorf("Filters lists expired ones too, with statuses: %+v", all)
		}
		if err := st.DeleteFilter(ctx, bob, f.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob deletes alice's filter: %v", err)
		}
		if err := st.DeleteFilter(ctx, alice, f.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FilterKeyword(ctx, alice, kid); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("keyword survived its filter: %v", err)
		}
	})
}
