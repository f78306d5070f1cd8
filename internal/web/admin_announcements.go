package web

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/moderation"
)

// announcementRow is one announcement as listed.
type announcementRow struct {
	ID        string
	HTML      template.HTML
	Published string
	Starts    string
	Ends      string
	State     string // "scheduled", "active" or "ended"
}

// adminAnnouncementsData is the /admin/announcements page: moderators
// read the list (as the API lets them), admins publish and withdraw.
type adminAnnouncementsData struct {
	List    []announcementRow
	CanEdit bool
	MaxText int
	// The form as typed, when refused.
	Text, Starts, Ends, Error string
}

// admDateTimeLocal is the format of <input type="datetime-local">; the form
// says its times are UTC.
const admDateTimeLocal = "2006-01-02T15:04"

func (h *Handler) adminAnnouncementsPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "announcements", "adm_announcements_title")
	if q == nil {
		return
	}
	h.showAnnouncements(q, http.StatusOK, &adminAnnouncementsData{})
}

func (h *Handler) showAnnouncements(q *request, status int, d *adminAnnouncementsData) {
	// Moderators may read them all, as GET /api/agora/v1/admin/announcements.
	list, err := h.Store.Announcements(q.r.Context(), q.acct.ID, true)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	now := h.Store.Now()
	for _, a := range list {
		row := announcementRow{ID: a.ID.String(), HTML: template.HTML(moderation.TextHTML(a.Text)), Published: q.v.Date(a.PublishedAt), State: "active"}
		if a.StartsAt != nil {
			row.Starts = q.v.Date(*a.StartsAt)
			if a.StartsAt.After(now) {
				row.State = "scheduled"
			}
		}
		if a.EndsAt != nil {
			row.Ends = q.v.Date(*a.EndsAt)
			if !a.EndsAt.After(now) {
				row.State = "ended"
			}
		}
		d.List = append(d.List, row)
	}
	d.CanEdit, d.MaxText = admCanEdit(q), moderation.MaxAnnounceLen
	q.v.Data = d
	h.render(q, status, "admin_announcements")
}

// admFormTime reads an optional datetime-local field, in UTC.
func admFormTime(s string) (*time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	t, err := time.ParseInLocation(admDateTimeLocal, s, time.UTC)
	if err != nil {
		return nil, false
	}
	return &t, true
}

func (h *Handler) adminAnnounce(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "announcements", "adm_announcements_title")
	if q == nil {
		return
	}
	v := r.PostForm
	d := &adminAnnouncementsData{Text: v.Get("text"), Starts: v.Get("starts_at"), Ends: v.Get("ends_at")}
	retry := func(status int, msg string) {
		d.Error = msg
		h.showAnnouncements(q, status, d)
	}
	starts, ok1 := admFormTime(d.Starts)
	ends, ok2 := admFormTime(d.Ends)
	if !ok1 || !ok2 {
		retry(http.StatusUnprocessableEntity, q.v.Tr("adm_err_date"))
		return
	}
	if _, err := h.mod().Announce(r.Context(), q.user, d.Text, starts, ends); err != nil {
		h.adminRefused(q, err, retry)
		return
	}
	h.done(q, "flash_adm_announced", nil)
}

func (h *Handler) adminWithdraw(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "announcements", "adm_announcements_title")
	if q == nil {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	if err := h.mod().Withdraw(r.Context(), q.user, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_withdrawn", nil)
}
