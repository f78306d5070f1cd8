package web

import (
	"html/template"
	"net/http"

	"github.com/agora-social/agora/internal/moderation"
)

// announcementView is a current announcement the viewer has not dismissed,
// shown above the home timeline (new terms and policy versions arrive so).
type announcementView struct {
	ID      string
	Content template.HTML // moderation.TextHTML: escaped text, links
	Date    string
}

// unreadAnnouncements are the current announcements the viewer has not
// dismissed, newest first.
func (h *Handler) unreadAnnouncements(q *request) ([]announcementView, error) {
	list, err := h.Store.Announcements(q.r.Context(), q.acct.ID, false)
	if err != nil {
		return nil, err
	}
	var out []announcementView
	for _, a := range list {
		if !a.Read {
			out = append(out, announcementView{ID: a.ID.String(), Content: template.HTML(moderation.TextHTML(a.Text)), Date: q.v.Date(a.PublishedAt)})
		}
	}
	return out, nil
}

// dismissAnnouncement is POST /web/announcements/{id}/dismiss.
func (h *Handler) dismissAnnouncement(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Store.DismissAnnouncement(r.Context(), q.acct.ID, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_ann_dismissed", nil)
}
