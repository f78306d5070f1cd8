// Command agora-searchbench measures full-text status search: it seeds a
// fresh database (SQLite in a temporary folder, or a new PostgreSQL schema)
// with N statuses through multi-row INSERTs, the search triggers indexing
// them as they go, then times a few query shapes through the search store.
//
//	go run ./cmd/agora-searchbench -n 1000000
//	go run ./cmd/agora-searchbench -n 1000000 -postgres postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//
// -reindex (SQLite) then empties the full-text index and times the
// maintenance job that refills it after migration 0026 (ReindexSearch).
// With -keep the SQLite folder (printed) or the PostgreSQL schema stays;
// -data DIR (SQLite) opens that folder again, migrating it and timing the
// migration, without seeding; -schema NAME times the queries on
// it again without seeding. -explain prints each query's plan (on
// PostgreSQL EXPLAIN ANALYZE with the settings a common word's search uses).
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

func main() {
	n := flag.Int("n", 100000, "statuses to seed")
	accounts := flag.Int("accounts", 10000, "accounts to seed")
	pg := flag.String("postgres", "", "PostgreSQL base URL (a fresh schema is created and dropped); SQLite when empty")
	runs := flag.Int("runs", 200, "runs per query shape")
	explain := flag.Bool("explain", false, "print each query's plan")
	reuse := flag.String("schema", "", "PostgreSQL: time queries on this already seeded schema (from -keep) instead of seeding")
	data := flag.String("data", "", "SQLite: time the migration and queries on this already seeded folder (from -keep) instead of seeding")
	keep := flag.Bool("keep", false, "keep the database (SQLite folder / PostgreSQL schema)")
	reindex := flag.Bool("reindex", false, "SQLite: time rebuilding the full-text index with ReindexSearch after seeding")
	flag.Parse()
	ctx := context.Background()

	var dir, dsn, schema string
	if *pg == "" && *data != "" {
		dir = *data
	} else if *pg == "" {
		var err error
		if dir, err = os.MkdirTemp("", "agora-searchbench-"); err != nil {
			log.Fatal(err)
		}
		if !*keep {
			defer os.RemoveAll(dir)
		} else {
			fmt.Printf("keeping the SQLite folder %s\n", dir)
		}
	} else if *reuse != "" {
		u, err := url.Parse(*pg)
		if err != nil {
			log.Fatal(err)
		}
		v := u.Query()
		v.Set("search_path", *reuse)
		u.RawQuery = v.Encode()
		dsn = u.String()
	} else {
		var err error
		dsn, schema, err = newSchema(*pg)
		if err != nil {
			log.Fatal(err)
		}
		if !*keep {
			defer dropSchema(*pg, schema)
		}
	}
	opened := time.Now()
	d, err := db.Open(ctx, dir, dsn)
	if err != nil {
		log.Fatal(err)
	}
	if *data != "" {
		fmt.Printf("opened and migrated %s in %s\n", dir, time.Since(opened).Round(time.Millisecond))
		*reuse = dir
	}
	defer d.Close()
	st := store.New(d, time.Now)

	start := time.Now()
	if *reuse == "" {
		if err := seed(ctx, d, st, *accounts, *n); err != nil {
			log.Fatal(err)
		}
	}
	seedTime := time.Since(start)
	start = time.Now()
	if _, err := d.W.ExecContext(ctx, "ANALYZE"); err != nil {
		log.Fatal(err)
	}
	if *reuse != "" {
		fmt.Printf("engine %s: reusing %s (word counts unknown); ANALYZE %s\n", d.Dialect, *reuse, time.Since(start).Round(time.Millisecond))
	} else {
		fmt.Printf("engine %s: seeded %d statuses, %d accounts in %s (%.0f statuses/s, index maintained by triggers); ANALYZE %s\n",
			d.Dialect, *n, *accounts, seedTime.Round(time.Second), float64(*n)/seedTime.Seconds(), time.Since(start).Round(time.Millisecond))
	}

	if *reindex && d.Dialect == db.SQLite {
		if err := timeReindex(ctx, d, st); err != nil {
			log.Fatal(err)
		}
	}

	viewer := domain.ID(1)
	shapes := []struct {
		name string
		q    store.StatusSearch
	}{
		{"rare word", store.StatusSearch{Terms: []string{word(rareRank)}}},
		{"medium word", store.StatusSearch{Terms: []string{word(mediumRank)}}},
		{"common word", store.StatusSearch{Terms: []string{word(1)}}},
		{"two medium words", store.StatusSearch{Terms: []string{word(mediumRank), word(mediumRank + 1)}}},
		{"phrase of two common words", store.StatusSearch{Phrases: []string{word(1) + " " + word(2)}}},
		{"common word, from: one account", store.StatusSearch{Terms: []string{word(1)}, From: 7}},
		{"common word, in:library", store.StatusSearch{Terms: []string{word(1)}, Scope: "library"}},
		{"medium word -common word", store.StatusSearch{Terms: []string{word(mediumRank)}, Exclude: []string{word(1)}}},
	}
	fmt.Printf("statuses holding: common %d, second %d, medium %d, medium+1 %d, rare %d\n",
		docFreq[1], docFreq[2], docFreq[mediumRank], docFreq[mediumRank+1], docFreq[rareRank])
	fmt.Printf("| query | matches (first page) | p50 | p99 |\n|---|---|---|---|\n")
	for _, sh := range shapes {
		q := sh.q
		q.Viewer, q.Limit = viewer, 20
		if *explain {
			printPlan(ctx, d, st, q)
		}
		var times []time.Duration
		var found int
		for i := range *runs {
			t0 := time.Now()
			ids, err := st.SearchStatuses(ctx, q)
			if err != nil {
				log.Fatalf("%s: %v", sh.name, err)
			}
			times = append(times, time.Since(t0))
			if i == 0 {
				found = len(ids)
			}
		}
		slices.Sort(times)
		fmt.Printf("| %s | %d | %s | %s |\n", sh.name, found, ms(times[len(times)/2]), ms(times[len(times)*99/100]))
	}
}

const (
	vocabulary = 50000
	rareRank   = 20000
	mediumRank = 300
)

// docFreq counts the statuses holding each word the queries use.
var docFreq = map[int]int{1: 0, 2: 0, mediumRank: 0, mediumRank + 1: 0, rareRank: 0}

var syllables = strings.Fields("ka lo mi ne ru ta po si ve da fu go hi ja ke li mo nu pa re so ti vu ze")

// word is the vocabulary's word of the given rank: made-up syllables, so
// that counts are known and no stemmer merges two of them. Posts use them
// bare or inflected (inflect), which stems back to them.
func word(rank int) string {
	var b strings.Builder
	for r := rank + len(syllables); r > 0; r /= len(syllables) {
		b.WriteString(syllables[r%len(syllables)])
	}
	return b.String() + "x"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// seed inserts accounts (every one indexable, as with Mastodon's opt-in
// fully taken up: the worst case for the public index) and statuses of
// 8 to 30 Zipf-distributed words, 500 rows per INSERT.
func seed(ctx context.Context, d *db.DB, st *store.Store, accounts, n int) error {
	now := time.Now().UnixMilli()
	var vals []string
	flush := func(prefix string) error {
		if len(vals) == 0 {
			return nil
		}
		_, err := d.W.ExecContext(ctx, prefix+strings.Join(vals, ", "))
		vals = vals[:0]
		return err
	}
	for a := 1; a <= accounts; a++ {
		vals = append(vals, fmt.Sprintf("(%d, 'u%d', TRUE, %d, %d)", a, a, now, now))
		if len(vals) == 500 {
			if err := flush(`INSERT INTO accounts (id, username, indexable, created_at, updated_at) VALUES `); err != nil {
				return err
			}
		}
	}
	if err := flush(`INSERT INTO accounts (id, username, indexable, created_at, updated_at) VALUES `); err != nil {
		return err
	}
	// A third of the posts in English, French and no language, half their
	// words inflected, so that the stems column holds what real posts give
	// it (Snowball stems "kaloxing" and "kaloxaient" back to "kalox").
	langs := []string{"en", "fr", ""}
	suffix := map[string]string{"en": "ing", "fr": "aient", "": "s"}
	r := mrand.New(mrand.NewPCG(1, 2))
	zipf := mrand.NewZipf(mrand.New(mrand.NewPCG(3, 4)), 1.07, 2, vocabulary-1)
	const prefix = `INSERT INTO statuses (id, account_id, visibility, text, language, conversation_id, created_at) VALUES `
	base := time.Now().Add(-time.Duration(n) * time.Second)
	var text strings.Builder
	for i := range n {
		text.Reset()
		seen := map[int]bool{}
		for w := range 8 + r.IntN(23) {
			if w > 0 {
				text.WriteByte(' ')
			}
			rank := int(zipf.Uint64())
			text.WriteString(word(rank))
			if r.IntN(2) == 0 {
				text.WriteString(suffix[langs[i%3]])
			}
			if _, tracked := docFreq[rank]; tracked && !seen[rank] {
				seen[rank] = true
				docFreq[rank]++
			}
		}
		at := base.Add(time.Duration(i) * time.Second)
		vis := "public"
		if i%10 == 0 {
			vis = "private"
		}
		vals = append(vals, fmt.Sprintf("(%d, %d, '%s', '%s', '%s', %d, %d)", int64(domain.IDAt(at))+int64(i%1000), 1+r.IntN(accounts), vis, text.String(), langs[i%3], i, at.UnixMilli()))
		if len(vals) == 500 {
			if err := flush(prefix); err != nil {
				return err
			}
		}
		if (i+1)%100000 == 0 {
			log.Printf("seeded %d", i+1)
		}
	}
	return flush(prefix)
}

// timeReindex empties SQLite's full-text index and refills it as the
// maintenance job does after migration 0026, timing it.
func timeReindex(ctx context.Context, d *db.DB, st *store.Store) error {
	if _, err := d.W.ExecContext(ctx, `INSERT INTO statuses_fts (statuses_fts) VALUES ('delete-all')`); err != nil {
		return err
	}
	if _, err := d.W.ExecContext(ctx, `INSERT INTO search_reindex (id, next_id) SELECT 1, MAX(id) + 1 FROM statuses WHERE TRUE
		ON CONFLICT (id) DO UPDATE SET next_id = excluded.next_id`); err != nil {
		return err
	}
	start, total, batches := time.Now(), 0, 0
	var slowest time.Duration
	for {
		t0 := time.Now()
		n, done, err := st.ReindexSearch(ctx, store.ReindexSearchBatch)
		if err != nil {
			return err
		}
		slowest = max(slowest, time.Since(t0))
		if done {
			break
		}
		total += n
		if batches++; batches%100 == 0 {
			log.Printf("reindexed %d", total)
		}
	}
	took := time.Since(start)
	fmt.Printf("reindex: %d statuses in %d batches of %d, %s (%.0f statuses/s), slowest batch %s\n",
		total, batches, store.ReindexSearchBatch, took.Round(time.Second), float64(total)/took.Seconds(), ms(slowest))
	return nil
}

func newSchema(base string) (dsn, schema string, err error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", "", err
	}
	defer admin.Close()
	var b [4]byte
	_, _ = rand.Read(b[:])
	schema = "searchbench_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		return "", "", err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

func dropSchema(base, schema string) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return
	}
	defer admin.Close()
	_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
}

func printPlan(ctx context.Context, d *db.DB, st *store.Store, q store.StatusSearch) {
	query, args := st.StatusSearchQuery(q)
	explain := "EXPLAIN "
	if d.Dialect == db.SQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	tx, err := d.R.BeginTx(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback()
	if d.Dialect == db.Postgres {
		// As Store.SearchStatuses runs a common word's search.
		explain = "EXPLAIN ANALYZE "
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_bitmapscan = off"); err != nil {
			log.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			log.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "SET LOCAL jit = off"); err != nil {
			log.Fatal(err)
		}
	}
	rows, err := tx.QueryContext(ctx, explain+query, args...)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			log.Fatal(err)
		}
		if line := fmt.Sprint(vals[len(vals)-1]); !strings.Contains(line, "Filter:") && !strings.Contains(line, "SubPlan") {
			fmt.Println("   ", line)
		}
	}
}
