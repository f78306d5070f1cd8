package mastodon

import (
	"context"
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/notes"
	"github.com/agora-social/agora/internal/store"
)

// Community Notes list limits.
const (
	NotesDefaultLimit = 20
	NotesMaxLimit     = 40
)

func (a *API) notes() *notes.Service {
	svc := notes.New(a.Store, a.statusService(), a.Log)
	svc.MinAccountAge = time.Duration(a.Cfg.NotesMinAccountDays) * 24 * time.Hour
	return svc
}

func (a *API) registerCommunityNotes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/agora/v1/statuses/{id}/notes", a.endpoint(anyone, "read:statuses", a.statusNotes))
	mux.HandleFunc("POST /api/agora/v1/statuses/{id}/notes", a.endpoint(userOnly, "write:statuses", a.writeNote))
	mux.HandleFunc("GET /api/agora/v1/notes", a.endpoint(userOnly, "read:statuses", a.notesToRate))
	mux.HandleFunc("GET /api/agora/v1/notes/{id}", a.endpoint(anyone, "read:statuses", a.getNote))
	mux.HandleFunc("DELETE /api/agora/v1/notes/{id}", a.endpoint(userOnly, "write:statuses", a.deleteNote))
	mux.HandleFunc("POST /api/agora/v1/notes/{id}/rating", a.endpoint(userOnly, "write:statuses", a.rateNote))
}

// CommunityNote is agora's note entity. The author is not shown (as in
// Community Notes); "mine" tells the author their own notes.
type CommunityNote struct {
	ID             string   `json:"id"`
	StatusID       string   `json:"status_id"`
	Classification string   `json:"classification"`
	Text           string   `json:"text"`
	Language       *string  `json:"language"`
	Status         string   `json:"status"`
	HelpfulScore   *float64 `json:"helpful_score"`
	RatingsCount   int64    `json:"ratings_count"`
	TopReasons     []string `json:"top_reasons"`
	Mine           bool     `json:"mine"`
	MyRating       *string  `json:"my_rating"`
	CreatedAt      Time     `json:"created_at"`
}

// renderNotes renders notes for a viewer in three queries at most.
func (a *API) renderNotes(ctx context.Context, v *Viewer, list []*store.CommunityNote) ([]*CommunityNote, error) {
	ids := make([]domain.ID, len(list))
	for i, n := range list {
		ids[i] = n.ID
	}
	mine, err := a.Store.NoteRatingsOf(ctx, v.AccountID(), ids)
	if err != nil {
		return nil, err
	}
	all, err := a.Store.NoteRatingsFor(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []*CommunityNote{}
	for _, n := range list {
		e := &CommunityNote{ID: n.ID.String(), StatusID: n.StatusID.String(), Classification: n.Classification, Text: n.Text,
			Status: n.Status, HelpfulScore: n.Intercept, RatingsCount: n.NumRatings, TopReasons: []string{},
			Mine: v.AccountID() != 0 && n.AccountID == v.AccountID(), CreatedAt: Time(n.CreatedAt)}
		if n.Language != "" {
			e.Language = &n.Language
		}
		if n.Status != notes.NeedsMoreRatings {
			e.TopReasons = append(e.TopReasons, notes.TopReasons(n, all)...)
		}
		if r := mine[n.ID]; r != nil {
			e.MyRating = &r.Helpfulness
		}
		out = append(out, e)
	}
	return out, nil
}

func (a *API) writeNoteOut(w http.ResponseWriter, r *http.Request, v *Viewer, list []*store.CommunityNote, one bool) error {
	out, err := a.renderNotes(r.Context(), v, list)
	if err != nil {
		return err
	}
	if one {
		rest.OK(w, out[0])
		return nil
	}
	rest.OK(w, out)
	return nil
}

func (a *API) statusNotes(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.notes().OfStatus(r.Context(), v.User, v.Account, id)
	if err != nil {
		return err
	}
	return a.writeNoteOut(w, r, v, list, false)
}

// writeNote takes classification, text and language.
func (a *API) writeNote(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	n, err := a.notes().Write(r.Context(), v.User, v.Account, id, p.String("classification"), p.String("text"), p.String("language"))
	if err != nil {
		return err
	}
	return a.writeNoteOut(w, r, v, []*store.CommunityNote{n}, true)
}

func (a *API) notesToRate(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(NotesDefaultLimit, NotesMaxLimit)
	if err != nil {
		return err
	}
	list, err := a.notes().ToRate(r.Context(), v.User, v.Account, pg)
	if err != nil {
		return err
	}
	if len(list) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, list[0].ID, list[len(list)-1].ID, len(list))
	}
	return a.writeNoteOut(w, r, v, list, false)
}

func (a *API) getNote(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := a.notes().Get(r.Context(), v.User, v.Account, id)
	if err != nil {
		return err
	}
	return a.writeNoteOut(w, r, v, []*store.CommunityNote{n}, true)
}

func (a *API) deleteNote(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.notes().Delete(r.Context(), v.Account, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

// rateNote takes helpfulness (helpful, somewhat_helpful, not_helpful) and
// tags[].
func (a *API) rateNote(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	svc := a.notes()
	if err := svc.Rate(r.Context(), v.User, v.Account, id, p.String("helpfulness"), p.Strings("tags")); err != nil {
		return err
	}
	n, err := svc.Get(r.Context(), v.User, v.Account, id)
	if err != nil {
		return err
	}
	return a.writeNoteOut(w, r, v, []*store.CommunityNote{n}, true)
}
