package store_test

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func TestTagsFollowAndFeature(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		alice, bob := lfAccount(t, st, "alice"), lfAccount(t, st, "bob")
		tag, err := st.FollowTag(ctx, alice, "golang", "GoLang")
		if err != nil || tag.Name != "golang" || tag.DisplayName != "GoLang" {
			t.Fatalf("FollowTag = %+v, %v", tag, err)
		}
		if again, err := st.FollowTag(ctx, alice, "golang", "golang"); err != nil || again.ID != tag.ID || again.DisplayName != "GoLang" {
			t.Errorf("second follow = %+v, %v (the first display name stays)", again, err)
		}
		t2, _ := st.FollowTag(ctx, alice, "rust", "rust")
		tags, pageIDs, err := st.FollowedTags(ctx, alice, domain.Page{Limit: 1})
		if err != nil || len(tags) != 1 || tags[0].ID != t2.ID {
			t.Fatalf("FollowedTags first page = %+v, %v", tags, err)
		}
		tags, _, _ = st.FollowedTags(ctx, alice, domain.Page{Limit: 1, MaxID: pageIDs[0]})
		if len(tags) != 1 || tags[0].ID != tag.ID {
			t.Errorf("second page = %+v", tags)
		}
		f, _ := st.FollowingTags(ctx, alice, []domain.ID{tag.ID, t2.ID})
		fb, _ := st.FollowingTags(ctx, bob, []domain.ID{tag.ID})
		if !f[tag.ID] || !f[t2.ID] || fb[tag.ID] {
			t.Errorf("FollowingTags alice %v bob %v", f, fb)
		}
		followers, _ := st.TagFollowers(ctx, d.R, []domain.ID{tag.ID})
		if len(followers) != 1 || followers[0] != alice {
			t.Errorf("TagFollowers = %v", followers)
		}
		if err := st.UnfollowTag(ctx, alice, tag.ID); err != nil {
			t.Fatal(err)
		}
		if f, _ := st.FollowingTags(ctx, alice, []domain.ID{tag.ID}); f[tag.ID] {
			t.Errorf("still following after unfollow")
		}

		// Featured tags count the account's public statuses using them.
		lfPost(t, st, domain.Status{AccountID: alice, Text: "#golang", Tags: []string{"golang"}})
		lfPost(t, st, domain.Status{AccountID: alice, Text: "#golang", Tags: []string{"golang"}, Visibility: domain.Private})
		lfPost(t, st, domain.Status{AccountID: bob, Text: "#golang", Tags: []string{"golang"}})
		lfPost(t, st, domain.Status{AccountID: alice, Text: "#cats", Tags: []string{"Cats"}})
		id, err := st.FeatureTag(ctx, alice, "golang", "golang", 2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.FeatureTag(ctx, alice, "golang", "golang", 2); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("featuring twice: got %v, want invalid", err)
		}
		ft, _ := st.FeaturedTags(ctx, alice)
		if len(ft) != 1 || ft[0].ID != id || ft[0].StatusesCount != 1 || ft[0].LastStatusAt == nil {
			t.Fatalf("FeaturedTags = %+v", ft)
		}
		sugg, _ := st.TagSuggestions(ctx, alice, 10)
		if len(sugg) != 1 || sugg[0].Name != "cats" {
			t.Errorf("TagSuggestions = %+v, want [cats]", sugg)
		}
		if _, err := st.FeatureTag(ctx, alice, "cats", "cats", 2); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FeatureTag(ctx, alice, "dogs", "dogs", 2); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("third featured tag with limit 2: got %v, want invalid", err)
		}
		if err := st.UnfeatureTag(ctx, bob, id); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob unfeatures alice's tag: %v", err)
		}
		if err := st.UnfeatureTag(ctx, alice, id); err != nil {
			t.Fatal(err)
		}

		found, _ := st.SearchTags(ctx, "go", 10, 0)
		if len(found) != 1 || found[0].Name != "golang" {
			t.Errorf("SearchTags(go) = %+v", found)
		}
		if found, _ := st.SearchTags(ctx, "g%", 10, 0); len(found) != 0 {
			t.Errorf("LIKE wildcards are escaped: %+v", found)
		}
	})
}

func TestStatusByURLAndSuggestions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		alice, bob, carol := lfAccount(t, st, "alice"), lfAccount(t, st, "bob"), lfAccount(t, st, "carol")
		p := lfPost(t, st, domain.Status{AccountID: bob, Text: "x", URL: "https://example.org/@bob/1"})
		for _, c := range []struct {
			u       string
			local   domain.ID
			author  domain.ID
			wantHit bool
		}{
			{p.URI, 0, 0, true},
			{"https://example.org/@bob/1", 0, 0, true},
			{"https://nowhere.example/x", p.ID, 0, true},
			{"https://nowhere.example/x", 0, 0, false},
			{p.URI, 0, bob, true},
			{p.URI, 0, alice, false},
		} {
			ids, err := st.StatusIDsByURL(ctx, c.u, c.local, c.author)
			if err != nil {
				t.Fatal(err)
			}
			if hit := len(ids) == 1 && ids[0] == p.ID; hit != c.wantHit {
				t.Errorf("StatusIDsByURL(%q, %d, %d) = %v, want hit %v", c.u, c.local, c.author, ids, c.wantHit)
			}
		}
		lfFollow(t, st, carol, bob)
		sugg, err := st.SuggestedAccounts(ctx, alice, 10)
		if err != nil || len(sugg) != 2 || sugg[0].ID != bob {
			t.Fatalf("suggestions for alice = %v, %v; want bob (most followed) first", sugg, err)
		}
		lfFollow(t, st, alice, bob)
		if err := st.Block(ctx, carol, alice); err != nil {
			t.Fatal(err)
		}
		if sugg, _ := st.SuggestedAccounts(ctx, alice, 10); len(sugg) != 0 {
			t.Errorf("followed and blocking accounts suggested: %v", sugg)
		}
		dir, _ := st.DirectoryAccounts(ctx, "active", true, 10, 0)
		if len(dir) != 3 || dir[0].ID != bob {
			t.Errorf("directory (active) = %d accounts, first %v; want bob first", len(dir), dir)
		}
		dir, _ = st.DirectoryAccounts(ctx, "new", true, 1, 1)
		if len(dir) != 1 || dir[0].ID != bob {
			t.Errorf("directory (new, offset 1) = %v, want bob", dir)
		}
	})
}
