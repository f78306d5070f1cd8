package mastodon

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// Domain block list limits, as Mastodon's admin lists.
const (
	DomainBlocksDefaultLimit = 100
	DomainBlocksMaxLimit     = 200
	UserDomainBlocksDefault  = 100
	UserDomainBlocksMax      = 200
)

func (a *API) registerDomainBlocks(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/admin/domain_blocks", a.endpoint(userOnly, "admin:read:domain_blocks", a.adminDomainBlocks))
	mux.HandleFunc("GET /api/v1/admin/domain_blocks/{id}", a.endpoint(userOnly, "admin:read:domain_blocks", a.adminDomainBlock))
	mux.HandleFunc("POST /api/v1/admin/domain_blocks", a.endpoint(userOnly, "admin:write:domain_blocks", a.createDomainBlock))
	mux.HandleFunc("PUT /api/v1/admin/domain_blocks/{id}", a.endpoint(userOnly, "admin:write:domain_blocks", a.updateDomainBlock))
	mux.HandleFunc("DELETE /api/v1/admin/domain_blocks/{id}", a.endpoint(userOnly, "admin:write:domain_blocks", a.deleteDomainBlock))
	mux.HandleFunc("GET /api/v1/instance/domain_blocks", a.endpoint(anyone, "", a.publicDomainBlocks))
	mux.HandleFunc("GET /api/v1/domain_blocks", a.endpoint(userOnly, "read:blocks", a.userDomainBlocks))
	mux.HandleFunc("POST /api/v1/domain_blocks", a.endpoint(userOnly, "write:blocks", a.blockDomain))
	mux.HandleFunc("DELETE /api/v1/domain_blocks", a.endpoint(userOnly, "write:blocks", a.unblockDomain))
}

// AdminDomainBlock is Mastodon's Admin::DomainBlock.
type AdminDomainBlock struct {
	ID             string `json:"id"`
	Domain         string `json:"domain"`
	Digest         string `json:"digest"`
	CreatedAt      Time   `json:"created_at"`
	Severity       string `json:"severity"`
	RejectMedia    bool   `json:"reject_media"`
	RejectReports  bool   `json:"reject_reports"`
	PrivateComment string `json:"private_comment"`
	PublicComment  string `json:"public_comment"`
	Obfuscate      bool   `json:"obfuscate"`
}

func renderAdminDomainBlock(b *store.DomainBlock) *AdminDomainBlock {
	sum := sha256.Sum256([]byte(b.Domain))
	return &AdminDomainBlock{ID: b.ID.String(), Domain: b.Domain, Digest: hex.EncodeToString(sum[:]), CreatedAt: Time(b.CreatedAt),
		Severity: b.Severity, RejectMedia: b.RejectMedia, RejectReports: b.RejectReports, PrivateComment: b.PrivateComment,
		PublicComment: b.PublicComment, Obfuscate: b.Obfuscate}
}

func (a *API) adminDomainBlocks(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(DomainBlocksDefaultLimit, DomainBlocksMaxLimit)
	if err != nil {
		return err
	}
	blocks, err := a.mod().DomainBlocks(r.Context(), v.User, pg)
	if err != nil {
		return err
	}
	out := []*AdminDomainBlock{}
	for _, b := range blocks {
		out = append(out, renderAdminDomainBlock(b))
	}
	if len(blocks) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, blocks[0].ID, blocks[len(blocks)-1].ID, len(blocks))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) adminDomainBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := a.mod().DomainBlock(r.Context(), v.User, id)
	if err != nil {
		return err
	}
	rest.OK(w, renderAdminDomainBlock(b))
	return nil
}

// domainBlockInput reads the block parameters; absent ones are nil.
func domainBlockInput(p *rest.Params) (moderation.DomainBlockInput, error) {
	in := moderation.DomainBlockInput{Domain: p.String("domain")}
	for key, dst := range map[string]**string{"severity": &in.Severity, "private_comment": &in.PrivateComment, "public_comment": &in.PublicComment} {
		if p.Has(key) {
			v := p.String(key)
			*dst = &v
		}
	}
	for key, dst := range map[string]**bool{"reject_media": &in.RejectMedia, "reject_reports": &in.RejectReports, "obfuscate": &in.Obfuscate} {
		if p.Has(key) {
			v, err := p.Bool(key, false)
			if err != nil {
				return in, err
			}
			*dst = &v
		}
	}
	return in, nil
}

func (a *API) createDomainBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	in, err := domainBlockInput(p)
	if err != nil {
		return err
	}
	b, err := a.mod().CreateDomainBlock(r.Context(), v.User, in)
	if err != nil {
		return err
	}
	rest.OK(w, renderAdminDomainBlock(b))
	return nil
}

func (a *API) updateDomainBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	in, err := domainBlockInput(p)
	if err != nil {
		return err
	}
	b, err := a.mod().UpdateDomainBlock(r.Context(), v.User, id, in)
	if err != nil {
		return err
	}
	rest.OK(w, renderAdminDomainBlock(b))
	return nil
}

func (a *API) deleteDomainBlock(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := a.mod().DeleteDomainBlock(r.Context(), v.User, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

// publicDomainBlocks lists the server's blocks to everyone: agora always
// publishes them (Mastodon leaves it to the admin).
func (a *API) publicDomainBlocks(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	out, err := a.mod().PublicDomainBlocks(r.Context())
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

func (a *API) userDomainBlocks(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(UserDomainBlocksDefault, UserDomainBlocksMax)
	if err != nil {
		return err
	}
	blocks, err := a.Store.UserDomainBlocks(r.Context(), v.Account.ID, pg)
	if err != nil {
		return err
	}
	out := []string{}
	for _, b := range blocks {
		out = append(out, b.Domain)
	}
	if len(blocks) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, blocks[0].ID, blocks[len(blocks)-1].ID, len(blocks))
	}
	rest.OK(w, out)
	return nil
}

// userDomain reads and checks the domain parameter: one's own server's
// domain cannot be blocked.
func (a *API) userDomain(r *http.Request) (string, error) {
	p, err := params(r)
	if err != nil {
		return "", err
	}
	d, err := moderation.NormalizeDomain(p.String("domain"))
	if err != nil {
		return "", err
	}
	if d == a.Cfg.Domain {
		return "", domain.Invalid("You cannot block your own server")
	}
	return d, nil
}

func (a *API) blockDomain(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	d, err := a.userDomain(r)
	if err != nil {
		return err
	}
	if err := a.Store.BlockDomain(r.Context(), v.Account.ID, d); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

func (a *API) unblockDomain(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	d, err := a.userDomain(r)
	if err != nil {
		return err
	}
	if err := a.Store.UnblockDomain(r.Context(), v.Account.ID, d); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}
