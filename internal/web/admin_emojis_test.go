package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// TestAdminEmojisPage: an admin uploads, changes and deletes emoji on
// /admin/emojis (each change audited); a refused upload is shown again
// with a readable message; moderators see the list only; posts show
// the emoji as images.
func TestAdminEmojisPage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		mux := http.NewServeMux()
		s.App.Web.RegisterAdminEmojis(mux) // also registered by admin.go once wired there
		mux.Handle("/", s.App.Handler())
		ts := httptest.NewServer(mux)
		t.Cleanup(ts.Close)
		ws := &apitest.Server{Server: ts, App: s.App}
		s.NewUserRole(t, "root", domain.RoleAdmin)
		mod := s.NewUserRole(t, "mod", domain.RoleModerator)
		b := newBrowser(t, ws)
		b.signIn("root")
		p := b.get("/admin/emojis", 200)
		contains(t, p, "Custom emoji", "No custom emoji yet.", `enctype="multipart/form-data"`)

		var img bytes.Buffer
		_ = png.Encode(&img, image.NewNRGBA(image.Rect(0, 0, 40, 20)))
		upload := func(code string, data []byte, want int) *page {
			t.Helper()
			m := tokenRE.FindStringSubmatch(b.get("/admin/emojis", 200).Body)
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("authenticity_token", m[1])
			_ = mw.WriteField("shortcode", code)
			_ = mw.WriteField("category", "blobs")
			fw, _ := mw.CreateFormFile("image", code+".png")
			_, _ = fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", ts.URL+"/admin/emojis", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var out bytes.Buffer
			_, _ = out.ReadFrom(res.Body)
			if res.StatusCode != want {
				t.Fatalf("upload %s: %d, want %d\n%s", code, res.StatusCode, want, out.String())
			}
			return &page{Status: res.StatusCode, Body: out.String()}
		}
		upload("blobcat", img.Bytes(), http.StatusSeeOther)
		p = b.get("/admin/emojis", 200)
		contains(t, p, "The emoji has been added.", `<img class="emoji" alt=":blobcat:"`, `width="40" height="20"`, `value="blobs"`)
		p = upload("blobcat", img.Bytes(), http.StatusUnprocessableEntity)
		contains(t, p, "An emoji with this shortcode already exists.", `value="blobcat"`)
		p = upload("svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), http.StatusUnprocessableEntity)
		contains(t, p, "The image must be a PNG, GIF or WebP file.")
		p = upload("a", img.Bytes(), http.StatusUnprocessableEntity)
		contains(t, p, "The shortcode must be 2 to 64 letters")

		e, err := s.App.Store.CustomEmojiByCode(ctx, "", "blobcat")
		if err != nil {
			t.Fatal(err)
		}
		b.post("/admin/emojis", "/admin/emojis/"+e.ID.String(), url.Values{"category": {"cats"}, "disabled": {"1"}}, http.StatusSeeOther)
		if e, _ = s.App.Store.CustomEmoji(ctx, e.ID); e.Category != "cats" || !e.Disabled || e.VisibleInPicker {
			t.Errorf("after the change: %+v", e)
		}
		b.post("/admin/emojis", "/admin/emojis/"+e.ID.String(), url.Values{"category": {"cats"}, "visible": {"1"}}, http.StatusSeeOther)

		// A post and a display name show it; a code of no emoji stays text.
		alice := s.NewUser(t, "alice")
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, url.Values{"display_name": {"Alice :blobcat:"}})
		st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"hi :blobcat: :nope: <b>x</b>"}}).Map(t)
		p = b.get("/@alice/"+st["id"].(string), 200)
		contains(t, p, `hi <img class="emoji" alt=":blobcat:" title=":blobcat:" src="/system/media/emojis/`, ":nope:",
			`<bdi>Alice <img class="emoji" alt=":blobcat:"`)
		p = b.get("/@alice", 200)
		contains(t, p, `<h1 id="profile-h"><bdi>Alice <img class="emoji"`)
		cw := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"body"}, "spoiler_text": {"about :blobcat: & <more>"}}).Map(t)
		p = b.get("/@alice/"+cw["id"].(string), 200)
		contains(t, p, `<span class="cw-text">about <img class="emoji" alt=":blobcat:"`, `&amp; &lt;more&gt;</span>`)

		// Moderators read the list, without the forms; they cannot post them.
		mb := newBrowser(t, ws)
		mb.signIn(mod.Username)
		p = mb.get("/admin/emojis", 200)
		if strings.Contains(p.Body, `action="/admin/emojis/`) || !strings.Contains(p.Body, ":blobcat:") {
			t.Errorf("moderator's page: %s", p.Body)
		}
		mb.post("/admin/emojis", "/admin/emojis/"+e.ID.String()+"/delete", url.Values{}, http.StatusForbidden)

		b.post("/admin/emojis", "/admin/emojis/"+e.ID.String()+"/delete", url.Values{}, http.StatusSeeOther)
		if _, err := s.App.Store.CustomEmoji(ctx, e.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("deleted emoji still there: %v", err)
		}
		// Other servers' emoji are listed; an admin disables one, which a
		// later note from its server does not enable again.
		if _, err := s.App.Store.SaveRemoteEmoji(ctx, &store.CustomEmoji{Shortcode: "rude", Domain: "remote.example",
			RemoteURL: "https://remote.example/rude.png", ImageKey: "emojis/r/original.png", StaticKey: "emojis/r/original.png"}); err != nil {
			t.Fatal(err)
		}
		rude, _ := s.App.Store.CustomEmojiByCode(ctx, "remote.example", "rude")
		p = b.get("/admin/emojis", 200)
		contains(t, p, "Other servers’ emoji", "<code>:rude:</code></th><td>remote.example</td>")
		b.post("/admin/emojis", "/admin/emojis/"+rude.ID.String(), url.Values{"disabled": {"1"}, "category": {"x"}, "visible": {"1"}}, http.StatusSeeOther)
		if _, err := s.App.Store.SaveRemoteEmoji(ctx, &store.CustomEmoji{Shortcode: "rude", Domain: "remote.example",
			RemoteURL: "https://remote.example/rude2.png", ImageKey: "emojis/r2/original.png", StaticKey: "emojis/r2/original.png"}); err != nil {
			t.Fatal(err)
		}
		if e, _ := s.App.Store.CustomEmoji(ctx, rude.ID); !e.Disabled || e.Category != "" || e.VisibleInPicker {
			t.Errorf("remote emoji after disabling and a new copy: %+v", e)
		}
		b.post("/admin/emojis", "/admin/emojis/"+rude.ID.String()+"/delete", url.Values{}, http.StatusNotFound)
		admAudited(t, s, "emoji.create", "emoji.disable", "emoji.enable", "emoji.delete")
	})
}
