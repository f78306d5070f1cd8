package federation_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/media"
)

// TestEmojiTwoServers: a custom emoji of 127.0.0.1 used in a post and in
// a display name shows as an emoji on 127.0.0.2: in the API (its emojis
// array, with the image copied to 127.0.0.2) and on the web page. The
// note carries the Emoji tag, and the emoji's id is served as an Emoji.
func TestEmojiTwoServers(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	ctx := context.Background()
	alice, bob := one.newUserToken(t, "alice"), two.newUserToken(t, "bob")
	hostOne := strings.TrimPrefix(one.URL, "http://")
	blob, err := one.App.Media.AddLocalEmoji(ctx, media.NewEmoji{Shortcode: "blobcat", Image: pngOf(t, 9)})
	if err != nil {
		t.Fatal(err)
	}

	// The Emoji document at its id.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", one.URL+"/emojis/"+blob.ID.String(), nil)
	req.SetPathValue("id", blob.ID.String())
	one.App.Fed.ServeEmoji(rec, req)
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 200 || doc["type"] != "Emoji" || doc["name"] != ":blobcat:" ||
		doc["id"] != one.URL+"/emojis/"+blob.ID.String() || doc["icon"].(map[string]any)["url"] != one.App.Media.URL(blob.ImageKey) {
		t.Errorf("Emoji document (%d): %s", rec.Code, rec.Body)
	}

	var aliceOnTwo jsonMap
	two.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=alice@"+hostOne, bob.token, nil, &aliceOnTwo)
	var rel jsonMap
	two.mustAPI(t, "POST", "/api/v1/accounts/"+aliceOnTwo["id"].(string)+"/follow", bob.token, nil, &rel)
	outWait(t, "bob following alice", func() bool {
		var rels []jsonMap
		two.mustAPI(t, "GET", "/api/v1/accounts/relationships?id[]="+aliceOnTwo["id"].(string), bob.token, nil, &rels)
		return rels[0]["following"] == true
	})

	post := one.post(t, alice, "Hello :blobcat: from one")
	if e := statusEmojis(post["emojis"]); e["blobcat"] != one.App.Media.URL(blob.ImageKey) {
		t.Errorf("emojis on one = %v", post["emojis"])
	}
	var onTwo jsonMap
	// The emoji is stored once the note is (noteStored): wait for both.
	outWait(t, "alice's post at bob's home, with its emoji", func() bool {
		for _, st := range two.home(t, bob) {
			if st["uri"] == post["uri"] {
				onTwo = st
				return len(statusEmojis(st["emojis"])) > 0
			}
		}
		return false
	})
	u := statusEmojis(onTwo["emojis"])["blobcat"]
	if !strings.HasPrefix(u, two.URL+media.ServePath+"emojis/") {
		t.Fatalf("emojis on two = %v, want blobcat copied to two", onTwo["emojis"])
	}
	if code, h, _ := two.get(t, strings.TrimPrefix(u, two.URL), ""); code != 200 || h.Get("Content-Type") != "image/png" {
		t.Errorf("copied image on two: %d %s", code, h.Get("Content-Type"))
	}
	code, _, page := two.get(t, "/@alice@"+hostOne+"/"+onTwo["id"].(string), "text/html")
	if code != 200 || !strings.Contains(string(page), `<img class="emoji" alt=":blobcat:" title=":blobcat:" src="`+media.ServePath+"emojis/") {
		t.Errorf("web page on two (%d) has no emoji:\n%s", code, page)
	}

	// The display name: sent in the Update of the actor, read back from
	// the actor document.
	one.mustAPI(t, "PATCH", "/api/v1/accounts/update_credentials", alice.token, url.Values{"display_name": {"Alice :blobcat:"}}, nil)
	outWait(t, "alice's new name on two with its emoji", func() bool {
		var a jsonMap
		two.mustAPI(t, "GET", "/api/v1/accounts/"+aliceOnTwo["id"].(string), bob.token, nil, &a)
		return a["display_name"] == "Alice :blobcat:" && strings.HasPrefix(statusEmojis(a["emojis"])["blobcat"], two.URL+media.ServePath)
	})
	code, _, page = two.get(t, "/@alice@"+hostOne, "text/html")
	if code != 200 || !strings.Contains(string(page), `Alice <img class="emoji" alt=":blobcat:"`) {
		t.Errorf("profile page on two (%d) has no emoji in the name:\n%s", code, page)
	}
}
