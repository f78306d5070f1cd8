package mastodon

import (
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

func (a *API) registerPolicies(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/instance/terms_of_service", a.endpoint(anyone, "", a.policy(moderation.TermsOfService)))
	mux.HandleFunc("GET /api/v1/instance/terms_of_service/{date}", a.endpoint(anyone, "", a.policy(moderation.TermsOfService)))
	mux.HandleFunc("GET /api/v1/instance/moderation_policy", a.endpoint(anyone, "", a.policy(moderation.ModerationPolicy)))
	mux.HandleFunc("GET /api/v1/instance/moderation_policy/{date}", a.endpoint(anyone, "", a.policy(moderation.ModerationPolicy)))
	mux.HandleFunc("GET /api/agora/v1/instance/policies/{kind}/versions", a.endpoint(anyone, "", a.policyVersions))
	mux.HandleFunc("POST /api/agora/v1/admin/policies", a.endpoint(userOnly, "admin:write", a.publishPolicy))
	mux.HandleFunc("GET /api/v1/announcements", a.endpoint(userOnly, "read", a.announcements))
	mux.HandleFunc("POST /api/v1/announcements/{id}/dismiss", a.endpoint(userOnly, "write:accounts", a.dismissAnnouncement))
	mux.HandleFunc("GET /api/agora/v1/admin/announcements", a.endpoint(userOnly, "admin:read", a.adminAnnouncements))
	mux.HandleFunc("POST /api/agora/v1/admin/announcements", a.endpoint(userOnly, "admin:write", a.announce))
	mux.HandleFunc("DELETE /api/agora/v1/admin/announcements/{id}", a.endpoint(userOnly, "admin:write", a.withdrawAnnouncement))
}

// TermsOfService is Mastodon's TermsOfService entity (agora serves the
// moderation policy in the same shape).
type TermsOfService struct {
	EffectiveDate string  `json:"effective_date"`
	Effective     bool    `json:"effective"`
	Content       string  `json:"content"`
	SucceededBy   *string `json:"succeeded_by"`
}

func (a *API) policy(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		cur, next, err := a.mod().Policy(r.Context(), kind, r.PathValue("date"))
		if err != nil {
			return err
		}
		out := &TermsOfService{EffectiveDate: cur.EffectiveDate, Content: moderation.TextHTML(cur.Content),
			Effective: cur.EffectiveDate <= a.Store.Now().UTC().Format(time.DateOnly)}
		if next != nil {
			out.SucceededBy = &next.EffectiveDate
		}
		rest.OK(w, out)
		return nil
	}
}

// PolicyVersion is one entry of a policy's public history.
type PolicyVersion struct {
	EffectiveDate string `json:"effective_date"`
	Summary       string `json:"summary"`
	PublishedAt   Time   `json:"published_at"`
}

func (a *API) policyVersions(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	kind := r.PathValue("kind")
	if kind != moderation.TermsOfService && kind != moderation.ModerationPolicy {
		return domain.NotFound()
	}
	all, err := a.Store.PolicyVersions(r.Context(), kind)
	if err != nil {
		return err
	}
	out := []PolicyVersion{}
	for _, p := range all {
		out = append(out, PolicyVersion{EffectiveDate: p.EffectiveDate, Summary: p.Summary, PublishedAt: Time(p.CreatedAt)})
	}
	rest.OK(w, out)
	return nil
}

// publishPolicy takes kind, content, summary and effective_date.
func (a *API) publishPolicy(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pv, err := a.mod().PublishPolicy(r.Context(), v.User, p.String("kind"), p.String("content"), p.String("summary"), p.String("effective_date"))
	if err != nil {
		return err
	}
	rest.OK(w, PolicyVersion{EffectiveDate: pv.EffectiveDate, Summary: pv.Summary, PublishedAt: Time(pv.CreatedAt)})
	return nil
}

// Announcement is Mastodon's Announcement entity.
type Announcement struct {
	ID          string `json:"id"`
	Content     string `json:"content"`
	StartsAt    *Time  `json:"starts_at"`
	EndsAt      *Time  `json:"ends_at"`
	AllDay      bool   `json:"all_day"`
	PublishedAt Time   `json:"published_at"`
	UpdatedAt   Time   `json:"updated_at"`
	Read        bool   `json:"read"`
	Mentions    []any  `json:"mentions"`
	Statuses    []any  `json:"statuses"`
	Tags        []any  `json:"tags"`
	Emojis      []any  `json:"emojis"`
	Reactions   []any  `json:"reactions"`
}

func renderAnnouncements(list []*store.Announcement) []*Announcement {
	out := []*Announcement{}
	for _, x := range list {
		e := &Announcement{ID: x.ID.String(), Content: moderation.TextHTML(x.Text), PublishedAt: Time(x.PublishedAt),
			UpdatedAt: Time(x.UpdatedAt), Read: x.Read, Mentions: []any{}, Statuses: []any{}, Tags: []any{}, Emojis: []any{}, Reactions: []any{}}
		if x.StartsAt != nil {
			t := Time(*x.StartsAt)
			e.StartsAt = &t
		}
		if x.EndsAt != nil {
			t := Time(*x.EndsAt)
			e.EndsAt = &t
		}
		out = append(out, e)
	}
	return out
}

func (a *API) announcements(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	list, err := a.Store.Announcements(r.Context(), v.Account.ID, false)
	if err != nil {
		return err
	}
	rest.OK(w, renderAnnouncements(list))
	return nil
}

func (a *API) dismissAnnouncement(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.DismissAnnouncement(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

func (a *API) adminAnnouncements(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := moderation.RequireModerator(v.User); err != nil {
		return err
	}
	list, err := a.Store.Announcements(r.Context(), v.Account.ID, true)
	if err != nil {
		return err
	}
	rest.OK(w, renderAnnouncements(list))
	return nil
}

// announce takes text, starts_at and ends_at (ISO 8601, optional).
func (a *API) announce(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	starts, err := p.Time("starts_at")
	if err != nil {
		return err
	}
	ends, err := p.Time("ends_at")
	if err != nil {
		return err
	}
	x, err := a.mod().Announce(r.Context(), v.User, p.String("text"), starts, ends)
	if err != nil {
		return err
	}
	rest.OK(w, renderAnnouncements([]*store.Announcement{x})[0])
	return nil
}

func (a *API) withdrawAnnouncement(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.mod().Withdraw(r.Context(), v.User, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}
