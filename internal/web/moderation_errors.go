package web

import (
	"fmt"

	"github.com/agora-social/agora/internal/moderation"
)

// modErrorKeys maps the moderation service's refusals that the moderators'
// forms show to message keys, so that they read in the page's language.
// The service speaks English (the API's errors); a refusal missing here is
// shown in English rather than not at all.
var modErrorKeys = map[string]string{
	"The moderator who took the decision cannot decide its appeal":                        "mod_err_four_eyes",
	"You cannot decide your own appeal":                                                   "mod_err_own_appeal",
	"This appeal was already decided":                                                     "mod_err_appeal_decided",
	"A resolved report cannot be escalated; reopen it first":                              "mod_err_escalate_resolved",
	"This report is already resolved":                                                     "mod_err_already_resolved",
	"This action is not allowed":                                                          "mod_err_not_allowed",
	"ground: must be terms or illegal":                                                    "mod_err_ground",
	"rule_ids: the rules (terms) the content breaks are required for ground terms":        "mod_err_rules",
	"legal_ground: the law relied on is required for ground illegal":                      "mod_err_legal_ground",
	"category: required for ground illegal without a legal notice":                        "mod_err_category",
	"category: unknown category":                                                          "mod_err_category_unknown",
	"action: freeze applies to local accounts only":                                       "mod_err_freeze_remote",
	"duration: only for limit, freeze and suspend":                                        "mod_err_duration_action",
	"status_ids: required for remove":                                                     "mod_err_statuses",
	"status_ids: required for mark_sensitive":                                             "mod_err_statuses",
	"type: must be one of none, sensitive, disable, silence, suspend":                     "mod_err_unknown_action",
	"action: must be one of remove, mark_sensitive, limit, freeze, suspend, none":         "mod_err_unknown_action",
	"action: an action such as report.resolve, or a family such as report":                "mod_err_audit_action",
	fmt.Sprintf("explanation: between 1 and %d characters", moderation.MaxExplanationLen): "mod_err_explanation",
	fmt.Sprintf("content: between 1 and %d characters", moderation.MaxNoteLen):            "mod_err_note",
	fmt.Sprintf("response: at most %d characters", moderation.MaxResponseLen):             "mod_err_response",
	fmt.Sprintf("name: between 1 and %d characters", moderation.MaxNotifierNameLen):       "mod_err_flagger_name",
	fmt.Sprintf("legal_ground: at most %d characters", moderation.MaxLegalGroundLen):      "mod_err_legal_ground_long",
}

// modErrorArgs are the numbers some of those messages quote.
var modErrorArgs = map[string][]any{
	"mod_err_explanation":       {moderation.MaxExplanationLen},
	"mod_err_note":              {moderation.MaxNoteLen},
	"mod_err_response":          {moderation.MaxResponseLen},
	"mod_err_flagger_name":      {moderation.MaxNotifierNameLen},
	"mod_err_legal_ground_long": {moderation.MaxLegalGroundLen},
}

// modError is a service refusal in the page's language.
func (h *Handler) modError(q *request, err error) string {
	msg := errorMessage(err)
	if key, ok := modErrorKeys[msg]; ok {
		return q.v.Tr(key, modErrorArgs[key]...)
	}
	return msg
}
