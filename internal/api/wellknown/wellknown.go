// Package wellknown serves the discovery documents: NodeInfo 2.0 and 2.1,
// host-meta (XML and JSON) and WebFinger for local accounts and the
// instance actor.
package wellknown

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Handler serves the discovery documents.
type Handler struct {
	Cfg     *config.Config
	Store   *store.Store
	Version string
}

// Register adds the routes.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/nodeinfo", h.nodeinfoIndex)
	mux.HandleFunc("GET /nodeinfo/2.0", h.nodeinfo("2.0"))
	mux.HandleFunc("GET /nodeinfo/2.1", h.nodeinfo("2.1"))
	mux.HandleFunc("GET /.well-known/host-meta", h.hostMeta)
	mux.HandleFunc("GET /.well-known/host-meta.json", h.hostMetaJSON)
	mux.HandleFunc("GET /.well-known/webfinger", h.webfinger)
}

func (h *Handler) nodeinfoIndex(w http.ResponseWriter, r *http.Request) {
	rest.OK(w, map[string]any{"links": []map[string]string{
		{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": h.Cfg.URL + "/nodeinfo/2.0"},
		{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": h.Cfg.URL + "/nodeinfo/2.1"},
	}})
}

func (h *Handler) nodeinfo(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := h.Store.Stats(r.Context())
		if err != nil {
			rest.Error(w, r, nil, err)
			return
		}
		software := map[string]any{"name": "agora", "version": h.Version}
		if version == "2.1" {
			software["repository"] = "https://github.com/agora-social/agora"
			software["homepage"] = "https://github.com/agora-social/agora"
		}
		doc := map[string]any{
			"version":           version,
			"software":          software,
			"protocols":         []string{"activitypub"},
			"services":          map[string][]string{"inbound": {}, "outbound": {}},
			"openRegistrations": h.Cfg.Registrations == "open" || h.Cfg.Registrations == "approval",
			"usage": map[string]any{
				"users":      map[string]int64{"total": st.Users, "activeMonth": st.ActiveMonth, "activeHalfyear": st.ActiveHalfYear},
				"localPosts": st.Statuses,
			},
			// megalodon's detector accepts unknown software only with this.
			"metadata": map[string]any{
				"nodeName": h.Cfg.InstanceTitle,
				"upstream": map[string]string{"name": "mastodon", "version": "4.3.0"},
			},
		}
		rest.OK(w, doc)
	}
}

type xrd struct {
	XMLName xml.Name  `xml:"XRD"`
	XMLNS   string    `xml:"xmlns,attr"`
	Links   []xrdLink `xml:"Link"`
}

type xrdLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	Template string `xml:"template,attr"`
}

func (h *Handler) hostMeta(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.Header.Get("Accept"), "json") {
		h.hostMetaJSON(w, r)
		return
	}
	doc := xrd{XMLNS: "http://docs.oasis-open.org/ns/xri/xrd-1.0", Links: []xrdLink{
		{Rel: "lrdd", Type: "application/xrd+xml", Template: h.Cfg.URL + "/.well-known/webfinger?resource={uri}"},
	}}
	b, _ := xml.Marshal(doc)
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

func (h *Handler) hostMetaJSON(w http.ResponseWriter, r *http.Request) {
	rest.OK(w, map[string]any{"links": []map[string]string{
		{"rel": "lrdd", "type": "application/jrd+json", "template": h.Cfg.URL + "/.well-known/webfinger?resource={uri}"},
	}})
}

// webfinger answers for local accounts, by acct: URI or by profile/actor URL.
func (h *Handler) webfinger(w http.ResponseWriter, r *http.Request) {
	res := r.URL.Query().Get("resource")
	if res == "" {
		rest.JSON(w, http.StatusBadRequest, map[string]string{"error": "resource is required"})
		return
	}
	username := ""
	switch {
	case strings.HasPrefix(res, "acct:"):
		user, host, ok := strings.Cut(strings.TrimPrefix(res, "acct:"), "@")
		if !ok || !strings.EqualFold(host, h.Cfg.Domain) {
			rest.JSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
			return
		}
		username = strings.TrimPrefix(user, "@")
	case res == h.Cfg.URL+"/actor":
		h.instanceActor(w)
		return
	case strings.HasPrefix(res, h.Cfg.URL+"/users/"):
		username = strings.TrimPrefix(res, h.Cfg.URL+"/users/")
	case strings.HasPrefix(res, h.Cfg.URL+"/@"):
		username = strings.TrimPrefix(res, h.Cfg.URL+"/@")
	default:
		rest.JSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	instance := strings.HasPrefix(res, "acct:") && strings.EqualFold(username, h.Cfg.Domain)
	if instance && strings.ContainsAny(username, ".:") { // a domain no username can be
		h.instanceActor(w)
		return
	}
	acct, err := h.Store.AccountByHandle(r.Context(), username, "")
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound && instance {
			h.instanceActor(w)
			return
		}
		if domain.KindOf(err) == domain.KindNotFound {
			rest.JSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
			return
		}
		rest.Error(w, r, nil, err)
		return
	}
	rest.JSON(w, http.StatusOK, map[string]any{
		"subject": "acct:" + acct.Username + "@" + h.Cfg.Domain,
		"aliases": []string{acct.URI, acct.URL},
		"links": []map[string]string{
			{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": acct.URL},
			{"rel": "self", "type": "application/activity+json", "href": acct.URI},
		},
	})
}

// instanceActor answers WebFinger for the instance actor (/actor) as
// Mastodon does: acct:DOMAIN@DOMAIN, its preferredUsername being the
// domain, so that servers checking that an actor's handle leads back to it
// can store it as an account. A domain without a dot or a port could be a
// member's username: that member keeps it.
func (h *Handler) instanceActor(w http.ResponseWriter) {
	id := h.Cfg.URL + "/actor"
	page := h.Cfg.URL + "/"
	rest.JSON(w, http.StatusOK, map[string]any{
		"subject": "acct:" + h.Cfg.Domain + "@" + h.Cfg.Domain,
		"aliases": []string{id},
		"links": []map[string]string{
			{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page},
			{"rel": "self", "type": "application/activity+json", "href": id},
		},
	})
}
