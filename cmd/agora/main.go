// Command agora is the agora server and its admin tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/config"
)

const usage = `agora: a social network server for public discourse.

Usage:
  agora serve                      run the server (configuration from the environment)
  agora admin create-user --username U --email E --password P [--role user|moderator|admin]
  agora admin token --username U [--scopes "read write follow push"]
  agora admin approve --username U   approve a sign-up (AGORA_REGISTRATIONS=approval)
  agora admin invite --username U [--max-uses 1] [--expires-in 168h] [--autofollow]
                                     print an invitation link made by U
  agora admin reset-password --username U   print a one-hour link to choose a new password
  agora admin export --username U --out FILE.zip   write U's archive (as /settings/export)
  agora admin emoji add|import|list|remove|disable|enable ...   custom emoji (agora admin emoji)
  agora admin relay add|list|enable|disable|remove [INBOX_URL]   manage relays (docs/administration.md)
  agora version

Configuration (environment): AGORA_ADDR, AGORA_URL, AGORA_DATA, DATABASE_URL,
AGORA_REGISTRATIONS, AGORA_ALLOW_PRIVATE_ADDRESSES; see docs/configuration.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "agora:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stderr)
	case "admin":
		return admin(ctx, args[1:], getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "agora", appVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address (overrides AGORA_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	log := newLogger(cfg, stderr)
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Start(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	engine := "SQLite in " + cfg.Data
	if cfg.DatabaseURL != "" {
		engine = "PostgreSQL"
	}
	log.Info("agora is serving", "url", cfg.URL, "addr", ln.Addr().String(), "database", engine)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	a.Stop(shutdownCtx)
	return err
}

func appVersion() string { return strings.TrimSpace(app.Version) }
