package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// TestMediaProcessing: an upload created processing (with the work that
// enqueues its job in the same transaction) is not attachable until it is
// finished; a failed one never is; finishing a deleted one is not found.
func TestMediaProcessing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{time.UnixMilli(1_700_000_000_000)}
		st := store.New(d, c.now)
		alice := mustLocalUser(t, st, "alice").AccountID
		newMedia := func() *store.Media {
			return &store.Media{ID: st.IDs.Next(), AccountID: alice, Type: "video", ContentType: "video/webm",
				SourceKey: "media/1/abc/source.webm", Meta: `{}`, Processing: store.MediaProcessing}
		}
		// The follow-up work rolls the row back with it.
		boom := errors.New("enqueue failed")
		rolled := newMedia()
		if err := st.CreateMediaThen(ctx, rolled, func(*sql.Tx) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("CreateMediaThen = %v, want the follow-up's error", err)
		}
		if _, err := st.Media(ctx, rolled.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("rolled-back media: %v", err)
		}

		m := newMedia()
		ran := false
		if err := st.CreateMediaThen(ctx, m, func(tx *sql.Tx) error { ran = tx != nil; return nil }); err != nil || !ran {
			t.Fatalf("CreateMediaThen = %v (follow-up ran: %v)", err, ran)
		}
		got, err := st.Media(ctx, m.ID)
		if err != nil || got.Processing != store.MediaProcessing || got.SourceKey != m.SourceKey || got.FileKey != "" {
			t.Fatalf("loaded %+v, %v", got, err)
		}
		if err := st.MediaAttachable(ctx, alice, 0, []domain.ID{m.ID}); !errors.Is(err, store.ErrMediaNotReady) {
			t.Errorf("attachable while processing: %v", err)
		}
		done := *got
		done.Type, done.ContentType, done.FileKey, done.PreviewKey, done.FileSize = "gifv", "video/mp4", "media/1/abc/original.mp4", "media/1/abc/small.jpg", 1234
		done.Blurhash, done.Meta = "LEHV6nWB2yk8pyo0adR*.7kCMdnj", `{"original":{"width":320}}`
		if err := st.FinishMedia(ctx, &done); err != nil {
			t.Fatal(err)
		}
		got, err = st.Media(ctx, m.ID)
		if err != nil || got.Processing != store.MediaDone || got.SourceKey != "" || got.Type != "gifv" || got.FileKey != done.FileKey ||
			got.FileSize != 1234 || got.Meta != done.Meta || got.Blurhash != done.Blurhash {
			t.Fatalf("finished %+v, %v", got, err)
		}
		if err := st.MediaAttachable(ctx, alice, 0, []domain.ID{m.ID}); err != nil {
			t.Errorf("attachable when done: %v", err)
		}
		// Finishing twice (a retried job) finds nothing to finish.
		if err := st.FinishMedia(ctx, &done); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("second FinishMedia = %v", err)
		}

		failed := newMedia()
		if err := st.CreateMedia(ctx, failed); err != nil {
			t.Fatal(err)
		}
		if err := st.FailMedia(ctx, failed.ID, "the file lasts 900 seconds"); err != nil {
			t.Fatal(err)
		}
		got, err = st.Media(ctx, failed.ID)
		if err != nil || got.Processing != store.MediaFailed || got.ProcessingError != "the file lasts 900 seconds" || got.SourceKey != "" {
			t.Fatalf("failed %+v, %v", got, err)
		}
		if err := st.MediaAttachable(ctx, alice, 0, []domain.ID{failed.ID}); domain.KindOf(err) != domain.KindInvalid || errors.Is(err, store.ErrMediaNotReady) {
			t.Errorf("attachable when failed: %v", err)
		}
		if err := st.FinishMedia(ctx, &store.Media{ID: failed.ID}); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("finishing a failed upload = %v", err)
		}

		// A deleted upload cannot be finished (its job removes its files).
		gone := newMedia()
		if err := st.CreateMedia(ctx, gone); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteMedia(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.FinishMedia(ctx, gone); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("finishing a deleted upload = %v", err)
		}
		// Images are created done.
		img := &store.Media{ID: st.IDs.Next(), AccountID: alice, Type: "image", ContentType: "image/jpeg", FileKey: "media/2/x/original.jpg", Meta: `{}`}
		if err := st.CreateMedia(ctx, img); err != nil || img.Processing != store.MediaDone {
			t.Errorf("image created %q, %v", img.Processing, err)
		}
	})
}
