// Package app builds one agora process from its configuration: database,
// store, services, HTTP edges and background workers.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/api/oauth"
	"github.com/agora-social/agora/internal/api/wellknown"
	"github.com/agora-social/agora/internal/cards"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/export"
	"github.com/agora-social/agora/internal/federation"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/imports"
	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/maintenance"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/metrics"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/notes"
	"github.com/agora-social/agora/internal/server"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/streaming"
	"github.com/agora-social/agora/internal/web"
)

// App is one agora process.
type App struct {
	Cfg      *config.Config
	Log      *slog.Logger
	DB       *db.DB
	Store    *store.Store
	Accounts *accounts.Service
	API      *mastodon.API
	OAuth    *oauth.Handler
	Jobs     *jobs.Queue
	Metrics  *metrics.Metrics
	Fed      *federation.Handler
	Web      *web.Handler
	Stream   *streaming.Hub
	Media    *media.Service
	Imports  *imports.Service
}

// Open opens the database (migrating it) and builds the services.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*App, error) {
	d, err := db.Open(ctx, cfg.Data, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	st := store.New(d, time.Now)
	q, err := jobs.New(ctx, d, log)
	if err != nil {
		d.Close()
		return nil, err
	}
	a := &App{Cfg: cfg, Log: log, DB: d, Store: st, Jobs: q, Metrics: metrics.New()}
	a.Accounts = &accounts.Service{Cfg: cfg, Store: st, Log: log}
	storage, err := media.OpenStorage(ctx, cfg.Media, cfg.Data)
	if err != nil {
		d.Close()
		return nil, err
	}
	// One guarded client for what agora fetches besides federation.
	client := httpclient.New(httpclient.Config{AllowPrivate: cfg.AllowPrivate, UserAgent: httpclient.UserAgent(Version, cfg.URL)})
	a.Media = &media.Service{Cfg: cfg, Store: st, Storage: storage, Log: log, Client: client}
	a.API = mastodon.New(cfg, log, st, a.Accounts)
	a.API.Media = a.Media
	a.Stream = streaming.New(a.API, st, log)
	a.API.Streaming = a.Stream
	if d.Dialect == db.SQLite {
		st.Events = a.Stream // one node: events go straight to the hub; PostgreSQL uses NOTIFY
	}
	a.Web = &web.Handler{Cfg: cfg, Log: log, Store: st, Accounts: a.Accounts, Media: a.Media}
	a.Fed = &federation.Handler{Cfg: cfg, Log: log, Store: st, Jobs: q, MediaURL: a.Media.URL}
	a.Fed.SetEmojiMedia(a.Media) // remote emoji images (federation/emojis.go)
	a.API.Resolver = a.Fed
	a.Accounts.Remote = a.Fed
	a.Web.Export = &export.Exporter{Store: st, BaseURL: cfg.URL, Domain: cfg.Domain, Renderer: a.Fed, Files: a.Media}
	a.Imports = &imports.Service{Store: st, Statuses: statuses.New(cfg, st), Resolver: a.Fed, Jobs: q, Domain: cfg.Domain, BaseURL: cfg.URL, Log: log}
	a.Web.Imports = a.Imports
	st.Federator = a.Fed
	a.OAuth = &oauth.Handler{Cfg: cfg, Log: log, Store: st, Accounts: a.Accounts}
	return a, nil
}

// Handler is the whole HTTP surface.
func (a *App) Handler() http.Handler {
	ready := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return a.DB.W.PingContext(ctx)
	}
	h := server.New(a.Log, a.Metrics, a.Cfg.MetricsToken, ready, a.API, a.API.Moderation(), a.OAuth, a.Fed, a.Web, &wellknown.Handler{Cfg: a.Cfg, Store: a.Store, Version: Version})
	rules := &moderation.IPRules{Store: a.Store}
	return server.DenyIPs(h, func(r *http.Request) bool { return rules.NoAccess(r.Context(), mastodon.ClientIP(r)) })
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Version is agora's version.
const Version = mastodon.Version

// Start runs the background work (job workers) and prints the first-admin
// link when there is no admin yet.
func (a *App) Start(ctx context.Context) error {
	maintenance.Register(a.Jobs, a.Store, a.Log)
	media.Register(a.Jobs, a.Media, a.Log)
	notes.Register(a.Jobs, notes.New(a.Store, statuses.New(a.Cfg, a.Store), a.Log))
	cards.Register(a.Jobs, &cards.Service{Store: a.Store, Log: a.Log, Client: a.Media.Client, Images: a.Media, Accounts: a.Fed})
	statuses.Register(a.Jobs, statuses.New(a.Cfg, a.Store), a.Log)
	imports.Register(a.Jobs, a.Imports)
	var sub *moderation.Submitter
	if a.Cfg.TDBURL != "" {
		sub = &moderation.Submitter{BaseURL: a.Cfg.TDBURL, Token: a.Cfg.TDBToken}
	}
	moderation.Register(a.Jobs, moderation.New(a.Store, a.Log, a.Cfg.URL), sub, a.Log)
	a.Fed.RegisterWorkers(federation.NewProcessor(a.Fed).Process)
	if err := a.Jobs.Start(ctx); err != nil {
		return err
	}
	go a.Stream.Run(ctx)
	if a.DB.Dialect == db.Postgres {
		if err := a.Stream.Listen(ctx, a.Cfg.DatabaseURL); err != nil {
			return err
		}
	}
	return a.announceSetup(ctx)
}

// Stop stops the background work, letting running jobs and the emails
// being sent finish.
func (a *App) Stop(ctx context.Context) {
	a.Web.Wait()
	if err := a.Jobs.Stop(ctx); err != nil {
		a.Log.Warn("stopping the job queue", "err", err)
	}
}
