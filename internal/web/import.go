package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/imports"
)

// Limits of the import page.
const (
	ImportsShown      = 10 // latest imports listed
	ImportFailedShown = 20 // failed rows listed per import
	importFormBytes   = imports.MaxFileBytes + 64<<10
)

// importView is one import as the page lists it.
type importView struct {
	KindKey, Filename, State, Date string
	Total, Processed, Imported     int
	Failed                         []string // "line N (who): why"
	Running                        bool
}

// loadImports fills the import part of the export page.
func (h *Handler) loadImports(q *request, d *exportData) error {
	d.CanImport, d.ImportKinds, d.MaxRows = h.Imports != nil, imports.Kinds, imports.MaxRows
	if h.Imports == nil {
		return nil
	}
	list, err := h.Store.Imports(q.r.Context(), q.acct.ID, ImportsShown)
	if err != nil {
		return err
	}
	for _, imp := range list {
		iv := importView{KindKey: "imp_kind_" + imp.Kind, Filename: imp.Filename, Date: q.v.Date(imp.CreatedAt),
			Total: imp.Total, Processed: imp.Processed, Imported: imp.Imported, Running: imp.State != "finished",
			State: q.v.Tr("imp_state_" + imp.State)}
		if imp.Processed > imp.Imported {
			rows, err := h.Store.ImportRows(q.r.Context(), imp.ID, "failed", ImportFailedShown)
			if err != nil {
				return err
			}
			for _, r := range rows {
				line, what, why := imports.Failure(r)
				if line == 0 {
					iv.Failed = append(iv.Failed, q.v.Err(why))
					continue
				}
				iv.Failed = append(iv.Failed, q.v.Tr("imp_row", line, what, q.v.Err(why)))
			}
		}
		d.Imports = append(d.Imports, iv)
	}
	return nil
}

// importFile is POST /settings/import: a CSV file of one kind, merged
// with what exists or replacing it.
func (h *Handler) importFile(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, importFormBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "the file is larger than "+strconv.Itoa(imports.MaxFileBytes>>20)+" MiB", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	q := h.formRequest(w, r, true)
	if q == nil {
		return
	}
	q.v.Path = "/settings/export"
	if h.Imports == nil {
		h.message(q, http.StatusNotFound, q.v.Tr("error_title"), q.v.Tr("imp_unavailable"))
		return
	}
	fail := func(status int, msg string) {
		q.v.Error = msg
		h.renderExport(q, status)
	}
	kind := r.PostForm.Get("kind")
	if !imports.ValidKind(kind) {
		fail(http.StatusUnprocessableEntity, q.v.Tr("imp_choose_kind"))
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		fail(http.StatusUnprocessableEntity, q.v.Tr("imp_choose_file"))
		return
	}
	defer f.Close()
	overwrite := r.PostForm.Get("mode") == "overwrite"
	imp, err := h.Imports.Create(r.Context(), q.acct.ID, kind, overwrite, fh.Filename, f)
	if err != nil {
		if k := domain.KindOf(err); k != domain.KindInvalid && k != domain.KindRateLimited {
			h.fail(w, r, err)
			return
		}
		msg := q.v.Err(err)
		var de *domain.Error
		if errors.As(err, &de) && de.Key == "imp_err_bad_rows" && len(de.Args) == 1 {
			// The rows alone: imp_failed already says nothing was imported.
			msg = fmt.Sprint(q.v.errArg(de.Args[0]))
		}
		fail(statusOf(err), q.v.Tr("imp_failed", strings.TrimSuffix(msg, ".")))
		return
	}
	_ = imp
	h.done(q, "flash_imp_scheduled", nil)
}
