package mastodon

import (
	"net/http"
	"slices"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
)

// MarkerTimelines are the timelines that have read markers.
var MarkerTimelines = []string{"home", "notifications"}

func (a *API) registerMarkers(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/markers", a.endpoint(userOnly, "read:statuses", a.getMarkers))
	mux.HandleFunc("POST /api/v1/markers", a.endpoint(userOnly, "write:statuses", a.setMarkers))
}

// Marker is Mastodon's Marker entity.
type Marker struct {
	LastReadID string `json:"last_read_id"`
	Version    int64  `json:"version"`
	UpdatedAt  Time   `json:"updated_at"`
}

// renderMarkers answers the markers of the known timelines asked for;
// unknown timeline names are ignored, as Mastodon does.
func (a *API) renderMarkers(r *http.Request, owner domain.ID, timelines []string) (map[string]Marker, error) {
	var known []string
	for _, t := range timelines {
		if slices.Contains(MarkerTimelines, t) && !slices.Contains(known, t) {
			known = append(known, t)
		}
	}
	ms, err := a.Store.Markers(r.Context(), owner, known)
	if err != nil {
		return nil, err
	}
	out := map[string]Marker{}
	for t, m := range ms {
		out[t] = Marker{LastReadID: m.LastReadID.String(), Version: m.Version, UpdatedAt: Time(m.UpdatedAt)}
	}
	return out, nil
}

func (a *API) getMarkers(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	out, err := a.renderMarkers(r, v.Account.ID, p.Strings("timeline"))
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

func (a *API) setMarkers(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	positions := map[string]domain.ID{}
	for _, t := range MarkerTimelines {
		key := t + "[last_read_id]"
		if !p.Has(key) {
			continue
		}
		id, ok := domain.ParseID(p.String(key))
		if !ok {
			return domain.Invalid("%s must be an id", key)
		}
		positions[t] = id
	}
	if len(positions) == 0 {
		return domain.Invalid("Give home[last_read_id] or notifications[last_read_id]")
	}
	if err := a.Store.SetMarkers(r.Context(), v.Account.ID, positions); err != nil {
		return err
	}
	timelines := make([]string, 0, len(positions))
	for t := range positions {
		timelines = append(timelines, t)
	}
	out, err := a.renderMarkers(r, v.Account.ID, timelines)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}
