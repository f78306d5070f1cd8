package web

import "testing"

// TestSlimContent checks what the pages drop from a status's HTML: the
// spans around a link that is not shortened, and this server's origin in
// its own links; a shortened link and other servers' links stay whole.
func TestSlimContent(t *testing.T) {
	const base = "https://agora.example"
	for _, c := range []struct{ in, want string }{
		{`<p>See <a href="https://example.org/a" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="">example.org/a</span><span class="invisible"></span></a></p>`,
			`<p>See <a href="https://example.org/a" rel="nofollow noopener" translate="no"><span class="invisible">https://</span>example.org/a</a></p>`},
		{`<a href="https://example.org/long"><span class="invisible">https://</span><span class="ellipsis">example.org/very/long/path/that</span><span class="invisible">/is/cut</span></a>`,
			`<a href="https://example.org/long"><span class="invisible">https://</span><span class="ellipsis">example.org/very/long/path/that</span><span class="invisible">/is/cut</span></a>`},
		{`<a href="https://agora.example/tags/cities" class="mention hashtag" rel="tag">#<span>cities</span></a> <a href="https://agora.example.evil.test/x">x</a> <a href="https://other.example/@bob">@bob</a>`,
			`<a href="/tags/cities" class="mention hashtag" rel="tag">#<span>cities</span></a> <a href="https://agora.example.evil.test/x">x</a> <a href="https://other.example/@bob">@bob</a>`},
	} {
		if got := slimContent(c.in, base+"/"); got != c.want {
			t.Errorf("slimContent:\n got %s\nwant %s", got, c.want)
		}
	}
}
