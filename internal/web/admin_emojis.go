package web

import (
	"errors"
	"html/template"
	"io"
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
)

// adminRemoteEmojis is how many of other servers' emoji the page lists.
const adminRemoteEmojis = 100

// emojiFormBytes caps the upload form: the image and a few fields.
const emojiFormBytes = media.MaxEmojiBytes + 64<<10

// adminEmojisData is the /admin/emojis page: this server's custom emoji,
// managed by admins, shown to moderators.
type adminEmojisData struct {
	Emojis   []adminEmojiRow
	Remote   []adminEmojiRow // the latest of other servers, to disable
	CanEdit  bool
	MaxBytes int
	MaxCode  int
	MaxCat   int
	Error    string
	// The refused upload's fields, shown again.
	Shortcode, Category string
}

type adminEmojiRow struct {
	*store.CustomEmoji
	Image template.HTML
}

// RegisterAdminEmojis adds the emoji pages (admin.go calls it from
// registerAdmin).
func (h *Handler) RegisterAdminEmojis(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/emojis", h.adminEmojisPage)
	mux.HandleFunc("POST /admin/emojis", h.adminAddEmoji)
	mux.HandleFunc("POST /admin/emojis/{id}", h.adminUpdateEmoji)
	mux.HandleFunc("POST /admin/emojis/{id}/delete", h.adminDeleteEmoji)
}

func (h *Handler) adminEmojisPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "emojis", "adm_emojis_title")
	if q == nil {
		return
	}
	h.showEmojis(q, http.StatusOK, &adminEmojisData{})
}

func (h *Handler) showEmojis(q *request, status int, d *adminEmojisData) {
	list, err := h.Store.LocalEmojis(q.r.Context(), false)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	for _, e := range list {
		d.Emojis = append(d.Emojis, adminEmojiRow{CustomEmoji: e, Image: template.HTML(h.emojiImg(e))})
	}
	remote, err := h.Store.RemoteEmojis(q.r.Context(), adminRemoteEmojis)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	for _, e := range remote {
		row := adminEmojiRow{CustomEmoji: e}
		if e.ImageKey != "" {
			row.Image = template.HTML(h.emojiImg(e))
		}
		d.Remote = append(d.Remote, row)
	}
	d.CanEdit, d.MaxBytes, d.MaxCode, d.MaxCat = admCanEdit(q), media.MaxEmojiBytes>>10, store.MaxShortcodeLen, store.MaxEmojiCategoryLen
	q.v.Data = d
	h.render(q, status, "admin_emojis")
}

// requireEmojiAdmin refuses the emoji forms to anyone but admins.
func (h *Handler) requireEmojiAdmin(q *request) bool {
	if !admCanEdit(q) {
		h.fail(q.w, q.r, domain.Forbidden("This action is not allowed"))
		return false
	}
	if h.Media == nil {
		h.fail(q.w, q.r, errors.New("no media service"))
		return false
	}
	return true
}

// audit records an emoji change in the moderation audit log.
func (h *Handler) auditEmoji(q *request, action string, e *store.CustomEmoji) error {
	return h.Store.InsertAudit(q.r.Context(), h.Store.DB.W, &store.AuditEntry{AccountID: q.user.AccountID, Action: action,
		TargetType: "custom_emoji", TargetID: e.ID, Detail: ":" + e.Shortcode + ":"})
}

// adminAddEmoji is POST /admin/emojis: a multipart form with the image.
func (h *Handler) adminAddEmoji(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, emojiFormBytes)
	if err := r.ParseMultipartForm(emojiFormBytes); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "the image is larger than the limit", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	q := h.formRequest(w, r, true)
	if q == nil {
		return
	}
	h.adminFrame(q, "emojis", "adm_emojis_title")
	q.v.Path = "/admin/emojis"
	if !h.requireEmojiAdmin(q) {
		return
	}
	code, category := strings.TrimSpace(r.PostForm.Get("shortcode")), strings.TrimSpace(r.PostForm.Get("category"))
	refuse := func(msg string) {
		h.showEmojis(q, http.StatusUnprocessableEntity, &adminEmojisData{Error: msg, Shortcode: code, Category: category})
	}
	f, fh, err := r.FormFile("image")
	if err != nil {
		refuse(q.v.Tr("adm_emoji_choose_file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, media.MaxEmojiBytes+1))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e, err := h.Media.AddLocalEmoji(r.Context(), media.NewEmoji{Shortcode: code, Category: category,
		Unlisted: r.PostForm.Get("unlisted") != "", Image: data, Type: fh.Header.Get("Content-Type")})
	if err != nil {
		if k := domain.KindOf(err); k == domain.KindInvalid || k == domain.KindConflict {
			refuse(emojiError(q, err))
			return
		}
		h.fail(w, r, err)
		return
	}
	if err := h.auditEmoji(q, "emoji.create", e); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_emoji_added", nil)
}

// emojiError translates the emoji service's validation messages.
func emojiError(q *request, err error) string {
	msg := errorMessage(err)
	for _, e := range []struct{ part, key string }{
		{"shortcode must be", "adm_emoji_err_code"},
		{"is already taken", "adm_emoji_err_taken"},
		{"must be PNG, GIF or WebP", "adm_emoji_err_type"},
		{"is larger than", "adm_emoji_err_size"},
		{"may be at most", "adm_emoji_err_dims"},
		{"category is longer", "adm_emoji_err_category"},
	} {
		if strings.Contains(msg, e.part) {
			switch e.key {
			case "adm_emoji_err_code":
				return q.v.Tr(e.key, store.MaxShortcodeLen)
			case "adm_emoji_err_size":
				return q.v.Tr(e.key, media.MaxEmojiBytes>>10)
			case "adm_emoji_err_dims":
				return q.v.Tr(e.key, media.MaxEmojiInputSide)
			case "adm_emoji_err_category":
				return q.v.Tr(e.key, store.MaxEmojiCategoryLen)
			}
			return q.v.Tr(e.key)
		}
	}
	return msg
}

// adminUpdateEmoji is POST /admin/emojis/{id}: category, picker, enabled;
// for another server's emoji, enabled only (a disabled one shows as text).
func (h *Handler) adminUpdateEmoji(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "emojis", "adm_emojis_title")
	if q == nil || !h.requireEmojiAdmin(q) {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	e, err := h.Store.CustomEmoji(r.Context(), id)
	if err != nil {
		h.fail(w, r, domain.NotFound())
		return
	}
	category := strings.TrimSpace(r.PostForm.Get("category"))
	visible, disabled := r.PostForm.Get("visible") != "", r.PostForm.Get("disabled") != ""
	if e.Domain != "" {
		category, visible = e.Category, e.VisibleInPicker
	}
	if err := h.Store.UpdateEmojiSettings(r.Context(), id, category, visible, disabled); err != nil {
		if domain.KindOf(err) == domain.KindInvalid {
			h.showEmojis(q, http.StatusUnprocessableEntity, &adminEmojisData{Error: emojiError(q, err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	action := "emoji.update"
	if disabled != e.Disabled {
		action = map[bool]string{true: "emoji.disable", false: "emoji.enable"}[disabled]
	}
	if err := h.auditEmoji(q, action, e); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_emoji_saved", nil)
}

// adminDeleteEmoji is POST /admin/emojis/{id}/delete.
func (h *Handler) adminDeleteEmoji(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "emojis", "adm_emojis_title")
	if q == nil || !h.requireEmojiAdmin(q) {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	if e, err := h.Store.CustomEmoji(r.Context(), id); err != nil || e.Domain != "" {
		h.fail(w, r, domain.NotFound())
		return
	}
	e, err := h.Media.RemoveEmoji(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.auditEmoji(q, "emoji.delete", e); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_emoji_deleted", nil)
}
