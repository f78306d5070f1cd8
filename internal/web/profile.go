package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// resolveHandle finds the account of a /@user or /@user@domain segment.
func (h *Handler) resolveHandle(r *http.Request, seg string) (*domain.Account, error) {
	if !strings.HasPrefix(seg, "@") || len(seg) < 2 || len(seg) > 300 {
		return nil, domain.NotFound()
	}
	user, host, _ := strings.Cut(seg[1:], "@")
	if strings.EqualFold(host, h.Cfg.Domain) {
		host = ""
	}
	return h.Store.AccountByHandle(r.Context(), user, host)
}

// activityJSON reports whether a client asks for ActivityPub, to send it
// to the actor or object URL instead of a page.
func activityJSON(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/activity+json") || strings.Contains(a, "application/ld+json")
}

// profileData is what the profile template shows.
type profileData struct {
	Account    *accountView
	Note       template.HTML
	Fields     []fieldView
	Posts      string // "12 posts", in the page's language
	Following  string
	Followers  string
	Tab        string // posts | with_replies
	Self       bool
	Rel        *domain.Relationship
	Statuses   []*statusView
	Older      string
	JoinedISO  string
	JoinedText string
}

type fieldView struct {
	Name  string
	Value template.HTML
}

// profile is GET /@NAME: the profile with its posts.
func (h *Handler) profile(w http.ResponseWriter, r *http.Request) {
	h.profileTab(w, r, "posts")
}

// profileSub is GET /@NAME/{ID|with_replies|followers|following}.
func (h *Handler) profileSub(w http.ResponseWriter, r *http.Request) {
	switch sub := r.PathValue("sub"); sub {
	case "with_replies":
		h.profileTab(w, r, sub)
	case "followers", "following":
		h.accountList(w, r, sub)
	default:
		h.statusPage(w, r)
	}
}

func (h *Handler) profileTab(w http.ResponseWriter, r *http.Request, tab string) {
	if !strings.HasPrefix(r.PathValue("handle"), "@") {
		http.NotFound(w, r)
		return
	}
	q := h.begin(w, r)
	if q == nil {
		return
	}
	a, err := h.resolveHandle(r, r.PathValue("handle"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if activityJSON(r) && a.Local() {
		http.Redirect(w, r, h.Cfg.URL+"/users/"+a.Username, http.StatusSeeOther)
		return
	}
	pg, err := pageOf(r, PageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.statuses.AccountStatuses(r.Context(), q.viewer(), a.ID, store.AccountFilter{ExcludeReplies: tab == "posts"}, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sts, err := h.loadStatuses(r.Context(), q.viewer(), store.IDsOf(items), "account")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.profileHeader(q, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Tab, d.Statuses, d.Older = tab, sts, olderLink(r.URL.Path, items, pg.Limit)
	q.v.Title, q.v.Data = d.Account.Name+" (@"+d.Account.Acct+")", d
	if d.Self {
		q.v.Nav = "profile"
	}
	h.render(q, http.StatusOK, "profile")
}

// profileHeader is the part of a profile every tab shows.
func (h *Handler) profileHeader(q *request, a *domain.Account) (*profileData, error) {
	d := &profileData{Account: h.accountView(a), Note: template.HTML(a.Note), Self: q.acct != nil && q.acct.ID == a.ID,
		Posts: q.v.Count("count_posts", a.StatusesCount), Following: q.v.Count("count_following", a.FollowingCount),
		Followers: q.v.Count("count_followers", a.FollowersCount), JoinedISO: isoTime(a.CreatedAt), JoinedText: q.v.Day(a.CreatedAt)}
	for _, f := range a.Fields {
		d.Fields = append(d.Fields, fieldView{Name: f.Name, Value: template.HTML(f.Value)})
	}
	d.Note, d.Fields = h.emojifyProfile(q.r.Context(), a.Domain, d.Note, d.Fields) // emojis_render.go
	if q.acct != nil && !d.Self {
		rels, err := h.graph.Relationships(q.r.Context(), q.acct.ID, []domain.ID{a.ID})
		if err != nil {
			return nil, err
		}
		if len(rels) == 1 {
			d.Rel = rels[0]
		}
	}
	return d, nil
}

// accountsData is what the followers/following template shows.
type accountsData struct {
	Profile  *profileData
	Heading  string
	Accounts []*accountView
	Older    string
	Hidden   bool // the owner hides these lists
}

// accountList is GET /@NAME/followers and /@NAME/following.
func (h *Handler) accountList(w http.ResponseWriter, r *http.Request, which string) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	a, err := h.resolveHandle(r, r.PathValue("handle"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, err := pageOf(r, AccountsPage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list := h.graph.Followers
	if which == "following" {
		list = h.graph.Following
	}
	page, err := list(r.Context(), q.viewer(), a.ID, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	header, err := h.profileHeader(q, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &accountsData{Profile: header, Heading: q.v.Tr("tab_"+which, header.Account.Name)}
	for _, acct := range page.Accounts {
		d.Accounts = append(d.Accounts, h.accountView(acct))
	}
	d.Hidden = a.HideCollections && !header.Self
	if page.Oldest != 0 && len(page.Accounts) >= pg.Limit {
		d.Older = r.URL.Path + "?max_id=" + page.Oldest.String()
	}
	header.Tab = which
	q.v.Title, q.v.Data = d.Heading, d
	h.render(q, http.StatusOK, "accounts")
}
