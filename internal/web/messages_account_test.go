package web

import "testing"

// TestAccountMessagesBuiltKeys checks the keys the settings, filter, poll
// and statement pages build from values, which TestMessagesComplete cannot
// see in the templates.
func TestAccountMessagesBuiltKeys(t *testing.T) {
	var keys []string
	for _, c := range []string{"home", "notifications", "public", "thread", "account"} {
		keys = append(keys, "ctx_"+c)
	}
	for _, a := range []string{"warn", "hide", "blur"} {
		keys = append(keys, "filter_action_"+a)
	}
	for _, a := range []string{"remove", "mark_sensitive", "limit", "freeze", "suspend", "none"} {
		keys = append(keys, "decision_is_"+a)
	}
	for _, e := range filterExpiries {
		keys = append(keys, e.Key)
	}
	for _, d := range pollDurations {
		keys = append(keys, d.Key)
	}
	keys = append(keys, "reset_title", "reset_edit_title", "reset_invalid_title", "reset_done_title", "poll_voters_one")
	for _, k := range keys {
		for lang, l := range messages {
			if l[k] == "" {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
}
