package web

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/export"
	"github.com/agora-social/agora/internal/ratelimit"
)

// Limits of the account archive: it reads every post of the account, so
// each account may make a few a day and the server makes a few at once.
const (
	LimitArchivesPerDay = 5
	MaxArchivesAtOnce   = 2
)

// exportState is the archive's limiter and slots, made on first use.
type exportState struct {
	once  sync.Once
	daily *ratelimit.Limiter
	slots chan struct{}
}

func (h *Handler) exportLimits() *exportState {
	h.exports.once.Do(func() {
		h.exports.daily = ratelimit.New(LimitArchivesPerDay, 24*time.Hour, h.Store.Now)
		h.exports.slots = make(chan struct{}, MaxArchivesAtOnce)
	})
	return &h.exports
}

// registerExport adds the data export pages (/settings/export).
func (h *Handler) registerExport(mux *http.ServeMux) {
	mux.HandleFunc("GET /settings/export", h.exportPage)
	mux.HandleFunc("GET /settings/export/{name}", h.exportList)
	mux.HandleFunc("POST /settings/export/archive", h.exportArchive)
	mux.HandleFunc("POST /settings/import", h.importFile)
}

// exportData is the export page.
type exportData struct {
	Available bool
	Lists     []exportListView
	Statuses  int64
	Following int64
	PerDay    int
	// The import form and the latest imports (import.go).
	CanImport   bool
	ImportKinds []string
	Imports     []importView
	MaxRows     int
}

type exportListView struct{ Name, TitleKey string }

// exportPage is GET /settings/export: the archive and the CSV lists, with
// what each holds and where it can be imported.
func (h *Handler) exportPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	h.renderExport(q, http.StatusOK)
}

func (h *Handler) renderExport(q *request, status int) {
	d := &exportData{Available: h.Export != nil, Statuses: q.acct.StatusesCount, Following: q.acct.FollowingCount, PerDay: LimitArchivesPerDay}
	for _, l := range export.Lists {
		d.Lists = append(d.Lists, exportListView{Name: l.Name, TitleKey: "exp_list_" + l.TitleKey})
	}
	if err := h.loadImports(q, d); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("export_title"), "settings", "export", d, "/settings/export"
	h.render(q, status, "export")
}

// exportList is GET /settings/export/NAME.csv: one CSV list, in
// Mastodon's format.
func (h *Handler) exportList(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	l := export.ListNamed(r.PathValue("name"))
	if l == nil || h.Export == nil {
		h.message(q, http.StatusNotFound, q.v.Tr("error_title"), q.v.Tr("exp_unknown"))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+l.Name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := h.Export.WriteCSV(r.Context(), w, l, q.acct.ID); err != nil {
		// The header is gone: the download ends short, and the log says why.
		h.Log.ErrorContext(r.Context(), "export list", "list", l.Name, "err", err)
	}
}

// exportArchive is POST /settings/export/archive: the whole archive as a
// ZIP, made while it downloads.
func (h *Handler) exportArchive(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	if h.Export == nil {
		h.message(q, http.StatusNotFound, q.v.Tr("error_title"), q.v.Tr("exp_unavailable"))
		return
	}
	lim := h.exportLimits()
	if res := lim.daily.Allow(q.acct.ID.String()); !res.Allowed {
		q.v.Error = q.v.Tr("exp_too_many", LimitArchivesPerDay, q.v.Date(res.Reset))
		h.renderExport(q, http.StatusTooManyRequests)
		return
	}
	select {
	case lim.slots <- struct{}{}:
		defer func() { <-lim.slots }()
	default:
		q.v.Error = q.v.Tr("exp_busy")
		h.renderExport(q, http.StatusTooManyRequests)
		return
	}
	// A large archive takes longer than the server's write timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	name := "agora-" + q.acct.Username + "-" + h.Store.Now().UTC().Format("20060102") + ".zip"
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := h.Export.WriteArchive(r.Context(), w, q.acct); err != nil {
		h.Log.ErrorContext(r.Context(), "export archive", "account", q.acct.ID, "err", err)
	}
}
