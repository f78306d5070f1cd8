package accounts

import (
	"strings"
	"testing"
)

func TestRenderNote(t *testing.T) {
	link := func(href, shown, hidden, class string) string {
		return `<a href="` + href + `" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span>` +
			`<span class="` + class + `">` + shown + `</span><span class="invisible">` + hidden + `</span></a>`
	}
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"  \n ", ""},
		{"hello", "<p>hello</p>"},
		{"a\nb\r\n\r\n\n c", "<p>a<br />b</p><p> c</p>"},
		{`<script>alert("x")</script> & co`, "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co</p>"},
		{"see https://example.org.", "<p>see " + link("https://example.org", "example.org", "", "") + ".</p>"},
		{"(https://example.org/a_(b))", "<p>(" + link("https://example.org/a_(b)", "example.org/a_(b)", "", "") + ")</p>"},
		{"https://example.org/" + strings.Repeat("x", 40), "<p>" + link("https://example.org/"+strings.Repeat("x", 40), "example.org/"+strings.Repeat("x", 18), strings.Repeat("x", 22), "ellipsis") + "</p>"},
		{`https://e.org/?a="b"`, "<p>" + link("https://e.org/?a=", "e.org/?a=", "", "") + "&#34;b&#34;</p>"},
		{"https:// alone", "<p>https:// alone</p>"},
	} {
		if got := RenderNote(c.in); got != c.want {
			t.Errorf("RenderNote(%q) =\n%s\nwant\n%s", c.in, got, c.want)
		}
	}
}

func TestFieldValueRoundTrip(t *testing.T) {
	for _, v := range []string{"https://alice.example/about", "she/her", "<b>&amp;</b>", "docs at https://x.example/" + strings.Repeat("p", 50) + " ok"} {
		r := RenderFieldValue(v)
		if strings.Contains(v, "<") && strings.Contains(r, "<b>") {
			t.Errorf("RenderFieldValue(%q) = %q: not escaped", v, r)
		}
		if got := FieldSource(r); got != v {
			t.Errorf("FieldSource(RenderFieldValue(%q)) = %q", v, got)
		}
	}
	if r := RenderFieldValue("https://alice.example"); !strings.Contains(r, `rel="nofollow noopener me"`) {
		t.Errorf("URL field without rel=me: %s", r)
	}
}
