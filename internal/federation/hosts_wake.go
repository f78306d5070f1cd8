package federation

import (
	"context"
	"strings"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// maxWakeDeliveries bounds the deliveries one operator's action on a host
// wakes; more wait for their own time (or the next action).
const maxWakeDeliveries = 1000

// WakeDeliveries implements store.DeliveryWaker: the delivery jobs to host
// that wait (snoozed behind its circuit, or for a retry) are made
// available now, up to maxWakeDeliveries. The host is matched on the
// inbox URL of the job's arguments (the same lowercased host[:port] the
// circuit breaker counts).
func (h *Handler) WakeDeliveries(ctx context.Context, host string) (int, error) {
	if h.Jobs == nil || h.Jobs.Client() == nil || host == "" {
		return 0, nil
	}
	c := h.Jobs.Client()
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(host))
	params := river.NewJobListParams().Kinds(DeliverArgs{}.Kind()).
		States(rivertype.JobStateScheduled, rivertype.JobStateRetryable).First(maxWakeDeliveries).
		Where(`(LOWER(args ->> 'inbox') LIKE @tls_inbox ESCAPE '\' OR LOWER(args ->> 'inbox') LIKE @plain_inbox ESCAPE '\')`,
			// Neither name is a prefix of the other: River replaces them in turn.
			river.NamedArgs{"tls_inbox": "https://" + esc + "/%", "plain_inbox": "http://" + esc + "/%"})
	res, err := c.JobList(ctx, params)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range res.Jobs {
		if _, err := c.JobRetry(ctx, j.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
