package mastodon_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
)

// ipRule returns status's interaction_policy[kind] lists.
func ipRule(t *testing.T, status map[string]any, kind string) (auto, manual []string) {
	t.Helper()
	ip, ok := status["interaction_policy"].(map[string]any)
	if !ok {
		t.Fatalf("no interaction_policy in %v", status)
	}
	r := ip[kind].(map[string]any)
	for _, v := range r["automatic_approval"].([]any) {
		auto = append(auto, v.(string))
	}
	for _, v := range r["manual_approval"].([]any) {
		manual = append(manual, v.(string))
	}
	return auto, manual
}

func TestInteractionPolicyRenderedAndDefaults(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		for vis, want := range map[string][]string{
			"public": {"public"}, "unlisted": {"public"},
			"private": {"author", "followers", "mentioned"}, "direct": {"author", "mentioned"},
		} {
			st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "hi", "visibility": vis}).Map(t)
			if got, _ := ipRule(t, st, "can_reply"); !slices.Equal(got, want) {
				t.Errorf("%s can_reply = %v, want %v", vis, got, want)
			}
			// Anonymous readers see it too (GoToSocial clients read it).
			if vis == "public" {
				anon := s.Must(t, 200, "GET", "/api/v1/statuses/"+st["id"].(string), "", nil).Map(t)
				if got, _ := ipRule(t, anon, "can_reblog"); !slices.Equal(got, []string{"public"}) {
					t.Errorf("anonymous can_reblog = %v", got)
				}
			}
		}
	})
}

func TestInteractionPolicySetEditedEnforced(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")     // follows alice
		carol := s.NewUser(t, "carol") // alice follows carol
		dave := s.NewUser(t, "dave")   // a stranger, then mentioned
		stFollow(t, s, bob, alice)
		stFollow(t, s, alice, carol)

		// Form encoding, as GoToSocial documents it.
		form := url.Values{"status": {"only people I follow may reply"}}
		form.Add("interaction_policy[can_reply][automatic_approval][]", "following")
		form.Add("interaction_policy[can_favourite][automatic_approval][]", "followers")
		st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, form).Map(t)
		id := st["id"].(string)
		if got, _ := ipRule(t, st, "can_reply"); !slices.Equal(got, []string{"following"}) {
			t.Errorf("can_reply = %v", got)
		}
		if got, _ := ipRule(t, st, "can_reblog"); !slices.Equal(got, []string{"public"}) {
			t.Errorf("can_reblog kept its default: %v", got)
		}
		reply := func(u *apitest.User, want int) *apitest.Response {
			t.Helper()
			return s.Must(t, want, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": "re", "in_reply_to_id": id})
		}
		r := reply(bob, 403)
		if msg := r.Map(t)["error"]; msg != "The author only accepts replies from people they follow" {
			t.Errorf("refusal = %q", msg)
		}
		reply(dave, 403)
		reply(carol, 200)
		reply(alice, 200) // the author always may
		// Favourites: followers only.
		s.Must(t, 403, "POST", "/api/v1/statuses/"+id+"/favourite", carol.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses/"+id+"/favourite", bob.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses/"+id+"/reblog", dave.Token, nil)

		// Edited (JSON): nobody but the author may boost; replies open.
		edit := map[string]any{"status": "now open to replies", "interaction_policy": map[string]any{
			"can_reply":  map[string]any{"automatic_approval": []string{"public"}},
			"can_reblog": map[string]any{"automatic_approval": []string{"me"}},
		}}
		ed := s.Must(t, 200, "PUT", "/api/v1/statuses/"+id, alice.Token, edit).Map(t)
		if got, _ := ipRule(t, ed, "can_reblog"); !slices.Equal(got, []string{"author"}) {
			t.Errorf("edited can_reblog = %v", got)
		}
		if got, _ := ipRule(t, ed, "can_favourite"); !slices.Equal(got, []string{"followers"}) {
			t.Errorf("edit kept can_favourite: %v", got)
		}
		reply(bob, 200)
		r = s.Must(t, 403, "POST", "/api/v1/statuses/"+id+"/reblog", bob.Token, nil)
		if msg := r.Map(t)["error"]; msg != "The author does not accept boosts on this post" {
			t.Errorf("boost refusal = %q", msg)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses/"+id+"/reblog", alice.Token, nil)

		// Mentioned accounts may always reply; others' replies wait for approval.
		m := map[string]any{"status": "@dave what do you think?", "interaction_policy": map[string]any{
			"can_reply": map[string]any{"automatic_approval": []string{}, "manual_approval": []string{"public"}},
		}}
		mid := stPost(t, s, alice, m)
		s.Must(t, 200, "POST", "/api/v1/statuses", dave.Token, map[string]any{"status": "re", "in_reply_to_id": mid})
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "re", "in_reply_to_id": mid})
		if reqs := s.Must(t, 200, "GET", "/api/v1/interaction_requests", alice.Token, nil).List(t); len(reqs) != 1 || reqs[0]["type"] != "reply" {
			t.Errorf("manual approval: requests %v", reqs)
		}

		// Invalid values are 422.
		bad := map[string]any{"status": "x", "interaction_policy": map[string]any{"can_reply": map[string]any{"automatic_approval": []string{"friends"}}}}
		s.Must(t, 422, "POST", "/api/v1/statuses", alice.Token, bad)
	})
}

func TestInteractionPolicyAccountDefaults(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		defs := s.Must(t, 200, "GET", "/api/v1/interaction_policies/defaults", alice.Token, nil).Map(t)
		for _, k := range []string{"public", "unlisted", "private", "direct"} {
			if _, ok := defs[k]; !ok {
				t.Errorf("defaults lack %s: %v", k, defs)
			}
		}
		s.Must(t, 401, "GET", "/api/v1/interaction_policies/defaults", "", nil)
		patch := map[string]any{"public": map[string]any{"can_reply": map[string]any{"automatic_approval": []string{"author", "followers"}}}}
		got := s.Must(t, 200, "PATCH", "/api/v1/interaction_policies/defaults", alice.Token, patch).Map(t)
		pub, _ := json.Marshal(got["public"])
		if !strings.Contains(string(pub), `"can_reply":{"automatic_approval":["author","followers"]`) {
			t.Errorf("patched public = %s", pub)
		}
		st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "default applies"}).Map(t)
		if got, _ := ipRule(t, st, "can_reply"); !slices.Equal(got, []string{"author", "followers"}) {
			t.Errorf("new post can_reply = %v", got)
		}
		s.Must(t, 403, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "re", "in_reply_to_id": st["id"]})
		// An unlisted post keeps GoToSocial's default.
		un := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "u", "visibility": "unlisted"}).Map(t)
		if got, _ := ipRule(t, un, "can_reply"); !slices.Equal(got, []string{"public"}) {
			t.Errorf("unlisted can_reply = %v", got)
		}
		// A PATCH without public resets it.
		s.Must(t, 200, "PATCH", "/api/v1/interaction_policies/defaults", alice.Token, map[string]any{})
		st = s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "reset"}).Map(t)
		if got, _ := ipRule(t, st, "can_reply"); !slices.Equal(got, []string{"public"}) {
			t.Errorf("after reset can_reply = %v", got)
		}
	})
}

func TestHideReply(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		carol := s.NewUser(t, "carol")
		root := stPost(t, s, alice, map[string]any{"status": "my thread"})
		rude := stPost(t, s, bob, map[string]any{"status": "rude", "in_reply_to_id": root})
		under := stPost(t, s, carol, map[string]any{"status": "under the rude one", "in_reply_to_id": rude})
		kind := stPost(t, s, carol, map[string]any{"status": "kind", "in_reply_to_id": root})
		mine := stPost(t, s, alice, map[string]any{"status": "mine", "in_reply_to_id": root})
		thread := func(u *apitest.User) []string {
			t.Helper()
			token := ""
			if u != nil {
				token = u.Token
			}
			var c struct {
				Descendants []map[string]any `json:"descendants"`
			}
			s.Must(t, 200, "GET", "/api/v1/statuses/"+root+"/context", token, nil).Decode(t, &c)
			return stIDs(c.Descendants)
		}
		s.Must(t, 403, "POST", "/api/agora/v1/statuses/"+rude+"/hide_reply", carol.Token, nil)
		s.Must(t, 422, "POST", "/api/agora/v1/statuses/"+root+"/hide_reply", alice.Token, nil)
		s.Must(t, 422, "POST", "/api/agora/v1/statuses/"+mine+"/hide_reply", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/agora/v1/statuses/"+rude+"/hide_reply", alice.Token, nil)
		for name, u := range map[string]*apitest.User{"alice": alice, "carol": carol, "anonymous": nil} {
			want := []string{kind, mine}
			if name == "carol" {
				want = []string{under, kind, mine} // her own reply stays visible to her
			}
			if got := thread(u); !slices.Equal(got, want) {
				t.Errorf("%s sees %v, want %v", name, got, want)
			}
		}
		if got := thread(bob); !slices.Equal(got, []string{rude, kind, mine}) {
			t.Errorf("bob sees %v", got)
		}
		s.Must(t, 200, "GET", "/api/v1/statuses/"+rude, "", nil) // still readable on its own
		s.Must(t, 200, "POST", "/api/agora/v1/statuses/"+rude+"/unhide_reply", alice.Token, nil)
		if got := thread(nil); !slices.Equal(got, []string{rude, under, kind, mine}) {
			t.Errorf("after unhide: %v", got)
		}
	})
}

func TestInteractionPolicyScheduled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		closed := stPost(t, s, alice, map[string]any{"status": "closed", "interaction_policy": map[string]any{
			"can_reply": map[string]any{"automatic_approval": []string{"author"}}}})
		at := s.App.Store.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		s.Must(t, 403, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "later", "in_reply_to_id": closed, "scheduled_at": at})
		s.Must(t, 422, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "later", "scheduled_at": at,
			"interaction_policy": map[string]any{"can_reply": map[string]any{"automatic_approval": []string{"nobody"}}}})
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "later", "scheduled_at": at,
			"interaction_policy": map[string]any{"can_reply": map[string]any{"automatic_approval": []string{"followers"}}}})
	})
}
