package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// Batches stored at once (PostgreSQL lets them overlap) share authors and
// a tag, and draw the same ids: each batch is stored whole, without a
// deadlock or a unique violation (which would fail the batch), the ids
// taken by another batch drawn again, and the counters add up.
func TestCreateRemoteStatusesConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		reader := graphUsers(t, s, "reader")[0]
		var authors []*domain.Account
		for _, n := range []string{"ann", "ben", "cat"} {
			a := upsertRemote(t, s, n, "r.example")
			if _, err := s.Follow(ctx, reader, a.ID, FollowOptions{}); err != nil {
				t.Fatal(err)
			}
			authors = append(authors, a)
		}
		const batches, perBatch = 4, 30
		base := time.Now().Truncate(time.Second).UnixMilli()
		var wg sync.WaitGroup
		errs := make([]error, batches)
		for b := range batches {
			ws := make([]*RemoteStatusWrite, perBatch)
			for i := range ws {
				// The same ids in every batch, authors in opposite orders.
				id := domain.ID(base<<16 | int64(i))
				a := authors[(i+b)%len(authors)]
				if b%2 == 1 {
					a = authors[len(authors)-1-(i%len(authors))]
				}
				uri := fmt.Sprintf("https://r.example/notes/%d-%d", b, i)
				ws[i] = &RemoteStatusWrite{Status: &domain.Status{ID: id, ConversationID: id, AccountID: a.ID, URI: uri, URL: uri,
					Visibility: domain.Public, Content: "<p>#Shared and #t" + fmt.Sprint(i%5) + "</p>",
					Tags: []string{"Shared", fmt.Sprintf("t%d", 4-i%5)}, CreatedAt: time.UnixMilli(base)}}
			}
			wg.Go(func() { errs[b] = s.CreateRemoteStatuses(ctx, ws) })
		}
		wg.Wait()
		for b, err := range errs {
			if err != nil {
				t.Errorf("batch %d: %v", b, err)
			}
		}
		var n, distinct, tagged, feed int
		q := func(dst *int, query string, args ...any) {
			t.Helper()
			if err := d.R.QueryRowContext(ctx, query, args...).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		q(&n, `SELECT COUNT(*) FROM statuses WHERE uri LIKE 'https://r.example/notes/%'`)
		q(&distinct, `SELECT COUNT(DISTINCT id) FROM statuses WHERE uri LIKE 'https://r.example/notes/%'`)
		q(&tagged, `SELECT COUNT(*) FROM status_tags st JOIN tags g ON g.id = st.tag_id WHERE g.name = 'shared'`)
		q(&feed, `SELECT COUNT(*) FROM home_feed WHERE account_id = $1`, int64(reader))
		if n != batches*perBatch || distinct != n || tagged != n || feed != n {
			t.Errorf("stored %d statuses (%d ids), %d tagged, %d in the feed; want %d", n, distinct, tagged, feed, batches*perBatch)
		}
		var counted int
		q(&counted, `SELECT SUM(statuses_count) FROM accounts WHERE domain = 'r.example'`)
		if counted != batches*perBatch {
			t.Errorf("authors' counters sum to %d, want %d", counted, batches*perBatch)
		}
	})
}
