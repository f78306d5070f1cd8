package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Scenario names, in the order they run: reads first, then the writes that
// change the data the reads see.
const (
	ScVerify          = "verify-credentials"
	ScHomeFirst       = "home-first"
	ScHomeDeep        = "home-deep"
	ScAccountStatuses = "account-statuses"
	ScPost            = "post"
	ScPost5k          = "post-5k"
	// ScQueue is not a scenario of its own: it runs after them when QueueJobs > 0.
	ScQueue = "queue"
)

// AllScenarios lists every scenario in running order.
var AllScenarios = []string{ScVerify, ScHomeFirst, ScHomeDeep, ScAccountStatuses, ScPost, ScPost5k}

// fanoutTimeout is how long post-5k waits for a post to reach every
// follower's home_feed before counting it as an error.
const fanoutTimeout = 10 * time.Second

// maxTypicalTokens is how many typical authors get a token for the post scenario.
const maxTypicalTokens = 200

// Result is what one scenario measured.
type Result struct {
	Name        string
	Clients     int
	Requests    int
	Errors      int
	SampleError string
	Took        time.Duration
	Lat         []time.Duration // sorted
	Note        string
}

// Rate is the throughput in requests per second.
func (r *Result) Rate() float64 {
	if r.Took <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Took.Seconds()
}

// Pct returns the p-th percentile latency (0 < p <= 100).
func (r *Result) Pct(p float64) time.Duration {
	if len(r.Lat) == 0 {
		return 0
	}
	i := int(float64(len(r.Lat))*p/100+0.5) - 1
	return r.Lat[max(0, min(i, len(r.Lat)-1))]
}

// Driver sends the load: it knows the world, the tokens and the server.
type Driver struct {
	URL      string
	HTTP     *http.Client
	DB       *db.DB // for post-5k's fan-out check and home-deep's max_id
	World    *World
	Tokens   map[int]string // account index -> bearer token
	Readers  []int          // account indexes with tokens, picked at random
	DeepIDs  map[int][]domain.ID
	Clients  int
	Duration time.Duration
	// FanoutClients is how many clients post as the 5,000-follower author at once.
	FanoutClients int
}

// NewHTTPClient returns a keep-alive client sized for c concurrent requests.
func NewHTTPClient(c int) *http.Client {
	tr := &http.Transport{MaxIdleConns: 2 * c, MaxIdleConnsPerHost: 2 * c, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

type sample struct {
	lat    []time.Duration
	errors int
	errMsg string
	extra  []time.Duration // post-5k: time until visible in every follower's feed
	extraE int
	extraM string
}

// do sends one request and reports its latency, or an error message for a
// transport failure or a non-2xx answer.
func (dr *Driver) do(ctx context.Context, method, path, token string, body any) (time.Duration, []byte, string) {
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, dr.URL+path, rd)
	if err != nil {
		return 0, nil, err.Error()
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	t := time.Now()
	res, err := dr.HTTP.Do(req)
	if err != nil {
		return time.Since(t), nil, err.Error()
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	lat := time.Since(t)
	if err != nil {
		return lat, nil, err.Error()
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		if len(b) > 200 {
			b = b[:200]
		}
		return lat, nil, fmt.Sprintf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	return lat, b, ""
}

// Run runs one scenario for the driver's duration.
func (dr *Driver) Run(ctx context.Context, name string) (*Result, []*Result) {
	clients := dr.Clients
	if name == ScPost5k {
		clients = dr.FanoutClients
	}
	var (
		mu  sync.Mutex
		all sample
		wg  sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(dr.Duration)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c)+1, uint64(start.UnixNano())))
			var s sample
			for time.Now().Before(deadline) && ctx.Err() == nil {
				dr.step(ctx, name, rng, &s)
			}
			mu.Lock()
			all.lat = append(all.lat, s.lat...)
			all.errors += s.errors
			if all.errMsg == "" {
				all.errMsg = s.errMsg
			}
			all.extra = append(all.extra, s.extra...)
			all.extraE += s.extraE
			if all.extraM == "" {
				all.extraM = s.extraM
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(start)
	r := &Result{Name: name, Clients: clients, Requests: len(all.lat), Errors: all.errors, SampleError: all.errMsg, Took: took, Lat: sortDurations(all.lat)}
	var extra []*Result
	if name == ScPost5k {
		followers := 0
		if len(dr.World.Celebs) > 0 {
			followers = dr.World.Followers[dr.World.Celebs[0]]
		}
		x := &Result{Name: "post-5k: in all followers' feeds", Clients: clients, Requests: len(all.extra), Errors: all.extraE,
			SampleError: all.extraM, Took: took, Lat: sortDurations(all.extra),
			Note: fmt.Sprintf("time from sending the post until home_feed holds it for all %d followers (polled every 2 ms)", followers)}
		extra = append(extra, x)
	}
	return r, extra
}

// step sends one request of the scenario and records it.
func (dr *Driver) step(ctx context.Context, name string, rng *rand.Rand, s *sample) {
	w := dr.World
	reader := dr.Readers[rng.IntN(len(dr.Readers))]
	var (
		lat    time.Duration
		body   []byte
		errMsg string
	)
	switch name {
	case ScVerify:
		lat, _, errMsg = dr.do(ctx, "GET", "/api/v1/accounts/verify_credentials", dr.Tokens[reader], nil)
	case ScHomeFirst:
		lat, _, errMsg = dr.do(ctx, "GET", "/api/v1/timelines/home?limit=20", dr.Tokens[reader], nil)
	case ScHomeDeep:
		deep := dr.DeepIDs[reader]
		for len(deep) == 0 { // readers whose feeds are too short for a deep page
			reader = dr.Readers[rng.IntN(len(dr.Readers))]
			deep = dr.DeepIDs[reader]
		}
		maxID := deep[rng.IntN(len(deep))]
		lat, _, errMsg = dr.do(ctx, "GET", "/api/v1/timelines/home?limit=20&max_id="+maxID.String(), dr.Tokens[reader], nil)
	case ScAccountStatuses:
		target := rng.IntN(len(w.AccountIDs))
		if f := w.Following[reader]; len(f) > 0 { // people mostly open profiles they follow
			target = int(f[rng.IntN(len(f))])
		}
		lat, _, errMsg = dr.do(ctx, "GET", "/api/v1/accounts/"+w.AccountIDs[target].String()+"/statuses?limit=20", dr.Tokens[reader], nil)
	case ScPost:
		author := w.Typical[rng.IntN(min(len(w.Typical), maxTypicalTokens))]
		lat, _, errMsg = dr.do(ctx, "POST", "/api/v1/statuses", dr.Tokens[author], map[string]any{"status": postText(rng), "visibility": "public"})
	case ScPost5k:
		celeb := w.Celebs[rng.IntN(len(w.Celebs))]
		sent := time.Now()
		lat, body, errMsg = dr.do(ctx, "POST", "/api/v1/statuses", dr.Tokens[celeb], map[string]any{"status": postText(rng), "visibility": "public"})
		if errMsg == "" {
			vis, msg := dr.waitFanout(ctx, celeb, body, sent)
			if msg != "" {
				s.extraE++
				if s.extraM == "" {
					s.extraM = msg
				}
			} else {
				s.extra = append(s.extra, vis)
			}
		}
	}
	if errMsg != "" {
		s.errors++
		if s.errMsg == "" {
			s.errMsg = errMsg
		}
		return
	}
	s.lat = append(s.lat, lat)
}

// waitFanout polls home_feed until the posted status is in the feed of
// every follower of author, and returns the time since the post was sent.
func (dr *Driver) waitFanout(ctx context.Context, author int, body []byte, sent time.Time) (time.Duration, string) {
	var st struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		return 0, "post-5k: decode status: " + err.Error()
	}
	id, ok := domain.ParseID(st.ID)
	if !ok {
		return 0, "post-5k: bad status id " + strconv.Quote(st.ID)
	}
	aid := int64(dr.World.AccountIDs[author])
	var want int
	if err := dr.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM follows WHERE target_account_id = $1`, aid).Scan(&want); err != nil {
		return 0, "post-5k: count followers: " + err.Error()
	}
	for {
		var got int
		err := dr.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM follows f JOIN home_feed h
			ON h.account_id = f.account_id AND h.status_id = $2 WHERE f.target_account_id = $1`, aid, int64(id)).Scan(&got)
		if err != nil {
			return 0, "post-5k: count feeds: " + err.Error()
		}
		if got >= want {
			return time.Since(sent), ""
		}
		if time.Since(sent) > fanoutTimeout || ctx.Err() != nil {
			return 0, fmt.Sprintf("post-5k: status %s reached %d of %d followers' feeds after %s", id, got, want, fanoutTimeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// PrepareDeep picks, for each reader, home_feed ids 3 to 30 pages down to
// use as max_id, as a client scrolling back would send.
func (dr *Driver) PrepareDeep(ctx context.Context) error {
	dr.DeepIDs = map[int][]domain.ID{}
	for _, r := range dr.Readers {
		rows, err := dr.DB.R.QueryContext(ctx, `SELECT status_id FROM home_feed WHERE account_id = $1
			ORDER BY status_id DESC LIMIT 600`, int64(dr.World.AccountIDs[r]))
		if err != nil {
			return err
		}
		var ids []domain.ID
		for i := 0; rows.Next(); i++ {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if i >= 60 && i%20 == 0 {
				ids = append(ids, domain.ID(id))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) > 0 {
			dr.DeepIDs[r] = ids
		}
	}
	if len(dr.DeepIDs) == 0 {
		return fmt.Errorf("no reader has more than 60 home_feed entries: seed more statuses")
	}
	return nil
}

func sortDurations(d []time.Duration) []time.Duration {
	out := append([]time.Duration(nil), d...)
	slices.Sort(out)
	return out
}

// fanoutOnReadSQL is the query a home timeline would need without
// home_feed: the newest statuses of everyone the reader follows.
const fanoutOnReadSQL = `SELECT s.id FROM statuses s
	WHERE s.account_id IN (SELECT f.target_account_id FROM follows f WHERE f.account_id = $1 UNION ALL SELECT CAST($1 AS BIGINT))
	  AND s.visibility IN ('public', 'unlisted', 'private')
	ORDER BY s.id DESC LIMIT 20`

// homeFeedSQL is the core of the home timeline read with fan-out on write.
const homeFeedSQL = `SELECT status_id FROM home_feed WHERE account_id = $1 ORDER BY status_id DESC LIMIT 20`

// CompareSQL times the first page of a home timeline read from home_feed
// against the same page computed at read time, for typical readers and for
// the readers following the most accounts, one query at a time.
func (dr *Driver) CompareSQL(ctx context.Context, each time.Duration) []*Result {
	w := dr.World
	var typical []int
	for _, r := range dr.Readers {
		if !slices.Contains(w.Heavy, r) {
			typical = append(typical, r)
		}
	}
	var out []*Result
	for _, c := range []struct {
		name, q string
		readers []int
	}{
		{"sql: home_feed page, typical reader", homeFeedSQL, typical},
		{"sql: fan-out on read, typical reader", fanoutOnReadSQL, typical},
		{"sql: home_feed page, reader following " + strconv.Itoa(len(w.Following[w.Heavy[0]])), homeFeedSQL, w.Heavy},
		{"sql: fan-out on read, reader following " + strconv.Itoa(len(w.Following[w.Heavy[0]])), fanoutOnReadSQL, w.Heavy},
	} {
		r := &Result{Name: c.name, Clients: 1}
		rng := rand.New(rand.NewPCG(1, 2))
		start := time.Now()
		var lat []time.Duration
		for time.Since(start) < each && ctx.Err() == nil {
			id := int64(w.AccountIDs[c.readers[rng.IntN(len(c.readers))]])
			t := time.Now()
			rows, err := dr.DB.R.QueryContext(ctx, c.q, id)
			if err == nil {
				for rows.Next() {
				}
				err = errors.Join(rows.Err(), rows.Close())
			}
			if err != nil {
				r.Errors++
				r.SampleError = err.Error()
				break
			}
			lat = append(lat, time.Since(t))
		}
		r.Took, r.Requests, r.Lat = time.Since(start), len(lat), sortDurations(lat)
		out = append(out, r)
	}
	return out
}
