package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// rdTimeRE reads a status's <time> element: the UTC ISO attribute and the
// text shown.
var rdTimeRE = regexp.MustCompile(`<a class="when" href="[^"]+"><time datetime="([^"]+)">([^<]+)</time>`)

// rdShownIn checks that the page shows its first status's time in loc
// (the datetime attribute staying UTC) and returns the text.
func rdShownIn(t *testing.T, p *page, loc *time.Location) string {
	t.Helper()
	m := rdTimeRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatal("no <time> on the page")
	}
	at, err := time.Parse(time.RFC3339, m[1])
	if err != nil || !strings.HasSuffix(m[1], "Z") {
		t.Fatalf("datetime %q is not UTC ISO: %v", m[1], err)
	}
	if want := at.In(loc).Format("Jan 2, 2006, 15:04 MST"); m[2] != want {
		t.Errorf("time shown as %q, want %q", m[2], want)
	}
	return m[2]
}

// rdPrefs is the preferences form with a time zone.
func rdPrefs(zone string) url.Values {
	return url.Values{"visibility": {"public"}, "language": {""}, "locale": {""}, "time_zone": {zone}}
}

// TestReaderTimeZone checks that dates follow the reader: UTC, else the
// browser's zone (cookie from app.js), else the zone chosen in the
// settings; an unknown zone is refused readably, in English and French.
func TestReaderTimeZone(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice := s.NewUser(t, "alice")
	s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "Tea time"})
	b := newBrowser(t, s)
	b.signIn("alice")
	rdShownIn(t, b.get("/@alice", 200), time.UTC)

	u, _ := url.Parse(s.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("America/New_York"), Path: "/"}})
	ny, _ := time.LoadLocation("America/New_York")
	rdShownIn(t, b.get("/@alice", 200), ny)
	contains(t, b.get("/settings", 200), "Automatic (your browser’s: America/New_York)", `<option>Asia/Tokyo</option>`)

	// The preference wins over the browser's zone.
	p := b.post("/settings", "/settings/preferences", rdPrefs("Asia/Tokyo"), http.StatusSeeOther)
	if p.Header.Get("Location") != "/settings" {
		t.Errorf("saved preferences go to %q", p.Header.Get("Location"))
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if got := rdShownIn(t, b.get("/@alice", 200), tokyo); !strings.HasSuffix(got, "JST") {
		t.Errorf("Tokyo time shown as %q", got)
	}
	contains(t, b.get("/settings", 200), `<option selected>Asia/Tokyo</option>`)
	user, err := s.App.Store.User(context.Background(), alice.UserID)
	if err != nil || user.Preferences.TimeZone != "Asia/Tokyo" {
		t.Fatalf("stored zone %q (%v)", user.Preferences.TimeZone, err)
	}

	// Unknown zones are refused, the stored one kept.
	for _, zone := range []string{"Mars/Olympus_Mons", "../../etc/passwd"} {
		p = b.post("/settings", "/settings/preferences", rdPrefs(zone), http.StatusUnprocessableEntity)
		contains(t, p, `role="alert"`, "is not known on this server")
	}
	b.lang = "fr"
	p = b.post("/settings", "/settings/preferences", rdPrefs("Mars/Olympus_Mons"), http.StatusUnprocessableEntity)
	contains(t, p, "n’est pas connu de ce serveur")
	contains(t, b.get("/@alice", 200), ` JST</time>`, "déc.") // French dates, same zone

	// A stored zone the system no longer knows: UTC, and the settings say so.
	user.Preferences.TimeZone = "Atlantis/Capital"
	if err := s.App.Store.SetPreferences(context.Background(), user.ID, user.Preferences, user.Locale); err != nil {
		t.Fatal(err)
	}
	b.lang = "en"
	rdShownIn(t, b.get("/@alice", 200), time.UTC)
	contains(t, b.get("/settings", 200), `role="alert"`, "The time zone “Atlantis/Capital” is not known on this server")

	// Back to automatic: the browser's zone again.
	b.lang = "en"
	b.post("/settings", "/settings/preferences", rdPrefs(""), http.StatusSeeOther)
	rdShownIn(t, b.get("/@alice", 200), ny)
}

// rdStatusOf is the id of an account's newest status, from the API.
func rdStatusOf(t *testing.T, s *apitest.Server, u *apitest.User) (string, map[string]any) {
	t.Helper()
	var list []map[string]any
	s.Must(t, 200, "GET", "/api/v1/accounts/"+u.AccountID+"/statuses", u.Token, nil).Decode(t, &list)
	if len(list) == 0 {
		t.Fatal("no status")
	}
	return list[0]["id"].(string), list[0]
}

// rdCanReply is the can_reply automatic_approval list of a status entity.
func rdCanReply(st map[string]any) []string {
	var out []string
	for _, v := range st["interaction_policy"].(map[string]any)["can_reply"].(map[string]any)["automatic_approval"].([]any) {
		out = append(out, v.(string))
	}
	return out
}

// TestReaderReplyPolicy checks "Who can reply": chosen at compose,
// described on the status page, enforced (no form, and a forged reply
// refused readably), changed by the author afterwards, and the defaults
// in the settings.
func TestReaderReplyPolicy(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, carol := s.NewUser(t, "alice"), s.NewUser(t, "carol")
		s.NewUser(t, "bob")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", carol.Token, nil)
		ab, bb, cb := newBrowser(t, s), newBrowser(t, s), newBrowser(t, s)
		ab.signIn("alice")
		bb.signIn("bob")
		cb.signIn("carol")
		contains(t, ab.get("/", 200), `<label for="reply_policy">Who can reply</label>`, `<option value="followers">Your followers</option>`)

		ab.post("/", "/web/statuses", url.Values{"status": {"Followers only, please"}, "visibility": {"public"}, "reply_policy": {"followers"}}, http.StatusSeeOther)
		id, st := rdStatusOf(t, s, alice)
		if got := rdCanReply(st); slices.Contains(got, "public") || !slices.Contains(got, "followers") {
			t.Fatalf("can_reply %v, want followers", got)
		}
		path := "/@alice/" + id

		// Bob does not follow alice: no form, a sentence saying why.
		p := bb.get(path, 200)
		contains(t, p, "Only followers of @alice and people mentioned can reply.", "You cannot reply to it.")
		if strings.Contains(p.Body, `id="reply"`) {
			t.Error("a reply form is offered to a reader the policy refuses")
		}
		// A reply sent anyway gets the service's refusal, readably.
		p = bb.post(path, "/web/statuses", url.Values{"status": {"@alice hi"}, "in_reply_to_id": {id}}, http.StatusForbidden)
		contains(t, p, "The author of this post does not accept replies from you.")
		// Carol follows alice: she may reply.
		contains(t, cb.get(path, 200), `id="reply"`)
		cb.post(path, "/web/statuses", url.Values{"status": {"@alice hello"}, "in_reply_to_id": {id}}, http.StatusSeeOther)

		// The author changes it on the status page; others may not.
		contains(t, ab.get(path, 200), `<details class="reply-policy">`, `<option value="followers" selected>`)
		if strings.Contains(bb.get(path, 200).Body, `class="reply-policy"`) {
			t.Error("the policy form is shown to someone else")
		}
		bb.post(path, "/web/statuses/"+id, url.Values{"do": {"reply_policy"}, "reply_policy": {"public"}}, http.StatusForbidden)
		ab.post(path, "/web/statuses/"+id, url.Values{"do": {"reply_policy"}, "reply_policy": {"everyone"}}, http.StatusUnprocessableEntity)
		p = ab.post(path, "/web/statuses/"+id, url.Values{"do": {"reply_policy"}, "reply_policy": {"public"}, "return_to": {path}}, http.StatusSeeOther)
		if p.Header.Get("Location") != path {
			t.Errorf("went to %q", p.Header.Get("Location"))
		}
		contains(t, ab.get(path, 200), "Who can reply is changed.")
		p = bb.get(path, 200)
		contains(t, p, `id="reply"`)
		if strings.Contains(p.Body, "can reply.") {
			t.Error("a sentence about replies on a post anyone may reply to")
		}

		// Defaults in the settings: public posts take "mentioned only".
		contains(t, ab.get("/settings", 200), `<select id="reply_private" name="reply_private">`)
		form := rdPrefs("")
		form.Set("reply_public", "mentioned")
		form.Set("reply_unlisted", "public")
		form.Set("reply_private", "followers")
		ab.post("/settings", "/settings/preferences", form, http.StatusSeeOther)
		var defs map[string]map[string]map[string][]string
		s.Must(t, 200, "GET", "/api/v1/interaction_policies/defaults", alice.Token, nil).Decode(t, &defs)
		if got := defs["public"]["can_reply"]["automatic_approval"]; slices.Contains(got, "public") || !slices.Contains(got, "mentioned") {
			t.Errorf("public default can_reply %v", got)
		}
		if got := defs["public"]["can_reblog"]["automatic_approval"]; !slices.Contains(got, "public") {
			t.Errorf("the boost rule changed too: %v", got)
		}
		contains(t, ab.get("/settings", 200), `<option value="mentioned" selected>`)
		ab.post("/", "/web/statuses", url.Values{"status": {"Mentioned only"}, "visibility": {"public"}}, http.StatusSeeOther)
		id2, _ := rdStatusOf(t, s, alice)
		contains(t, cb.get("/@alice/"+id2, 200), "Only people mentioned in this post can reply.")
		form.Set("reply_public", "nobody")
		contains(t, ab.post("/settings", "/settings/preferences", form, http.StatusUnprocessableEntity), "Choose who can reply from the list.")
	})
}

// TestReaderHideReply checks hiding a reply from one's thread: collapsed
// for others under "N hidden replies", marked for its author, only the
// thread's author may, and undo.
func TestReaderHideReply(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		var root, rb, rc map[string]any
		s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "What do you think?"}).Decode(t, &root)
		id := root["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "@alice spam spam spam", "in_reply_to_id": id}).Decode(t, &rb)
		s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "@alice a kind answer", "in_reply_to_id": id}).Decode(t, &rc)
		ab, bb, cb := newBrowser(t, s), newBrowser(t, s), newBrowser(t, s)
		ab.signIn("alice")
		bb.signIn("bob")
		cb.signIn("carol")
		path := "/@alice/" + id
		contains(t, ab.get(path, 200), `value="hide_reply">Hide reply</button>`)
		if strings.Contains(cb.get(path, 200).Body, "hide_reply") {
			t.Error("a reader who is not the thread's author is offered to hide replies")
		}

		p := ab.post(path, "/web/statuses/"+rb["id"].(string), url.Values{"do": {"hide_reply"}, "return_to": {path}}, http.StatusSeeOther)
		if p.Header.Get("Location") != path {
			t.Errorf("went to %q", p.Header.Get("Location"))
		}
		p = ab.get(path, 200)
		contains(t, p, "The reply is hidden from your thread.", `<summary>1 hidden reply</summary>`, `value="unhide_reply">Show in thread</button>`)
		p = cb.get(path, 200)
		hiddenAt, spamAt := strings.Index(p.Body, `class="hidden-replies"`), strings.Index(p.Body, "spam spam")
		if hiddenAt < 0 || spamAt < hiddenAt || strings.Index(p.Body, "a kind answer") > hiddenAt {
			t.Errorf("the hidden reply is not collapsed apart (details at %d, reply at %d)", hiddenAt, spamAt)
		}
		// Its author still sees it in place, marked.
		contains(t, bb.get(path, 200), "Hidden by the thread’s author")
		cb.lang = "fr"
		contains(t, cb.get(path, 200), "1 réponse masquée")
		// Only the thread's author may hide.
		bb.post(path, "/web/statuses/"+rc["id"].(string), url.Values{"do": {"hide_reply"}}, http.StatusForbidden)

		ab.post(path, "/web/statuses/"+rb["id"].(string), url.Values{"do": {"unhide_reply"}, "return_to": {path}}, http.StatusSeeOther)
		contains(t, ab.get(path, 200), "The reply is shown in your thread again.")
		if strings.Contains(cb.get(path, 200).Body, "hidden-replies") {
			t.Error("the reply is still hidden after undo")
		}
	})
}

// rdPost posts text (with media ids) as u through the service.
func rdPost(t *testing.T, s *apitest.Server, u *apitest.User, in statuses.PostInput) domain.ID {
	t.Helper()
	ctx := context.Background()
	a, err := s.App.Store.Account(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	id, err := statuses.New(s.App.Cfg, s.App.Store).Post(ctx, a, domain.Preferences{}, in)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// rdMedia stores a finished attachment of u (files are not needed to
// render the page).
func rdMedia(t *testing.T, s *apitest.Server, u *apitest.User, typ, alt, state string) *store.Media {
	t.Helper()
	id := s.App.Store.IDs.Next()
	key := "media/" + id.String() + "/k/"
	m := &store.Media{ID: id, AccountID: u.ID, Type: typ, ContentType: "video/mp4", FileKey: key + "original.mp4",
		PreviewKey: key + "small.jpg", Description: alt, Meta: `{"small":{"width":320,"height":180}}`, Processing: state}
	if typ == "audio" {
		m.ContentType, m.FileKey, m.PreviewKey = "audio/mpeg", key+"original.mp3", ""
	}
	if state == store.MediaProcessing {
		m.FileKey, m.PreviewKey, m.SourceKey = "", "", key+"upload.mov" // not converted yet
	}
	if err := s.App.Store.CreateMedia(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReaderCardsAndMedia checks link preview cards, video, gifv and
// audio attachments on the pages, a file still processing, and posts
// with media but no text.
func TestReaderCardsAndMedia(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.App.Web.Media = s.App.Media
		ctx := context.Background()
		alice := s.NewUser(t, "alice")
		withCard := rdPost(t, s, alice, statuses.PostInput{Text: "Read this https://example.org/heron"})
		behindCW := rdPost(t, s, alice, statuses.PostInput{Text: "Spoilers https://example.org/plot", SpoilerText: "the plot"})
		card := &store.Card{URL: "https://example.org/heron", Title: "Herons of the Saône", Type: "link", ProviderName: "River News",
			Description: "How grey herons came back to the city. " + strings.Repeat("More words about birds. ", 20),
			ImageURL:    "https://example.org/heron.jpg", ImageKey: "cards/heron.jpg"}
		plain := &store.Card{URL: "https://example.org/plot", Title: "The plot", Type: "link", ImageURL: "http://example.org/plot.jpg", ImageKey: "cards/plot.jpg"}
		for _, c := range []struct {
			status domain.ID
			card   *store.Card
		}{{withCard, card}, {behindCW, plain}} {
			if err := s.App.Store.SaveCard(ctx, c.card); err != nil {
				t.Fatal(err)
			}
			if err := s.App.Store.SetStatusCard(ctx, c.status, c.card.ID); err != nil {
				t.Fatal(err)
			}
		}
		video := rdMedia(t, s, alice, "video", "A heron taking off", store.MediaDone)
		gifv := rdMedia(t, s, alice, "gifv", "A heron nodding", store.MediaDone)
		audio := rdMedia(t, s, alice, "audio", "Heron calls at dawn", store.MediaDone)
		moving := rdPost(t, s, alice, statuses.PostInput{Text: "Moving pictures", MediaIDs: []string{video.ID.String(), gifv.ID.String(), audio.ID.String()}})

		b := newBrowser(t, s)
		b.signIn("alice")
		// The post's page shows the whole card; timelines a compact one
		// (title and site: the page's byte budget).
		p := b.get("/@alice/"+withCard.String(), 200)
		contains(t, p, `<a class="card" href="https://example.org/heron" rel="nofollow noopener"><img src="/system/media/cards/heron.jpg" alt="" loading="lazy" width="96" height="96"><span><strong>Herons of the Saône</strong><small>River News</small><small>How grey herons came back to the city.`)
		if !strings.Contains(p.Body, "…</small>") {
			t.Error("the card's description is not clipped")
		}
		p = b.get("/", 200)
		contains(t, p, `<a class="card" href="https://example.org/heron" rel="nofollow"><strong>Herons of the Saône</strong> <small>River News</small></a>`)
		if strings.Contains(p.Body, "heron.jpg") || strings.Contains(p.Body, "How grey herons") {
			t.Error("a timeline's card shows its image or description")
		}
		if strings.Contains(p.Body, "plot.jpg") || strings.Contains(p.Body, `href="https://example.org/plot" rel`) {
			t.Error("a card is shown outside a content warning")
		}
		contains(t, p,
			`<video src="/system/media/`+video.FileKey+`" controls preload="none" poster="/system/media/`+video.PreviewKey+`" aria-label="A heron taking off">`,
			`<video class="gifv" src="/system/media/`+gifv.FileKey+`" muted loop playsinline controls preload="none" poster="/system/media/`+gifv.PreviewKey+`" aria-label="A heron nodding">`,
			`<audio src="/system/media/`+audio.FileKey+`" controls preload="none" aria-label="Heron calls at dawn">`,
			`accept="image/*,video/*,audio/*"`)
		if strings.Contains(p.Body, "autoplay") {
			t.Error("an animation autoplays without the script (which checks prefers-reduced-motion)")
		}

		// Changing who can reply keeps the attachments (an edit that
		// lists them all).
		b.post("/", "/web/statuses/"+moving.String(), url.Values{"do": {"reply_policy"}, "reply_policy": {"mentioned"}}, http.StatusSeeOther)
		p = b.get("/@alice/"+moving.String(), 200)
		contains(t, p, "Only people mentioned in this post can reply.", `aria-label="A heron taking off"`, `aria-label="Heron calls at dawn"`)

		// An upload still processing: the form comes back with it kept.
		busy := rdMedia(t, s, alice, "video", "A long video", store.MediaProcessing)
		p = b.postMultipart("/", "/web/statuses", map[string]string{"status": "Wait for it", "media_id_0": busy.ID.String(), "alt_0": "A long video"},
			nil, http.StatusUnprocessableEntity)
		contains(t, p, "Your file is still being processed.", `name="media_id_0" value="`+busy.ID.String()+`"`, `<span class="vis">Video</span>`)

		// Images without text post; nothing at all does not.
		if strings.Contains(p.Body, `data-max="500" required`) {
			t.Error("the compose box still requires text")
		}
		b.postMultipart("/", "/web/statuses", map[string]string{"status": "", "alt_0": "A heron, no words"},
			map[string][]byte{"media_0": pngImage(t)}, http.StatusSeeOther)
		contains(t, b.get("/", 200), `alt="A heron, no words"`)
		p = b.postMultipart("/", "/web/statuses", map[string]string{"status": " "}, nil, http.StatusUnprocessableEntity)
		contains(t, p, `role="alert"`)
	})
}

// TestReaderCardBytes counts what link cards cost a timeline page: a
// timeline's card is compact (title and site) so that a page where every
// post has one stays within the budget (TestTimelineBudgetWithCards).
func TestReaderCardBytes(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	ctx := context.Background()
	alice := s.NewUser(t, "alice")
	var ids []domain.ID
	for range 20 {
		ids = append(ids, rdPost(t, s, alice, statuses.PostInput{Text: "A link https://example.org/news/2026/12/a-long-article-name"}))
	}
	b := newBrowser(t, s)
	b.signIn("alice")
	before := len(b.get("/", 200).Body)
	c := &store.Card{URL: "https://example.org/news/2026/12/a-long-article-name", Type: "link", ProviderName: "Example News",
		Title:       "A typical headline of about sixty characters, give or take it",
		Description: strings.Repeat("A typical description sentence. ", 10), ImageURL: "https://cdn.example.org/images/2026/12/article.jpg",
		ImageKey: "cards/4f0c2a9d1e7b6a5c.jpg"}
	if err := s.App.Store.SaveCard(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := s.App.Store.SetStatusCard(ctx, id, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	after := b.get("/", 200)
	if n := strings.Count(after.Body, `class="card"`); n != 20 {
		t.Fatalf("%d cards shown, want 20", n)
	}
	per := (len(after.Body) - before) / 20
	t.Logf("a card adds %d B to a timeline page (20 cards: %d B)", per, len(after.Body)-before)
	if per > 250 {
		t.Errorf("a card weighs %d bytes, want at most 250", per)
	}
}
