package mastodon

import (
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

func (a *API) registerSignUpBlocks(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/admin/email_domain_blocks", a.endpoint(userOnly, "admin:read:email_domain_blocks", a.emailDomainBlocks))
	mux.HandleFunc("GET /api/v1/admin/email_domain_blocks/{id}", a.endpoint(userOnly, "admin:read:email_domain_blocks", a.emailDomainBlock))
	mux.HandleFunc("POST /api/v1/admin/email_domain_blocks", a.endpoint(userOnly, "admin:write:email_domain_blocks", a.addEmailDomainBlock))
	mux.HandleFunc("DELETE /api/v1/admin/email_domain_blocks/{id}", a.endpoint(userOnly, "admin:write:email_domain_blocks", a.deleteEmailDomainBlock))
	mux.HandleFunc("GET /api/v1/admin/ip_blocks", a.endpoint(userOnly, "admin:read:ip_blocks", a.ipBlocks))
	mux.HandleFunc("GET /api/v1/admin/ip_blocks/{id}", a.endpoint(userOnly, "admin:read:ip_blocks", a.ipBlock))
	mux.HandleFunc("POST /api/v1/admin/ip_blocks", a.endpoint(userOnly, "admin:write:ip_blocks", a.saveIPBlock))
	mux.HandleFunc("PUT /api/v1/admin/ip_blocks/{id}", a.endpoint(userOnly, "admin:write:ip_blocks", a.saveIPBlock))
	mux.HandleFunc("DELETE /api/v1/admin/ip_blocks/{id}", a.endpoint(userOnly, "admin:write:ip_blocks", a.deleteIPBlock))
}

// EmailDomainBlock is Mastodon's Admin::EmailDomainBlock; agora keeps no
// per-day history of attempts, so history is empty.
type EmailDomainBlock struct {
	ID        string `json:"id"`
	Domain    string `json:"domain"`
	CreatedAt Time   `json:"created_at"`
	History   []any  `json:"history"`
}

func renderEmailDomainBlock(b *store.EmailDomainBlock) *EmailDomainBlock {
	return &EmailDomainBlock{ID: b.ID.String(), Domain: b.Domain, CreatedAt: Time(b.CreatedAt), History: []any{}}
}

func (a *API) emailDomainBlocks(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(DomainBlocksDefaultLimit, DomainBlocksMaxLimit)
	if err != nil {
		return err
	}
	list, err := a.mod().EmailDomainBlocks(r.Context(), v.User, pg)
	if err != nil {
		return err
	}
	out := []*EmailDomainBlock{}
	for _, b := range list {
		out = append(out, renderEmailDomainBlock(b))
	}
	if len(list) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, list[0].ID, list[len(list)-1].ID, len(list))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) emailDomainBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := a.mod().EmailDomainBlock(r.Context(), v.User, id)
	if err != nil {
		return err
	}
	rest.OK(w, renderEmailDomainBlock(b))
	return nil
}

func (a *API) addEmailDomainBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	b, err := a.mod().AddEmailDomainBlock(r.Context(), v.User, p.String("domain"))
	if err != nil {
		return err
	}
	rest.OK(w, renderEmailDomainBlock(b))
	return nil
}

func (a *API) deleteEmailDomainBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.mod().DeleteEmailDomainBlock(r.Context(), v.User, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

// IPBlock is Mastodon's Admin::IpBlock.
type IPBlock struct {
	ID        string `json:"id"`
	IP        string `json:"ip"`
	Severity  string `json:"severity"`
	Comment   string `json:"comment"`
	CreatedAt Time   `json:"created_at"`
	ExpiresAt *Time  `json:"expires_at"`
}

func renderIPBlock(b *store.IPBlock) *IPBlock {
	out := &IPBlock{ID: b.ID.String(), IP: b.Prefix.String(), Severity: b.Severity, Comment: b.Comment, CreatedAt: Time(b.CreatedAt)}
	if b.ExpiresAt != nil {
		t := Time(*b.ExpiresAt)
		out.ExpiresAt = &t
	}
	return out
}

func (a *API) ipBlocks(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	list, err := a.mod().IPBlocks(r.Context(), v.User)
	if err != nil {
		return err
	}
	out := []*IPBlock{}
	for _, b := range list {
		out = append(out, renderIPBlock(b))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) ipBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.mod().IPBlocks(r.Context(), v.User)
	if err != nil {
		return err
	}
	for _, b := range list {
		if b.ID == id {
			rest.OK(w, renderIPBlock(b))
			return nil
		}
	}
	return domain.NotFound()
}

// saveIPBlock creates (POST) or changes (PUT :id) a rule from ip,
// severity, comment and expires_in (seconds; 0 or absent: never).
func (a *API) saveIPBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	var id domain.ID
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r, "id"); err != nil {
			return err
		}
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	var in moderation.IPBlockInput
	for key, dst := range map[string]**string{"ip": &in.IP, "severity": &in.Severity, "comment": &in.Comment} {
		if p.Has(key) {
			val := p.String(key)
			*dst = &val
		}
	}
	if p.Has("expires_in") {
		secs, err := p.Int("expires_in", 0, 0, int(moderation.MaxIPExpiration.Seconds()))
		if err != nil {
			return err
		}
		d := time.Duration(secs) * time.Second
		in.ExpiresIn = &d
	}
	b, err := a.mod().SaveIPBlock(r.Context(), v.User, id, in)
	if err != nil {
		return err
	}
	rest.OK(w, renderIPBlock(b))
	return nil
}

func (a *API) deleteIPBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.mod().DeleteIPBlock(r.Context(), v.User, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}
