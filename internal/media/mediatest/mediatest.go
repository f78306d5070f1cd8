// Package mediatest starts a real S3-compatible server for tests:
// gofakes3 (a Go implementation of the S3 API) on a loopback port, keeping
// objects in a bolt database file in the test's temporary folder.
package mediatest

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
	bolt "go.etcd.io/bbolt"

	"github.com/agora-social/agora/internal/config"
)

// Bucket is the bucket the server starts with.
const Bucket = "agora-media"

// S3 starts an S3 server with one bucket, stopped when the test ends, and
// returns the configuration that reaches it.
func S3(tb testing.TB) config.S3 {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(tb.TempDir(), "s3.bolt"), 0o600, nil)
	if err != nil {
		tb.Fatalf("s3 backend: %v", err)
	}
	backend := s3bolt.New(db)
	if err := backend.CreateBucket(Bucket); err != nil {
		tb.Fatalf("create bucket: %v", err)
	}
	ts := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	tb.Cleanup(func() {
		ts.Close()
		db.Close()
	})
	return config.S3{
		Endpoint: strings.TrimPrefix(ts.URL, "http://"), Secure: false, Bucket: Bucket, Region: "us-east-1",
		AccessKey: "agora-test", SecretKey: "agora-test-secret",
	}
}

// Env is S3's configuration as AGORA_* variables (for apitest.Start).
func Env(tb testing.TB) []string {
	tb.Helper()
	c := S3(tb)
	return []string{"AGORA_MEDIA_BACKEND=s3", "AGORA_S3_ENDPOINT=http://" + c.Endpoint, "AGORA_S3_BUCKET=" + c.Bucket,
		"AGORA_S3_REGION=" + c.Region, "AGORA_S3_ACCESS_KEY=" + c.AccessKey, "AGORA_S3_SECRET_KEY=" + c.SecretKey}
}
