package federation

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/httpsig"
)

// Delivery retries (docs/federation.md, "Delivery"). A failed attempt n is
// retried after min(1 minute * 2^(n-1), 12 hours), plus up to 10% jitter:
// 1, 2, 4, ... 512 minutes (about 17 hours in all for the first ten),
// then every 12 hours. With 16 attempts the last one comes about 77 hours
// (3.2 days) after the first.
const (
	DeliveryMaxAttempts = 16
	retryBase           = time.Minute
	retryCap            = 12 * time.Hour
	// DeliveryMaxAge drops a delivery still waiting after this long (a job
	// snoozed behind an open circuit does not use up attempts).
	DeliveryMaxAge = 4 * 24 * time.Hour
	// deliveryTimeout bounds one delivery attempt, request included.
	deliveryTimeout = 30 * time.Second
	// maxDeliveryResponse is how much of an inbox's answer is read.
	maxDeliveryResponse = 64 << 10
	// slotWait is how long a delivery waits for a free slot to its host
	// before it is snoozed and the worker moves on.
	slotWait = 5 * time.Second
)

// RetryDelay is the wait after failed attempt n (1-based), without jitter.
func RetryDelay(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > 20 {
		return retryCap
	}
	return min(retryBase<<(n-1), retryCap)
}

// DeliverArgs is one signed POST of an activity to one inbox.
type DeliverArgs struct {
	Inbox   string `json:"inbox"`
	ActorID int64  `json:"actor_id,string"` // the local account that signs (InstanceActor: the server)
	Body    string `json:"body"`            // the exact bytes sent
}

// Kind names the job in the queue.
func (DeliverArgs) Kind() string { return "federation.deliver" }

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	h     *Handler
	hosts *hostLimiter // per-host concurrency on this node
	keys  signers      // parsed signing keys of the local actors
}

// NextRetry implements the schedule above.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	d := RetryDelay(job.Attempt)
	return time.Now().Add(d + time.Duration(rand.Int64N(int64(d/10)+1)))
}

// Timeout bounds one attempt.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return deliveryTimeout }

// Work delivers, unless the host's circuit is open (then the job waits,
// snoozed, without a request; one job at a time probes the host).
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	h := w.h
	a := job.Args
	now := h.Now()
	if now.Sub(job.CreatedAt) > DeliveryMaxAge {
		return river.JobCancel(fmt.Errorf("delivery to %s older than %s: dropped", a.Inbox, DeliveryMaxAge))
	}
	u, err := url.Parse(a.Inbox)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return river.JobCancel(fmt.Errorf("inbox %q is not an http(s) URL", a.Inbox))
	}
	host := strings.ToLower(u.Host)
	// A suspended domain, or in allow-list mode a domain not allowed, gets
	// nothing from us (one or two indexed lookups).
	switch fed, err := h.federation(ctx, u.Hostname()); {
	case err != nil:
		return err
	case fed == hostSuspended:
		return river.JobCancel(fmt.Errorf("delivery to %s: domain is suspended", a.Inbox))
	case fed == hostNotAllowed:
		return river.JobCancel(fmt.Errorf("delivery to %s: domain is not allowed (allow-list mode)", a.Inbox))
	}
	state, err := h.Store.DeliveryHostState(ctx, host)
	if err != nil {
		return err
	}
	if state.Open(h.circuitFailures()) {
		if state.RetryAt != nil && now.Before(*state.RetryAt) {
			return river.JobSnooze(jitter(state.RetryAt.Sub(now)))
		}
		probe, err := h.Store.ClaimDeliveryProbe(ctx, host, now, now.Add(deliveryTimeout*2))
		if err != nil {
			return err
		}
		if !probe {
			return river.JobSnooze(jitter(deliveryTimeout * 2))
		}
	}
	signer, err := w.keys.get(ctx, h, domain.ID(a.ActorID))
	if errors.Is(err, domain.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("signing account %d is gone", a.ActorID))
	}
	if err != nil {
		return err
	}
	// Wait a while for a slot to the host; a host busy beyond that (a slow
	// server with many deliveries queued) frees the worker for other hosts.
	wait, cancel := context.WithTimeout(ctx, slotWait)
	release, err := w.hosts.acquire(wait, host)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return river.JobSnooze(jitter(slotWait))
	}
	status, err := h.post(ctx, signer, a.Inbox, []byte(a.Body))
	release()
	switch outcome(status, err) {
	case delivered:
		if state.Failures > 0 {
			return h.Store.RecordDeliverySuccess(ctx, host, h.Now())
		}
		return nil
	case refused:
		// The host answered: it is up, whatever it thought of this one.
		if status != 0 && state.Failures > 0 {
			if err := h.Store.RecordDeliverySuccess(ctx, host, h.Now()); err != nil {
				return err
			}
		}
		return river.JobCancel(deliveryError(a.Inbox, status, err))
	default:
		if _, ferr := h.Store.RecordDeliveryFailure(ctx, host, h.Now(), h.circuitFailures(), circuitBackoff); ferr != nil {
			return errors.Join(deliveryError(a.Inbox, status, err), ferr)
		}
		return deliveryError(a.Inbox, status, err)
	}
}

// jitter adds up to 10% to d, so that jobs waiting on one host do not all
// wake at once.
func jitter(d time.Duration) time.Duration {
	if d < time.Second {
		d = time.Second
	}
	return d + time.Duration(rand.Int64N(int64(d/10)+1))
}

type result int

const (
	delivered result = iota
	refused          // permanent: not retried
	failed           // retried, and counted against the host
)

// outcome classifies a delivery: 2xx is done; 4xx other than 408 and 429
// will not change on retry; an address the SSRF guard refuses or a
// malformed request neither; the rest (5xx, 408, 429, network errors) is
// retried.
func outcome(status int, err error) result {
	if err != nil {
		if errors.Is(err, httpclient.ErrForbiddenAddress) || errors.Is(err, httpclient.ErrScheme) {
			return refused
		}
		return failed
	}
	switch {
	case status/100 == 2:
		return delivered
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return failed
	case status/100 == 4:
		return refused
	}
	return failed
}

func deliveryError(inbox string, status int, err error) error {
	if err != nil {
		return fmt.Errorf("deliver to %s: %w", inbox, err)
	}
	return fmt.Errorf("deliver to %s: status %d", inbox, status)
}

// post sends body to inbox signed by signer, through the guarded client,
// and returns the response status.
func (h *Handler) post(ctx context.Context, signer *signer, inbox string, body []byte) (int, error) {
	h.init()
	// Signed as AGORA_HTTP_SIGNATURES says (signing_knock.go): by default
	// draft-cavage rsa-sha256 over (request-target), host, date and
	// digest, as Handler.SignAs; the key is parsed once per actor.
	return h.keys.policy().send(hostOf(inbox), h.Now(), func(rfc9421 bool) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", activitypub.ContentType)
		req.Header.Set("Accept", acceptActivity)
		sign := httpsig.Sign
		if rfc9421 {
			sign = httpsig.SignMessage
		}
		if err := sign(req, signer.keyID, signer.key, body, h.Now()); err != nil {
			return 0, err
		}
		res, err := h.Client.Do(req, maxDeliveryResponse)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body) // lets the connection be reused
		return res.StatusCode, nil
	})
}

// InstanceActor is the signer id of deliveries made in the server's name
// (forwarded reports), signed with the instance actor's key.
const InstanceActor = 0

// signerTTL is how long a parsed signing key is reused before it is read
// again (a rotated key is picked up within this time).
const signerTTL = 5 * time.Minute

// signer is a local actor's parsed private key and key id.
type signer struct {
	keyID   string
	key     *rsa.PrivateKey
	expires time.Time
}

// signers caches parsed keys: parsing an RSA key costs about as much as
// a signature, and every delivery of a post is signed by the same actor.
type signers struct {
	mu sync.Mutex
	m  map[domain.ID]*signer
}

func (c *signers) get(ctx context.Context, h *Handler, id domain.ID) (*signer, error) {
	now := time.Now()
	c.mu.Lock()
	s := c.m[id]
	c.mu.Unlock()
	if s != nil && now.Before(s.expires) {
		return s, nil
	}
	var keyID, private string
	if id == InstanceActor {
		keys, err := h.Store.InstanceActorKeys(ctx, httpsig.GenerateKey)
		if err != nil {
			return nil, err
		}
		keyID, private = activitypub.KeyID(h.Cfg.URL+"/actor"), keys.Private
	} else {
		actor, err := h.Store.Account(ctx, id)
		if err != nil {
			return nil, err
		}
		keys, err := h.Store.AccountKeys(ctx, id, httpsig.GenerateKey)
		if err != nil {
			return nil, err
		}
		keyID, private = activitypub.KeyID(h.actorURI(actor)), keys.Private
	}
	key, err := httpsig.ParsePrivateKey(private)
	if err != nil {
		return nil, err
	}
	s = &signer{keyID: keyID, key: key, expires: now.Add(signerTTL)}
	c.mu.Lock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[domain.ID]*signer{} // bounded: start afresh rather than grow
	}
	c.m[id] = s
	c.mu.Unlock()
	return s, nil
}
