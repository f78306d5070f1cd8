package mastodon

import (
	"encoding/json"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

func (a *API) registerConversations(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/conversations", a.endpoint(userOnly, "read:statuses", a.getConversations))
	mux.HandleFunc("DELETE /api/v1/conversations/{id}", a.endpoint(userOnly, "write:conversations", a.removeConversation))
	mux.HandleFunc("POST /api/v1/conversations/{id}/read", a.endpoint(userOnly, "write:conversations", a.readConversation))
}

// Conversation is Mastodon's Conversation entity.
type Conversation struct {
	ID         string     `json:"id"`
	Unread     bool       `json:"unread"`
	Accounts   []*Account `json:"accounts"`
	LastStatus any        `json:"last_status"`
}

// Page sizes of conversations, as Mastodon's.
const (
	DefaultConversations = 20
	MaxConversations     = 40
)

// renderConversations renders conversations with their participants and
// last statuses in a fixed number of queries.
func (a *API) renderConversations(r *http.Request, v *Viewer, cs []*store.Conversation) ([]Conversation, error) {
	var accountIDs, statusIDs []domain.ID
	for _, c := range cs {
		accountIDs = append(accountIDs, c.Participants...)
		statusIDs = append(statusIDs, c.LastStatusID)
	}
	accts, err := a.Store.Accounts(r.Context(), accountIDs)
	if err != nil {
		return nil, err
	}
	rendered, err := a.renderStatuses(r.Context(), v, statusIDs, "thread")
	if err != nil {
		return nil, err
	}
	byID := map[string]any{}
	for _, s := range rendered {
		byID[renderedID(s)] = s
	}
	out := make([]Conversation, 0, len(cs))
	for _, c := range cs {
		x := Conversation{ID: c.ID.String(), Unread: c.Unread, Accounts: []*Account{}, LastStatus: byID[c.LastStatusID.String()]}
		for _, id := range c.Participants {
			if acct := accts[id]; acct != nil {
				x.Accounts = append(x.Accounts, a.renderAccount(acct))
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// renderedID is the id of a rendered status.
func renderedID(s any) string {
	if st, ok := s.(*Status); ok {
		return st.ID
	}
	b, err := json.Marshal(s)
	if err != nil {
		return ""
	}
	var x struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(b, &x)
	return x.ID
}

func (a *API) getConversations(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(DefaultConversations, MaxConversations)
	if err != nil {
		return err
	}
	cs, err := a.Store.Conversations(r.Context(), v.Account.ID, pg)
	if err != nil {
		return err
	}
	out, err := a.renderConversations(r, v, cs)
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, cs[0].LastStatusID, cs[len(cs)-1].LastStatusID, len(cs))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) readConversation(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Store.MarkConversationRead(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	out, err := a.renderConversations(r, v, []*store.Conversation{c})
	if err != nil {
		return err
	}
	rest.OK(w, out[0])
	return nil
}

func (a *API) removeConversation(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.RemoveConversation(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, struct{}{})
	return nil
}
