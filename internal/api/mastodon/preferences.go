package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
)

func (a *API) registerPreferences(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/preferences", a.endpoint(userOnly, "read:accounts", a.getPreferences))
}

// renderPreferences is Mastodon's Preferences entity, with its defaults.
func renderPreferences(p domain.Preferences) map[string]any {
	vis := string(p.DefaultVisibility)
	if vis == "" {
		vis = string(domain.Public)
	}
	var lang any
	if p.DefaultLanguage != "" {
		lang = p.DefaultLanguage
	}
	media := p.ExpandMedia
	if media == "" {
		media = "default"
	}
	quote := p.DefaultQuotePolicy
	if quote == "" {
		quote = domain.QuotePublic
	}
	return map[string]any{
		"posting:default:quote_policy": quote,
		"posting:default:visibility":   vis,
		"posting:default:sensitive":    p.DefaultSensitive,
		"posting:default:language":     lang,
		"reading:expand:media":         media,
		"reading:expand:spoilers":      p.ExpandSpoilers,
	}
}

func (a *API) getPreferences(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	rest.OK(w, renderPreferences(v.User.Preferences))
	return nil
}
