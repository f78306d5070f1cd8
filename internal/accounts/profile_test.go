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

func TestNormalizeAttributionDomains(t *testing.T) {
	got, err := NormalizeAttributionDomains([]string{" News.Example ", "https://blog.example/", "*.cdn.example", "", "news.example",
		"bücher.example", "trailing.example.", "http://sub.news.example"})
	want := []string{"news.example", "blog.example", "cdn.example", "xn--bcher-kva.example", "trailing.example", "sub.news.example"}
	if err != nil || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("NormalizeAttributionDomains = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"not a domain", "https://x.example/path", "ftp://x.example", "127.0.0.1", "-a.example",
		"a..example", "under_score.example", "x.example:8080", "https://u@x.example", strings.Repeat("a", 64) + ".example"} {
		if _, err := NormalizeAttributionDomains([]string{bad}); err == nil || !strings.Contains(err.Error(), "attribution_domains") {
			t.Errorf("NormalizeAttributionDomains(%q) = %v, want an attribution_domains error", bad, err)
		}
	}
	many := make([]string, MaxAttributionDomains+1)
	for i := range many {
		many[i] = "d" + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + ".example"
	}
	if _, err := NormalizeAttributionDomains(many[:MaxAttributionDomains]); err != nil {
		t.Errorf("%d domains: %v", MaxAttributionDomains, err)
	}
	if _, err := NormalizeAttributionDomains(many); err == nil {
		t.Errorf("%d domains accepted", len(many))
	}
	if got, err := NormalizeAttributionDomains(nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("no domains = %#v, %v; want an empty list", got, err)
	}
}

func TestCanAttribute(t *testing.T) {
	domains := []string{"news.example", "xn--bcher-kva.example"}
	for host, want := range map[string]bool{
		"news.example":               true,
		"NEWS.example":               true,
		"www.news.example":           true,
		"a.b.news.example:8443":      true,
		"bücher.example":             true,
		"shop.xn--bcher-kva.example": true,
		"fakenews.example":           false,
		"example":                    false,
		"news.example.evil":          false,
		"":                           false,
		"127.0.0.1:80":               false,
	} {
		if got := CanAttribute(domains, host); got != want {
			t.Errorf("CanAttribute(%q) = %v, want %v", host, got, want)
		}
	}
	if CanAttribute(nil, "news.example") {
		t.Error("an account without attribution domains is credited")
	}
}
