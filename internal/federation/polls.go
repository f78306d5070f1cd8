package federation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// PollTallyDelay is how long after a vote on a local poll its new tallies
// are sent (an Update of the Question): votes within it share one Update,
// so a busy poll costs one Update per poll per delay at most.
const PollTallyDelay = time.Minute

// PollTallyArgs is the delayed job that sends a local poll's tallies. The
// store schedules one only when none is due (its polls.tally_due mark).
type PollTallyArgs struct {
	StatusID int64 `json:"status_id,string"`
}

// Kind names the job in the queue.
func (PollTallyArgs) Kind() string { return "federation.poll_tally" }

// enqueuePollTally schedules, in tx, the Update of a poll's tallies.
func (h *Handler) enqueuePollTally(ctx context.Context, tx *sql.Tx, status domain.ID) error {
	delay := h.PollTallyDelay
	if delay == 0 {
		delay = PollTallyDelay
	}
	return h.Jobs.InsertTx(ctx, tx, PollTallyArgs{StatusID: int64(status)}, &river.InsertOpts{ScheduledAt: time.Now().Add(delay)})
}

type pollTallyWorker struct {
	river.WorkerDefaults[PollTallyArgs]
	h *Handler
}

// Work publishes the Update of the Question with the tallies as they are
// now, to the poll's audience as it is now (new remote voters included).
func (w *pollTallyWorker) Work(ctx context.Context, job *river.Job[PollTallyArgs]) error {
	o, err := w.h.Store.StartPollTally(ctx, domain.ID(job.Args.StatusID))
	if errors.Is(err, domain.ErrNotFound) {
		return nil // the poll was deleted meanwhile
	}
	if err != nil {
		return err
	}
	_, err = w.h.Jobs.Client().Insert(ctx, PublishArgs{Outgoing: o, At: w.h.Now().UnixMilli()}, nil)
	return err
}

// pollTallies applies the tallies of a remote poll from an Update of its
// Question (update checked its origin and author): the count of each
// option (replies.totalItems, in the order remotePoll kept the options),
// votersCount when given, and the end (closed, else endTime). They replace
// what was counted here; the status's edit history is not touched.
func (p *Processor) pollTallies(ctx context.Context, st *domain.Status, obj *activitypub.Incoming, body []byte) error {
	votes, voters := questionTallies(obj, body)
	if len(votes) == 0 {
		return drop("Update of Question %s without options", obj.ID)
	}
	end := activitypub.ParseTime(questionClosed(obj))
	if end.IsZero() {
		end = activitypub.ParseTime(obj.EndTime)
	}
	err := p.r.h.Store.SetRemotePollTallies(ctx, st.ID, votes, voters, end)
	switch domain.KindOf(err) {
	case domain.KindNotFound:
		return drop("Update of Question %s, a status without a poll here", obj.ID)
	case domain.KindInvalid:
		return drop("Update of Question %s: %v", obj.ID, err)
	}
	return err
}

// questionTallies reads a Question's count of each option
// (replies.totalItems, in the order remotePoll kept the options) and
// votersCount (nil when absent or malformed; body is the Question's JSON,
// as activitypub.Incoming does not read it).
func questionTallies(obj *activitypub.Incoming, body []byte) (votes []int64, voters *int64) {
	opts := obj.OneOf
	if len(obj.AnyOf) > 0 {
		opts = obj.AnyOf
	}
	for _, o := range opts {
		// The same options as remotePoll stores: named ones, at most
		// maxRemotePollOpts.
		if truncate(PlainText(o.Name), 200) == "" || len(votes) >= maxRemotePollOpts {
			continue
		}
		votes = append(votes, max(o.Replies.TotalItems, 0))
	}
	var extra struct {
		VotersCount *int64 `json:"votersCount"`
	}
	_ = json.Unmarshal(body, &extra) // malformed: no voters count
	if extra.VotersCount != nil && *extra.VotersCount < 0 {
		extra.VotersCount = nil
	}
	return votes, extra.VotersCount
}

// firstTallies keeps the tallies a remote poll arrives with (Mastodon's
// Create carries them, and so does the Question fetched from its id), as
// an Update's are kept, so that a poll received with votes shows them
// before its next Update; never over tallies an Update brought (the note
// was known already). A Question with no votersCount and no vote tells
// nothing: the poll then counts local votes, as before. The end was read
// with the poll (remotePoll).
func (r *resolver) firstTallies(ctx context.Context, st *domain.Status, obj *activitypub.Incoming, body []byte) error {
	if obj.Type != "Question" || body == nil {
		return nil
	}
	votes, voters := questionTallies(obj, body)
	if len(votes) == 0 || (voters == nil && !slices.ContainsFunc(votes, func(n int64) bool { return n > 0 })) {
		return nil
	}
	err := r.h.Store.SetFirstRemotePollTallies(ctx, st.ID, votes, voters)
	if k := domain.KindOf(err); k == domain.KindNotFound || k == domain.KindInvalid {
		// No poll was stored for it (remotePoll found no option), or
		// the options differ: the next Update brings the tallies.
		r.h.Log.Debug("first poll tallies not kept", "note", obj.ID, "err", err)
		return nil
	}
	return err
}

// questionClosed is a Question's closed time ("" when absent, or when it
// is a boolean: Mastodon sends a time).
func questionClosed(obj *activitypub.Incoming) string {
	if len(obj.Closed) > 0 && obj.Closed[0] == '"' {
		return strings.Trim(string(obj.Closed), `"`)
	}
	return ""
}
