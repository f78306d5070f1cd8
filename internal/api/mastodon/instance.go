package mastodon

import (
	"github.com/agora-social/agora/internal/media"
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/store"
)

// Limits the instance advertises and enforces (docs/api.md).
const (
	MaxMediaAttachments  = 4
	CharsReservedPerURL  = 23
	MaxPollOptions       = 4
	MaxPollOptionChars   = 50
	MinPollExpiration    = 300
	MaxPollExpiration    = 2629746
	MaxProfileFields     = 4
	MaxFieldNameChars    = 255
	MaxFieldValueChars   = 255
	MaxDisplayNameChars  = 30
	MaxNoteChars         = 500
	MaxFeaturedTags      = 10
	MaxPinnedStatuses    = 5
	MaxListsPerAccount   = 50
	MaxFiltersPerAccount = 100
)

func (a *API) registerInstance(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/instance", a.endpoint(anyone, "", a.instanceV1))
	mux.HandleFunc("GET /api/v2/instance", a.endpoint(anyone, "", a.instanceV2))
	mux.HandleFunc("GET /api/v1/instance/rules", a.endpoint(anyone, "", a.instanceRules))
	mux.HandleFunc("GET /api/v1/instance/peers", a.endpoint(anyone, "", a.instancePeers))
	mux.HandleFunc("GET /api/v1/instance/activity", a.endpoint(anyone, "", func(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
		rest.OK(w, []any{})
		return nil
	}))
	mux.HandleFunc("GET /api/v1/instance/extended_description", a.endpoint(anyone, "", a.extendedDescription))
	mux.HandleFunc("GET /api/v1/instance/translation_languages", a.endpoint(anyone, "", func(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
		rest.OK(w, map[string][]string{})
		return nil
	}))
	mux.HandleFunc("GET /api/v1/custom_emojis", a.endpoint(anyone, "", a.customEmojis))
}

// MastodonAPIVersion is the api_versions.mastodon advertised: the highest
// Mastodon API version all of whose additions agora serves. Version 2 (4.3)
// is grouped notifications; 3 (4.4) adds attribution_domains (served:
// accounts_profile.go, cards); 4 needs RFC 8291 push and delete_media,
// which agora lacks, and clients gate with >= N, so nothing above 3 can be
// claimed even though agora has some later additions (quotes, 7). See
// docs/api.md.
const MastodonAPIVersion = 3

// VersionString is what clients match as semver against Mastodon's features.
func VersionString() string { return "4.3.0 (compatible; agora " + Version + ")" }

func (a *API) streamingOrigin() string {
	u := a.Cfg.URL
	switch {
	case strings.HasPrefix(u, "https://"):
		return "wss://" + strings.TrimPrefix(u, "https://")
	default:
		return "ws://" + strings.TrimPrefix(u, "http://")
	}
}

func (a *API) description() string {
	return "agora is a social network server for public discourse: accountable moderation, chronological timelines, federated with the fediverse."
}

type ruleEntity struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Hint string `json:"hint"`
}

func renderRules(rules []store.Rule) []ruleEntity {
	out := make([]ruleEntity, 0, len(rules))
	for _, r := range rules {
		out = append(out, ruleEntity{ID: r.ID.String(), Text: r.Text, Hint: r.Hint})
	}
	return out
}

func (a *API) statusesConfig() map[string]any {
	return map[string]any{
		"max_characters":              a.Cfg.MaxStatusChars,
		"max_media_attachments":       MaxMediaAttachments,
		"characters_reserved_per_url": CharsReservedPerURL,
	}
}

// mediaConfig tells clients the media limits this server applies.
func (a *API) mediaConfig() map[string]any {
	return map[string]any{
		"supported_mime_types":   a.supportedMimeTypes(),
		"image_size_limit":       a.Cfg.Media.MaxImageBytes,
		"image_matrix_limit":     media.MaxInputPixels,
		"video_size_limit":       a.Cfg.Media.MaxVideoBytes,
		"video_frame_rate_limit": a.Cfg.Media.MaxVideoFrameRate,
		"video_matrix_limit":     a.Cfg.Media.MaxVideoPixels,
		"description_limit":      media.MaxDescription,
	}
}

func pollsConfig() map[string]any {
	return map[string]any{
		"max_options":               MaxPollOptions,
		"max_characters_per_option": MaxPollOptionChars,
		"min_expiration":            MinPollExpiration,
		"max_expiration":            MaxPollExpiration,
	}
}

func (a *API) instanceV1(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
	ctx := r.Context()
	stats, err := a.Store.Stats(ctx)
	if err != nil {
		return err
	}
	rules, err := a.Store.Rules(ctx)
	if err != nil {
		return err
	}
	rest.OK(w, map[string]any{
		"uri":               a.Cfg.Domain,
		"title":             a.Cfg.InstanceTitle,
		"short_description": a.description(),
		"description":       a.description(),
		"email":             a.Cfg.ContactEmail,
		"version":           VersionString(),
		"urls":              map[string]string{"streaming_api": a.streamingOrigin()},
		"stats":             map[string]int64{"user_count": stats.Users, "status_count": stats.Statuses, "domain_count": stats.Domains},
		"thumbnail":         nil,
		"languages":         []string{"en", "fr"},
		"registrations":     a.Cfg.Registrations == "open" || a.Cfg.Registrations == "approval",
		"approval_required": a.Cfg.Registrations == "approval",
		"invites_enabled":   a.Cfg.Registrations == "invite",
		"configuration": map[string]any{
			"accounts":          map[string]any{"max_featured_tags": MaxFeaturedTags},
			"statuses":          a.statusesConfig(),
			"media_attachments": a.mediaConfig(),
			"polls":             pollsConfig(),
		},
		"contact_account": nil,
		"rules":           renderRules(rules),
	})
	return nil
}

func (a *API) instanceV2(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
	ctx := r.Context()
	stats, err := a.Store.Stats(ctx)
	if err != nil {
		return err
	}
	rules, err := a.Store.Rules(ctx)
	if err != nil {
		return err
	}
	var regMessage any
	if a.Cfg.Registrations == "closed" {
		regMessage = "Registrations are closed on this server."
	}
	rest.OK(w, map[string]any{
		"domain":       a.Cfg.Domain,
		"api_versions": map[string]int{"mastodon": MastodonAPIVersion},
		"title":        a.Cfg.InstanceTitle,
		"version":      VersionString(),
		"source_url":   "https://github.com/agora-social/agora",
		"description":  a.description(),
		"usage":        map[string]any{"users": map[string]int64{"active_month": stats.ActiveMonth}},
		"thumbnail":    map[string]any{"url": a.Cfg.URL + HeaderMissing, "blurhash": nil, "versions": map[string]string{}},
		"icon":         []any{},
		"languages":    []string{"en", "fr"},
		"configuration": map[string]any{
			"urls":              map[string]any{"streaming": a.streamingOrigin(), "status": nil, "about": a.Cfg.URL + "/about", "privacy_policy": nil, "terms_of_service": nil},
			"vapid":             map[string]string{"public_key": ""},
			"accounts":          map[string]any{"max_featured_tags": MaxFeaturedTags, "max_pinned_statuses": MaxPinnedStatuses},
			"statuses":          a.statusesConfig(),
			"media_attachments": a.mediaConfig(),
			"polls":             pollsConfig(),
			"translation":       map[string]bool{"enabled": false},
			"timelines_access": map[string]any{
				"live_feeds":          map[string]string{"local": "public", "remote": "public"},
				"hashtag_feeds":       map[string]string{"local": "public", "remote": "public"},
				"trending_link_feeds": map[string]string{"local": "public", "remote": "public"},
			},
		},
		"registrations": map[string]any{
			"enabled":           a.Cfg.Registrations == "open" || a.Cfg.Registrations == "approval",
			"approval_required": a.Cfg.Registrations == "approval",
			"message":           regMessage,
			"url":               nil,
			"min_age":           nil,
			"reason_required":   a.Cfg.Registrations == "approval",
		},
		"contact": map[string]any{"email": a.Cfg.ContactEmail, "account": nil},
		"rules":   renderRules(rules),
	})
	return nil
}

func (a *API) instanceRules(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
	rules, err := a.Store.Rules(r.Context())
	if err != nil {
		return err
	}
	rest.OK(w, renderRules(rules))
	return nil
}

func (a *API) instancePeers(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
	peers, err := a.Store.Peers(r.Context())
	if err != nil {
		return err
	}
	rest.OK(w, peers)
	return nil
}

func (a *API) extendedDescription(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
	rest.OK(w, map[string]any{"updated_at": nil, "content": "<p>" + a.description() + "</p>"})
	return nil
}

// supportedMimeTypes is what this server accepts as uploads: video and
// audio only when it has ffmpeg.
func (a *API) supportedMimeTypes() []string {
	if a.Media == nil {
		return []string{}
	}
	return a.Media.AcceptedTypes()
}
