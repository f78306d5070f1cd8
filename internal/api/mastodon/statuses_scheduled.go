package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// ScheduledStatus is Mastodon's ScheduledStatus entity.
type ScheduledStatus struct {
	ID               string          `json:"id"`
	ScheduledAt      Time            `json:"scheduled_at"`
	Params           ScheduledParams `json:"params"`
	MediaAttachments []any           `json:"media_attachments"`
}

// ScheduledParams are the parameters a scheduled status will be posted with.
type ScheduledParams struct {
	Text          string   `json:"text"`
	Poll          any      `json:"poll"`
	MediaIDs      []string `json:"media_ids"`
	Sensitive     *bool    `json:"sensitive"`
	SpoilerText   *string  `json:"spoiler_text"`
	Visibility    *string  `json:"visibility"`
	ScheduledAt   *string  `json:"scheduled_at"`
	InReplyToID   *string  `json:"in_reply_to_id"`
	Language      *string  `json:"language"`
	ApplicationID *string  `json:"application_id"`
	Idempotency   *string  `json:"idempotency"`
	WithRateLimit bool     `json:"with_rate_limit"`
}

func renderScheduled(st *store.ScheduledStatus) (*ScheduledStatus, error) {
	in, err := statuses.ScheduledInput(st)
	if err != nil {
		return nil, err
	}
	p := ScheduledParams{Text: in.Text, MediaIDs: in.MediaIDs, Sensitive: in.Sensitive, SpoilerText: strPtr(in.SpoilerText),
		Visibility: strPtr(in.Visibility), Language: strPtr(in.Language), Idempotency: strPtr(in.IdempotencyKey)}
	if p.MediaIDs == nil {
		p.MediaIDs = []string{}
	}
	if in.InReplyToID != 0 {
		p.InReplyToID = strPtr(in.InReplyToID.String())
	}
	if in.ApplicationID != 0 {
		p.ApplicationID = strPtr(in.ApplicationID.String())
	}
	if in.Poll != nil {
		p.Poll = map[string]any{"options": in.Poll.Options, "expires_in": in.Poll.ExpiresIn, "multiple": in.Poll.Multiple, "hide_totals": in.Poll.HideTotals}
	}
	return &ScheduledStatus{ID: st.ID.String(), ScheduledAt: Time(st.ScheduledAt), Params: p, MediaAttachments: []any{}}, nil
}

func (a *API) registerScheduled(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/scheduled_statuses", a.endpoint(userOnly, "read:statuses", a.listScheduled))
	mux.HandleFunc("GET /api/v1/scheduled_statuses/{id}", a.endpoint(userOnly, "read:statuses", a.getScheduled))
	mux.HandleFunc("PUT /api/v1/scheduled_statuses/{id}", a.endpoint(userOnly, "write:statuses", a.rescheduleStatus))
	mux.HandleFunc("DELETE /api/v1/scheduled_statuses/{id}", a.endpoint(userOnly, "write:statuses", a.deleteScheduled))
}

func (a *API) listScheduled(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	_, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	list, err := a.Store.ScheduledPage(r.Context(), v.Account.ID, pg)
	if err != nil {
		return err
	}
	out := []*ScheduledStatus{}
	for _, st := range list {
		e, err := renderScheduled(st)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	if len(list) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, list[0].ID, list[len(list)-1].ID, len(list))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) writeScheduled(w http.ResponseWriter, r *http.Request, v *Viewer, id domain.ID) error {
	st, err := a.Store.Scheduled(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	e, err := renderScheduled(st)
	if err != nil {
		return err
	}
	rest.OK(w, e)
	return nil
}

func (a *API) getScheduled(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return a.writeScheduled(w, r, v, id)
}

func (a *API) rescheduleStatus(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	at, err := p.Time("scheduled_at")
	if err != nil {
		return err
	}
	if at == nil {
		return domain.Invalid("scheduled_at is required")
	}
	if err := a.statusService().Reschedule(r.Context(), v.Account.ID, id, *at); err != nil {
		return err
	}
	return a.writeScheduled(w, r, v, id)
}

func (a *API) deleteScheduled(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.DeleteScheduled(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}
