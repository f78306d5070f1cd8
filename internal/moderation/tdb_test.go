package moderation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// standIn is a local Transparency Database: it stores statements by puid,
// refuses a batch holding a known puid (422), and fails the first
// failFirst requests with 503.
type standIn struct {
	mu        sync.Mutex
	puids     map[string]bool
	batches   []int
	failFirst int
	requests  int
}

var puidRE = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if r.Header.Get("Authorization") != "Bearer secret" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if s.requests <= s.failFirst {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var sts []map[string]any
	switch {
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v1/statement/existing-puid/"):
		if s.puids[strings.TrimPrefix(r.URL.Path, "/api/v1/statement/existing-puid/")] {
			w.WriteHeader(http.StatusFound)
		} else {
			w.WriteHeader(http.StatusNotFound)
		}
		return
	case r.Method == "POST" && r.URL.Path == "/api/v1/statements":
		var body struct {
			Statements []map[string]any `json:"statements"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		sts = body.Statements
		if len(sts) > moderation.TDBBatchSize {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
	case r.Method == "POST" && r.URL.Path == "/api/v1/statement":
		var one map[string]any
		_ = json.NewDecoder(r.Body).Decode(&one)
		sts = []map[string]any{one}
	default:
		w.WriteHeader(http.StatusNotFound)
		return
	}
	for _, st := range sts {
		p, _ := st["puid"].(string)
		if !puidRE.MatchString(p) || s.puids[p] {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
	}
	for _, st := range sts {
		s.puids[st["puid"].(string)] = true
	}
	s.batches = append(s.batches, len(sts))
	w.WriteHeader(http.StatusCreated)
}

func TestSubmitPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		_, acct, err := st.CreateLocalUser(ctx, store.NewLocalUser{Username: "alice", Email: "alice@example.org", PasswordHash: "x",
			Role: domain.RoleUser, Approved: true, BaseURL: "https://example.org"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []domain.ID
		for i := 0; i < 150; i++ {
			action := "limit"
			if i%10 == 0 {
				action = "none" // not a restriction: never submitted
			}
			dec := &store.Decision{ID: st.IDs.Next(), TargetAccountID: acct.ID, Action: action, Ground: "terms",
				Explanation: "x", Facts: "y", Category: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", SourceType: "SOURCE_VOLUNTARY",
				AutomatedDecision: "AUTOMATED_DECISION_NOT_AUTOMATED", ContentDate: time.Now(), DecidedAt: time.Now(), AppealDeadline: time.Now()}
			if err := st.InsertDecision(ctx, d.W, dec); err != nil {
				t.Fatal(err)
			}
			if action != "none" {
				ids = append(ids, dec.ID)
			}
		}
		tdb := &standIn{puids: map[string]bool{ids[3].String(): true}, failFirst: 1} // one already known, one outage
		srv := httptest.NewServer(tdb)
		defer srv.Close()
		svc := moderation.New(st, nil, "https://example.org")
		sub := &moderation.Submitter{BaseURL: srv.URL, Token: "secret", Backoff: time.Millisecond}
		n, err := svc.SubmitPending(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(ids) || len(tdb.puids) != len(ids) {
			t.Fatalf("submitted %d, database holds %d, want %d", n, len(tdb.puids), len(ids))
		}
		for _, b := range tdb.batches {
			if b > moderation.TDBBatchSize {
				t.Fatalf("batch of %d", b)
			}
		}
		// Idempotent: a second run sends nothing.
		before := tdb.requests
		if n, err := svc.SubmitPending(ctx, sub); err != nil || n != 0 || tdb.requests != before {
			t.Fatalf("second run: %d %v, %d requests", n, err, tdb.requests-before)
		}
		// A lasting outage leaves the decisions for the next run.
		dec := &store.Decision{ID: st.IDs.Next(), TargetAccountID: acct.ID, Action: "suspend", Ground: "terms", Explanation: "x", Facts: "y",
			Category: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", SourceType: "SOURCE_VOLUNTARY", AutomatedDecision: "AUTOMATED_DECISION_NOT_AUTOMATED",
			ContentDate: time.Now(), DecidedAt: time.Now(), AppealDeadline: time.Now()}
		if err := st.InsertDecision(ctx, d.W, dec); err != nil {
			t.Fatal(err)
		}
		tdb.failFirst = tdb.requests + moderation.TDBMaxAttempts
		if _, err := svc.SubmitPending(ctx, sub); err == nil {
			t.Fatal("an outage should be reported")
		}
		if n, err := svc.SubmitPending(ctx, sub); err != nil || n != 1 || !tdb.puids[dec.ID.String()] {
			t.Fatalf("after the outage: %d %v", n, err)
		}
	})
}
