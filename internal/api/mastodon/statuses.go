package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
)

// MaxStatusBatch is how many ids GET /api/v1/statuses?id[]= accepts.
const MaxStatusBatch = 40

// registerStatuses adds statuses, timelines, notifications and polls.
func (a *API) registerStatuses(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/statuses", a.endpoint(userOnly, "write:statuses", a.postStatus))
	mux.HandleFunc("GET /api/v1/statuses", a.endpoint(anyone, "read:statuses", a.getStatuses))
	mux.HandleFunc("GET /api/v1/statuses/{id}", a.endpoint(anyone, "read:statuses", a.getStatus))
	mux.HandleFunc("PUT /api/v1/statuses/{id}", a.endpoint(userOnly, "write:statuses", a.editStatus))
	mux.HandleFunc("DELETE /api/v1/statuses/{id}", a.endpoint(userOnly, "write:statuses", a.deleteStatus))
	mux.HandleFunc("GET /api/v1/statuses/{id}/source", a.endpoint(userOnly, "read:statuses", a.statusSource))
	mux.HandleFunc("GET /api/v1/statuses/{id}/history", a.endpoint(anyone, "read:statuses", a.statusHistory))
	mux.HandleFunc("GET /api/v1/statuses/{id}/context", a.endpoint(anyone, "read:statuses", a.statusContext))
	a.registerStatusActions(mux)
	a.registerTimelines(mux)
	a.registerNotifications(mux)
	a.registerPolls(mux)
	a.registerScheduled(mux)
	a.registerInteractionPolicies(mux)
	a.registerQuotes(mux)
}

// renderStatuses loads and renders statuses for a viewer, in the order of
// ids, dropping those the viewer may not see. Other endpoint groups (lists,
// conversations, search, bookmarks) call it.
func (a *API) renderStatuses(ctx context.Context, v *Viewer, ids []domain.ID, filterContext string) ([]any, error) {
	list, err := a.renderStatusList(ctx, v, ids, filterContext)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out, nil
}

// pollInput reads poll[options][], poll[expires_in], poll[multiple] and
// poll[hide_totals]; nil when no poll is given.
func pollInput(p *rest.Params) (*statuses.PollInput, error) {
	if !p.Has("poll[options]") && !p.Has("poll[expires_in]") {
		return nil, nil
	}
	in := &statuses.PollInput{Options: p.Strings("poll[options]")}
	var err error
	if in.ExpiresIn, err = p.Int("poll[expires_in]", 0, 0, 1<<31-1); err != nil {
		return nil, err
	}
	if in.Multiple, err = p.Bool("poll[multiple]", false); err != nil {
		return nil, err
	}
	if in.HideTotals, err = p.Bool("poll[hide_totals]", false); err != nil {
		return nil, err
	}
	return in, nil
}

func (a *API) postStatus(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if !a.limit(w, a.limitPost, v.Account.ID.String()) {
		return nil
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	in := statuses.PostInput{
		Text: p.String("status"), SpoilerText: p.String("spoiler_text"), Visibility: p.String("visibility"),
		Language: p.String("language"), MediaIDs: p.Strings("media_ids"), IdempotencyKey: r.Header.Get("Idempotency-Key"),
		ApplicationID: v.Token.AppID, InteractionPolicy: policyInput(p, "interaction_policy"),
		QuotePolicy: p.String("quote_approval_policy"),
	}
	if in.QuotedStatusID, err = p.ID("quoted_status_id"); err != nil {
		return err
	}
	if p.Has("sensitive") {
		b, err := p.Bool("sensitive", false)
		if err != nil {
			return err
		}
		in.Sensitive = &b
	}
	if in.InReplyToID, err = p.ID("in_reply_to_id"); err != nil {
		return err
	}
	if in.Poll, err = pollInput(p); err != nil {
		return err
	}
	if in.ScheduledAt, err = p.Time("scheduled_at"); err != nil {
		return err
	}
	if in.ScheduledAt != nil {
		sch, err := a.statusService().Schedule(r.Context(), v.Account, v.User.Preferences, in)
		if err != nil {
			return err
		}
		out, err := renderScheduled(sch)
		if err != nil {
			return err
		}
		rest.OK(w, out)
		return nil
	}
	id, err := a.statusService().Post(r.Context(), v.Account, v.User.Preferences, in)
	if err != nil {
		return err
	}
	return a.writeStatus(w, r, v, id)
}

// writeStatus renders one status as the response.
func (a *API) writeStatus(w http.ResponseWriter, r *http.Request, v *Viewer, id domain.ID) error {
	s, err := a.renderStatus(r.Context(), v, id)
	if err != nil {
		return err
	}
	rest.OK(w, s)
	return nil
}

func (a *API) getStatus(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return a.writeStatus(w, r, v, id)
}

func (a *API) getStatuses(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	ids, err := p.IDs("id", MaxStatusBatch)
	if err != nil {
		return err
	}
	out, err := a.renderStatusList(r.Context(), v, ids, "thread")
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

func (a *API) editStatus(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	in := statuses.EditInput{Text: p.String("status"), SpoilerText: p.String("spoiler_text"), MediaIDs: p.Strings("media_ids"),
		InteractionPolicy: policyInput(p, "interaction_policy")}
	if p.Has("sensitive") {
		b, err := p.Bool("sensitive", false)
		if err != nil {
			return err
		}
		in.Sensitive = &b
	}
	if p.Has("language") {
		l := p.String("language")
		in.Language = &l
	}
	if in.Poll, err = pollInput(p); err != nil {
		return err
	}
	if err := a.statusService().Edit(r.Context(), v.Account.ID, id, in); err != nil {
		return err
	}
	return a.writeStatus(w, r, v, id)
}

func (a *API) deleteStatus(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Render before deleting: the response is the status as it was.
	s, err := a.renderStatus(r.Context(), v, id)
	if err != nil {
		return err
	}
	st, err := a.statusService().Delete(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	text := st.Text
	s.Text = &text
	rest.OK(w, s)
	return nil
}

func (a *API) statusSource(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := a.statusService().Get(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	rest.OK(w, map[string]string{"id": st.ID.String(), "text": st.Text, "spoiler_text": st.SpoilerText})
	return nil
}

// StatusEdit is Mastodon's StatusEdit entity.
type StatusEdit struct {
	Content          string   `json:"content"`
	SpoilerText      string   `json:"spoiler_text"`
	Sensitive        bool     `json:"sensitive"`
	CreatedAt        Time     `json:"created_at"`
	Account          *Account `json:"account"`
	Poll             any      `json:"poll"`
	MediaAttachments []any    `json:"media_attachments"`
	Emojis           []Emoji  `json:"emojis"`
}

func (a *API) statusHistory(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, edits, err := a.statusService().History(r.Context(), v.AccountID(), id)
	if err != nil {
		return err
	}
	acct, err := a.Store.Account(r.Context(), st.AccountID)
	if err != nil {
		return err
	}
	ra := a.renderAccount(acct)
	// The custom emoji of every version, in one query.
	wants := emojiWants{}
	for _, e := range edits {
		wants.add(acct.Domain, append([]string{e.Content, e.SpoilerText}, e.PollOptions...)...)
	}
	found := wants.load(r.Context(), a.Store)
	out := make([]StatusEdit, 0, len(edits))
	for _, e := range edits {
		se := StatusEdit{Content: e.Content, SpoilerText: e.SpoilerText, Sensitive: e.Sensitive,
			CreatedAt: msTime(e.CreatedAt), Account: ra, MediaAttachments: []any{},
			Emojis: a.emojisIn(found, acct.Domain, append([]string{e.Content, e.SpoilerText}, e.PollOptions...)...)}
		if e.PollOptions != nil {
			opts := make([]map[string]string, len(e.PollOptions))
			for i, o := range e.PollOptions {
				opts[i] = map[string]string{"title": o}
			}
			se.Poll = map[string]any{"options": opts}
		}
		out = append(out, se)
	}
	rest.OK(w, out)
	return nil
}

func (a *API) statusContext(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	anc, desc, err := a.statusService().Context(r.Context(), v.AccountID(), id)
	if err != nil {
		return err
	}
	// One render for both lists keeps the query count fixed.
	all, err := a.renderStatusList(r.Context(), v, append(append([]domain.ID{}, anc...), desc...), "thread")
	if err != nil {
		return err
	}
	isAnc := map[string]bool{}
	for _, id := range anc {
		isAnc[id.String()] = true
	}
	out := struct {
		Ancestors   []*Status `json:"ancestors"`
		Descendants []*Status `json:"descendants"`
	}{[]*Status{}, []*Status{}}
	for _, s := range all {
		if isAnc[s.ID] {
			out.Ancestors = append(out.Ancestors, s)
		} else {
			out.Descendants = append(out.Descendants, s)
		}
	}
	rest.OK(w, out)
	return nil
}
