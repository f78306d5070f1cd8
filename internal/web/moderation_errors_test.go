package web

import "testing"

// TestModerationMessageKeys: the keys the moderators' pages build at run
// time (from a state, a type or a service refusal) exist in both languages;
// TestMessagesComplete sees only the literal ones.
func TestModerationMessageKeys(t *testing.T) {
	keys := []string{}
	for _, k := range modErrorKeys {
		keys = append(keys, k)
	}
	for _, st := range []string{"open", "escalated", "resolved"} {
		keys = append(keys, "mod_state_"+st)
	}
	for _, typ := range accountTypes {
		keys = append(keys, "mod_type_"+typ)
	}
	for _, st := range accountStatuses {
		keys = append(keys, "mod_status_"+st)
	}
	for _, o := range []string{"local", "remote"} {
		keys = append(keys, "mod_origin_"+o)
	}
	for do := range reportStates {
		keys = append(keys, "flash_mod_report_"+do)
	}
	for do := range accountLifts {
		keys = append(keys, "flash_mod_account_"+do)
	}
	for _, st := range []string{"approved", "rejected"} {
		keys = append(keys, "flash_mod_appeal_"+st, "mod_appeal_state_"+st)
	}
	for _, c := range []string{"spam", "legal", "violation", "other"} {
		keys = append(keys, "mod_category_"+c)
	}
	for _, src := range []string{"account", "public_form", "trusted_flagger", "remote"} {
		keys = append(keys, "mod_source_"+src)
	}
	keys = append(keys, "flash_mod_report_resolve")
	for _, k := range keys {
		if messagesEN[k] == "" || messagesFR[k] == "" {
			t.Errorf("key %q lacks its English or French text", k)
		}
	}
}
