package statuses

import (
	"context"
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

// QuotePolicyOf is who may quote a status: its own policy, public by
// default; nobody for a post that is not quotable.
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
	return "", domain.Invalid("Validation failed: quote_approval_policy must be public, followers or nobody")
}

// storedQuotePolicy is the column value for policy p on a post of
// visibility v: "" when it is what the visibility implies anyway.
func storedQuotePolicy(v domain.Visibility, p string) string {
	if (v != domain.Public && v != domain.Unlisted) || p == domain.QuotePublic {
		return ""
	}
	return p
}

// QuoteDecision is what the quote policy of st says about viewer quoting
// it: "automatic" (allowed at once), "denied", or "unknown" for an
// anonymous viewer, as Mastodon's quote_approval.current_user.
// followsAuthor and blocked are the viewer's relations to st's author.
func QuoteDecision(st *domain.Status, viewer domain.ID, followsAuthor, blocked bool) string {
	switch {
	case viewer == 0:
		return "unknown"
	case !Quotable(st) || !st.Local || blocked:
		return "denied"
	case viewer == st.AccountID:
		return "automatic"
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

// checkQuote is THE quote rule: whether actor may quote st (already
// checked visible to actor). Only local posts can be quoted until quote
// requests federate (docs/federation.md); a refusal says why.
func (s *Service) checkQuote(ctx context.Context, actor *domain.Account, st *domain.Status) error {
	if !Quotable(st) {
		return domain.Forbidden("Only public and unlisted posts can be quoted")
	}
	if !st.Local {
		return domain.Invalid("Validation failed: posts from other servers cannot be quoted yet")
	}
	rel, err := s.Store.ViewerRelations(ctx, actor.ID, []domain.ID{st.AccountID}, nil)
	if err != nil {
		return err
	}
	switch QuoteDecision(st, actor.ID, rel.Following[st.AccountID], rel.Blocked[st.AccountID]) {
	case "automatic":
		return nil
	}
	if QuotePolicyOf(st) == domain.QuoteFollowers && !rel.Blocked[st.AccountID] {
		return domain.Forbidden("The author only accepts quotes from their followers")
	}
	return domain.Forbidden("The author does not accept quotes of this post")
}

// quoteFor checks a new post's quote of id by author: no poll or media
// with it, a quotable visible post, the quoted author's consent.
func (s *Service) quoteFor(ctx context.Context, author *domain.Account, id domain.ID, c *content) (*store.Quote, error) {
	if c.poll != nil || len(c.media) > 0 {
		return nil, domain.Invalid("Validation failed: a quote cannot have a poll or media attachments")
	}
	quoted, err := s.visibleOriginal(ctx, author.ID, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkQuote(ctx, author, quoted); err != nil {
		return nil, err
	}
	return &store.Quote{QuotedStatusID: quoted.ID, QuotedAccountID: quoted.AccountID, State: store.QuoteAccepted}, nil
}

// RevokeQuote detaches quoting's quote of one's own post quoted: the
// quote stays, without the quoted content (Bluesky's "detach").
func (s *Service) RevokeQuote(ctx context.Context, viewer, quoted, quoting domain.ID) error {
	st, err := s.visibleStatus(ctx, viewer, quoted)
	if err != nil {
		return err
	}
	if st.AccountID != viewer {
		return domain.Forbidden("Only the author of the quoted post may remove it from a quote")
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
		return nil, domain.Forbidden("Only the author of a post may list its quotes")
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
		return domain.Forbidden("This action is not allowed")
	}
	p, err := ValidQuotePolicy(policy)
	if err != nil {
		return err
	}
	if p == "" {
		return domain.Invalid("Validation failed: quote_approval_policy must be public, followers or nobody")
	}
	if !Quotable(st) && p != domain.QuoteNobody {
		return domain.Invalid("Validation failed: only public and unlisted posts can be quoted")
	}
	return s.Store.SetQuotePolicy(ctx, id, storedQuotePolicy(st.Visibility, p))
}
