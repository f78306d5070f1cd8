package statuses

import (
	"context"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Quotable reports whether a status's visibility lets it be quoted at
// all: public and unlisted posts only. Mastodon forces the policy of
// private and direct posts to nobody; agora does the same.
func Quotable(st *domain.Status) bool {
	return st.ReblogOfID == 0 && (st.Visibility == domain.Public || st.Visibility == domain.Unlisted)
}

// QuotePolicyOf is who may quote a local status: its own policy, public
// by default; nobody for a post that is not quotable. A remote status's
// column holds its canQuote instead (ParseRemoteQuotePolicy).
func QuotePolicyOf(st *domain.Status) string {
	if !Quotable(st) {
		return domain.QuoteNobody
	}
	if st.QuotePolicy == "" {
		return domain.QuotePublic
	}
	return st.QuotePolicy
}

// ValidQuotePolicy normalizes a quote_approval_policy from a client; ""
// stays "" (the default).
func ValidQuotePolicy(p string) (string, error) {
	p = strings.ToLower(strings.TrimSpace(p))
	switch p {
	case "", domain.QuotePublic, domain.QuoteFollowers, domain.QuoteNobody:
		return p, nil
	}
	return "", domain.Invalid("Validation failed: quote_approval_policy must be public, followers or nobody").Tr("err_quote_policy")
}

// storedQuotePolicy is the column value for policy p on a post of
// visibility v: "" when it is what the visibility implies anyway.
func storedQuotePolicy(v domain.Visibility, p string) string {
	if (v != domain.Public && v != domain.Unlisted) || p == domain.QuotePublic {
		return ""
	}
	return p
}

// Values of a remote post's quote policy, as Mastodon's API names them:
// who its canQuote lets quote it (following: the accounts its author
// follows; unsupported_policy: actors agora cannot evaluate).
const (
	QuoteByPublic      = "public"
	QuoteByFollowers   = "followers"
	QuoteByFollowing   = "following"
	QuoteByUnsupported = "unsupported_policy"
)

// RemoteQuotePolicy is a remote post's canQuote (FEP-044f, GoToSocial's
// interactionPolicy shape): who may quote it without and with its
// author's approval. Stored in the status's quote_policy column; an
// absent canQuote is the zero value, which lets nobody quote (as Mastodon).
type RemoteQuotePolicy struct {
	Automatic, Manual []string
}

// String is the policy as stored: "auto=v,v;manual=v,v".
func (p RemoteQuotePolicy) String() string {
	if len(p.Automatic) == 0 && len(p.Manual) == 0 {
		return ""
	}
	return "auto=" + strings.Join(p.Automatic, ",") + ";manual=" + strings.Join(p.Manual, ",")
}

// ParseRemoteQuotePolicy reads a remote post's stored quote policy.
func ParseRemoteQuotePolicy(s string) RemoteQuotePolicy {
	var p RemoteQuotePolicy
	for _, part := range strings.Split(s, ";") {
		k, v, _ := strings.Cut(part, "=")
		var vals []string
		for _, x := range strings.Split(v, ",") {
			if x != "" {
				vals = append(vals, x)
			}
		}
		switch k {
		case "auto":
			p.Automatic = vals
		case "manual":
			p.Manual = vals
		}
	}
	return p
}

// decide is the remote policy's answer for an account that follows the
// author (follows) or that the author follows (followedBy), as Mastodon's
// quote_policy_for_account.
func (p RemoteQuotePolicy) decide(follows, followedBy bool) string {
	allows := func(vals []string) bool {
		return slices.Contains(vals, QuoteByPublic) || (follows && slices.Contains(vals, QuoteByFollowers)) ||
			(followedBy && slices.Contains(vals, QuoteByFollowing))
	}
	switch {
	case allows(p.Automatic):
		return "automatic"
	case allows(p.Manual):
		return "manual"
	case slices.Contains(p.Automatic, QuoteByUnsupported) || slices.Contains(p.Manual, QuoteByUnsupported):
		return "unknown"
	}
	return "denied"
}

// QuoteDecision is what the quote policy of st says about viewer quoting
// it: "automatic" (allowed at once), "manual" (the author of a remote
// post decides), "denied", or "unknown" for an anonymous viewer or a
// remote policy agora cannot evaluate, as Mastodon's
// quote_approval.current_user. followsAuthor and blocked are the viewer's
// relations to st's author.
func QuoteDecision(st *domain.Status, viewer domain.ID, followsAuthor, blocked bool) string {
	return quoteDecision(st, viewer, followsAuthor, false, blocked)
}

func quoteDecision(st *domain.Status, viewer domain.ID, followsAuthor, followedByAuthor, blocked bool) string {
	switch {
	case viewer == 0:
		return "unknown"
	case !Quotable(st) || blocked:
		return "denied"
	case viewer == st.AccountID:
		return "automatic"
	case !st.Local:
		return ParseRemoteQuotePolicy(st.QuotePolicy).decide(followsAuthor, followedByAuthor)
	}
	switch QuotePolicyOf(st) {
	case domain.QuotePublic:
		return "automatic"
	case domain.QuoteFollowers:
		if followsAuthor {
			return "automatic"
		}
	}
	return "denied"
}

// quoteState is THE quote rule: the state a quote of st by actor starts
// in (st already checked visible to actor), or why it is refused. A local
// post's policy accepts at once or refuses. A remote post's accepts at
// once (automatic), or leaves the quote pending until its author's
// server answers the QuoteRequest (manual, or a policy agora cannot
// evaluate); its server has the last word either way.
func (s *Service) quoteState(ctx context.Context, actor *domain.Account, st *domain.Status) (string, error) {
	if !Quotable(st) {
		return "", domain.Forbidden("Only public and unlisted posts can be quoted").Tr("err_quote_visibility")
	}
	rel, err := s.Store.ViewerRelations(ctx, actor.ID, []domain.ID{st.AccountID}, nil)
	if err != nil {
		return "", err
	}
	follows, blocked := rel.Following[st.AccountID], rel.Blocked[st.AccountID]
	remote := ParseRemoteQuotePolicy(st.QuotePolicy)
	followedBy := false
	if !st.Local && slices.Contains(slices.Concat(remote.Automatic, remote.Manual), QuoteByFollowing) {
		if followedBy, err = s.Store.IsFollowing(ctx, st.AccountID, actor.ID); err != nil {
			return "", err
		}
	}
	switch quoteDecision(st, actor.ID, follows, followedBy, blocked) {
	case "automatic":
		return store.QuoteAccepted, nil
	case "manual", "unknown":
		return store.QuotePending, nil
	}
	onlyFollowers := (st.Local && QuotePolicyOf(st) == domain.QuoteFollowers) ||
		(!st.Local && slices.Contains(slices.Concat(remote.Automatic, remote.Manual), QuoteByFollowers))
	if onlyFollowers && !blocked {
		return "", domain.Forbidden("The author only accepts quotes from their followers").Tr("err_quote_followers")
	}
	return "", domain.Forbidden("The author does not accept quotes of this post").Tr("err_quote_refused")
}

// quoteFor checks a new post's quote of id by author: no poll or media
// with it, a quotable visible post, the quoted author's consent. A quote
// of a remote post also sends a QuoteRequest (store.requestRemoteQuote).
func (s *Service) quoteFor(ctx context.Context, author *domain.Account, id domain.ID, c *content) (*store.Quote, error) {
	if c.poll != nil || len(c.media) > 0 {
		return nil, domain.Invalid("Validation failed: a quote cannot have a poll or media attachments").Tr("err_quote_poll_media")
	}
	quoted, err := s.visibleOriginal(ctx, author.ID, id)
	if err != nil {
		return nil, err
	}
	state, err := s.quoteState(ctx, author, quoted)
	if err != nil {
		return nil, err
	}
	return &store.Quote{QuotedStatusID: quoted.ID, QuotedAccountID: quoted.AccountID, State: state}, nil
}

// RevokeQuote detaches quoting's quote of one's own post quoted: the
// quote stays, without the quoted content (Bluesky's "detach").
func (s *Service) RevokeQuote(ctx context.Context, viewer, quoted, quoting domain.ID) error {
	st, err := s.visibleStatus(ctx, viewer, quoted)
	if err != nil {
		return err
	}
	if st.AccountID != viewer {
		return domain.Forbidden("Only the author of the quoted post may remove it from a quote").Tr("err_quote_detach")
	}
	return s.Store.RevokeQuote(ctx, quoted, quoting)
}

// Quotes pages through the accepted quotes of one's own post; only its
// author may list them, as in Mastodon.
func (s *Service) Quotes(ctx context.Context, viewer, id domain.ID, p domain.Page) ([]domain.ID, error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != viewer {
		return nil, domain.Forbidden("Only the author of a post may list its quotes").Tr("err_quote_list")
	}
	return s.Store.QuotesOfStatus(ctx, id, p)
}

// SetQuotePolicy changes who may quote one's post. Private and direct
// posts stay unquotable.
func (s *Service) SetQuotePolicy(ctx context.Context, viewer, id domain.ID, policy string) error {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return err
	}
	if st.AccountID != viewer || st.ReblogOfID != 0 {
		return domain.Forbidden("This action is not allowed").Tr("err_not_allowed")
	}
	p, err := ValidQuotePolicy(policy)
	if err != nil {
		return err
	}
	if p == "" {
		return domain.Invalid("Validation failed: quote_approval_policy must be public, followers or nobody").Tr("err_quote_policy")
	}
	if !Quotable(st) && p != domain.QuoteNobody {
		return domain.Invalid("Validation failed: only public and unlisted posts can be quoted").Tr("err_quote_visibility")
	}
	return s.Store.SetQuotePolicy(ctx, id, storedQuotePolicy(st.Visibility, p))
}
