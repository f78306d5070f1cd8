package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/graph"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// outSink plays a remote server: it serves actor documents for any name,
// records the activities POSTed to it after verifying their HTTP
// signatures against the signer's published key (fetched from agora), and
// answers with a status the test chooses.
type outSink struct {
	*httptest.Server
	t        *testing.T
	shared   bool         // its actors advertise the shared inbox /inbox
	status   atomic.Int64 // the answer to POSTs (202 by default)
	requests atomic.Int64 // POSTs received, whatever the answer

	mu       sync.Mutex
	posts    []outPost
	problems []string
	verifier *httpsig.Verifier
}

// outPost is one received activity and where it was posted.
type outPost struct {
	Path     string
	Activity map[string]any
}

func newOutSink(t *testing.T, shared bool) *outSink {
	t.Helper()
	k := &outSink{t: t, shared: shared}
	k.status.Store(http.StatusAccepted)
	k.verifier = &httpsig.Verifier{Keys: outKeys{}}
	k.Server = httptest.NewServer(http.HandlerFunc(k.handle))
	t.Cleanup(k.Close)
	t.Cleanup(func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		for _, p := range k.problems {
			t.Errorf("sink %s: %s", k.URL, p)
		}
	})
	return k
}

func (k *outSink) host() string { return strings.TrimPrefix(k.URL, "http://") }

func (k *outSink) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		http.NotFound(w, r) // agora has no reason to fetch from the sink here
		return
	}
	k.requests.Add(1)
	body, _ := io.ReadAll(r.Body)
	problem := ""
	var act map[string]any
	v, err := k.verifier.Verify(r.Context(), r, body)
	switch {
	case err != nil:
		problem = "signature refused: " + err.Error()
	case json.Unmarshal(body, &act) != nil:
		problem = "body is not JSON: " + string(body)
	case act["actor"] != v.Owner:
		problem = fmt.Sprintf("signed by %s for actor %v", v.Owner, act["actor"])
	case r.Header.Get("Content-Type") != "application/activity+json":
		problem = "Content-Type " + r.Header.Get("Content-Type")
	}
	k.mu.Lock()
	if problem != "" {
		k.problems = append(k.problems, problem)
	} else {
		k.posts = append(k.posts, outPost{Path: r.URL.Path, Activity: act})
	}
	k.mu.Unlock()
	w.WriteHeader(int(k.status.Load()))
}

// account stores a remote account living on the sink.
func (k *outSink) account(t *testing.T, s *server, name string) *domain.Account {
	t.Helper()
	uri := k.URL + "/users/" + name
	a := &domain.Account{Username: name, Domain: k.host(), URI: uri, URL: k.URL + "/@" + name,
		InboxURL: uri + "/inbox", FollowersURL: uri + "/followers"}
	if k.shared {
		a.SharedInboxURL = k.URL + "/inbox"
	}
	if err := s.App.Store.UpsertRemoteAccount(context.Background(), &store.RemoteAccount{Account: a}); err != nil {
		t.Fatal(err)
	}
	return a
}

// received returns the activities of a type received so far.
func (k *outSink) received(typ string) []outPost {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []outPost
	for _, p := range k.posts {
		if p.Activity["type"] == typ {
			out = append(out, p)
		}
	}
	return out
}

// await waits until n activities of typ arrived and returns them.
func (k *outSink) await(t *testing.T, typ string, n int) []outPost {
	t.Helper()
	outWait(t, fmt.Sprintf("%d %s at %s", n, typ, k.URL), func() bool { return len(k.received(typ)) >= n })
	return k.received(typ)
}

// outKeys resolves agora's keys by fetching the actor document named by
// the keyId, as a remote server does.
type outKeys struct{}

func (outKeys) ResolveKey(ctx context.Context, keyID string, _ bool) (*httpsig.Key, error) {
	u, err := url.Parse(keyID)
	if err != nil {
		return nil, err
	}
	u.Fragment = ""
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	req.Header.Set("Accept", "application/activity+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var doc struct {
		ID        string `json:"id"`
		PublicKey struct {
			ID           string `json:"id"`
			Owner        string `json:"owner"`
			PublicKeyPem string `json:"publicKeyPem"`
		} `json:"publicKey"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		return nil, err
	}
	if doc.PublicKey.ID != keyID || doc.PublicKey.Owner != doc.ID {
		return nil, fmt.Errorf("key %s not in %s", keyID, u)
	}
	return &httpsig.Key{ID: keyID, Owner: doc.ID, PEM: doc.PublicKey.PublicKeyPem}, nil
}

// outWait polls cond until it holds, failing after a generous deadline
// (the jobs run in the background).
func outWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outJobs lists the delivery jobs' states, oldest first.
type outJob struct {
	ID      int64
	State   string
	Attempt int
}

func outDeliveries(t *testing.T, s *server) []outJob {
	t.Helper()
	rows, err := s.App.DB.R.QueryContext(context.Background(),
		`SELECT id, state, attempt FROM river_job WHERE kind = 'federation.deliver' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outJob
	for rows.Next() {
		var j outJob
		if err := rows.Scan(&j.ID, &j.State, &j.Attempt); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	return out
}

func outCountJobs(t *testing.T, s *server, kind string) int {
	t.Helper()
	var n int
	if err := s.App.DB.R.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM river_job WHERE kind = $1`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// outSettled waits until no delivery job is available or running and
// returns them all.
func outSettled(t *testing.T, s *server, n int) []outJob {
	t.Helper()
	var jobs []outJob
	outWait(t, fmt.Sprintf("%d settled deliveries", n), func() bool {
		jobs = outDeliveries(t, s)
		if len(jobs) < n {
			return false
		}
		for _, j := range jobs {
			if j.State == "available" || j.State == "running" || (j.State == "scheduled" && j.Attempt > 0) {
				return false
			}
		}
		return true
	})
	return jobs
}

func outPublish(t *testing.T, s *server, author *domain.Account, text, visibility string) domain.ID {
	t.Helper()
	id, err := statuses.New(s.App.Cfg, s.App.Store).Post(context.Background(), author, domain.Preferences{},
		statuses.PostInput{Text: text, Visibility: visibility})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func eachOut(t *testing.T, fn func(t *testing.T, d db.Dialect)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

func TestOutboundActivities(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d)
		st := s.App.Store
		sv := statuses.New(s.App.Cfg, st)
		g := graph.New(st)
		alice := s.newUser(t, "alice")
		aliceURI := s.URL + "/users/alice"
		k := newOutSink(t, true)   // bob and carol, with a shared inbox
		k2 := newOutSink(t, false) // dave: no follower of alice there
		bob, carol, dave := k.account(t, s, "bob"), k.account(t, s, "carol"), k2.account(t, s, "dave")

		// Remote follows: each is accepted at once, and the Accept names
		// the Follow as Mastodon matches it.
		for _, f := range []*domain.Account{bob, carol} {
			if _, err := st.Follow(ctx, f.ID, alice.ID, store.FollowOptions{URI: f.URI + "#follows/1"}); err != nil {
				t.Fatal(err)
			}
		}
		accepts := k.await(t, "Accept", 2)
		for _, a := range accepts {
			obj, _ := a.Activity["object"].(map[string]any)
			follower := strings.TrimSuffix(a.Path, "/inbox")
			if a.Activity["actor"] != aliceURI || obj["type"] != "Follow" || obj["object"] != aliceURI ||
				obj["actor"] != k.URL+follower || obj["id"] != k.URL+follower+"#follows/1" {
				t.Errorf("Accept at %s: %v", a.Path, a.Activity)
			}
		}

		// A public post reaches the shared inbox once for both followers;
		// dave's server, without followers, gets nothing.
		pub := outPublish(t, s, alice, "hello fediverse #agora", "public")
		creates := k.await(t, "Create", 1)
		note, _ := creates[0].Activity["object"].(map[string]any)
		if creates[0].Path != "/inbox" || note["type"] != "Note" || !strings.Contains(fmt.Sprint(note["to"]), "#Public") ||
			!strings.Contains(fmt.Sprint(note["tag"]), "Hashtag") {
			t.Errorf("Create: %s %v", creates[0].Path, creates[0].Activity)
		}
		if note["id"] != fmt.Sprintf("%s/statuses/%d", aliceURI, pub) {
			t.Errorf("Note id %v", note["id"])
		}

		// Followers-only: to the followers' server, not to dave's; a
		// direct mention of dave goes to dave only.
		outPublish(t, s, alice, "for my followers", "private")
		dm := outPublish(t, s, alice, "hi @dave@"+k2.host(), "direct")
		k.await(t, "Create", 2)
		dms := k2.await(t, "Create", 1)
		if n := len(k2.received("Create")); n != 1 {
			t.Errorf("dave's server got %d Creates, want only the direct one", n)
		}
		if obj, _ := dms[0].Activity["object"].(map[string]any); obj["id"] != fmt.Sprintf("%s/statuses/%d", aliceURI, dm) ||
			!strings.Contains(fmt.Sprint(obj["to"]), dave.URI) || strings.Contains(fmt.Sprint(obj["to"]), "#Public") {
			t.Errorf("direct Create: %v", dms[0].Activity)
		}

		// Delete sends a Tombstone.
		if _, err := sv.Delete(ctx, alice.ID, pub); err != nil {
			t.Fatal(err)
		}
		del := k.await(t, "Delete", 1)[0].Activity
		if obj, _ := del["object"].(map[string]any); obj["type"] != "Tombstone" || obj["id"] != fmt.Sprintf("%s/statuses/%d", aliceURI, pub) {
			t.Errorf("Delete: %v", del)
		}

		// A favourite and a boost of bob's post.
		bobPost := &domain.Status{ID: st.IDs.Next(), AccountID: bob.ID, URI: bob.URI + "/statuses/1", URL: bob.URI + "/statuses/1",
			Content: "<p>remote</p>", Visibility: domain.Public, CreatedAt: time.Now()}
		bobPost.ConversationID = bobPost.ID
		if _, _, err := st.CreateStatus(ctx, store.NewStatus{Status: bobPost}); err != nil {
			t.Fatal(err)
		}
		if _, err := sv.Favourite(ctx, alice.ID, bobPost.ID); err != nil {
			t.Fatal(err)
		}
		like := k.await(t, "Like", 1)[0].Activity
		if like["object"] != bobPost.URI || !strings.HasPrefix(fmt.Sprint(like["id"]), aliceURI+"#likes/") {
			t.Errorf("Like: %v", like)
		}
		if _, err := sv.Unfavourite(ctx, alice.ID, bobPost.ID); err != nil {
			t.Fatal(err)
		}
		undo := k.await(t, "Undo", 1)[0].Activity
		if obj, _ := undo["object"].(map[string]any); obj["id"] != like["id"] || obj["type"] != "Like" {
			t.Errorf("Undo Like: %v", undo)
		}
		// A vote on bob's poll: one Create per option, to bob only.
		bobPoll := &domain.Status{ID: st.IDs.Next(), AccountID: bob.ID, URI: bob.URI + "/statuses/2", URL: bob.URI + "/statuses/2",
			Content: "<p>tea?</p>", Visibility: domain.Public, CreatedAt: time.Now()}
		bobPoll.ConversationID = bobPoll.ID
		poll := &store.Poll{Options: []string{"yes", "no"}, ExpiresAt: time.Now().Add(time.Hour)}
		if _, _, err := st.CreateStatus(ctx, store.NewStatus{Status: bobPoll, Poll: poll}); err != nil {
			t.Fatal(err)
		}
		if err := sv.Vote(ctx, alice.ID, bobPoll.ID, []int{1}); err != nil {
			t.Fatal(err)
		}
		outWait(t, "the vote", func() bool { return len(k.received("Create")) == 3 })
		vote := k.received("Create")[2]
		if obj, _ := vote.Activity["object"].(map[string]any); vote.Path != "/users/bob/inbox" || obj["name"] != "no" ||
			obj["inReplyTo"] != bobPoll.URI || fmt.Sprint(vote.Activity["to"]) != "["+bob.URI+"]" {
			t.Errorf("vote: %s %v", vote.Path, vote.Activity)
		}

		if _, err := sv.Reblog(ctx, alice, domain.Preferences{}, bobPost.ID, ""); err != nil {
			t.Fatal(err)
		}
		ann := k.await(t, "Announce", 1)
		if len(ann) != 1 || ann[0].Activity["object"] != bobPost.URI || ann[0].Path != "/inbox" {
			t.Errorf("Announce: %v", ann)
		}

		// Following dave sends a Follow to his own inbox; the follow stays
		// pending until his server accepts (simulated through the store),
		// and that Accept, not ours, sends nothing.
		if _, err := g.Follow(ctx, alice.ID, dave.ID, graph.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		follow := k2.await(t, "Follow", 1)[0]
		if follow.Path != "/users/dave/inbox" || follow.Activity["object"] != dave.URI ||
			!strings.HasPrefix(fmt.Sprint(follow.Activity["id"]), aliceURI+"#follows/") {
			t.Errorf("Follow: %v", follow)
		}
		if ok, _ := st.IsFollowing(ctx, alice.ID, dave.ID); ok {
			t.Error("following dave before his Accept")
		}
		published := outCountJobs(t, s, "federation.publish")
		if err := st.AcceptFollowRequest(ctx, alice.ID, dave.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := st.IsFollowing(ctx, alice.ID, dave.ID); !ok {
			t.Error("not following dave after his Accept")
		}
		if n := outCountJobs(t, s, "federation.publish"); n != published {
			t.Errorf("receiving an Accept enqueued %d publish jobs", n-published)
		}
		if _, err := g.Unfollow(ctx, alice.ID, dave.ID); err != nil {
			t.Fatal(err)
		}
		undoFollow := k2.await(t, "Undo", 1)[0].Activity
		if obj, _ := undoFollow["object"].(map[string]any); obj["id"] != follow.Activity["id"] || obj["type"] != "Follow" {
			t.Errorf("Undo Follow: %v", undoFollow)
		}

		// Blocking carol sends a Block to her inbox and ends her follow.
		if _, err := g.Block(ctx, alice.ID, carol.ID); err != nil {
			t.Fatal(err)
		}
		block := k.await(t, "Block", 1)[0]
		if block.Path != "/users/carol/inbox" || block.Activity["object"] != carol.URI {
			t.Errorf("Block: %v", block)
		}
		if ok, _ := st.IsFollowing(ctx, carol.ID, alice.ID); ok {
			t.Error("carol still follows alice after the block")
		}
	})
}

func TestOutboundNothingWithoutRemoteAudience(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		s := start(t, d)
		alice, bob := s.newUser(t, "alice"), s.newUser(t, "bob")
		if _, err := s.App.Store.Follow(context.Background(), bob.ID, alice.ID, store.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		outPublish(t, s, alice, "only local readers", "public")
		if n := outCountJobs(t, s, "federation.publish"); n != 0 {
			t.Errorf("%d publish jobs for a post without remote audience", n)
		}
	})
}

func TestDeliveryRetriesAndDrops(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d)
		alice := s.newUser(t, "alice")
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		if _, err := s.App.Store.Follow(ctx, bob.ID, alice.ID, store.FollowOptions{}); err != nil {
			t.Fatal(err)
		}

		// 500: retried (here at once rather than after a minute).
		k.status.Store(http.StatusInternalServerError)
		outPublish(t, s, alice, "first", "public")
		jobs := outSettled(t, s, 1)
		if jobs[0].State != "retryable" || k.requests.Load() != 1 {
			t.Fatalf("after a 500: %+v, %d requests", jobs, k.requests.Load())
		}
		k.status.Store(http.StatusAccepted)
		if _, err := s.App.Jobs.Client().JobRetry(ctx, jobs[0].ID); err != nil {
			t.Fatal(err)
		}
		k.await(t, "Create", 2) // the refused one was recorded too
		jobs = outSettled(t, s, 1)
		if jobs[0].State != "completed" || k.requests.Load() != 2 {
			t.Errorf("after the retry: %+v, %d requests", jobs, k.requests.Load())
		}

		// 410 and 404: dropped after one request.
		for i, code := range []int{http.StatusGone, http.StatusNotFound} {
			k.status.Store(int64(code))
			before := k.requests.Load()
			outPublish(t, s, alice, fmt.Sprint("gone ", code), "public")
			jobs = outSettled(t, s, 2+i)
			if last := jobs[len(jobs)-1]; last.State != "cancelled" || last.Attempt != 1 || k.requests.Load() != before+1 {
				t.Errorf("after a %d: %+v, %d requests", code, last, k.requests.Load()-before)
			}
		}
	})
}

func TestDeliveryCircuitBreaker(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d, "AGORA_FEDERATION_CIRCUIT_FAILURES=2")
		alice := s.newUser(t, "alice")
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		if _, err := s.App.Store.Follow(ctx, bob.ID, alice.ID, store.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		k.status.Store(http.StatusServiceUnavailable)
		outPublish(t, s, alice, "one", "public")
		outSettled(t, s, 1)
		outPublish(t, s, alice, "two", "public")
		outSettled(t, s, 2)
		h, err := s.App.Store.DeliveryHostState(ctx, k.host())
		if err != nil {
			t.Fatal(err)
		}
		if h.Failures != 2 || h.RetryAt == nil {
			t.Fatalf("host after two failures: %+v", h)
		}

		// Open: more deliveries wait without a request.
		for _, text := range []string{"three", "four", "five"} {
			outPublish(t, s, alice, text, "public")
		}
		jobs := outSettled(t, s, 5)
		for _, j := range jobs[2:] {
			if j.State != "scheduled" {
				t.Errorf("delivery to an unavailable host: %+v", j)
			}
		}
		if n := k.requests.Load(); n != 2 {
			t.Errorf("%d requests to an unavailable host, want the 2 that failed", n)
		}

		// Past retry_at, one delivery probes; its success closes the circuit.
		k.status.Store(http.StatusAccepted)
		s.offset.Store(int64(2 * time.Minute))
		if _, err := s.App.Jobs.Client().JobRetry(ctx, jobs[2].ID); err != nil {
			t.Fatal(err)
		}
		outWait(t, "the probe", func() bool { return k.requests.Load() == 3 })
		outWait(t, "the circuit to close", func() bool {
			h, err := s.App.Store.DeliveryHostState(ctx, k.host())
			return err == nil && h.Failures == 0 && h.RetryAt == nil
		})
		for _, j := range jobs {
			if j.ID != jobs[2].ID {
				if _, err := s.App.Jobs.Client().JobRetry(ctx, j.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		k.await(t, "Create", 5)
		for _, j := range outSettled(t, s, 5) {
			if j.State != "completed" {
				t.Errorf("after the circuit closed: %+v", j)
			}
		}
	})
}

func TestDeliveryRefusesPrivateAddresses(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d, "AGORA_ALLOW_PRIVATE_ADDRESSES=false")
		alice := s.newUser(t, "alice")
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		if _, err := s.App.Store.Follow(ctx, bob.ID, alice.ID, store.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		outPublish(t, s, alice, "to a loopback inbox", "public")
		// Refused, and not retried.
		for _, j := range outSettled(t, s, 1) {
			if j.State != "cancelled" {
				t.Errorf("delivery to 127.0.0.1: %+v", j)
			}
		}
		if n := k.requests.Load(); n != 0 {
			t.Errorf("%d requests reached a loopback inbox", n)
		}
	})
}

func TestDeliverySkipsSuspendedDomains(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d)
		alice := s.newUser(t, "alice")
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		if _, err := s.App.Store.Follow(ctx, bob.ID, alice.ID, store.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		// The block alone, as if its purge had not run yet.
		if _, err := s.App.DB.W.ExecContext(ctx, `INSERT INTO domain_blocks (id, domain, severity, created_at, updated_at)
			VALUES ($1, '127.0.0.1', 'suspend', 0, 0)`, int64(s.App.Store.IDs.Next())); err != nil {
			t.Fatal(err)
		}
		outPublish(t, s, alice, "not for a suspended domain", "public")
		for _, j := range outSettled(t, s, 1) {
			if j.State != "cancelled" {
				t.Errorf("delivery to a suspended domain: %+v", j)
			}
		}
		if n := k.requests.Load(); n != 0 {
			t.Errorf("%d requests reached a suspended domain", n)
		}
	})
}
