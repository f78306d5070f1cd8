package activitypub

import (
	"errors"
	"testing"
)

func TestParseForms(t *testing.T) {
	doc, err := Parse([]byte(`{
		"id": "https://r.example/a/1", "type": ["Create"], "actor": {"id": "https://r.example/u/bob", "type": "Person"},
		"object": {"id": "https://r.example/n/1", "type": "Note", "attributedTo": ["https://r.example/u/bob"],
			"to": "https://www.w3.org/ns/activitystreams#Public", "cc": [{"id": "https://r.example/u/bob/followers"}]},
		"tag": {"type": "Hashtag", "name": "#one"},
		"attachment": [{"type": "Document", "url": [{"type": "Link", "href": "https://r.example/f.png"}]}, 5],
		"url": [{"type": "Link", "mediaType": "application/json", "href": "https://r.example/x.json"},
			{"type": "Link", "mediaType": "text/html", "href": "https://r.example/@bob/1"}],
		"icon": [{"type": "Image", "url": "https://r.example/i.png"}],
		"contentMap": {"de": "<p>Hallo</p>"},
		"_misskey_quote": "https://q.example/n/9"
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Type != "Create" || doc.Actor.ID != "https://r.example/u/bob" || doc.Object.ID != "https://r.example/n/1" || doc.Object.Object == nil {
		t.Fatalf("activity %+v", doc)
	}
	obj, err := Parse(doc.Object.Object)
	if err != nil {
		t.Fatal(err)
	}
	if obj.AttributedTo.ID != "https://r.example/u/bob" || len(obj.To) != 1 || len(obj.Cc) != 1 || obj.Cc[0] != "https://r.example/u/bob/followers" {
		t.Errorf("object %+v", obj)
	}
	if len(doc.Tag) != 1 || doc.Tag[0].Name != "#one" {
		t.Errorf("tags %+v", doc.Tag)
	}
	if len(doc.Attachment) != 1 || doc.Attachment[0].URL.ID != "https://r.example/f.png" {
		t.Errorf("attachments %+v", doc.Attachment)
	}
	if got := LinkURL(doc.URL); got != "https://r.example/@bob/1" {
		t.Errorf("url %q", got)
	}
	if got := ImageURL(doc.Icon); got != "https://r.example/i.png" {
		t.Errorf("icon %q", got)
	}
	if html, lang := doc.Text(); html != "<p>Hallo</p>" || lang != "de" {
		t.Errorf("text %q %q", html, lang)
	}
	if doc.QuotedURI() != "https://q.example/n/9" {
		t.Errorf("quote %q", doc.QuotedURI())
	}
	if _, err := Parse([]byte(`{"id": 5}`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed: %v", err)
	}
}

// TestParseResult: an Accept's result (the authorization it grants) is
// read as an id or as an embedded object; an interaction request's
// instrument keeps its embedded object.
func TestParseResult(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"type":"Accept","id":"https://g.example/accepts/1","result":"https://g.example/authorizations/1"}`, "https://g.example/authorizations/1"},
		{`{"type":"Accept","result":{"type":"QuoteAuthorization","id":"https://g.example/q/1"}}`, "https://g.example/q/1"},
		{`{"type":"Accept"}`, ""},
	} {
		in, err := Parse([]byte(c.body))
		if err != nil || in.Result.ID != c.want {
			t.Errorf("%s: result %q, %v; want %q", c.body, in.Result.ID, err, c.want)
		}
	}
	in, err := Parse([]byte(`{"type":"LikeRequest","object":"https://a.example/s/1",
		"instrument":{"type":"Like","id":"https://g.example/likes/1","object":"https://a.example/s/1"}}`))
	if err != nil || in.Instrument.ID != "https://g.example/likes/1" || in.Instrument.Object == nil {
		t.Errorf("instrument = %+v, %v", in.Instrument, err)
	}
}
