package mastodon

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/agora-social/agora/internal/abuse"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// registerAdminHeld adds the review of posts held by the spam heuristics
// and the trusted mark of accounts (docs/abuse.md).
func (a *API) registerAdminHeld(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/agora/v1/admin/statuses/held", a.endpoint(userOnly, "admin:read:reports", a.adminHeldList))
	mux.HandleFunc("POST /api/agora/v1/admin/statuses/{id}/release", a.endpoint(userOnly, "admin:write:reports", a.adminRelease))
	mux.HandleFunc("POST /api/agora/v1/admin/accounts/{id}/trust", a.endpoint(userOnly, "admin:write:accounts", a.adminTrust(true)))
	mux.HandleFunc("POST /api/agora/v1/admin/accounts/{id}/untrust", a.endpoint(userOnly, "admin:write:accounts", a.adminTrust(false)))
}

// HeldEntity is a held post as moderators review it.
type HeldEntity struct {
	ID         string         `json:"id"` // the status id
	Status     *Status        `json:"status"`
	Visibility string         `json:"visibility"` // what it gets on release
	Score      int            `json:"score"`
	Signals    []abuse.Signal `json:"signals"`
	ReportID   *string        `json:"report_id"`
	DecisionID *string        `json:"decision_id"` // the hold's automated decision (statement of reasons)
	HeldAt     Time           `json:"held_at"`
	ReleasedAt *Time          `json:"released_at"`
	ReleasedBy *string        `json:"released_by_account_id"`
}

// adminHeldList is GET /api/agora/v1/admin/statuses/held (?all=true for
// released and removed ones too; limit ≤ 100).
func (a *API) adminHeldList(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	all, err := p.Bool("all", false)
	if err != nil {
		return err
	}
	limit, err := p.Int("limit", 40, 1, moderation.MaxHeldList)
	if err != nil {
		return err
	}
	list, err := a.mod().HeldStatuses(r.Context(), v.User, all, limit)
	if err != nil {
		return err
	}
	out := make([]*HeldEntity, 0, len(list))
	for _, h := range list {
		e, err := a.renderHeld(r.Context(), h)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	rest.OK(w, out)
	return nil
}

// renderHeld renders a held post with its content: loaded as its author
// sees it (nobody else may), rendered without any viewer's state.
func (a *API) renderHeld(ctx context.Context, h *store.HeldStatus) (*HeldEntity, error) {
	e := &HeldEntity{ID: h.StatusID.String(), Visibility: string(h.Visibility), Score: h.Score, Signals: []abuse.Signal{},
		HeldAt: Time(h.HeldAt)}
	_ = json.Unmarshal([]byte(h.Signals), &e.Signals)
	if h.DecisionID != 0 {
		e.DecisionID = optString(h.DecisionID.String())
	}
	if h.ReportID != 0 {
		e.ReportID = optString(h.ReportID.String())
	}
	if h.ReleasedAt != nil {
		t := Time(*h.ReleasedAt)
		e.ReleasedAt = &t
		e.ReleasedBy = optString(h.ReleasedBy.String())
	}
	b, err := a.statusService().Load(ctx, h.AccountID, []domain.ID{h.StatusID})
	if err != nil {
		return nil, err
	}
	if st := b.Statuses[h.StatusID]; st != nil {
		r := statusRenderer{a: a, v: &Viewer{}, b: b, now: a.Store.Now()}
		e.Status = r.render(st)
	}
	return e, nil
}

// adminRelease is POST /api/agora/v1/admin/statuses/:id/release: the held
// post is published; the answer is its review record, now released.
func (a *API) adminRelease(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := a.mod().ReleaseHeld(r.Context(), v.User, id); err != nil {
		return err
	}
	h, err := a.Store.HeldStatusByID(r.Context(), id)
	if err != nil {
		return err
	}
	out, err := a.renderHeld(r.Context(), h)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

// adminTrust is POST /api/agora/v1/admin/accounts/:id/trust and /untrust.
func (a *API) adminTrust(on bool) handler {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := a.mod().SetTrusted(r.Context(), v.User, id, on); err != nil {
			return err
		}
		rest.OK(w, map[string]any{"id": id.String(), "trusted": on})
		return nil
	}
}
