package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// TestReaderControls runs the reader's and author's controls in Chromium
// with JavaScript on, auditing each changed page with axe-core: the time
// zone preference (the hour shifts, the datetime stays UTC), "Who can
// reply" chosen at compose and a refused reader without a reply form,
// hiding a reply from one's thread, a link card and a video.
func TestReaderControls(t *testing.T) {
	w := newWorld(t, db.SQLite)
	ctx := context.Background()
	st := w.s.App.Store
	w.s.NewUser(t, "alice")
	bob := w.bob.ID

	// A card on bob's first post (the cards job is not run: stored as it
	// would store it), and a finished video in another post.
	card := &store.Card{URL: "https://example.org/saone", Title: "The Saône at dawn", Type: "link", ProviderName: "Lyon Light",
		Description: "Photographs of the river in the first light.", ImageURL: "https://127.0.0.1:1/saone.jpg", ImageKey: "cards/saone.jpg"}
	if err := st.SaveCard(ctx, card); err != nil {
		t.Fatal(err)
	}
	if err := st.SetStatusCard(ctx, w.bobPost, card.ID); err != nil {
		t.Fatal(err)
	}
	vid := &store.Media{ID: st.IDs.Next(), AccountID: bob, Type: "video", ContentType: "video/mp4", FileKey: "media/v/k/original.mp4",
		PreviewKey: "media/v/k/small.jpg", Description: "Boats passing under the bridge", Meta: `{"small":{"width":320,"height":180}}`}
	if err := st.CreateMedia(ctx, vid); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Post(ctx, w.bob, domain.Preferences{}, statuses.PostInput{Text: "Evening boats", MediaIDs: []string{vid.ID.String()}}); err != nil {
		t.Fatal(err)
	}

	tb := newTab(t, w.s.URL, true)
	signIn(tb, "alice")

	// Time zone: chosen in the settings, shown on every date.
	tb.open("/settings")
	tb.do(setValue("time_zone", "Asia/Tokyo"))
	tb.click(`form[action="/settings/preferences"] button[type=submit]`)
	tb.waitFor("the saved preferences", hasText("saved")+` && document.getElementById("time_zone").value === "Asia/Tokyo"`)
	tb.audit("reader-settings")
	tb.open("/@bob/" + w.bobPost.String())
	tb.waitFor("bob's post", `document.querySelector("a.when time")`)
	iso := tb.evalString(`document.querySelector("a.when time").getAttribute("datetime")`)
	shown := tb.evalString(`document.querySelector("a.when time").textContent`)
	at, err := time.Parse(time.RFC3339, iso)
	if err != nil || !strings.HasSuffix(iso, "Z") {
		t.Fatalf("datetime %q is not UTC ISO", iso)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if want := at.In(tokyo).Format("Jan 2, 2006, 15:04 MST"); shown != want {
		t.Errorf("time shown as %q, want %q", shown, want)
	}
	// The link card, and a reply to bob.
	tb.waitFor("the card", `document.querySelector('a.card[href="https://example.org/saone"] img[alt=""][width="96"]') && `+hasText("Lyon Light"))
	reply(tb, w.bobPost, "@bob Lovely light.")

	// "Who can reply" at compose: only alice's followers.
	tb.open("/")
	tb.typeInto("status", "Followers, what do you think?")
	tb.do(setValue("reply_policy", "followers"))
	tb.click(`#compose button[type=submit]`)
	tb.waitFor("the post", hasText("Your post is published."))
	// Bob's video on his profile.
	tb.open("/@bob")
	tb.waitFor("the video", `document.querySelector('video[controls][preload="none"][aria-label="Boats passing under the bridge"][poster]')`)
	tb.audit("reader-video")
	_, ids, err := w.svc.Context(ctx, 0, w.bobPost)
	if err != nil || len(ids) != 1 {
		t.Fatalf("bob's thread: %v %v", ids, err)
	}
	signOut(tb)

	// Bob does not follow alice: no reply form, a sentence instead.
	signIn(tb, "bob")
	tb.open("/@alice")
	tb.waitFor("alice's post", hasText("Followers, what do you think?"))
	tb.click(`main article a.when`)
	tb.waitFor("the refusal", `document.getElementById("reply-rule") && `+hasText("You cannot reply to it.")+` && !document.getElementById("reply")`)
	tb.audit("reader-refused")

	// Bob hides alice's reply from his thread, then shows it again.
	tb.open("/@bob/" + w.bobPost.String())
	tb.click(`article[data-id="` + ids[0].String() + `"] button[value="hide_reply"]`)
	tb.waitFor("the hidden reply", hasText("The reply is hidden from your thread.")+` && document.querySelector("details.hidden-replies")`)
	tb.click(`details.hidden-replies summary`)
	tb.waitFor("the hidden reply shown", `document.querySelector("details.hidden-replies").open`)
	tb.audit("reader-hidden")
	tb.click(`article[data-id="` + ids[0].String() + `"] button[value="unhide_reply"]`)
	tb.waitFor("the reply back", hasText("The reply is shown in your thread again.")+` && !document.querySelector("details.hidden-replies")`)
}
