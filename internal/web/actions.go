package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/graph"
	"github.com/agora-social/agora/internal/statuses"
)

// pathID reads an id path segment.
func pathID(r *http.Request, name string) (domain.ID, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.NotFound()
	}
	return domain.ID(id), nil
}

// actionResult is what the page's script gets back after an action.
type actionResult struct {
	Pressed bool   `json:"pressed"`
	Count   *int64 `json:"count,omitempty"`
	Label   string `json:"label,omitempty"`
}

// statusAction is POST /web/statuses/{id} with do= favourite, unfavourite,
// boost, unboost, bookmark, unbookmark or delete: the buttons of one plain
// form under each status, which redirects back. On a thread page, the
// thread's author also sends hide_reply and unhide_reply, and a status's
// author reply_policy (with reply_policy=CHOICE, reader_policy.go) and
// quote_policy (quote_policy=CHOICE), and the author of a quoted post
// detach_quote (quoting=ID of the quote, quotes.go).
func (h *Handler) statusAction(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	action := r.PostForm.Get("do")
	set := !strings.HasPrefix(action, "un")
	ctx, viewer := r.Context(), q.acct.ID
	var flash string
	switch strings.TrimPrefix(action, "un") {
	case "favourite":
		if set {
			id, err = h.statuses.Favourite(ctx, viewer, id)
		} else {
			id, err = h.statuses.Unfavourite(ctx, viewer, id)
		}
		flash = pick(set, "flash_favourited", "flash_unfavourited")
		if set && err == nil {
			if p, _ := h.statuses.PendingInteraction(ctx, viewer, id, statuses.Favourite); p {
				flash = "flash_favourite_pending"
			}
		}
	case "boost":
		if set {
			_, err = h.statuses.Reblog(ctx, q.acct, q.user.Preferences, id, "")
		} else {
			id, err = h.statuses.Unreblog(ctx, viewer, id)
		}
		flash = pick(set, "flash_boosted", "flash_unboosted")
		if set && err == nil {
			if p, _ := h.statuses.PendingInteraction(ctx, viewer, id, statuses.Reblog); p {
				flash = "flash_boost_pending"
			}
		}
	case "bookmark":
		id, err = h.statuses.Bookmark(ctx, viewer, id, set)
		flash = pick(set, "flash_bookmarked", "flash_unbookmarked")
	case "hide_reply":
		id, err = h.statuses.HideReply(ctx, viewer, id, set)
		flash = pick(set, "flash_rd_reply_hidden", "flash_rd_reply_shown")
	case "reply_policy":
		if err = h.setReplyPolicy(ctx, q, id, r.PostForm.Get("reply_policy")); err == nil {
			h.done(q, "flash_rd_reply_policy", actionResult{})
			return
		}
	case "quote_policy":
		if err = h.statuses.SetQuotePolicy(ctx, viewer, id, r.PostForm.Get("quote_policy")); err == nil {
			h.done(q, "flash_qt_policy", actionResult{})
			return
		}
	case "detach_quote":
		// id is the viewer's post; quoting the post that quotes it.
		var quoting domain.ID
		if quoting, err = quotedID(r.PostForm.Get("quoting")); err == nil {
			err = h.statuses.RevokeQuote(ctx, viewer, id, quoting)
		}
		if err == nil {
			h.done(q, "flash_qt_detached", actionResult{})
			return
		}
	case "delete":
		if !set {
			h.fail(w, r, domain.NotFound())
			return
		}
		_, err = h.statuses.Delete(ctx, viewer, id)
		if err == nil {
			h.done(q, "flash_deleted", actionResult{})
			return
		}
	default:
		h.fail(w, r, domain.NotFound())
		return
	}
	if err != nil {
		if wantsJSON(r) {
			writeJSON(w, statusOf(err), map[string]string{"error": q.v.Err(err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	res := actionResult{Pressed: set}
	if wantsJSON(r) {
		// The counts after the change, for the button's number.
		if sts, err := h.loadStatuses(ctx, viewer, []domain.ID{id}, ""); err == nil && len(sts) == 1 {
			c := map[string]int64{"favourite": sts[0].Favourites, "boost": sts[0].Boosts}[strings.TrimPrefix(action, "un")]
			res.Count = &c
		}
	}
	h.done(q, flash, res)
}

// follow is POST /web/accounts/{id}/follow with value=1 (follow, or ask
// to) or 0 (unfollow, or withdraw the request).
func (h *Handler) follow(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set := on(r.PostForm, "value")
	var rel *domain.Relationship
	if set {
		rel, err = h.graph.Follow(r.Context(), q.acct.ID, id, graph.FollowOptions{})
	} else {
		rel, err = h.graph.Unfollow(r.Context(), q.acct.ID, id)
	}
	if err != nil {
		if wantsJSON(r) {
			writeJSON(w, statusOf(err), map[string]string{"error": q.v.Err(err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	flash := "flash_unfollowed"
	switch {
	case rel.Requested:
		flash = "flash_requested"
	case rel.Following:
		flash = "flash_followed"
	}
	label := q.v.Tr("follow")
	if rel.Following || rel.Requested {
		label = q.v.Tr("unfollow")
	}
	h.done(q, flash, actionResult{Pressed: rel.Following || rel.Requested, Label: label})
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// statusOf maps an error kind to an HTTP status for the script.
func statusOf(err error) int {
	switch domain.KindOf(err) {
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindInvalid:
		return http.StatusUnprocessableEntity
	case domain.KindRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}
