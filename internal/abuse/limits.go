package abuse

import (
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// The refusals of a new account's post over one of its limits
// (config.Abuse), saying what the limit is and when it ends. Each carries
// a translation key and its arguments, so that the web UI says it in its
// reader's language (the ends argument as a date in the reader's zone);
// the API shows the English message, with the end in UTC. The posting
// rate is a 429 (clients back off and retry); the others are 422 (change
// the post).

// PostRateLimit refuses a post over the new accounts' hourly rate.
func PostRateLimit(perHour, hours int, ends time.Time) *domain.Error {
	return domain.E(domain.KindRateLimited, "New accounts may publish at most %d posts per hour during their first %d hours: try again later. This limit ends on %s.",
		perHour, hours, utc(ends)).Tr("err_new_posts_rate", perHour, hours, ends)
}

// MentionLimit refuses a post mentioning n accounts with no follow
// relation to the author, over max.
func MentionLimit(max, hours, n int, ends time.Time) *domain.Error {
	return domain.Invalid("New accounts may mention at most %d accounts they do not follow and that do not follow them per post during their first %d hours; this post mentions %d. This limit ends on %s.",
		max, hours, n, utc(ends)).Tr("err_new_mentions", max, hours, n, ends)
}

// LinkLimit refuses a post with n links to other sites, over max (which
// may be 0: no links at all).
func LinkLimit(max, hours, n int, ends time.Time) *domain.Error {
	if max == 0 {
		return domain.Invalid("New accounts may not post links to other sites during their first %d hours. This limit ends on %s.",
			hours, utc(ends)).Tr("err_new_no_links", hours, ends)
	}
	return domain.Invalid("New accounts may post at most %d links to other sites per post during their first %d hours; this post has %d. This limit ends on %s.",
		max, hours, n, utc(ends)).Tr("err_new_links", max, hours, n, ends)
}

// utc is how the English messages write when a limit ends.
func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
