package mastodon

import (
	"net/http"
	"strconv"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
)

func (a *API) registerPolls(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/polls/{id}", a.endpoint(anyone, "read:statuses", a.getPoll))
	mux.HandleFunc("POST /api/v1/polls/{id}/votes", a.endpoint(userOnly, "write:statuses", a.votePoll))
}

// writePoll renders the poll of a status the viewer may see.
func (a *API) writePoll(w http.ResponseWriter, r *http.Request, v *Viewer, id domain.ID) error {
	s, err := a.renderStatus(r.Context(), v, id)
	if err != nil {
		return err
	}
	if s.Poll == nil {
		return domain.NotFound()
	}
	rest.OK(w, s.Poll)
	return nil
}

func (a *API) getPoll(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if id, err = a.statusService().Poll(r.Context(), v.AccountID(), id); err != nil {
		return err
	}
	return a.writePoll(w, r, v, id)
}

func (a *API) votePoll(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	raw := p.Strings("choices")
	if len(raw) > statuses.MaxPollOptions {
		return domain.Invalid("choices: at most %d", statuses.MaxPollOptions)
	}
	choices := make([]int, 0, len(raw))
	for _, c := range raw {
		n, err := strconv.Atoi(c)
		if err != nil {
			return domain.Invalid("choices: %q is not an option index", c)
		}
		choices = append(choices, n)
	}
	if err := a.statusService().Vote(r.Context(), v.Account.ID, id, choices); err != nil {
		return err
	}
	return a.writePoll(w, r, v, id)
}
