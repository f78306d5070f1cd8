package store

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestRemoteQuoteOfRemotePost records remote quotes of a remote post: once
// (a second accept changes nothing), counted; revoked by the Delete of its
// authorization (only the quoted author's) or by the loss of the RE: link,
// uncounted, with nothing sent; local statuses are refused.
func TestRemoteQuoteOfRemotePost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &recorder{}
		s.Federator = rec
		alice := graphUsers(t, s, "alice")[0]
		bob := remoteAccount(t, s, "bob", "b.example", true)
		carl := remoteAccount(t, s, "carl", "c.example", true)
		remote := func(author domain.ID, host string) *domain.Status {
			t.Helper()
			st := testStatus(s, author, domain.Public)
			st.URI = "https://" + host + "/notes/" + st.ID.String()
			st.Content = `<p>see</p><p class="quote-inline">RE: <a href="x">x</a></p>`
			if _, err := s.CreateRemoteStatus(ctx, st, nil, nil, false); err != nil {
				t.Fatal(err)
			}
			return st
		}
		orig := remote(bob, "b.example")
		check := func(what string, id domain.ID, state string, count int64) {
			t.Helper()
			qs, err := s.QuotesOf(ctx, []domain.ID{id})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if qs[id] != nil {
				got = qs[id].State
			}
			st, err := s.Status(ctx, orig.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got != state || st.QuotesCount != count {
				t.Errorf("%s: state %q, quotes_count %d; want %q %d", what, got, st.QuotesCount, state, count)
			}
		}
		a, b := remote(carl, "c.example"), remote(carl, "c.example")
		if err := s.AcceptRemoteQuote(ctx, a, orig, "https://b.example/auth/1"); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptRemoteQuote(ctx, a, orig, "https://b.example/auth/other"); err != nil {
			t.Fatal(err)
		}
		check("accepted twice", a.ID, QuoteAccepted, 1)
		if err := s.AcceptRemoteQuote(ctx, b, orig, ""); err != nil {
			t.Fatal(err)
		}
		check("accepted by policy", b.ID, QuoteAccepted, 2)

		if found, err := s.RevokeQuoteAuthorization(ctx, "https://b.example/auth/1", carl); err != nil || found {
			t.Errorf("Delete by someone else: found %v, %v", found, err)
		}
		if found, err := s.RevokeQuoteAuthorization(ctx, "https://b.example/auth/1", bob); err != nil || !found {
			t.Errorf("Delete by the quoted author: found %v, %v", found, err)
		}
		check("authorization deleted", a.ID, QuoteRevoked, 1)
		if err := s.DropRemoteQuoteLink(ctx, b, "<p>see</p>"); err != nil {
			t.Fatal(err)
		}
		check("link dropped", b.ID, QuoteRevoked, 0)
		if sent := rec.take(); len(sent) != 0 {
			t.Errorf("revoking remote quotes sent %v", sent)
		}

		local := testStatus(s, alice, domain.Public)
		local.Local = true
		if err := s.AcceptRemoteQuote(ctx, local, orig, ""); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("a local quote: %v, want invalid", err)
		}
	})
}
