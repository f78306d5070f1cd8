package main

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/config"
)

// TestAdminEmoji runs the emoji commands on a fresh SQLite data folder:
// add, import (a zip pack), list, disable, enable, remove, and refusals.
func TestAdminEmoji(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := map[string]string{"AGORA_DATA": dir, "AGORA_URL": "https://agora.example"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	_ = png.Encode(&img, image.NewNRGBA(image.Rect(0, 0, 16, 16)))
	file := filepath.Join(dir, "blobcat.png")
	if err := os.WriteFile(file, img.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	z := zip.NewWriter(&zbuf)
	for _, name := range []string{"fox.png", "README.md"} {
		w, _ := z.Create(name)
		_, _ = w.Write(img.Bytes())
	}
	z.Close()
	pack := filepath.Join(dir, "pack.zip")
	if err := os.WriteFile(pack, zbuf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := adminEmoji(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), args, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	mustRun := func(want string, args ...string) {
		t.Helper()
		out, err := run(args...)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("emoji %v = %q, %v; want %q", args, out, err, want)
		}
	}
	mustRun("added :blobcat:", "add", "--shortcode", "blobcat", "--file", file, "--category", "blobs")
	mustRun("imported 1 emoji, skipped 0", "import", "--prefix", "p_", pack)
	mustRun("disabled :blobcat:", "disable", "--shortcode", "blobcat")
	out, _ := run("list")
	if !strings.Contains(out, ":blobcat:") || !strings.Contains(out, "blobs") || !strings.Contains(out, ":p_fox:") ||
		!strings.Contains(out, "https://agora.example/system/media/emojis/") {
		t.Errorf("list = %q", out)
	}
	mustRun("enabled :blobcat:", "enable", "--shortcode", "blobcat")
	mustRun("removed :p_fox:", "remove", "--shortcode", "p_fox")
	for _, args := range [][]string{
		{"add", "--shortcode", "blobcat", "--file", file}, // taken
		{"add", "--shortcode", "a", "--file", file},       // too short
		{"add", "--shortcode", "svg", "--file", pack},     // not an image
		{"remove", "--shortcode", "p_fox"},                // gone
		{"import", filepath.Join(dir, "pack.rar")},
		{"frobnicate"},
	} {
		if out, err := run(args...); err == nil {
			t.Errorf("emoji %v succeeded: %q", args, out)
		}
	}
}
