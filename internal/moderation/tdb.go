package moderation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Transparency Database submission limits.
const (
	TDBBatchSize   = 100 // statements per POST /api/v1/statements (the database's maximum)
	TDBMaxAttempts = 3   // tries per batch before giving up until the next run
	tdbMaxBody     = 1 << 20
)

// Submitter sends statements of reasons to the DSA Transparency Database
// (or a stand-in in tests): batches of TDBBatchSize, retried unless 201,
// idempotent by puid (a batch the database refuses is checked statement by
// statement with GET /api/v1/statement/existing-puid/{puid}).
type Submitter struct {
	BaseURL string // e.g. https://transparency.dsa.ec.europa.eu
	Token   string
	Client  *http.Client
	Backoff time.Duration // between attempts; doubled each time
}

// SubmitPending sends every restrictive decision not yet accepted and
// returns how many the database now holds.
func (s *Service) SubmitPending(ctx context.Context, sub *Submitter) (int, error) {
	rules, err := s.Store.Rules(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		ds, err := s.Store.UnsubmittedDecisions(ctx, TDBBatchSize)
		if err != nil || len(ds) == 0 {
			return total, err
		}
		batch := make([]*Statement, 0, len(ds))
		ids := make([]domain.ID, 0, len(ds))
		for _, d := range ds {
			st, err := s.statement(ctx, d, rules)
			if err != nil {
				return total, err
			}
			batch, ids = append(batch, st), append(ids, d.ID)
		}
		accepted, err := sub.send(ctx, batch, ids)
		if len(accepted) > 0 {
			if merr := s.Store.MarkSubmitted(ctx, accepted); merr != nil {
				return total, merr
			}
			total += len(accepted)
		}
		if err != nil {
			return total, err
		}
	}
}

// send posts one batch; on refusal it keeps the statements the database
// already has and sends the others one by one.
func (sub *Submitter) send(ctx context.Context, batch []*Statement, ids []domain.ID) ([]domain.ID, error) {
	status, err := sub.post(ctx, "/api/v1/statements", map[string]any{"statements": batch})
	if err != nil {
		return nil, err
	}
	if status == http.StatusCreated {
		return ids, nil
	}
	if status != http.StatusUnprocessableEntity {
		return nil, fmt.Errorf("transparency database: status %d", status)
	}
	var accepted []domain.ID
	for i, st := range batch {
		exists, err := sub.exists(ctx, st.PUID)
		if err != nil {
			return accepted, err
		}
		if !exists {
			status, err := sub.post(ctx, "/api/v1/statement", st)
			if err != nil {
				return accepted, err
			}
			if status != http.StatusCreated {
				return accepted, fmt.Errorf("transparency database refused statement %s: status %d", st.PUID, status)
			}
		}
		accepted = append(accepted, ids[i])
	}
	return accepted, nil
}

// post sends body, retrying on transport errors and 5xx answers.
func (sub *Submitter) post(ctx context.Context, path string, body any) (int, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	wait := sub.Backoff
	var last error
	for attempt := 0; attempt < TDBMaxAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		status, err := sub.do(ctx, http.MethodPost, path, raw)
		if err == nil && status < 500 {
			return status, nil
		}
		last = err
		if err == nil {
			last = fmt.Errorf("transparency database: status %d", status)
		}
	}
	return 0, last
}

func (sub *Submitter) exists(ctx context.Context, puid string) (bool, error) {
	status, err := sub.do(ctx, http.MethodGet, "/api/v1/statement/existing-puid/"+url.PathEscape(puid), nil)
	if err != nil {
		return false, err
	}
	switch {
	case status == http.StatusNotFound:
		return false, nil
	case status < 400:
		return true, nil
	}
	return false, fmt.Errorf("transparency database: existing-puid status %d", status)
}

func (sub *Submitter) do(ctx context.Context, method, path string, body []byte) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(sub.BaseURL, "/")+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+sub.Token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c := sub.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, tdbMaxBody))
	return res.StatusCode, nil
}
