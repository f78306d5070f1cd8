package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// registerInteractionPolicies adds GoToSocial's account-level defaults of
// interaction policies.
func (a *API) registerInteractionPolicies(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/interaction_policies/defaults", a.endpoint(userOnly, "read:accounts", a.getInteractionDefaults))
	mux.HandleFunc("PATCH /api/v1/interaction_policies/defaults", a.endpoint(userOnly, "write:accounts", a.patchInteractionDefaults))
	// agora: the author of a thread hides a reply from it (and shows it again).
	mux.HandleFunc("POST /api/agora/v1/statuses/{id}/hide_reply", a.endpoint(userOnly, "write:statuses", a.hideReply(true)))
	mux.HandleFunc("POST /api/agora/v1/statuses/{id}/unhide_reply", a.endpoint(userOnly, "write:statuses", a.hideReply(false)))
}

func (a *API) hideReply(hidden bool) func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := a.statusService().HideReply(r.Context(), v.Account.ID, id, hidden); err != nil {
			return err
		}
		return a.writeStatus(w, r, v, id)
	}
}

// policyVisibilities are the keys of the defaults object, as GoToSocial's.
var policyVisibilities = []domain.Visibility{domain.Direct, domain.Private, domain.Unlisted, domain.Public}

// policyInput reads prefix[can_favourite|can_reply|can_reblog][automatic_approval|manual_approval][]
// (form or JSON); nil when nothing under prefix is given. A rule given
// with only one of its lists has the other empty.
func policyInput(p *rest.Params, prefix string) *statuses.PolicyInput {
	if len(p.Keys(prefix+"[")) == 0 {
		return nil
	}
	in := &statuses.PolicyInput{}
	for _, x := range []struct {
		name string
		dst  **store.PolicyRule
	}{{"can_favourite", &in.CanFavourite}, {"can_reply", &in.CanReply}, {"can_reblog", &in.CanReblog}} {
		key := prefix + "[" + x.name + "]"
		if len(p.Keys(key+"[")) == 0 {
			continue
		}
		*x.dst = &store.PolicyRule{
			AutomaticApproval: p.Strings(key + "[automatic_approval]"),
			ManualApproval:    p.Strings(key + "[manual_approval]"),
		}
	}
	return in
}

func renderDefaults(m map[domain.Visibility]store.InteractionPolicy) map[string]store.InteractionPolicy {
	out := map[string]store.InteractionPolicy{}
	for _, v := range policyVisibilities {
		out[string(v)] = m[v]
	}
	return out
}

func (a *API) getInteractionDefaults(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	m, err := a.statusService().InteractionDefaults(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	rest.OK(w, renderDefaults(m))
	return nil
}

// patchInteractionDefaults sets the defaults, as GoToSocial: a visibility
// left out of the request goes back to its default.
func (a *API) patchInteractionDefaults(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	in := map[domain.Visibility]*statuses.PolicyInput{}
	for _, vis := range policyVisibilities {
		if pin := policyInput(p, string(vis)); pin != nil {
			in[vis] = pin
		}
	}
	m, err := a.statusService().SetInteractionDefaults(r.Context(), v.Account.ID, in)
	if err != nil {
		return err
	}
	rest.OK(w, renderDefaults(m))
	return nil
}
