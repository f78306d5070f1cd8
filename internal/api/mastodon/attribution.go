package mastodon

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
)

// attributionDomainsOf is an account's source.attribution_domains: the
// domains whose pages may credit it on their link previews (one read, on
// verify_credentials and update_credentials only).
func (a *API) attributionDomainsOf(acct *domain.Account) []string {
	domains, err := a.Store.AttributionDomains(context.Background(), acct.ID)
	if err != nil || domains == nil {
		return []string{}
	}
	return domains
}

// PreviewCardAuthor is Mastodon's PreviewCardAuthor entity: who a link
// preview credits; account is set only when the linked page's site is
// within the account's attribution domains.
type PreviewCardAuthor struct {
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Account *Account `json:"account"`
}

// setCardAuthors fills a rendered card's authors (and the legacy
// author_url) from the page's author name, its author link and the
// credited account (nil when none); a card with none of them keeps an
// empty list. A suspended account is not credited.
func (a *API) setCardAuthors(out *PreviewCard, name, url string, author *domain.Account) {
	if author != nil && author.SuspendedAt != nil {
		author = nil
	}
	if author != nil && name == "" {
		name = author.DisplayName
		if name == "" {
			name = author.Username
		}
	}
	if author != nil && url == "" {
		url = author.URL
		if url == "" {
			url = author.URI
		}
	}
	out.AuthorName, out.AuthorURL = name, url
	if name == "" && url == "" && author == nil {
		out.Authors = []any{}
		return
	}
	pa := PreviewCardAuthor{Name: name, URL: url}
	if author != nil {
		pa.Account = a.renderAccount(author)
	}
	out.Authors = []any{pa}
}
