package maintenance

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// TestSearchReindexWorker runs the job over an index emptied as migration
// 0026 leaves it, and checks that the posts are found again.
func TestSearchReindexWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, time.Now)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
		now := time.Now().UnixMilli()
		exec(`INSERT INTO accounts (id, username, indexable, created_at, updated_at) VALUES (1, 'a', TRUE, $1, $1)`, now)
		for range store.ReindexSearchBatch + 5 {
			id := int64(st.IDs.Next())
			exec(`INSERT INTO statuses (id, account_id, visibility, text, language, conversation_id, created_at)
				VALUES ($1, 1, 'public', 'ils chantaient', 'fr', $1, $2)`, id, now)
		}
		if d.Dialect == db.SQLite {
			exec(`INSERT INTO statuses_fts (statuses_fts) VALUES ('delete-all')`)
			exec(`INSERT INTO search_reindex (id, next_id) VALUES (1, $1)`, int64(st.IDs.Next()))
		}
		w := &searchReindexWorker{store: st, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if err := w.Work(ctx, &river.Job[SearchReindexArgs]{}); err != nil {
			t.Fatal(err)
		}
		got, err := st.SearchStatuses(ctx, store.StatusSearch{Viewer: 1, Terms: []string{"chanter"}, Limit: 40, Offset: store.ReindexSearchBatch - 35})
		if err != nil || len(got) != 40 {
			t.Fatalf("chanter after the job: %d found (%v), want a full page at the end of %d", len(got), err, store.ReindexSearchBatch+5)
		}
	})
}
