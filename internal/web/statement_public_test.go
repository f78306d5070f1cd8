package web

import "testing"

// TestStatementBuiltKeys checks the keys the statement pages build from
// values (the hold action, the appeal states of the public page), which
// TestMessagesComplete cannot see in the templates.
func TestStatementBuiltKeys(t *testing.T) {
	keys := []string{"decision_is_hold"}
	for _, s := range []string{"pending", "approved", "rejected"} {
		keys = append(keys, "pstatement_state_"+s)
	}
	for _, k := range keys {
		for lang, l := range messages {
			if l[k] == "" {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
}
