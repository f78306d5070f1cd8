package bench

import (
	"container/heap"
	"context"
	"database/sql"
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Sizes is the shape of the seeded world.
type Sizes struct {
	Accounts       int
	Statuses       int
	Celebs         int // authors with CelebFollowers followers
	CelebFollowers int
	Heavy          int // readers following HeavyFollowing accounts
	HeavyFollowing int
	MinFollowing   int // everybody else follows MinFollowing..MaxFollowing accounts
	MaxFollowing   int
	FeedSize       int // home_feed rows kept per reader (Mastodon keeps 800)
	Days           int // statuses are spread over this many past days
}

// DefaultSizes derives the graph's shape from the number of accounts and
// statuses: a few 5,000-follower authors, some 2,000-following readers and
// most accounts following 20-200, each capped for small worlds.
func DefaultSizes(accounts, statuses int) Sizes {
	return Sizes{
		Accounts:       accounts,
		Statuses:       statuses,
		Celebs:         max(1, accounts/2000),
		CelebFollowers: min(5000, accounts-1),
		Heavy:          max(1, accounts/200),
		HeavyFollowing: min(2000, accounts-1),
		MinFollowing:   min(20, accounts/4),
		MaxFollowing:   min(200, accounts/2),
		FeedSize:       800,
		Days:           90,
	}
}

// World is what the seeder created, in memory, for the driver to pick from.
type World struct {
	Prefix     string
	AccountIDs []domain.ID
	UserIDs    []domain.ID
	Following  [][]int32 // per account index: followed account indexes
	Followers  []int
	Statuses   []int // statuses per account
	Celebs     []int // account indexes of the most-followed authors
	Heavy      []int // account indexes of the readers following the most accounts
	Typical    []int // account indexes with an ordinary number of followers
	Timings    []Timing
	Rows       map[string]int
}

// Timing is how long one seeding step took.
type Timing struct {
	Step string
	Rows int
	Took time.Duration
}

// plan builds the follow graph and the status authorship in memory.
func plan(sz Sizes, rng *rand.Rand) *World {
	n := sz.Accounts
	w := &World{
		Following: make([][]int32, n),
		Followers: make([]int, n),
		Statuses:  make([]int, n),
		Rows:      map[string]int{},
	}
	for i := range sz.Celebs {
		w.Celebs = append(w.Celebs, i)
	}
	for i := sz.Celebs; i < min(n, sz.Celebs+sz.Heavy); i++ {
		w.Heavy = append(w.Heavy, i)
	}
	follows := make([]map[int32]bool, n)
	for i := range follows {
		follows[i] = map[int32]bool{}
	}
	add := func(from, to int) {
		if from != to && !follows[from][int32(to)] {
			follows[from][int32(to)] = true
			w.Following[from] = append(w.Following[from], int32(to))
			w.Followers[to]++
		}
	}
	// Celebrities: CelebFollowers distinct followers each, chosen uniformly.
	for _, c := range w.Celebs {
		perm := rng.Perm(n)
		got := 0
		for _, f := range perm {
			if got == sz.CelebFollowers {
				break
			}
			if f != c {
				add(f, c)
				got++
			}
		}
	}
	// Ordinary follows pick non-celebrity targets with a power law over a
	// shuffled rank, so some accounts have thousands of followers and most a few.
	others := rng.Perm(n)
	isCeleb := func(i int) bool { return i < sz.Celebs }
	pick := func() int {
		for {
			r := int(float64(n) * math.Pow(rng.Float64(), 1.5))
			if t := others[min(r, n-1)]; !isCeleb(t) {
				return t
			}
		}
	}
	for i := range n {
		want := sz.MinFollowing + int(float64(sz.MaxFollowing-sz.MinFollowing)*math.Pow(rng.Float64(), 2))
		if i >= sz.Celebs && i < sz.Celebs+sz.Heavy {
			want = sz.HeavyFollowing
		}
		want = min(want, n-1-sz.Celebs)
		for tries := 0; len(w.Following[i]) < want && tries < 20*want; tries++ {
			add(i, pick())
		}
	}
	for i := range n {
		if f := w.Followers[i]; !isCeleb(i) && f >= 5 && f <= 500 {
			w.Typical = append(w.Typical, i)
		}
	}
	if len(w.Typical) == 0 { // tiny worlds
		for i := sz.Celebs; i < n; i++ {
			w.Typical = append(w.Typical, i)
		}
	}
	return w
}

// authorOf draws a status author: a power law over a rank where the
// celebrities come first and everybody else is shuffled.
func authorOf(rng *rand.Rand, rank []int) int {
	r := int(float64(len(rank)) * math.Pow(rng.Float64(), 2))
	return rank[min(r, len(rank)-1)]
}

// Seed fills d with the world described by sz. It writes through bulk,
// multi-row INSERTs in large transactions; it is not how the server writes,
// only a fast way to get a realistic database.
func Seed(ctx context.Context, d *db.DB, sz Sizes, baseURL string, seed uint64, logf func(string, ...any)) (*World, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Now()
	w := plan(sz, rng)
	w.Prefix = "b" + strconv.FormatUint(rng.Uint64()%(36*36*36*36), 36)
	w.Timings = append(w.Timings, Timing{"plan graph (in memory)", 0, time.Since(start)})
	n := sz.Accounts

	// Statuses' authors first, so that counters go in with the accounts.
	rank := append([]int{}, w.Celebs...)
	for _, i := range rng.Perm(n) {
		if i >= sz.Celebs {
			rank = append(rank, i)
		}
	}
	authors := make([]int32, sz.Statuses)
	statusIDs := make([]int64, sz.Statuses)
	for i := range authors {
		a := authorOf(rng, rank)
		authors[i] = int32(a)
		w.Statuses[a]++
	}
	now := time.Now()
	from := now.Add(-time.Duration(sz.Days) * 24 * time.Hour)
	step := max(int64(1), now.Sub(from).Milliseconds()/int64(max(1, sz.Statuses)))
	statusTime := func(i int) int64 { return from.UnixMilli() + int64(i)*step + rng.Int64N(max(1, step/2)) }
	lastStatus := make([]int64, n)

	hash, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		return nil, err
	}
	ids := domain.NewIDGen(nil)
	// Accounts and users: created a year ago, one second apart, so ids are unique.
	t0 := now.Add(-365 * 24 * time.Hour).UnixMilli()
	w.AccountIDs = make([]domain.ID, n)
	w.UserIDs = make([]domain.ID, n)
	for i := range n {
		w.AccountIDs[i] = ids.At(time.UnixMilli(t0 + int64(i)*1000))
		w.UserIDs[i] = ids.At(time.UnixMilli(t0 + int64(i)*1000 + 1))
	}
	// The last status of each author, for last_status_at.
	for i := sz.Statuses - 1; i >= 0; i-- {
		if a := authors[i]; lastStatus[a] == 0 {
			lastStatus[a] = from.UnixMilli() + int64(i)*step
		}
	}

	timed := func(step string, fn func() (int, error)) error {
		t := time.Now()
		rows, err := fn()
		if err != nil {
			return fmt.Errorf("%s: %w", step, err)
		}
		w.Timings = append(w.Timings, Timing{step, rows, time.Since(t)})
		w.Rows[step] = rows
		logf("seed: %s: %d rows in %s", step, rows, time.Since(t).Round(time.Millisecond))
		return nil
	}

	if d.Dialect == db.SQLite {
		// The indexes outgrow the default 32 MB page cache at full size; a
		// bigger one on the single writer connection keeps inserts in memory.
		if _, err := d.W.ExecContext(ctx, `PRAGMA cache_size = -1048576`); err != nil {
			return nil, err
		}
		defer d.W.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -32000`)
	}

	err = timed("accounts + users", func() (int, error) {
		acc := newBulk(d, "accounts", "id, username, domain, display_name, note, note_source, fields, discoverable, indexable, uri, url, inbox_url, shared_inbox_url, followers_url, followers_count, following_count, statuses_count, last_status_at, created_at, updated_at")
		usr := newBulk(d, "users", "id, account_id, email, password_hash, role, approved, confirmed_at, created_at")
		usr.parent = acc
		return 2 * n, inTx(ctx, d, n, 2000, func(tx *sql.Tx, i int) error {
			name := fmt.Sprintf("%s_%d", w.Prefix, i)
			u := baseURL + "/users/" + name
			var last any
			if lastStatus[i] != 0 {
				last = lastStatus[i]
			}
			created := t0 + int64(i)*1000
			note := html.EscapeString(sentence(rng, 8))
			if err := acc.add(ctx, tx, int64(w.AccountIDs[i]), name, "", displayName(rng, i), "<p>"+note+"</p>", note, "[]", true, true,
				u, baseURL+"/@"+name, u+"/inbox", baseURL+"/inbox", u+"/followers",
				w.Followers[i], len(w.Following[i]), w.Statuses[i], last, created, created); err != nil {
				return err
			}
			return usr.add(ctx, tx, int64(w.UserIDs[i]), int64(w.AccountIDs[i]), name+"@bench.example", hash, "user", true, created, created)
		}, acc, usr)
	})
	if err != nil {
		return nil, err
	}

	total := 0
	for _, f := range w.Following {
		total += len(f)
	}
	err = timed("follows", func() (int, error) {
		b := newBulk(d, "follows", "id, account_id, target_account_id, created_at")
		base := domain.IDAt(now.Add(-180 * 24 * time.Hour))
		k := 0
		return total, inTx(ctx, d, n, 200, func(tx *sql.Tx, i int) error {
			for _, t := range w.Following[i] {
				k++
				if err := b.add(ctx, tx, int64(base)+int64(k), int64(w.AccountIDs[i]), int64(w.AccountIDs[t]), base.Time().UnixMilli()); err != nil {
					return err
				}
			}
			return nil
		}, b)
	})
	if err != nil {
		return nil, err
	}

	err = timed("statuses", func() (int, error) {
		b := newBulk(d, "statuses", "id, account_id, uri, url, local, content, text, visibility, language, conversation_id, created_at")
		return sz.Statuses, inTx(ctx, d, sz.Statuses, 50000, func(tx *sql.Tx, i int) error {
			ms := statusTime(i)
			id := ids.At(time.UnixMilli(ms))
			statusIDs[i] = int64(id)
			a := authors[i]
			name := fmt.Sprintf("%s_%d", w.Prefix, a)
			text := postText(rng)
			return b.add(ctx, tx, int64(id), int64(w.AccountIDs[a]), baseURL+"/users/"+name+"/statuses/"+id.String(),
				baseURL+"/@"+name+"/"+id.String(), true, "<p>"+html.EscapeString(text)+"</p>", text, visibility(rng), "en", int64(id), ms)
		}, b)
	})
	if err != nil {
		return nil, err
	}

	// Statistics first: without them (and, on PostgreSQL, without the
	// visibility map that VACUUM sets) the planner reads statuses' heap
	// instead of the (account_id, id) index.
	if d.Dialect == db.Postgres {
		_, err = d.W.ExecContext(ctx, `VACUUM ANALYZE`)
	} else {
		err = d.Analyze(ctx, false)
	}
	if err != nil {
		return nil, fmt.Errorf("analyze before home_feed: %w", err)
	}
	byAuthor := make([][]int32, n) // status indexes per author, oldest first
	for i, a := range authors {
		byAuthor[a] = append(byAuthor[a], int32(i))
	}

	// Home feeds: each reader gets the newest FeedSize statuses of the
	// accounts it follows and its own, as fan-out on write would have left them.
	// No filter on visibility: the seed has no direct statuses, and reading
	// only the (account_id, id) index halves the time on SQLite. The lower
	// bound on s.id, the reader's FeedSize-th newest status computed in
	// memory, keeps readers of busy authors from reading all their statuses.
	err = timed("home_feed", func() (int, error) {
		rows := 0
		q := `INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
			SELECT CAST($1 AS BIGINT), s.id, s.account_id, s.account_id FROM statuses s
			WHERE s.account_id IN (SELECT f.target_account_id FROM follows f WHERE f.account_id = $1 UNION ALL SELECT CAST($1 AS BIGINT))
			  AND s.id >= $2
			ORDER BY s.id DESC LIMIT ` + strconv.Itoa(sz.FeedSize)
		var stmt *sql.Stmt
		const per = 500 // readers per transaction
		err := inTx(ctx, d, n, per, func(tx *sql.Tx, i int) error {
			if i%per == 0 {
				var err error
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
			}
			r, err := stmt.ExecContext(ctx, int64(w.AccountIDs[i]), statusIDs[feedCutoff(byAuthor, w.Following[i], i, sz.FeedSize)])
			if err != nil {
				return err
			}
			c, _ := r.RowsAffected()
			rows += int(c)
			if i%2000 == 1999 {
				logf("seed: home_feed: %d/%d readers", i+1, n)
			}
			return nil
		})
		return rows, err
	})
	if err != nil {
		return nil, err
	}
	err = timed("ANALYZE", func() (int, error) {
		return 0, d.Analyze(ctx, false)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// feedCutoff returns the index of the oldest status in reader's feed: the
// size-th newest among its own statuses and those of the accounts it
// follows (0 when there are fewer), by a k-way merge from the newest end.
func feedCutoff(byAuthor [][]int32, following []int32, reader, size int) int {
	h := &cursorHeap{}
	push := func(a int) {
		if l := byAuthor[a]; len(l) > 0 {
			h.items = append(h.items, cursor{list: l, pos: len(l) - 1})
		}
	}
	push(reader)
	for _, a := range following {
		push(int(a))
	}
	heap.Init(h)
	last := 0
	for range size {
		if h.Len() == 0 {
			return 0
		}
		c := &h.items[0]
		last = int(c.list[c.pos])
		if c.pos--; c.pos < 0 {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
	}
	return last
}

type cursor struct {
	list []int32
	pos  int
}

// cursorHeap is a max-heap of per-author cursors by current status index.
type cursorHeap struct{ items []cursor }

func (h *cursorHeap) Len() int { return len(h.items) }
func (h *cursorHeap) Less(i, j int) bool {
	return h.items[i].list[h.items[i].pos] > h.items[j].list[h.items[j].pos]
}
func (h *cursorHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *cursorHeap) Push(x any)    { h.items = append(h.items, x.(cursor)) }
func (h *cursorHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// inTx calls fn for i in [0, n) in transactions of per calls each, flushing
// the bulk inserters before each commit.
func inTx(ctx context.Context, d *db.DB, n, per int, fn func(tx *sql.Tx, i int) error, bulks ...*bulk) error {
	for lo := 0; lo < n; lo += per {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			for i := lo; i < min(n, lo+per); i++ {
				if err := fn(tx, i); err != nil {
					return err
				}
			}
			for _, b := range bulks {
				if err := b.flush(ctx, tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// bulk accumulates rows and inserts them with one multi-row INSERT per
// batch; full batches reuse one prepared statement per transaction.
type bulk struct {
	table, cols string
	ncols, per  int
	args        []any
	rows        int
	full        string
	stmt        *sql.Stmt
	stmtTx      *sql.Tx
	parent      *bulk // flushed first: the rows this table's foreign keys point at
}

func newBulk(d *db.DB, table, cols string) *bulk {
	nc := len(strings.Split(cols, ","))
	// Measured: modernc's SQLite binds parameters in time quadratic in
	// their number (20,000 two-column rows: 75 ms with 100 parameters per
	// INSERT, 1.3 s with 10,000); PostgreSQL is best around 3,000.
	limit := 300
	if d.Dialect == db.Postgres {
		limit = 3000
	}
	b := &bulk{table: table, cols: cols, ncols: nc, per: min(1000, limit/nc)}
	b.full = b.query(b.per)
	return b
}

func (b *bulk) query(rows int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + b.table + " (" + b.cols + ") VALUES ")
	p := 1
	for r := range rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range b.ncols {
			if c > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("$" + strconv.Itoa(p))
			p++
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

func (b *bulk) add(ctx context.Context, tx *sql.Tx, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows == b.per {
		return b.flush(ctx, tx)
	}
	return nil
}

func (b *bulk) flush(ctx context.Context, tx *sql.Tx) error {
	if b.rows == 0 {
		return nil
	}
	if b.parent != nil {
		if err := b.parent.flush(ctx, tx); err != nil {
			return err
		}
	}
	var err error
	if b.rows == b.per {
		if b.stmtTx != tx {
			if b.stmt, err = tx.PrepareContext(ctx, b.full); err != nil {
				return err
			}
			b.stmtTx = tx
		}
		_, err = b.stmt.ExecContext(ctx, b.args...)
	} else {
		_, err = tx.ExecContext(ctx, b.query(b.rows), b.args...)
	}
	b.args, b.rows = b.args[:0], 0
	return err
}

func visibility(rng *rand.Rand) string {
	switch r := rng.IntN(100); {
	case r < 85:
		return "public"
	case r < 95:
		return "unlisted"
	default:
		return "private"
	}
}

var words = strings.Fields(`the city council will vote on the new budget tonight and the public meeting
starts at seven we are publishing the full report with data on air quality schools transport housing
libraries parks water energy and health services thanks to everyone who joined our workshop last week
here is a short thread about what changed in the law and what it means for you please share your
questions below our team reads every reply a new study finds that cycling lanes reduce traffic injuries
museum opening hours change from Monday the archive of council minutes is now searchable online
volunteers needed for the river clean up on Saturday weather warning heavy rain expected this evening
election results will be announced after midnight reporters are at every counting station`)

var tags = []string{"#news", "#opendata", "#cityhall", "#climate", "#transport", "#elections", "#library", "#science"}

func sentence(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// postText is one to three sentences, sometimes with a hashtag or a link,
// about the length of a typical post (60-280 characters).
func postText(rng *rand.Rand) string {
	parts := []string{sentence(rng, 6+rng.IntN(14))}
	for range rng.IntN(3) {
		parts = append(parts, sentence(rng, 4+rng.IntN(10)))
	}
	if rng.IntN(3) == 0 {
		parts = append(parts, tags[rng.IntN(len(tags))])
	}
	if rng.IntN(5) == 0 {
		parts = append(parts, "https://example.org/articles/"+strconv.Itoa(rng.IntN(100000)))
	}
	return strings.Join(parts, " ")
}

var firstNames = []string{"Ada", "Bruno", "Chloé", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kemal", "Lea"}

func displayName(rng *rand.Rand, i int) string {
	return firstNames[rng.IntN(len(firstNames))] + " " + strconv.Itoa(i)
}
