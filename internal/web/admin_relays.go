package web

import (
	"net/http"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/relays"
	"github.com/agora-social/agora/internal/store"
)

// The relays page (/admin/relays, admins only, as the other federation
// settings; docs/administration.md, "Relays"): the relays the server
// subscribes to, with the state of each subscription; add one by its
// inbox URL (subscribing at once), enable (the instance actor's Follow),
// disable (its Undo) and remove. The relays service applies the rules and
// audits, as for /api/agora/v1/admin/relays and `agora admin relay`.

// registerAdminRelays adds the page's routes (admin.go's registerAdmin
// calls it).
func (h *Handler) registerAdminRelays(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/relays", h.adminRelaysPage)
	mux.HandleFunc("POST /admin/relays", h.adminAddRelay)
	mux.HandleFunc("POST /admin/relays/{id}/enable", h.adminRelayAction("enable"))
	mux.HandleFunc("POST /admin/relays/{id}/disable", h.adminRelayAction("disable"))
	mux.HandleFunc("POST /admin/relays/{id}/delete", h.adminRelayAction("delete"))
}

// adminRelaysData is the page: the relays and the add form as typed.
type adminRelaysData struct {
	Relays []*store.Relay
	Typed  string
	Error  string
	Max    int
}

func (h *Handler) relays() *relays.Service {
	return &relays.Service{Store: h.Store, BaseURL: h.Cfg.URL}
}

func (h *Handler) adminRelaysPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "relays", "adm_relays_title")
	if q == nil {
		return
	}
	h.showRelays(q, http.StatusOK, &adminRelaysData{})
}

func (h *Handler) showRelays(q *request, status int, d *adminRelaysData) {
	if !admCanEdit(q) {
		h.fail(q.w, q.r, domain.Forbidden("This action is not allowed"))
		return
	}
	list, err := h.relays().List(q.r.Context(), q.user)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d.Relays, d.Max = list, relays.MaxRelays
	q.v.Data = d
	h.render(q, status, "admin_relays")
}

func (h *Handler) adminAddRelay(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "relays", "adm_relays_title")
	if q == nil {
		return
	}
	typed := r.PostForm.Get("inbox_url")
	_, err := h.relays().Add(r.Context(), q.user, typed, true)
	switch domain.KindOf(err) {
	case domain.KindInvalid:
		h.showRelays(q, http.StatusUnprocessableEntity, &adminRelaysData{Typed: typed, Error: q.v.Tr("adm_relay_err_url")})
		return
	case domain.KindConflict:
		h.showRelays(q, http.StatusUnprocessableEntity, &adminRelaysData{Typed: typed, Error: q.v.Tr("adm_relay_err_exists")})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_relay_added", nil)
}

// adminRelayAction is the form of one relay's Enable, Disable or Remove.
func (h *Handler) adminRelayAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := h.adminForm(w, r, "relays", "adm_relays_title")
		if q == nil {
			return
		}
		id, ok := h.adminPathID(q)
		if !ok {
			return
		}
		var err error
		switch action {
		case "enable", "disable":
			_, err = h.relays().SetEnabled(r.Context(), q.user, id, action == "enable")
		default:
			_, err = h.relays().Remove(r.Context(), q.user, id)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.done(q, "flash_adm_relay_"+action, nil)
	}
}
