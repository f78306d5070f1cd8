package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// TestStatusSearchStemming checks French and English stemming, accents,
// languages without a stemmer, edits and deletions on both engines: on
// SQLite through the Snowball stems column of statuses_fts, on PostgreSQL
// through its text search configurations.
func TestStatusSearchStemming(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, time.Now)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
		now := time.Now().UnixMilli()
		exec(`INSERT INTO accounts (id, username, indexable, created_at, updated_at) VALUES (1, 'viewer', TRUE, $1, $1), (2, 'author', TRUE, $1, $1)`, now)
		post := func(lang, text, content string) domain.ID {
			t.Helper()
			id := st.IDs.Next()
			exec(`INSERT INTO statuses (id, account_id, visibility, text, content, language, conversation_id, created_at)
				VALUES ($1, 2, 'public', $2, $3, $4, $1, $5)`, int64(id), text, content, lang, now)
			return id
		}
		chantaient := post("fr", "Ils chantaient à l'école", "")
		mange := post("fr", "Nous avons mangé des pommes", "")
		running := post("en", "She was running happily", "")
		nolang := post("", "Les oiseaux chantèrent", "")
		remote := post("fr", "", `<p>Elles <a href="https://example.org/danser">dansaient</a> toute la nuit</p>`)
		german := post("de", "Die Kinder spielten im Garten", "")
		// A post without a language is stemmed as English and French on
		// SQLite, as English only on PostgreSQL (agora_search_config).
		nolangFR := []domain.ID{nolang}
		if d.Dialect == db.Postgres {
			nolangFR = nil
		}
		search := func(q store.StatusSearch) []domain.ID {
			t.Helper()
			q.Viewer, q.Limit = 1, 20
			ids, err := st.SearchStatuses(ctx, q)
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			slices.Sort(ids)
			return ids
		}
		words := func(w ...string) store.StatusSearch { return store.StatusSearch{Terms: w} }
		cases := []struct {
			name string
			q    store.StatusSearch
			want []domain.ID
		}{
			{"French infinitive finds the imperfect", words("chanter"), []domain.ID{chantaient, nolang}},
			{"French imperfect finds the imperfect", words("chantait"), append([]domain.ID{chantaient}, nolangFR...)},
			{"French past participle finds the infinitive", words("manger"), []domain.ID{mange}},
			{"unaccented query", words("mange"), []domain.ID{mange}},
			{"uppercase accented query", words("MANGÉ"), []domain.ID{mange}},
			{"French plural", words("pomme"), []domain.ID{mange}},
			{"accents fold", words("ecole"), []domain.ID{chantaient}},
			{"accents fold both ways", words("ÉCOLE"), []domain.ID{chantaient}},
			{"English inflection", words("runs"), []domain.ID{running}},
			{"English inflection, other way", words("run"), []domain.ID{running}},
			{"remote HTML is stemmed", words("danser"), []domain.ID{remote}},
			{"two stemmed words", words("chanter", "école"), []domain.ID{chantaient}},
			{"no stemmer: exact word", words("spielten"), []domain.ID{german}},
			{"no stemmer: exclusion stemmed", store.StatusSearch{Terms: []string{"chanter"}, Exclude: []string{"écoles"}}, []domain.ID{nolang}},
			{"language operator", store.StatusSearch{Terms: []string{"chanter"}, Language: "fr"}, []domain.ID{chantaient}},
			{"phrase as typed", store.StatusSearch{Phrases: []string{"avons mangé"}}, []domain.ID{mange}},
		}
		if d.Dialect == db.SQLite {
			// Tag and attribute names of remote HTML are no longer indexed.
			cases = append(cases, struct {
				name string
				q    store.StatusSearch
				want []domain.ID
			}{"HTML attributes are not text", words("href"), nil})
		}
		for _, c := range cases {
			if got := search(c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s: %+v = %v, want %v", c.name, c.q, got, c.want)
			}
		}

		// Edits re-stem, a language change too, and deletions leave the index.
		exec(`UPDATE statuses SET text = 'Elles parlaient doucement' WHERE id = $1`, int64(chantaient))
		if got := search(words("parler")); !slices.Equal(got, []domain.ID{chantaient}) {
			t.Errorf("after an edit, parler = %v, want %v", got, chantaient)
		}
		if got := search(words("chanter")); !slices.Equal(got, []domain.ID{nolang}) {
			t.Errorf("after an edit, chanter = %v, want %v", got, nolang)
		}
		exec(`UPDATE statuses SET text = 'Sie chantaient' WHERE id = $1`, int64(german))
		if got := search(words("chant")); !slices.Equal(got, nolangFR) {
			t.Errorf("German post, chant = %v, want %v (no French stemming of a German post)", got, nolangFR)
		}
		exec(`UPDATE statuses SET language = 'fr' WHERE id = $1`, int64(german))
		if got, want := search(words("chant")), append(nolangFR, german); !slices.Equal(got, want) {
			t.Errorf("after a change of language to French, chant = %v, want %v", got, want)
		}
		exec(`DELETE FROM statuses WHERE id = $1`, int64(mange))
		if got := search(words("manger")); len(got) != 0 {
			t.Errorf("after a deletion, manger = %v, want nothing", got)
		}
	})
}

// TestReindexSearch checks the job that refills the SQLite index after
// migration 0026: in batches, newest first, resumable, idempotent, and
// correct for statuses edited while it runs.
func TestReindexSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, time.Now)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
		now := time.Now().UnixMilli()
		exec(`INSERT INTO accounts (id, username, indexable, created_at, updated_at) VALUES (1, 'a', TRUE, $1, $1)`, now)
		var ids []domain.ID
		for i := range 25 {
			id := st.IDs.Next()
			ids = append(ids, id)
			exec(`INSERT INTO statuses (id, account_id, visibility, text, language, conversation_id, created_at)
				VALUES ($1, 1, 'public', $2, 'fr', $1, $3)`, int64(id), fmt.Sprintf("ils chantaient la chanson %d", i), now)
		}
		boost := st.IDs.Next()
		exec(`INSERT INTO statuses (id, account_id, visibility, reblog_of_id, conversation_id, created_at) VALUES ($1, 1, 'public', $2, $1, $3)`,
			int64(boost), int64(ids[0]), now)
		count := func() int {
			t.Helper()
			got, err := st.SearchStatuses(ctx, store.StatusSearch{Viewer: 1, Terms: []string{"chanter"}, Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			return len(got)
		}
		if d.Dialect == db.SQLite {
			// The state migration 0026 leaves on a database with statuses:
			// an empty index and the job's position above the newest.
			exec(`DELETE FROM statuses_fts`)
			exec(`INSERT INTO search_reindex (id, next_id) VALUES (1, $1)`, int64(boost)+1)
			if n := count(); n != 0 {
				t.Fatalf("before reindexing, %d found", n)
			}
			// An edit while the job has not reached the status yet.
			exec(`UPDATE statuses SET text = 'elles chantaient encore' WHERE id = $1`, int64(ids[3]))
		}
		var batches int
		for {
			n, done, err := st.ReindexSearch(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			if done {
				break
			}
			batches++
			if batches == 1 && d.Dialect == db.SQLite {
				// The boost is in the batch but not indexed; the edited status
				// was indexed by the trigger.
				if n != 9 || count() != 10 {
					t.Errorf("after one batch: %d indexed, %d found; want 9 and 10 (the 9 newest and the edited one)", n, count())
				}
			}
		}
		if want := map[db.Dialect]int{db.SQLite: 3, db.Postgres: 0}[d.Dialect]; batches != want {
			t.Errorf("%d batches, want %d", batches, want)
		}
		if n := count(); n != 25 {
			t.Errorf("after reindexing, chanter finds %d, want 25", n)
		}
		// Once done, running it again changes nothing.
		if _, done, err := st.ReindexSearch(ctx, 10); err != nil || !done {
			t.Errorf("again: done %v, %v", done, err)
		}
		if n := count(); n != 25 {
			t.Errorf("after a second run, chanter finds %d, want 25", n)
		}
	})
}
