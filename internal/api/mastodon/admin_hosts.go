package mastodon

import (
	"net/http"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// registerAdminHosts adds agora's unavailable hosts endpoints (Mastodon
// has no admin API for them; its web admin's instance page has the same
// actions): the remote hosts the circuit breaker holds deliveries for
// (docs/federation.md, "Delivery"), retried or cleared. Admins only, as
// the other federation settings.
func (a *API) registerAdminHosts(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/agora/v1/admin/unavailable_hosts", a.endpoint(userOnly, "admin:read", a.adminUnavailableHosts))
	mux.HandleFunc("POST /api/agora/v1/admin/unavailable_hosts/{host}/retry", a.endpoint(userOnly, "admin:write", a.adminHostAction(true)))
	mux.HandleFunc("DELETE /api/agora/v1/admin/unavailable_hosts/{host}", a.endpoint(userOnly, "admin:write", a.adminHostAction(false)))
}

// AdminUnavailableHost is one host deliveries wait for.
type AdminUnavailableHost struct {
	Host          string `json:"host"`
	Failures      int64  `json:"failures"`      // consecutive failed deliveries
	FailingSince  *Time  `json:"failing_since"` // the first of them
	LastFailureAt *Time  `json:"last_failure_at"`
	NextProbeAt   *Time  `json:"next_probe_at"`   // no delivery before (one probes then)
	LastSuccessAt *Time  `json:"last_success_at"` // null when none recorded
}

func renderUnavailableHost(h *store.DeliveryHost) *AdminUnavailableHost {
	opt := func(t *time.Time) *Time {
		if t == nil {
			return nil
		}
		v := Time(*t)
		return &v
	}
	return &AdminUnavailableHost{Host: h.Host, Failures: h.Failures, FailingSince: opt(h.FailingSince),
		LastFailureAt: opt(h.LastFailureAt), NextProbeAt: opt(h.RetryAt), LastSuccessAt: opt(h.LastSuccessAt)}
}

// adminUnavailableHosts is GET /api/agora/v1/admin/unavailable_hosts: the
// unavailable hosts by name (at most store.MaxUnavailableHosts).
func (a *API) adminUnavailableHosts(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := requireAdminViewer(v); err != nil {
		return err
	}
	hosts, err := a.Store.UnavailableHosts(r.Context(), store.CircuitThreshold(a.Cfg.Federation.CircuitFailures))
	if err != nil {
		return err
	}
	out := make([]*AdminUnavailableHost, 0, len(hosts))
	for i := range hosts {
		out = append(out, renderUnavailableHost(&hosts[i]))
	}
	rest.OK(w, out)
	return nil
}

// adminHostAction is POST .../{host}/retry (retry now: the next delivery
// probes the host at once) or DELETE .../{host} (clear: its failures are
// forgotten and its deliveries go now). Both answer the deliveries woken:
// {"host": ..., "woken": n}.
func (a *API) adminHostAction(retry bool) handler {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		if err := requireAdminViewer(v); err != nil {
			return err
		}
		host := strings.ToLower(r.PathValue("host"))
		if host == "" || len(host) > 300 || strings.ContainsAny(host, "/?#@ ") {
			return domain.NotFound()
		}
		var n int
		var err error
		if retry {
			n, err = a.Store.RetryDeliveryHost(r.Context(), host, store.CircuitThreshold(a.Cfg.Federation.CircuitFailures), v.User.AccountID)
		} else {
			n, err = a.Store.ClearDeliveryHost(r.Context(), host, v.User.AccountID)
		}
		if err != nil {
			return err
		}
		rest.OK(w, map[string]any{"host": host, "woken": n})
		return nil
	}
}
