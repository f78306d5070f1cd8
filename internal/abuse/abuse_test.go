package abuse

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var (
	now   = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	rules = Rules{LinkDomains: []string{"spam.example"}, YoungAccount: 7 * 24 * time.Hour}
	old   = 400 * 24 * time.Hour
)

func names(s []Signal) string {
	var n []string
	for _, x := range s {
		n = append(n, x.Name)
	}
	return strings.Join(n, ",")
}

func earlier(text string, links []string, ago time.Duration, n int) []Earlier {
	var out []Earlier
	for range n {
		out = append(out, Earlier{Text: text, Links: links, At: now.Add(-ago)})
	}
	return out
}

func TestSignals(t *testing.T) {
	link := []string{"https://deals.example/w"}
	cases := []struct {
		name    string
		post    Post
		score   int
		signals string
	}{
		{"ordinary", Post{Text: "The council meets tonight.", AccountAge: old}, 0, ""},
		{"listed domain", Post{Text: "look", Links: []string{"https://www.SPAM.example/x"}, AccountAge: old}, 100, "listed_domain"},
		{"not a listed domain", Post{Text: "look", Links: []string{"https://notspam.example/x"}, AccountAge: old}, 0, ""},
		{"second copy", Post{Text: "Buy cheap watches now", AccountAge: old, Earlier: earlier("buy cheap watches NOW!", nil, time.Minute, 1)}, 0, ""},
		{"third copy", Post{Text: "Buy cheap watches now", AccountAge: old, Earlier: earlier("@bob buy cheap watches now", nil, time.Minute, 2)}, 3, "repeated_text"},
		{"fifth copy", Post{Text: "Buy cheap watches now", AccountAge: old, Earlier: earlier("buy cheap watches now", nil, time.Minute, 4)}, 6, "repeated_text"},
		{"copies out of the window", Post{Text: "Buy cheap watches now", AccountAge: old, Earlier: earlier("buy cheap watches now", nil, 2*time.Hour, 6)}, 0, ""},
		{"short repeats", Post{Text: "Thanks!", AccountAge: old, Earlier: earlier("thanks", nil, time.Minute, 6)}, 0, ""},
		{"repeated text and link", Post{Text: "Great deals today https://deals.example/w", Links: link, AccountAge: old,
			Earlier: earlier("Great deals today https://deals.example/w", link, time.Minute, 2)}, 6, "repeated_text,repeated_link"},
		{"repeated link, young account", Post{Text: "new text", Links: link, AccountAge: time.Hour,
			Earlier: earlier("other text", link, time.Minute, 2)}, 5, "repeated_link,young_account"},
		{"five strangers", Post{Text: "hi", StrangerMentions: 5, AccountAge: old}, 3, "mentions_strangers"},
		{"ten strangers", Post{Text: "hi", StrangerMentions: 10, AccountAge: old}, 6, "mentions_strangers"},
		{"many links", Post{Text: "x", Links: []string{"https://a.example", "https://b.example", "https://c.example"}, AccountAge: old}, 2, "many_links"},
		{"young account alone", Post{Text: "hello", AccountAge: time.Hour}, 0, ""},
	}
	for _, c := range cases {
		c.post.Now = now
		score, signals := Score(rules, c.post)
		if score != c.score || names(signals) != c.signals {
			t.Errorf("%s: got %d %q, want %d %q", c.name, score, names(signals), c.score, c.signals)
		}
	}
}

// TestOrdinaryPostsScoreLow: 50 varied posts of a busy, young account,
// with links, mentions of acquaintances and replies, never reach the
// default threshold.
func TestOrdinaryPostsScoreLow(t *testing.T) {
	var hist []Earlier
	for i := range 50 {
		p := Post{Text: fmt.Sprintf("Update %d on the tram works: line %d reopens at %d:00. #transport", i, i%7, 6+i%12),
			AccountAge: 2 * time.Hour, StrangerMentions: i % 3, Now: now.Add(time.Duration(i) * time.Minute), Earlier: hist}
		if i%4 == 0 {
			p.Links = []string{fmt.Sprintf("https://news%d.example/tram", i)}
		}
		if score, signals := Score(rules, p); score >= 6 {
			t.Fatalf("post %d: score %d (%s), want < 6", i, score, names(signals))
		}
		hist = append([]Earlier{{Text: p.Text, Links: p.Links, At: p.Now}}, hist...)
	}
}

func TestExplainAndNormalize(t *testing.T) {
	_, s := Score(rules, Post{Text: "x", Links: []string{"https://spam.example/a"}, Now: now, AccountAge: old})
	got := Explain(100, 6, s)
	want := "Held for review by the automated spam heuristics (score 100, threshold 6): listed_domain (+100): links to spam.example, on the server's list of spam domains."
	if got != want {
		t.Fatalf("Explain: got %q, want %q", got, want)
	}
	if got := Normalize("@bob@x.example  BUY now!!! https://x.example/a?b=c #Deal"); got != "buy now deal" {
		t.Fatalf("Normalize: got %q", got)
	}
}
