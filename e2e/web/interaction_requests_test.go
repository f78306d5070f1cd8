package web

import (
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// TestInteractionRequests: carol's post lets others reply only with her
// approval; dave's reply waits. Carol finds it from her notifications,
// approves it on the requests page with JavaScript off, and the reply
// joins her thread; axe audits each page.
func TestInteractionRequests(t *testing.T) {
	w := newWorld(t, db.SQLite)
	carol := w.s.NewUser(t, "carol")
	dave := w.s.NewUser(t, "dave")
	id := w.s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{
		"status": "Which bakery in Lyon has the best bread?",
		"interaction_policy": map[string]any{
			"can_reply": map[string]any{"automatic_approval": []string{"author"}, "manual_approval": []string{"public"}},
		},
	}).Map(t)["id"].(string)
	w.s.Must(t, 200, "POST", "/api/v1/statuses", dave.Token, map[string]any{"status": "The one on rue Mercière.", "in_reply_to_id": id})

	tb := newTab(t, w.s.URL, false)
	signIn(tb, "carol")
	tb.open("/@carol/" + id)
	tb.waitFor("the post without the pending reply", hasText("Which bakery in Lyon")+` && !(`+hasText("rue Mercière")+`)`)
	tb.open("/notifications")
	tb.waitFor("the link to the requests", `document.querySelector('a[href="/interaction_requests"]')`)
	tb.audit("notifications-pending")
	tb.click(`a[href="/interaction_requests"]`)
	tb.waitFor("the pending reply", hasText("rue Mercière")+` && document.querySelector('button[name="do"][value="authorize"]')`)
	tb.audit("interaction-requests")
	tb.screenshot("interaction-requests")
	tb.click(`button[name="do"][value="authorize"]`)
	tb.waitFor("the approval", hasText("Approved.")+` && `+hasText("Nothing waits for your approval."))
	tb.audit("interaction-requests-empty")
	tb.open("/@carol/" + id)
	tb.waitFor("the approved reply in the thread", hasText("rue Mercière"))
}
