// Package export writes what an account takes with it when it leaves: the
// CSV lists Mastodon's "Import and export" page offers (follows, lists,
// blocks, mutes, blocked domains, bookmarks), which Mastodon and most
// fediverse servers import, and a full archive (a ZIP in the layout of
// Mastodon's account archive: actor.json, outbox.json, likes.json,
// bookmarks.json and the account's media files).
//
// Everything is streamed as it is read, in batches, so an export costs the
// server a few hundred rows of memory whatever the account's size.
package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Renderer renders a local account and its statuses as ActivityPub
// documents, as other servers receive them (the federation handler).
type Renderer interface {
	ArchiveActor(ctx context.Context, a *domain.Account) (any, error)
	ArchiveActivity(ctx context.Context, actor *domain.Account, st *domain.Status) (any, error)
}

// Files gives the archive the account's stored media (the media service).
type Files interface {
	URL(key string) string
	KeyOf(url string) string
	OpenKey(ctx context.Context, key string) (io.ReadCloser, error)
}

// Exporter writes exports of local accounts.
type Exporter struct {
	Store    *store.Store
	BaseURL  string // the server's URL, for the ids of local statuses
	Domain   string // the server's domain, for the handles of local accounts
	Renderer Renderer
	Files    Files // nil leaves media out of archives
}

// A List is one of the CSV exports.
type List struct {
	Name     string // the file name Mastodon uses
	Header   []string
	write    func(e *Exporter, ctx context.Context, account domain.ID, w *csv.Writer) error
	TitleKey string // the web UI's label for it
}

// Lists are the CSV exports, in the order the web page offers them. The
// names and columns are Mastodon's, so the files import there unchanged.
var Lists = []*List{
	{Name: "following_accounts.csv", Header: []string{"Account address", "Show boosts", "Notify on new posts", "Languages"},
		write: (*Exporter).following, TitleKey: "following"},
	{Name: "lists.csv", write: (*Exporter).lists, TitleKey: "lists"},
	{Name: "blocked_accounts.csv", write: (*Exporter).blocks, TitleKey: "blocks"},
	{Name: "muted_accounts.csv", Header: []string{"Account address", "Hide notifications"},
		write: (*Exporter).mutes, TitleKey: "mutes"},
	{Name: "blocked_domains.csv", write: (*Exporter).domains, TitleKey: "domain_blocks"},
	{Name: "bookmarks.csv", write: (*Exporter).bookmarks, TitleKey: "bookmarks"},
}

// ListNamed returns the CSV export called name, or nil.
func ListNamed(name string) *List {
	for _, l := range Lists {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// WriteCSV writes one of the CSV exports of account to w.
func (e *Exporter) WriteCSV(ctx context.Context, w io.Writer, l *List, account domain.ID) error {
	cw := csv.NewWriter(w)
	if l.Header != nil {
		if err := cw.Write(l.Header); err != nil {
			return err
		}
	}
	if err := l.write(e, ctx, account, cw); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// acct is a handle as the CSV files write it: always user@domain, so that
// the file means the same account on another server.
func (e *Exporter) acct(h store.Handle) string {
	d := h.Domain
	if d == "" {
		d = e.Domain
	}
	return h.Username + "@" + d
}

// StatusURI is the ActivityPub id of a status (a local one's is made from
// the server's URL).
func StatusURI(baseURL string, ref store.StatusRef) string {
	if ref.URI != "" {
		return ref.URI
	}
	return activitypub.StatusURI(activitypub.ActorURI(baseURL, ref.AuthorUsername), &domain.Status{ID: ref.ID})
}

func (e *Exporter) statusURI(ref store.StatusRef) string { return StatusURI(e.BaseURL, ref) }

func (e *Exporter) following(ctx context.Context, account domain.ID, w *csv.Writer) error {
	return e.Store.EachFollowing(ctx, account, func(f store.FollowingRow) error {
		return w.Write([]string{e.acct(f.Handle), strconv.FormatBool(f.ShowReblogs), strconv.FormatBool(f.Notify), f.Languages})
	})
}

func (e *Exporter) lists(ctx context.Context, account domain.ID, w *csv.Writer) error {
	return e.Store.EachListMember(ctx, account, func(r store.ListRow) error {
		return w.Write([]string{r.Title, e.acct(r.Handle)})
	})
}

func (e *Exporter) blocks(ctx context.Context, account domain.ID, w *csv.Writer) error {
	return e.Store.EachBlocked(ctx, account, func(h store.Handle) error {
		return w.Write([]string{e.acct(h)})
	})
}

func (e *Exporter) mutes(ctx context.Context, account domain.ID, w *csv.Writer) error {
	return e.Store.EachMuted(ctx, account, func(m store.MuteRow) error {
		return w.Write([]string{e.acct(m.Handle), strconv.FormatBool(m.HideNotifications)})
	})
}

func (e *Exporter) domains(ctx context.Context, account domain.ID, w *csv.Writer) error {
	return e.Store.EachBlockedDomain(ctx, account, func(d string) error {
		return w.Write([]string{d})
	})
}

func (e *Exporter) bookmarks(ctx context.Context, account domain.ID, w *csv.Writer) error {
	return e.Store.EachBookmark(ctx, account, func(ref store.StatusRef) error {
		return w.Write([]string{e.statusURI(ref)})
	})
}

// errf wraps an export failure with what was being written.
func errf(what string, err error) error { return fmt.Errorf("export %s: %w", what, err) }
