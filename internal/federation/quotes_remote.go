package federation

import (
	"context"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
)

// Remote quotes of remote posts (FEP-044f, as Mastodon 4.5 checks them):
// a note of server C quoting a post of server B is shown as a real quote
// here only when B's author consents. Either the quoted post's canQuote
// lets the quoter quote it at once (Public, or one's own post), or the
// note names a quoteAuthorization that B's server serves, attributed to
// the quoted author, for this note and that post. Otherwise the note
// keeps its RE: link only. A later Delete of the authorization by the
// quoted author, or an Update of the note that no longer quotes, revokes
// the quote (quotes_answer.go, quotes.go).

// maxQuoteFetchDepth bounds the quoted posts fetched one inside the other
// while a note is stored (a quote of a quote of ...): deeper ones keep
// their link only, as Mastodon's synchronous depth.
const maxQuoteFetchDepth = 2

// quoteDepthKey holds, in a context, how many quoted posts are being
// fetched around the note being stored.
type quoteDepthKey struct{}

func quoteDepth(ctx context.Context) int {
	n, _ := ctx.Value(quoteDepthKey{}).(int)
	return n
}

// remoteQuote decides the quote a stored remote note st (by author) makes
// of the remote post uri. A quote already recorded (accepted, or revoked
// since) stays as it is: only its authorization's Delete or the note's
// loss of its quote change it. Failures of remote servers leave the link.
func (r *resolver) remoteQuote(ctx context.Context, doc *activitypub.Incoming, author *domain.Account, st *domain.Status, uri string) error {
	if st.Local || hostOf(uri) == "" {
		return nil
	}
	known, err := r.h.Store.QuotesOf(ctx, []domain.ID{st.ID})
	if err != nil {
		return err
	}
	if known[st.ID] != nil {
		return nil
	}
	quoted, err := r.quotedStatus(ctx, uri)
	if err != nil {
		r.h.Log.Debug("quoted post", "quote", st.URI, "quoted", uri, "err", err)
		return nil
	}
	if quoted.Local || !statuses.Quotable(quoted) {
		return nil
	}
	auto, err := r.quoteAutomatic(ctx, author, quoted)
	if err != nil {
		return err
	}
	auth := ""
	if !auto {
		if auth, err = r.verifiedAuthorization(ctx, doc, st, quoted); err != nil {
			r.h.Log.Debug("quote authorization", "quote", st.URI, "quoted", uri, "err", err)
			return nil
		}
	}
	return r.h.Store.AcceptRemoteQuote(ctx, st, quoted, auth)
}

// quotedStatus is the quoted post: stored, or fetched from its origin (the
// rate of fetches per host bounded as for reply parents, and no deeper
// than maxQuoteFetchDepth quotes of quotes).
func (r *resolver) quotedStatus(ctx context.Context, uri string) (*domain.Status, error) {
	if st, err := r.h.Store.StatusByURI(ctx, uri); err == nil {
		return st, nil
	} else if domain.KindOf(err) != domain.KindNotFound {
		return nil, err
	}
	depth := quoteDepth(ctx)
	if depth >= maxQuoteFetchDepth {
		return nil, drop("quote of a quote deeper than %d", maxQuoteFetchDepth)
	}
	// MaxReplyDepth: the quoted post comes without its ancestors.
	return r.status(context.WithValue(ctx, quoteDepthKey{}, depth+1), uri, MaxReplyDepth)
}

// quoteAutomatic reports whether the quoted post's policy lets author
// quote it without an authorization: one's own post, or a canQuote whose
// automaticApproval has Public. Followers and following cannot be
// checked here for two remote accounts: they need the authorization.
func (r *resolver) quoteAutomatic(ctx context.Context, author *domain.Account, quoted *domain.Status) (bool, error) {
	if author.ID == quoted.AccountID {
		return true, nil
	}
	rel, err := r.h.Store.ViewerRelations(ctx, author.ID, []domain.ID{quoted.AccountID}, nil)
	if err != nil {
		return false, err
	}
	return statuses.QuoteDecision(quoted, author.ID, false, rel.Blocked[quoted.AccountID]) == "automatic", nil
}

// verifiedAuthorization is the quoteAuthorization the note doc (stored as
// st) names, once fetched from the quoted author's server and checked
// (verifyAuthorization: that server, that author, this note, that post).
func (r *resolver) verifiedAuthorization(ctx context.Context, doc *activitypub.Incoming, st, quoted *domain.Status) (string, error) {
	auth := doc.QuoteAuthorization.ID
	if auth == "" {
		return "", drop("quote %s names no quoteAuthorization", st.URI)
	}
	quotedAuthor, err := r.h.Store.Account(ctx, quoted.AccountID)
	if err != nil {
		return "", err
	}
	if err := (&Processor{r: r}).verifyAuthorization(ctx, auth, quotedAuthor, st.URI, quoted.URI); err != nil {
		return "", err
	}
	return auth, nil
}
