package web

import (
	"net/http"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// adminRulesData is the /admin/rules page: the server rules (Mastodon's
// /api/v1/instance/rules), editable by admins, read-only for moderators.
type adminRulesData struct {
	Rules    []store.Rule
	CanEdit  bool
	MaxText  int
	MaxHint  int
	MaxRules int
	// The form that was refused: "" for the new rule, else a rule's id.
	ErrorFor string
	Error    string
	Text     string
	Hint     string
}

func (h *Handler) adminRulesPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "rules", "adm_rules_title")
	if q == nil {
		return
	}
	h.showRules(q, http.StatusOK, &adminRulesData{})
}

func (h *Handler) showRules(q *request, status int, d *adminRulesData) {
	var err error
	if d.Rules, err = h.Store.Rules(q.r.Context()); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.ErrorFor != "" { // show the refused text in its rule's form
		for i := range d.Rules {
			if d.Rules[i].ID.String() == d.ErrorFor {
				d.Rules[i].Text, d.Rules[i].Hint = d.Text, d.Hint
			}
		}
	}
	d.CanEdit, d.MaxText, d.MaxHint, d.MaxRules = admCanEdit(q), moderation.MaxRuleTextLen, moderation.MaxRuleHintLen, moderation.MaxRules
	q.v.Data = d
	h.render(q, status, "admin_rules")
}

// saveRule creates (id 0) or changes a rule from the form, or moves it
// (a "move" field: up or down).
func (h *Handler) saveRule(w http.ResponseWriter, r *http.Request, id domain.ID) {
	q := h.adminForm(w, r, "rules", "adm_rules_title")
	if q == nil {
		return
	}
	if dir := r.PostForm.Get("move"); dir != "" && id != 0 {
		// The Move up / Move down buttons post to the rule's own address.
		if err := h.mod().MoveRule(r.Context(), q.user, id, dir); err != nil {
			h.fail(w, r, err)
			return
		}
		h.done(q, "flash_adm_rule_moved", nil)
		return
	}
	text, hint := r.PostForm.Get("text"), r.PostForm.Get("hint")
	flash := "flash_adm_rule_added"
	if id != 0 {
		flash = "flash_adm_rule_saved"
	}
	if _, err := h.mod().SaveRule(r.Context(), q.user, id, text, hint); err != nil {
		h.adminRefused(q, err, func(status int, msg string) {
			d := &adminRulesData{Error: msg, Text: text, Hint: hint}
			if id != 0 {
				d.ErrorFor = id.String()
			}
			h.showRules(q, status, d)
		})
		return
	}
	h.done(q, flash, nil)
}

func (h *Handler) adminAddRule(w http.ResponseWriter, r *http.Request) { h.saveRule(w, r, 0) }

func (h *Handler) adminUpdateRule(w http.ResponseWriter, r *http.Request) {
	id, ok := domain.ParseID(r.PathValue("id"))
	if !ok {
		h.fail(w, r, domain.NotFound())
		return
	}
	h.saveRule(w, r, id)
}

func (h *Handler) adminDeleteRule(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "rules", "adm_rules_title")
	if q == nil {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	if err := h.mod().DeleteRule(r.Context(), q.user, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_rule_deleted", nil)
}
