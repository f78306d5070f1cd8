package abuse

import (
	"testing"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// TestLimitErrors checks the new accounts' refusals: their kind (429 for
// the rate, 422 otherwise), the English message the API shows, and the
// key and arguments the web UI translates.
func TestLimitErrors(t *testing.T) {
	ends := time.Date(2026, 12, 4, 16, 30, 0, 0, time.FixedZone("CET", 3600))
	for _, c := range []struct {
		err  *domain.Error
		kind domain.Kind
		msg  string
		key  string
		args int
	}{
		{PostRateLimit(10, 24, ends), domain.KindRateLimited,
			"New accounts may publish at most 10 posts per hour during their first 24 hours: try again later. This limit ends on 2026-12-04 15:30 UTC.", "err_new_posts_rate", 3},
		{MentionLimit(2, 24, 3, ends), domain.KindInvalid,
			"New accounts may mention at most 2 accounts they do not follow and that do not follow them per post during their first 24 hours; this post mentions 3. This limit ends on 2026-12-04 15:30 UTC.", "err_new_mentions", 4},
		{LinkLimit(0, 24, 1, ends), domain.KindInvalid,
			"New accounts may not post links to other sites during their first 24 hours. This limit ends on 2026-12-04 15:30 UTC.", "err_new_no_links", 2},
		{LinkLimit(2, 24, 3, ends), domain.KindInvalid,
			"New accounts may post at most 2 links to other sites per post during their first 24 hours; this post has 3. This limit ends on 2026-12-04 15:30 UTC.", "err_new_links", 4},
	} {
		if c.err.Kind != c.kind || c.err.Message != c.msg || c.err.Key != c.key || len(c.err.Args) != c.args {
			t.Errorf("got %v %q %q %v, want %v %q %q (%d args)", c.err.Kind, c.err.Message, c.err.Key, c.err.Args, c.kind, c.msg, c.key, c.args)
		}
		if end, ok := c.err.Args[len(c.err.Args)-1].(time.Time); !ok || !end.Equal(ends) {
			t.Errorf("%s: the last argument is %v, want the end time", c.key, c.err.Args[len(c.err.Args)-1])
		}
	}
}
