package statuses

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits of scheduled statuses, as Mastodon's.
const (
	MinScheduleAhead     = 5 * time.Minute // how far ahead scheduled_at must be
	MaxScheduled         = 300             // scheduled statuses per account
	MaxScheduledPerDay   = 25              // scheduled for the same UTC day
	PublishDueBatch      = 100             // scheduled statuses posted per PublishDue call
	scheduledIdempotency = "scheduled-"    // key prefix making a retried publish post once
)

// validSchedule checks a scheduled time against now.
func validSchedule(at, now time.Time) error {
	if at.Before(now.Add(MinScheduleAhead)) {
		return domain.Invalid("Validation failed: Scheduled at must be at least %d minutes in the future", int(MinScheduleAhead/time.Minute))
	}
	return nil
}

// Schedule validates a post now and stores it to be published at
// in.ScheduledAt.
func (s *Service) Schedule(ctx context.Context, author *domain.Account, prefs domain.Preferences, in PostInput) (*store.ScheduledStatus, error) {
	at := in.ScheduledAt.UTC()
	if err := validSchedule(at, s.Store.Now()); err != nil {
		return nil, err
	}
	if in.Visibility != "" && !domain.ValidVisibility(domain.Visibility(in.Visibility)) {
		return nil, domain.Invalid("Validation failed: visibility must be public, unlisted, private or direct")
	}
	if in.QuotedStatusID != 0 {
		// The quoted author's consent is checked when posting, not kept
		// (nor is quote_approval_policy: the account's default applies).
		return nil, domain.Invalid("Validation failed: scheduled quotes are not supported yet")
	}
	if len(in.MediaIDs) > 0 {
		// The orphan cleanup would delete the files before publication.
		return nil, domain.Invalid("Validation failed: scheduled posts with media are not supported yet")
	}
	if _, err := s.prepare(ctx, in.Text, in.SpoilerText, in.Poll, in.MediaIDs, in.Language); err != nil {
		return nil, err
	}
	if _, err := applyPolicy(DefaultPolicy(domain.Public), in.InteractionPolicy); err != nil {
		return nil, err
	}
	if in.InReplyToID != 0 {
		parent, err := s.visibleOriginal(ctx, author.ID, in.InReplyToID)
		if err != nil {
			return nil, err
		}
		// A reply that needs the author's approval is scheduled like any:
		// when due, Post holds it pending, as a reply posted then would be.
		if _, err := s.DecideInteraction(ctx, author, parent, Reply); err != nil {
			return nil, err
		}
	}
	total, sameDay, err := s.Store.CountScheduled(ctx, author.ID, at)
	if err != nil {
		return nil, err
	}
	if total >= MaxScheduled {
		return nil, domain.Invalid("Validation failed: You have exceeded the limit of %d scheduled posts", MaxScheduled)
	}
	if sameDay >= MaxScheduledPerDay {
		return nil, domain.Invalid("Validation failed: You have exceeded the limit of %d scheduled posts for that day", MaxScheduledPerDay)
	}
	in.ScheduledAt = nil
	params, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode scheduled status: %w", err)
	}
	st := &store.ScheduledStatus{ID: s.Store.IDs.Next(), AccountID: author.ID, ScheduledAt: at, Params: string(params)}
	return st, s.Store.CreateScheduled(ctx, st)
}

// ScheduledInput decodes a scheduled status's parameters.
func ScheduledInput(st *store.ScheduledStatus) (PostInput, error) {
	var in PostInput
	err := json.Unmarshal([]byte(st.Params), &in)
	return in, err
}

// Reschedule moves one's scheduled status to a new time.
func (s *Service) Reschedule(ctx context.Context, account, id domain.ID, at time.Time) error {
	if err := validSchedule(at, s.Store.Now()); err != nil {
		return err
	}
	return s.Store.Reschedule(ctx, account, id, at.UTC())
}

// PublishDue posts the scheduled statuses whose time has come and returns
// how many it posted. The lead wires it into a periodic job. A post that is
// no longer valid (its reply target is gone, its author disabled) is
// dropped; other errors leave it for the next run, and the idempotency key
// keeps a retried publish from posting twice.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	due, err := s.Store.DueScheduled(ctx, s.Store.Now(), PublishDueBatch)
	if err != nil {
		return 0, err
	}
	posted := 0
	for _, st := range due {
		in, err := ScheduledInput(st)
		if err != nil {
			return posted, fmt.Errorf("decode scheduled status %d: %w", st.ID, err)
		}
		in.IdempotencyKey = scheduledIdempotency + st.ID.String()
		u, uerr := s.Store.UserByAccount(ctx, st.AccountID)
		acct, aerr := s.Store.Account(ctx, st.AccountID)
		switch {
		case uerr == nil && aerr == nil && !u.Disabled && acct.SuspendedAt == nil:
			_, err = s.Post(ctx, acct, u.Preferences, in)
		case domain.KindOf(uerr) == domain.KindNotFound || domain.KindOf(aerr) == domain.KindNotFound:
			err = domain.NotFound()
		case uerr != nil || aerr != nil:
			return posted, fmt.Errorf("load scheduled status author: %w", errors.Join(uerr, aerr))
		default:
			err = domain.Forbidden("author disabled")
		}
		if err != nil && domain.KindOf(err) == domain.KindInternal {
			return posted, err
		}
		if err == nil {
			posted++
		}
		if derr := s.Store.DeleteScheduled(ctx, 0, st.ID); derr != nil && domain.KindOf(derr) != domain.KindNotFound {
			return posted, derr
		}
	}
	return posted, nil
}
