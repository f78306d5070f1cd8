package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestAdminRelaysPage: an admin adds a relay by its inbox URL (the
// subscription is sent at once), unsubscribes, subscribes again and
// removes it, without JavaScript, in English and French; a bad URL is
// shown again with a readable error; moderators and members are refused;
// every change is audited.
func TestAdminRelaysPage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s
		admin, mod, member, anon := admStaff(t, w)

		if p := anon.get("/admin/relays", http.StatusSeeOther); p.Header.Get("Location") == "" {
			t.Errorf("a visitor is not sent to sign in")
		}
		member.get("/admin/relays", http.StatusForbidden)
		mod.get("/admin/relays", http.StatusForbidden)
		contains(t, admin.get("/admin/relays", 200), "Relays", "Add a relay", "Inbox URL of the relay", "No relay yet.")

		p := admin.post("/admin/relays", "/admin/relays", url.Values{"inbox_url": {"relay.example/inbox"}}, http.StatusUnprocessableEntity)
		contains(t, p, "Give the relay’s inbox URL", `value="relay.example/inbox"`, `aria-invalid="true"`)
		mod.post("/admin/announcements", "/admin/relays", url.Values{"inbox_url": {"https://relay.example/inbox"}}, http.StatusForbidden)
		location(t, admin.post("/admin/relays", "/admin/relays", url.Values{"inbox_url": {"https://relay.example/inbox"}}, http.StatusSeeOther), "/admin/relays")
		contains(t, admin.get("/admin/relays", 200), "The relay is added and the subscription sent.", "https://relay.example/inbox",
			"Waiting for the relay", "Unsubscribe")
		contains(t, admin.post("/admin/relays", "/admin/relays", url.Values{"inbox_url": {"https://relay.example/inbox"}}, http.StatusUnprocessableEntity),
			"This relay is already in the list.")

		list, err := s.App.Store.Relays(context.Background())
		if err != nil || len(list) != 1 {
			t.Fatalf("relays = %v, %v", list, err)
		}
		id := list[0].ID.String()
		mod.post("/admin/announcements", "/admin/relays/"+id+"/disable", url.Values{}, http.StatusForbidden)
		location(t, admin.post("/admin/relays", "/admin/relays/"+id+"/disable", url.Values{}, http.StatusSeeOther), "/admin/relays")
		contains(t, admin.get("/admin/relays", 200), "The server unsubscribed from the relay.", "Not subscribed", "Subscribe")
		admin.lang = "fr"
		contains(t, admin.get("/admin/relays", 200), "Relais", "Non abonné", "S’abonner", "Ajouter un relais")
		admin.lang = "en"
		admin.post("/admin/relays", "/admin/relays/"+id+"/enable", url.Values{}, http.StatusSeeOther)
		contains(t, admin.get("/admin/relays", 200), "The subscription is sent to the relay.", "Waiting for the relay")
		admin.post("/admin/relays", "/admin/relays/"+id+"/delete", url.Values{}, http.StatusSeeOther)
		contains(t, admin.get("/admin/relays", 200), "The relay is removed.", "No relay yet.")
		admin.post("/admin/relays", "/admin/relays/"+id+"/delete", url.Values{}, http.StatusNotFound)
		admAudited(t, w, "relay.create", "relay.enable", "relay.disable", "relay.destroy")
	})
}
