package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// The unavailable hosts page (/admin/hosts, admins only, as the other
// federation settings): the remote hosts whose deliveries wait behind
// the circuit breaker (docs/federation.md, "Delivery"), with since when
// they fail, how many times, and the next probe; "Retry now" makes the
// next probe due at once, "Clear" forgets the failures so every waiting
// delivery goes now. Both are in the audit log. The same actions are
// /api/agora/v1/admin/unavailable_hosts.

// registerAdminHosts adds the page's routes (admin.go's registerAdmin
// calls it).
func (h *Handler) registerAdminHosts(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/hosts", h.adminHostsPage)
	mux.HandleFunc("POST /admin/hosts/retry", h.adminHostAction(true))
	mux.HandleFunc("POST /admin/hosts/clear", h.adminHostAction(false))
}

// hostRow is one unavailable host as listed.
type hostRow struct {
	Host, Since, LastFailure, NextProbe, LastSuccess string
	Failures                                         int64
	ProbeDue                                         bool // the next probe may go now
}

// adminHostsData is the page: the hosts, and the threshold that makes one
// unavailable.
type adminHostsData struct {
	Hosts     []hostRow
	Threshold int64
	Max       int
}

// adminOnly refuses moderators: the page is the admins' (as the domains
// page), its navigation entry shown to them only.
func (h *Handler) adminOnly(q *request) bool {
	if !admCanEdit(q) {
		h.fail(q.w, q.r, domain.Forbidden("This action is not allowed"))
		return false
	}
	return true
}

func (h *Handler) adminHostsPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "hosts", "adm_hosts_title")
	if q == nil || !h.adminOnly(q) {
		return
	}
	threshold := store.CircuitThreshold(h.Cfg.Federation.CircuitFailures)
	hosts, err := h.Store.UnavailableHosts(r.Context(), threshold)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &adminHostsData{Threshold: threshold, Max: store.MaxUnavailableHosts}
	now := h.Store.Now()
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return q.v.Date(*t)
	}
	for _, x := range hosts {
		d.Hosts = append(d.Hosts, hostRow{Host: x.Host, Failures: x.Failures, Since: date(x.FailingSince),
			LastFailure: date(x.LastFailureAt), NextProbe: date(x.RetryAt), LastSuccess: date(x.LastSuccessAt),
			ProbeDue: x.RetryAt == nil || !x.RetryAt.After(now)})
	}
	q.v.Data = d
	h.render(q, http.StatusOK, "admin_hosts")
}

// adminHostAction is the form of one host's "Retry now" (retry) or
// "Clear". A host no longer unavailable (cleared meanwhile, or back) is
// said so, not an error page.
func (h *Handler) adminHostAction(retry bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := h.adminForm(w, r, "hosts", "adm_hosts_title")
		if q == nil || !h.adminOnly(q) {
			return
		}
		host := strings.ToLower(strings.TrimSpace(r.PostForm.Get("host")))
		var err error
		flash := "flash_adm_host_cleared"
		if host == "" || len(host) > 300 {
			err = domain.NotFound()
		} else if retry {
			flash = "flash_adm_host_retried"
			_, err = h.Store.RetryDeliveryHost(r.Context(), host, store.CircuitThreshold(h.Cfg.Federation.CircuitFailures), q.user.AccountID)
		} else {
			_, err = h.Store.ClearDeliveryHost(r.Context(), host, q.user.AccountID)
		}
		if domain.KindOf(err) == domain.KindNotFound {
			flash, err = "flash_adm_host_gone", nil
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.done(q, flash, nil)
	}
}
