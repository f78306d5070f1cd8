package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestLocalQuoteOfRemotePost follows a local quote of a remote post
// through its states: created pending with its QuoteRequest, accepted with
// the authorization (counted, an Update sent), answers from anyone but the
// quoted author refused, revoked by the authorization's Delete and staying
// revoked; a quote accepted at once and then rejected is uncounted.
func TestLocalQuoteOfRemotePost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &recorder{}
		s.Federator = rec
		alice := graphUsers(t, s, "alice")[0]
		bob := remoteAccount(t, s, "bob", "r.example", true)
		eve := remoteAccount(t, s, "eve", "r.example", true)
		post := testStatus(s, bob, domain.Public)
		if _, err := s.CreateRemoteStatus(ctx, post, nil, nil, false); err != nil {
			t.Fatal(err)
		}
		quote := func(state string) domain.ID {
			t.Helper()
			st := testStatus(s, alice, domain.Public)
			st.Local = true
			id, _, err := s.CreateStatus(ctx, NewStatus{Status: st, Quote: &Quote{QuotedStatusID: post.ID, QuotedAccountID: bob, State: state}})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		check := func(what string, id domain.ID, state, auth string, count int64) {
			t.Helper()
			qs, err := s.QuotesOf(ctx, []domain.ID{id})
			if err != nil {
				t.Fatal(err)
			}
			q := qs[id]
			st, err := s.Status(ctx, post.ID)
			if err != nil {
				t.Fatal(err)
			}
			if q == nil || q.State != state || q.AuthorizationURI != auth || st.QuotesCount != count {
				t.Errorf("%s: quote %+v, quotes_count %d; want %s %q %d", what, q, st.QuotesCount, state, auth, count)
			}
		}
		sent := func(what string, want ...string) {
			t.Helper()
			var got []string
			for _, o := range rec.take() {
				got = append(got, o.Type)
				if o.Type == "QuoteRequest" && (o.ActorID != alice || o.TargetID != bob || !slices.Equal(o.To, AccountIDs{bob})) {
					t.Errorf("%s: QuoteRequest %+v", what, o)
				}
				if o.Type == "Update" && !slices.Contains(o.To, bob) {
					t.Errorf("%s: Update not to the quoted author: %+v", what, o)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: federated %v, want %v", what, got, want)
			}
		}

		q := quote(QuotePending)
		check("created", q, QuotePending, "", 0)
		sent("created", "QuoteRequest")
		if err := s.AnswerLocalQuote(ctx, q, eve, true, "https://r.example/auth/x"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("answer by another account: %v, want not found", err)
		}
		if err := s.AnswerLocalQuote(ctx, q, bob, true, "https://r.example/auth/1"); err != nil {
			t.Fatal(err)
		}
		check("accepted", q, QuoteAccepted, "https://r.example/auth/1", 1)
		sent("accepted", "Update")
		if err := s.AnswerLocalQuote(ctx, q, bob, true, "https://r.example/auth/1"); err != nil {
			t.Fatal(err)
		}
		sent("accepted again")

		if found, err := s.RevokeQuoteAuthorization(ctx, "https://r.example/auth/1", eve); err != nil || found {
			t.Errorf("revoked by another account: %v %v", found, err)
		}
		if found, err := s.RevokeQuoteAuthorization(ctx, "https://r.example/auth/1", bob); err != nil || !found {
			t.Fatalf("revoke: %v %v", found, err)
		}
		check("revoked", q, QuoteRevoked, "https://r.example/auth/1", 0)
		sent("revoked", "Update")
		if err := s.AnswerLocalQuote(ctx, q, bob, true, "https://r.example/auth/2"); err != nil {
			t.Fatal(err)
		}
		check("answered after revocation", q, QuoteRevoked, "https://r.example/auth/1", 0)

		at := quote(QuoteAccepted)
		check("accepted at once", at, QuoteAccepted, "", 1)
		sent("accepted at once", "QuoteRequest")
		if err := s.AnswerLocalQuote(ctx, at, bob, false, ""); err != nil {
			t.Fatal(err)
		}
		check("rejected", at, QuoteRejected, "", 0)
		sent("rejected", "Update")
	})
}

// TestRemoteQuoteOfLocalPost records a remote post's quote of a local one
// as pending whatever it claims; the answer to its QuoteRequest decides,
// and recording it again changes nothing. A pending quote rejected is not
// uncounted (it was never counted).
func TestRemoteQuoteOfLocalPost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		alice := graphUsers(t, s, "alice")[0]
		bob := remoteAccount(t, s, "bob", "r.example", true)
		orig := testStatus(s, alice, domain.Public)
		orig.Local = true
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: orig}); err != nil {
			t.Fatal(err)
		}
		remote := func() *domain.Status {
			st := testStatus(s, bob, domain.Public)
			st.URI = "https://r.example/notes/" + st.ID.String()
			if _, err := s.CreateRemoteStatus(ctx, st, nil, nil, false); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordRemoteQuote(ctx, st, orig); err != nil {
				t.Fatal(err)
			}
			return st
		}
		state := func(id domain.ID) (string, int64) {
			t.Helper()
			qs, err := s.QuotesOf(ctx, []domain.ID{id})
			if err != nil || qs[id] == nil {
				t.Fatalf("quote of %d: %v %v", id, qs, err)
			}
			st, err := s.Status(ctx, orig.ID)
			if err != nil {
				t.Fatal(err)
			}
			return qs[id].State, st.QuotesCount
		}
		a := remote()
		if got, n := state(a.ID); got != QuotePending || n != 0 {
			t.Errorf("recorded: %s, count %d", got, n)
		}
		if err := s.AnswerRemoteQuote(ctx, a, orig, "https://r.example/req/1", true); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRemoteQuote(ctx, a, orig); err != nil {
			t.Fatal(err)
		}
		if got, n := state(a.ID); got != QuoteAccepted || n != 1 {
			t.Errorf("accepted then recorded again: %s, count %d", got, n)
		}
		b := remote()
		if err := s.AnswerRemoteQuote(ctx, b, orig, "https://r.example/req/2", false); err != nil {
			t.Fatal(err)
		}
		if got, n := state(b.ID); got != QuoteRejected || n != 1 {
			t.Errorf("pending then rejected: %s, count %d (want 1: the other quote)", got, n)
		}
	})
}

// The Delete of any unknown object looks for a quote authorization: it
// must be an index search, not a scan of the quotes.
func TestQuoteByAuthorizationPlan(t *testing.T) {
	d := storetest.Open(t, db.SQLite)
	rows, err := d.R.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+quoteByAuthorizationQuery, "https://r.example/auth/1", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING INDEX quotes_authorization") || strings.Contains(got, "SCAN q") {
		t.Fatalf("plan: %s", got)
	}
}
