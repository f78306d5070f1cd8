// Package imports brings a network to agora: the CSV lists Mastodon (and
// agora, internal/export) write — follows, lists, blocks, mutes, blocked
// domains, bookmarks — are read, checked whole, stored, then applied by a
// job a batch of rows at a time, through the same services as the API (a
// follow of a remote account sends its Follow, a bookmark needs a post the
// importer may see). Each row's outcome is kept, so the page can say what
// failed and why.
package imports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/export"
	"github.com/agora-social/agora/internal/graph"
	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/lists"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Limits of processing.
const (
	MaxUnfinished = 3  // imports of one account waiting or running at once
	Batch         = 50 // rows applied per job run
)

// Resolver finds remote accounts and posts over federation (the
// federation handler).
type Resolver interface {
	ResolveAccount(ctx context.Context, username, host string) (*domain.Account, error)
	ResolveURL(ctx context.Context, rawURL string) (*domain.Account, *domain.Status, error)
}

// Service creates and runs imports.
type Service struct {
	Store    *store.Store
	Statuses *statuses.Service
	Resolver Resolver // nil: only accounts and posts known here are found
	Jobs     *jobs.Queue
	Domain   string // this server's domain: its handles are local accounts
	BaseURL  string
	Log      *slog.Logger
}

func (s *Service) graph() *graph.Service { return graph.New(s.Store) }

// Create reads an import file and schedules its rows. An overwrite also
// removes, when the job starts, what the file does not list (not for
// lists, whose members are only added).
func (s *Service) Create(ctx context.Context, account domain.ID, kind string, overwrite bool, filename string, r io.Reader) (*store.Import, error) {
	if overwrite && kind == Lists {
		return nil, domain.Invalid("Lists can only be merged: members are added to lists of the same name").Tr("imp_err_lists_merge")
	}
	rows, err := Parse(kind, r)
	if err != nil {
		return nil, err
	}
	n, err := s.Store.UnfinishedImports(ctx, account)
	if err != nil {
		return nil, err
	}
	if n >= MaxUnfinished {
		return nil, domain.E(domain.KindRateLimited, "%d imports are still running: wait for one to finish", n).Tr("imp_err_running", n)
	}
	data := make([]string, len(rows))
	for i, row := range rows {
		b, _ := json.Marshal(row)
		data[i] = string(b)
	}
	imp := &store.Import{AccountID: account, Kind: kind, Overwrite: overwrite, Filename: clip(filename, 200)}
	err = s.Store.CreateImport(ctx, imp, data, func(tx *sql.Tx) error {
		return s.Jobs.InsertTx(ctx, tx, RunArgs{ImportID: int64(imp.ID)}, nil)
	})
	return imp, err
}

// Run applies the next batch of an import's rows and reports whether rows
// remain.
func (s *Service) Run(ctx context.Context, id domain.ID) (more bool, err error) {
	imp, err := s.Store.Import(ctx, id)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return false, nil // the account is gone, and its import with it
		}
		return false, err
	}
	if imp.State == "finished" {
		return false, nil
	}
	if imp.State == "scheduled" {
		if imp.Overwrite {
			if err := s.overwrite(ctx, imp); err != nil {
				return false, err
			}
		}
		if err := s.Store.SetImportState(ctx, imp.ID, "running"); err != nil {
			return false, err
		}
	}
	rows, err := s.Store.ImportRows(ctx, imp.ID, "pending", Batch)
	if err != nil {
		return false, err
	}
	r := runner{s: s, imp: imp, lists: map[string]domain.ID{}}
	done := make([]store.ImportRow, 0, len(rows))
	for _, ir := range rows {
		var row Row
		if err := json.Unmarshal([]byte(ir.Data), &row); err != nil {
			ir.Error = rowError(domain.Invalid("unreadable row").Tr("imp_err_unreadable"))
		} else if err := r.apply(ctx, row); err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			ir.Error = rowError(err)
		}
		done = append(done, ir)
	}
	if err := s.Store.FinishImportRows(ctx, imp.ID, done); err != nil {
		return false, err
	}
	if len(rows) < Batch {
		return false, s.Store.SetImportState(ctx, imp.ID, "finished")
	}
	return true, nil
}

// rowError is what the page says of a failed row: the service's message
// for the errors people can act on, a generic one for the rest. An error
// with a translation key is stored as JSON (rowFailure) so that the page
// can say it in its reader's language; Failure reads both forms.
func rowError(err error) string {
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind == domain.KindInternal {
		de = domain.Invalid("could not be reached or applied").Tr("imp_err_generic")
	}
	if de.Key == "" {
		return clip(de.Message, 300)
	}
	b, jerr := json.Marshal(rowFailure{Message: clip(de.Message, 300), Key: de.Key, Args: de.Args})
	if jerr != nil {
		return clip(de.Message, 300)
	}
	return string(b)
}

// rowFailure is a failed row's error as stored: its English message and
// its translation key with arguments.
type rowFailure struct {
	Message string `json:"message"`
	Key     string `json:"key"`
	Args    []any  `json:"args,omitempty"`
}

// Failure is a failed row as the import page lists it: its line, what it
// named (an account, a domain, a post, prefixed by the list) and why it
// failed, with the translation key of the reason when it has one. Line is
// 0 when the row cannot be read.
func Failure(r store.ImportRow) (line int, what string, why *domain.Error) {
	why = &domain.Error{Kind: domain.KindInvalid, Message: r.Error}
	var f rowFailure
	if strings.HasPrefix(r.Error, "{") && json.Unmarshal([]byte(r.Error), &f) == nil && f.Key != "" {
		for i, a := range f.Args {
			// JSON numbers come back as float64: %d wants an int.
			if x, ok := a.(float64); ok && x == float64(int64(x)) {
				f.Args[i] = int64(x)
			}
		}
		why = domain.Invalid("%s", f.Message).Tr(f.Key, f.Args...)
	}
	var row Row
	if err := json.Unmarshal([]byte(r.Data), &row); err != nil {
		return 0, "", why
	}
	what = row.Acct
	switch {
	case row.Domain != "":
		what = row.Domain
	case row.URI != "":
		what = row.URI
	}
	if row.List != "" {
		what = row.List + ": " + what
	}
	return row.Line, what, why
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// runner applies one batch, with the lists it found or made.
type runner struct {
	s     *Service
	imp   *store.Import
	lists map[string]domain.ID
}

func (r *runner) apply(ctx context.Context, row Row) error {
	owner := r.imp.AccountID
	g := r.s.graph()
	switch r.imp.Kind {
	case DomainBlocks:
		if row.Domain == r.s.Domain {
			return domain.Invalid("You cannot block your own server").Tr("imp_err_own_server")
		}
		return r.s.Store.BlockDomain(ctx, owner, row.Domain)
	case Bookmarks:
		st, err := r.s.status(ctx, row.URI)
		if err != nil {
			return err
		}
		_, err = r.s.Statuses.Bookmark(ctx, owner, st.ID, true)
		return err
	}
	target, err := r.s.account(ctx, row.Acct)
	if err != nil {
		return err
	}
	if target.ID == owner {
		return domain.Invalid("That is your own account").Tr("imp_err_own_account")
	}
	switch r.imp.Kind {
	case Following:
		langs := row.Languages
		_, err = g.Follow(ctx, owner, target.ID, graph.FollowOptions{ShowReblogs: &row.ShowReblogs, Notify: &row.Notify, Languages: &langs})
	case Blocks:
		_, err = g.Block(ctx, owner, target.ID)
	case Mutes:
		_, err = g.Mute(ctx, owner, target.ID, row.HideNotifications, 0)
	case Lists:
		err = r.addToList(ctx, row.List, target)
	}
	return err
}

// addToList follows the account when needed (a list holds followed
// accounts) and adds it to the list of that name, made when missing.
func (r *runner) addToList(ctx context.Context, title string, target *domain.Account) error {
	owner := r.imp.AccountID
	id, ok := r.lists[title]
	if !ok {
		all, err := r.s.Store.Lists(ctx, owner)
		if err != nil {
			return err
		}
		for _, l := range all {
			if strings.EqualFold(l.Title, title) {
				id = l.ID
			}
		}
		if id == 0 {
			l, err := (&lists.Service{Store: r.s.Store}).Create(ctx, owner, lists.Changes{Title: &title})
			if err != nil {
				return err
			}
			id = l.ID
		}
		r.lists[title] = id
	}
	rel, err := r.s.graph().Follow(ctx, owner, target.ID, graph.FollowOptions{})
	if err != nil {
		return err
	}
	if !rel.Following {
		return domain.Invalid("Follow request sent: the account is added to the list once it accepts").Tr("imp_err_list_requested")
	}
	return (&lists.Service{Store: r.s.Store}).AddAccounts(ctx, owner, id, []domain.ID{target.ID})
}

// account finds user@host: a local account, a remote one known here, or
// one resolved over federation.
func (s *Service) account(ctx context.Context, acct string) (*domain.Account, error) {
	user, host, _ := strings.Cut(acct, "@")
	if strings.EqualFold(host, s.Domain) {
		a, err := s.Store.AccountByHandle(ctx, user, "")
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, domain.Invalid("No account %s on this server", acct).Tr("imp_err_no_account", acct)
		}
		return a, err
	}
	a, err := s.Store.AccountByHandle(ctx, user, host)
	if err == nil {
		return a, nil
	}
	if domain.KindOf(err) != domain.KindNotFound {
		return nil, err
	}
	if s.Resolver == nil {
		return nil, domain.Invalid("%s is not known here", acct).Tr("imp_err_unknown_account", acct)
	}
	a, err = s.Resolver.ResolveAccount(ctx, user, host)
	if err != nil {
		return nil, domain.Invalid("%s could not be found on its server", acct).Tr("imp_err_remote_missing", acct)
	}
	return a, nil
}

// status finds a post by its ActivityPub id or address.
func (s *Service) status(ctx context.Context, uri string) (*domain.Status, error) {
	if rest, ok := strings.CutPrefix(uri, s.BaseURL+"/"); ok {
		// A local post: /users/NAME/statuses/ID or /@NAME/ID.
		parts := strings.Split(rest, "/")
		if id, ok := domain.ParseID(parts[len(parts)-1]); ok {
			return s.Store.Status(ctx, id)
		}
		return nil, domain.Invalid("No such post on this server").Tr("imp_err_no_post")
	}
	st, err := s.Store.StatusByURI(ctx, uri)
	if err == nil {
		return st, nil
	}
	if domain.KindOf(err) != domain.KindNotFound {
		return nil, err
	}
	if s.Resolver == nil {
		return nil, domain.Invalid("The post is not known here").Tr("imp_err_unknown_post")
	}
	_, st, err = s.Resolver.ResolveURL(ctx, uri)
	if err != nil || st == nil {
		return nil, domain.Invalid("The post could not be fetched from its server").Tr("imp_err_post_fetch")
	}
	return st, nil
}

// overwrite removes what the file does not list, before its rows are
// applied.
func (s *Service) overwrite(ctx context.Context, imp *store.Import) error {
	data, err := s.Store.ImportRowsData(ctx, imp.ID)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, d := range data {
		var row Row
		if json.Unmarshal([]byte(d), &row) == nil {
			keep[row.Acct+row.Domain+row.URI] = true
		}
	}
	owner, g := imp.AccountID, s.graph()
	handle := func(h store.Handle) string {
		host := h.Domain
		if host == "" {
			host = s.Domain
		}
		return h.Username + "@" + strings.ToLower(host)
	}
	// Collect first, then remove: the lists are read in batches.
	var drop []domain.ID
	var err2 error
	switch imp.Kind {
	case Following:
		err2 = s.Store.EachFollowing(ctx, owner, func(f store.FollowingRow) error {
			if !keep[handle(f.Handle)] {
				drop = append(drop, f.ID)
			}
			return nil
		})
		for _, id := range drop {
			if _, err := g.Unfollow(ctx, owner, id); err != nil {
				return err
			}
		}
	case Blocks:
		err2 = s.Store.EachBlocked(ctx, owner, func(h store.Handle) error {
			if !keep[handle(h)] {
				drop = append(drop, h.ID)
			}
			return nil
		})
		for _, id := range drop {
			if _, err := g.Unblock(ctx, owner, id); err != nil {
				return err
			}
		}
	case Mutes:
		err2 = s.Store.EachMuted(ctx, owner, func(m store.MuteRow) error {
			if !keep[handle(m.Handle)] {
				drop = append(drop, m.ID)
			}
			return nil
		})
		for _, id := range drop {
			if _, err := g.Unmute(ctx, owner, id); err != nil {
				return err
			}
		}
	case DomainBlocks:
		var domains []string
		err2 = s.Store.EachBlockedDomain(ctx, owner, func(d string) error {
			if !keep[d] {
				domains = append(domains, d)
			}
			return nil
		})
		for _, d := range domains {
			if err := s.Store.UnblockDomain(ctx, owner, d); err != nil {
				return err
			}
		}
	case Bookmarks:
		err2 = s.Store.EachBookmark(ctx, owner, func(ref store.StatusRef) error {
			if !keep[export.StatusURI(s.BaseURL, ref)] {
				drop = append(drop, ref.ID)
			}
			return nil
		})
		for _, id := range drop {
			if err := s.Store.SetBookmark(ctx, owner, id, false); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("overwrite of %s", imp.Kind)
	}
	return err2
}
