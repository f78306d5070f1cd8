package store

import (
	"context"
	"slices"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// Remote statuses stored in a batch are found by search as if the
// triggers had stemmed them; on SQLite the stems computed before the
// write are what the triggers used (the cache is emptied by them), on
// PostgreSQL the search_vector trigger is unchanged.
func TestCreateRemoteStatusesSearchStems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		viewer := graphUsers(t, s, "viewer")[0]
		bob := upsertRemote(t, s, "bob", "r.example")
		if _, err := d.W.ExecContext(ctx, `UPDATE accounts SET indexable = TRUE WHERE id = $1`, int64(bob.ID)); err != nil {
			t.Fatal(err)
		}
		status := func(uri, lang, text, content string) *RemoteStatusWrite {
			st := &domain.Status{ID: s.IDs.Next(), AccountID: bob.ID, URI: uri, URL: uri, Visibility: domain.Public,
				Language: lang, Text: text, Content: content, CreatedAt: s.Now()}
			st.ConversationID = st.ID
			return &RemoteStatusWrite{Status: st}
		}
		french := status("https://r.example/n/1", "fr", "", `<p>Elles <a href="https://r.example/x">dansaient</a> toute la nuit</p>`)
		english := status("https://r.example/n/2", "en", "", `<p>She was running happily</p>`)
		spoiled := status("https://r.example/n/3", "", "", `<p>Les oiseaux chantèrent</p>`)
		spoiled.Status.SpoilerText = "Ornithologie"
		ws := []*RemoteStatusWrite{french, english, spoiled}
		if err := s.CreateRemoteStatuses(ctx, ws); err != nil {
			t.Fatal(err)
		}
		if d.Dialect == db.SQLite {
			for _, w := range ws {
				st := w.Status
				if _, ok := takeStems(stemsKey{st.Language, st.SpoilerText, st.Text, st.Content}); ok {
					t.Errorf("stems of %s computed but not used by the trigger", st.URI)
				}
				if _, ok := takePlainText(st.Content); ok {
					t.Errorf("plain text of %s computed but not used by the trigger", st.URI)
				}
			}
		}
		for _, c := range []struct {
			terms []string
			want  domain.ID
		}{
			{[]string{"danser"}, french.Status.ID},   // French stem, from the HTML
			{[]string{"nuit"}, french.Status.ID},     // the body's plain text
			{[]string{"run"}, english.Status.ID},     // English stem
			{[]string{"chanter"}, spoiled.Status.ID}, // no language: French too on SQLite, English on PostgreSQL finds the exact form below
			{[]string{"ornithologie"}, spoiled.Status.ID},
		} {
			if d.Dialect == db.Postgres && c.terms[0] == "chanter" {
				c.terms = []string{"chantèrent"}
			}
			ids, err := s.SearchStatuses(ctx, StatusSearch{Viewer: viewer, Terms: c.terms, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, []domain.ID{c.want}) {
				t.Errorf("search %v: %v, want [%d]", c.terms, ids, c.want)
			}
		}
	})
}

// The cache of precomputed stems stays bounded: past its size it is
// emptied, and the triggers compute what is missing.
func TestPrecomputedStemsBounded(t *testing.T) {
	s := &Store{DB: &db.DB{Dialect: db.SQLite}}
	var ws []*RemoteStatusWrite
	for i := range maxPrecomputedStems + 10 {
		ws = append(ws, &RemoteStatusWrite{Status: &domain.Status{Text: "mot " + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))}})
	}
	s.precomputeStems(ws[:maxPrecomputedStems-5])
	s.precomputeStems(ws[maxPrecomputedStems-5:])
	precomputed.Lock()
	n := len(precomputed.stems)
	precomputed.Unlock()
	if n != 15 {
		t.Errorf("cache holds %d entries after overflowing, want the last 15", n)
	}
	precomputed.Lock()
	clear(precomputed.stems)
	clear(precomputed.plain)
	precomputed.Unlock()
}
