package media

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
)

// S3 stores media in a bucket of an S3-compatible object store.
type S3 struct {
	client    *minio.Client
	bucket    string
	publicURL string
}

// NewS3 connects to the store and checks that the bucket exists (agora
// does not create buckets: their policy is the operator's).
func NewS3(ctx context.Context, c config.S3) (*S3, error) {
	client, err := minio.New(c.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:       c.Secure,
		Region:       c.Region,
		BucketLookup: minio.BucketLookupAuto,
	})
	if err != nil {
		return nil, fmt.Errorf("AGORA_S3_ENDPOINT: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("S3 storage at %s: %w", c.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("AGORA_S3_BUCKET: bucket %q does not exist at %s", c.Bucket, c.Endpoint)
	}
	return &S3{client: client, bucket: c.Bucket, publicURL: c.PublicURL}, nil
}

// Put uploads an object with long cache headers (keys never change content).
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if !ValidKey(key) {
		return domain.Invalid("invalid media key")
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{
		ContentType: contentType, CacheControl: cacheControl,
	})
	if err != nil {
		return fmt.Errorf("store media in S3: %w", err)
	}
	return nil
}

// Open fetches an object (lazily: reads and seeks go to the store).
func (s *S3) Open(ctx context.Context, key string) (*Object, error) {
	if !ValidKey(key) {
		return nil, domain.NotFound()
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("open media in S3: %w", err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, domain.NotFound()
		}
		return nil, fmt.Errorf("open media in S3: %w", err)
	}
	return &Object{Body: obj, Size: info.Size, ModTime: info.LastModified}, nil
}

// Delete removes an object (S3 does not mind a missing one).
func (s *S3) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return domain.Invalid("invalid media key")
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil
		}
		return fmt.Errorf("delete media in S3: %w", err)
	}
	return nil
}

// PublicURL is AGORA_S3_PUBLIC_URL/KEY, or "" to serve through agora.
func (s *S3) PublicURL(key string) string {
	if s.publicURL == "" {
		return ""
	}
	return s.publicURL + "/" + key
}
