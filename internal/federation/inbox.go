package federation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/store"
)

// Inbox limits.
const (
	MaxInboxBody = 1 << 20 // bytes of one activity
	maxIDLen     = 2048    // bytes of an activity id or actor URI
	MaxJSONDepth = 64      // nesting of arrays and objects in one activity
)

// InboxArgs is the job that processed one stored inbox activity before
// activities were processed in batches (InboxBatchArgs, ingest.go); its
// worker stays for the jobs enqueued before an upgrade.
type InboxArgs struct {
	// ActivityID is inbox_activities.id, encoded as a string: on PostgreSQL
	// the job's JSON args lose int64 precision through a float64.
	ActivityID int64 `json:"activity_id,string"`
}

// Kind names the job in the queue.
func (InboxArgs) Kind() string { return "federation.inbox" }

// InboxProcessor applies a verified, stored activity (Processor.Process);
// a returned error retries it, a refusal it logs is not an error.
type InboxProcessor func(ctx context.Context, a *store.InboxActivity) error

// registerInbound adds the inbox workers (batches, and the sweep that
// picks up what a crash or a failure left pending) and the reader of
// remote featured collections to the queue.
func (h *Handler) registerInbound(process InboxProcessor) {
	g := h.ingestOf()
	g.process = process
	// The batch path of Creates applies Processor.create's rules with a
	// Processor of its own: it never fetches, so the rate limits a
	// Processor holds (reply parents, Moves) are not shared state here.
	g.creates = NewProcessor(h)
	river.AddWorker(h.Jobs.Workers(), &inboxBatchWorker{g: g})
	h.Jobs.AddPeriodic(ingestSweepEvery, InboxBatchArgs{Sweep: true})
	river.AddWorker(h.Jobs.Workers(), &inboxWorker{h: h, process: process})
	river.AddWorker(h.Jobs.Workers(), &featuredWorker{h: h})
}

type inboxWorker struct {
	river.WorkerDefaults[InboxArgs]
	h       *Handler
	process InboxProcessor
}

func (w *inboxWorker) Work(ctx context.Context, job *river.Job[InboxArgs]) error {
	a, err := w.h.Store.InboxActivity(ctx, domain.ID(job.Args.ActivityID))
	if errors.Is(err, domain.ErrNotFound) {
		return nil // removed since: nothing to do
	}
	if err != nil {
		return err
	}
	if a.ProcessedAt != 0 {
		return nil
	}
	if err := w.process(ctx, a); err != nil {
		return err
	}
	return w.h.Store.MarkInboxActivityProcessed(ctx, a.ID)
}

// incoming is the part of an activity the inbox reads before storing it.
type incoming struct {
	ID    string          `json:"id"`
	Type  json.RawMessage `json:"type"`
	Actor json.RawMessage `json:"actor"`
}

// inbox receives an activity: size limit, signature and digest verified,
// the signer must be the activity's actor, then the activity is stored
// (with those of concurrent requests, in one transaction: ingest.go),
// duplicates dropped, 202; a batch job processes it.
func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInboxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "Activity is larger than 1 MiB")
			return
		}
		writeError(w, http.StatusBadRequest, "Could not read the request body")
		return
	}
	// Nothing from a suspended domain is verified (no key fetch there) or
	// stored; it is answered as if accepted, as Mastodon does not tell. In
	// allow-list mode a domain not allowed is refused, before any key fetch.
	// The body is parsed once, before verification, only to find the
	// sender's domain; it is judged (depth, JSON) after verification.
	tooDeep := jsonDepth(body) > MaxJSONDepth
	var act incoming
	parseErr := errors.New("not parsed")
	if !tooDeep {
		parseErr = json.Unmarshal(body, &act)
	}
	fed := hostFederates
	if parseErr == nil {
		fed, err = h.cachedFederation(ctx, hostOf(idOf(act.Actor)))
	}
	switch {
	case err != nil:
		h.Log.Error("inbox: domain rules", "err", err)
		writeError(w, http.StatusServiceUnavailable, "Could not check the sender; try again later")
		return
	case fed == hostSuspended:
		w.WriteHeader(http.StatusAccepted)
		return
	case fed == hostNotAllowed:
		writeError(w, http.StatusForbidden, "This server does not federate with your domain")
		return
	}
	var recipient domain.ID
	if name := r.PathValue("name"); name != "" {
		a := h.localAccount(w, r)
		if a == nil {
			return
		}
		recipient = a.ID
	}
	v, err := h.verifier.Verify(ctx, r, body)
	if err != nil {
		h.Log.Debug("inbox: signature refused", "err", err, "remote", r.RemoteAddr)
		msg := "Request not signed"
		if !errors.Is(err, httpsig.ErrUnsigned) {
			msg = "Verification failed: " + err.Error()
		}
		writeError(w, http.StatusUnauthorized, msg)
		return
	}
	if tooDeep {
		writeError(w, http.StatusBadRequest, "Activity is nested too deeply")
		return
	}
	if parseErr != nil {
		writeError(w, http.StatusBadRequest, "Body is not a JSON object")
		return
	}
	typ, actor := firstString(act.Type), idOf(act.Actor)
	if typ == "" || actor == "" {
		writeError(w, http.StatusBadRequest, "Activity needs a type and an actor")
		return
	}
	if len(act.ID) > maxIDLen || len(actor) > maxIDLen || len(typ) > 64 {
		writeError(w, http.StatusBadRequest, "Activity id, actor or type is too long")
		return
	}
	// An activity signed by someone else (a relay forwarding it) is
	// accepted only as relays.go decides (a Linked Data signature).
	if actor != v.Owner {
		if err := h.acceptRelayed(ctx, v.Owner, actor, body); err != nil {
			writeError(w, http.StatusUnauthorized, "Signed request actor does not match the activity's actor")
			return
		}
	}
	activityID := act.ID
	if activityID == "" {
		// Transient activities have no id: deduplicate by content.
		sum := sha256.Sum256(body)
		activityID = "urn:agora:sha256:" + hex.EncodeToString(sum[:])
	} else if !sameHost(activityID, actor) {
		writeError(w, http.StatusUnauthorized, "Activity id and actor are on different hosts")
		return
	}
	stored := &store.InboxActivity{ActivityID: activityID, Type: typ, ActorURI: actor, KeyID: v.KeyID,
		RecipientAccountID: recipient, Body: string(body)}
	_, err = h.ingestOf().storeActivity(ctx, stored)
	if err != nil {
		h.Log.Error("inbox: store activity", "err", err)
		writeError(w, http.StatusServiceUnavailable, "Could not store the activity; try again later")
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// firstString reads a string, or the first string of an array (type may be
// either in JSON-LD).
func firstString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return list[0]
	}
	return ""
}

// idOf reads an id given as a string or as an object with an id.
func idOf(raw json.RawMessage) string {
	if s := firstString(raw); s != "" {
		return s
	}
	var obj struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.ID
	}
	return ""
}

// jsonDepth is the deepest nesting of arrays and objects in b (which need
// not be valid JSON: the parser judges that afterwards).
func jsonDepth(b []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString:
			if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
