package mastodon_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
)

func TestAdminRelays(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		api := s

		admin := staff(t, s, "admin", domain.RoleAdmin)
		mod := staff(t, s, "mod", domain.RoleModerator)
		alice := s.NewUser(t, "alice")
		const path = "/api/agora/v1/admin/relays"

		api.Must(t, 401, "GET", path, "", nil)
		api.Must(t, 403, "GET", path, alice.Token, nil)
		api.Must(t, 403, "POST", path, mod.Token, url.Values{"inbox_url": {"https://relay.example/inbox"}})
		for _, bad := range []string{"", "relay.example/inbox", "ftp://relay.example/inbox", "https://user:pw@relay.example/inbox", "https://relay.example/inbox#x"} {
			api.Must(t, 422, "POST", path, admin.Token, url.Values{"inbox_url": {bad}})
		}
		// Added and enabled at once: the Follow is on its way (pending).
		r := api.Must(t, 200, "POST", path, admin.Token, url.Values{"inbox_url": {"https://Relay.example/inbox"}}).Map(t)
		if r["inbox_url"] != "https://relay.example/inbox" || r["state"] != "pending" || r["enabled"] != true || r["follow_activity_id"] == "" {
			t.Fatalf("added relay = %v", r)
		}
		api.Must(t, 422, "POST", path, admin.Token, url.Values{"inbox_url": {"https://relay.example/inbox"}}) // added already
		idle := api.Must(t, 200, "POST", path, admin.Token, url.Values{"inbox_url": {"https://other.example/inbox"}, "enabled": {"false"}}).Map(t)
		if idle["state"] != "idle" || idle["enabled"] != false {
			t.Errorf("idle relay = %v", idle)
		}
		if list := api.Must(t, 200, "GET", path, admin.Token, nil).List(t); len(list) != 2 || list[0]["id"] != r["id"] {
			t.Errorf("list = %v", list)
		}
		id := r["id"].(string)
		if d := api.Must(t, 200, "POST", path+"/"+id+"/disable", admin.Token, nil).Map(t); d["state"] != "idle" {
			t.Errorf("disabled = %v", d)
		}
		if e := api.Must(t, 200, "POST", path+"/"+id+"/enable", admin.Token, nil).Map(t); e["state"] != "pending" || e["follow_activity_id"] == r["follow_activity_id"] {
			t.Errorf("enabled again = %v (a new Follow id is expected)", e)
		}
		api.Must(t, 403, "DELETE", path+"/"+id, mod.Token, nil)
		api.Must(t, 200, "DELETE", path+"/"+id, admin.Token, nil)
		api.Must(t, 404, "DELETE", path+"/"+id, admin.Token, nil)
		api.Must(t, 404, "POST", path+"/12345/enable", admin.Token, nil)

		// Every change is audited.
		var n int
		if err := s.App.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM moderation_audit_log WHERE action LIKE 'relay.%'`).Scan(&n); err != nil || n != 6 {
			t.Errorf("audit entries = %d, %v; want 6 (2 adds, enable, disable, enable, remove)", n, err)
		}
	})
}
