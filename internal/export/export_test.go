package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/export"
	"github.com/agora-social/agora/internal/moderation"
)

// uploadPNG uploads a small PNG as token's and returns the attachment id.
func uploadPNG(t *testing.T, s *apitest.Server, token string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		img.Set(x, x%24, color.RGBA{200, 30, 30, 255})
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="red.png"`)
	h.Set("Content-Type", "image/png")
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(pic.Bytes())
	_ = mw.WriteField("description", "a red line")
	_ = mw.Close()
	req, _ := http.NewRequest("POST", s.URL+"/api/v2/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m struct{ ID string }
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || json.Unmarshal(raw, &m) != nil {
		t.Fatalf("upload: %d %s", res.StatusCode, raw)
	}
	return m.ID
}

// TestExports fills an account with every kind of data and checks each
// CSV list and the archive, on both engines.
func TestExports(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		carol, dave := s.NewUser(t, "carol"), s.NewUser(t, "dave")
		mod := s.NewUserRole(t, "mod", "moderator")
		host := strings.TrimPrefix(s.URL, "http://")

		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, map[string]any{"reblogs": false, "notify": true, "languages": []string{"fr", "en"}})
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/follow", alice.Token, nil)
		list := s.Must(t, 200, "POST", "/api/v1/lists", alice.Token, map[string]any{"title": "Press, \"local\""}).Map(t)
		s.Must(t, 200, "POST", "/api/v1/lists/"+list["id"].(string)+"/accounts", alice.Token, map[string]any{"account_ids": []string{bob.AccountID}})
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/block", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+dave.AccountID+"/mute", alice.Token, map[string]any{"notifications": false})
		s.Must(t, 200, "POST", "/api/v1/domain_blocks", alice.Token, map[string]any{"domain": "spam.example"})

		bobPost := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "a post by bob"}).Map(t)
		bobID := bobPost["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/statuses/"+bobID+"/bookmark", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses/"+bobID+"/favourite", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses/"+bobID+"/reblog", alice.Token, nil)
		mediaID := uploadPNG(t, s, alice.Token)
		withImage := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "look #red", "media_ids": []string{mediaID}}).Map(t)
		s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "only for my followers", "visibility": "private"})
		removed := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "this one gets removed"}).Map(t)
		removedID, _ := domain.ParseID(removed["id"].(string))
		modUser, err := s.App.Store.User(ctx, mod.UserID)
		if err != nil {
			t.Fatal(err)
		}
		mods := moderation.New(s.App.Store, slog.Default(), s.URL)
		admin := s.NewUserRole(t, "admin", "admin")
		adminUser, err := s.App.Store.User(ctx, admin.UserID)
		if err != nil {
			t.Fatal(err)
		}
		rule, err := mods.SaveRule(ctx, adminUser, 0, "No spam", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mods.Decide(ctx, modUser, moderation.DecisionInput{
			StatusIDs: []domain.ID{removedID}, Action: "remove", Ground: "terms", RuleIDs: []domain.ID{rule.ID}, Explanation: "spam",
		}); err != nil {
			t.Fatal(err)
		}

		e := s.App.Web.Export
		csvOf := func(name string) string {
			var b bytes.Buffer
			if err := e.WriteCSV(ctx, &b, export.ListNamed(name), alice.ID); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
		want := map[string]string{
			"following_accounts.csv": "Account address,Show boosts,Notify on new posts,Languages\nbob@" + host + ",false,true,\"fr,en\"\n",
			"lists.csv":              "\"Press, \"\"local\"\"\",bob@" + host + "\n",
			"blocked_accounts.csv":   "carol@" + host + "\n",
			"muted_accounts.csv":     "Account address,Hide notifications\ndave@" + host + ",false\n",
			"blocked_domains.csv":    "spam.example\n",
			"bookmarks.csv":          s.URL + "/users/bob/statuses/" + bobID + "\n",
		}
		for name, w := range want {
			// The block of carol ended alice's follow of her: only bob is followed.
			if got := csvOf(name); got != w {
				t.Errorf("%s:\n%q\nwant\n%q", name, got, w)
			}
		}

		acct, err := s.App.Store.Account(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := e.WriteArchive(ctx, &buf, acct); err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range z.File {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(r)
			r.Close()
		}
		for name := range want {
			if string(files[name]) != want[name] {
				t.Errorf("archive's %s differs from the download", name)
			}
		}
		var actor struct{ Type, PreferredUsername, ID string }
		if err := json.Unmarshal(files["actor.json"], &actor); err != nil || actor.Type != "Person" || actor.PreferredUsername != "alice" {
			t.Errorf("actor.json: %+v %v", actor, err)
		}
		if strings.Contains(string(files["actor.json"]), "PRIVATE KEY") {
			t.Error("the archive holds the private key")
		}

		var outbox struct {
			Type         string
			TotalItems   int
			OrderedItems []struct {
				Type   string
				Object json.RawMessage
			}
		}
		if err := json.Unmarshal(files["outbox.json"], &outbox); err != nil {
			t.Fatalf("outbox.json: %v\n%s", err, files["outbox.json"])
		}
		if outbox.Type != "OrderedCollection" || outbox.TotalItems != 3 || len(outbox.OrderedItems) != 3 {
			t.Fatalf("outbox: %s", files["outbox.json"])
		}
		if strings.Contains(string(files["outbox.json"]), "gets removed") {
			t.Error("a removed post is in the archive")
		}
		if got := outbox.OrderedItems[0]; got.Type != "Announce" || !strings.Contains(string(got.Object), "/users/bob/statuses/"+bobID) {
			t.Errorf("first item: %s %s", got.Type, got.Object)
		}
		var note struct {
			ID         string
			Content    string
			Attachment []struct{ URL, Name string }
			Tag        []struct{ Type, Name string }
		}
		if err := json.Unmarshal(outbox.OrderedItems[1].Object, &note); err != nil || outbox.OrderedItems[1].Type != "Create" {
			t.Fatalf("second item: %v %s", err, outbox.OrderedItems[1].Object)
		}
		if note.ID != s.URL+"/users/alice/statuses/"+withImage["id"].(string) || !strings.Contains(note.Content, "look") {
			t.Errorf("note: %+v", note)
		}
		if len(note.Attachment) != 1 || !strings.HasPrefix(note.Attachment[0].URL, "/"+export.MediaDir) || note.Attachment[0].Name != "a red line" {
			t.Fatalf("attachment: %+v", note.Attachment)
		}
		stored := files[strings.TrimPrefix(note.Attachment[0].URL, "/")]
		if _, err := png.Decode(bytes.NewReader(stored)); err != nil {
			if _, _, err2 := image.Decode(bytes.NewReader(stored)); err2 != nil {
				t.Errorf("the attachment's file is not in the archive as an image (%d bytes): %v", len(stored), err2)
			}
		}
		if !strings.Contains(string(outbox.OrderedItems[2].Object), "only for my followers") {
			t.Errorf("the followers-only post is missing: %s", outbox.OrderedItems[2].Object)
		}
		bobURI := s.URL + "/users/bob/statuses/" + bobID
		for _, name := range []string{"likes.json", "bookmarks.json"} {
			var c struct {
				TotalItems   int
				OrderedItems []string
			}
			if err := json.Unmarshal(files[name], &c); err != nil || c.TotalItems != 1 || len(c.OrderedItems) != 1 || c.OrderedItems[0] != bobURI {
				t.Errorf("%s: %s (%v)", name, files[name], err)
			}
		}
	})
}
