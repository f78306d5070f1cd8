package federation

import (
	"strings"
	"testing"
)

func TestSanitizeHTML(t *testing.T) {
	cases := []struct{ in, want string }{
		{`<p>hi<br>there</p>`, `<p>hi<br>there</p>`},
		{`<script>alert(1)</script><p onclick="x()">a</p>`, `<p>a</p>`},
		{`<a href="javascript:alert(1)">x</a>`, `x`},
		{`<a href="https://a.example/" class="u-url mention">@a</a>`,
			`<a href="https://a.example/" class="u-url mention" rel="nofollow noreferrer noopener" target="_blank">@a</a>`},
		{`<span class="h-card evil">x</span>`, `<span>x</span>`},
		{`<span class="invisible">https://</span>`, `<span class="invisible">https://</span>`},
		{`<img src="https://a.example/x.png"><iframe src="https://a.example"></iframe>`, ``},
		{`<blockquote><em>q</em> <del>d</del> <code>c</code></blockquote>`, `<blockquote><em>q</em> <del>d</del> <code>c</code></blockquote>`},
		{`<h1 style="color:red">big</h1>`, `big`},
	}
	for _, c := range cases {
		if got := SanitizeHTML(c.in); got != c.want {
			t.Errorf("SanitizeHTML(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := PlainText(`<b>Bob</b> &amp; <i>co</i>`); got != "Bob & co" {
		t.Errorf("PlainText = %q", got)
	}
}

func TestVisibilityOf(t *testing.T) {
	const pub, f = "https://www.w3.org/ns/activitystreams#Public", "https://r.example/users/bob/followers"
	cases := []struct {
		to, cc []string
		want   string
	}{
		{[]string{pub}, []string{f}, "public"},
		{[]string{"as:Public"}, nil, "public"},
		{[]string{f}, []string{pub}, "unlisted"},
		{[]string{f}, nil, "private"},
		{nil, []string{f}, "private"},
		{[]string{"https://a.example/users/alice"}, nil, "direct"},
	}
	for _, c := range cases {
		if got := visibilityOf(c.to, c.cc, f); string(got) != c.want {
			t.Errorf("to %v cc %v: %s, want %s", c.to, c.cc, got, c.want)
		}
	}
	if !strings.HasPrefix(language("en-US"), "en") || language("xx-yy") != "" {
		t.Errorf("language: %q %q", language("en-US"), language("xx-yy"))
	}
}
