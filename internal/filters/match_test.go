package filters

import (
	"slices"
	"testing"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

func TestContainsKeyword(t *testing.T) {
	cases := []struct {
		text, kw string
		whole    bool
		want     bool
	}{
		{"i love cats", "cat", false, true},
		{"i love cats", "cat", true, false},
		{"i love cat.", "cat", true, true},
		{"cat", "cat", true, true},
		{"concatenate", "cat", true, false},
		{"a cat_b", "cat", true, false}, // underscore is a word character
		{"un été chaud", "été", true, true},
		{"unétéchaud", "été", true, false},
		{"see #spoiler here", "#spoiler", true, true}, // no boundary needed before '#'
		{"bla#spoiler", "#spoiler", true, true},
		{"cats and cat", "cat", true, true}, // a later occurrence matches
		{"", "cat", false, false},
	}
	for _, c := range cases {
		if got := containsKeyword(c.text, c.kw, c.whole); got != c.want {
			t.Errorf("containsKeyword(%q, %q, %v) = %v, want %v", c.text, c.kw, c.whole, got, c.want)
		}
	}
}

func TestMatch(t *testing.T) {
	warn := &store.Filter{ID: 1, Title: "tv", Context: []string{"home"}, Action: "warn",
		Keywords: []store.FilterKeyword{{Keyword: "Finale", WholeWord: true}, {Keyword: "spoil", WholeWord: false}}}
	hide := &store.Filter{ID: 2, Title: "this one", Context: []string{"home"}, Action: "hide",
		Statuses: []store.FilterStatus{{StatusID: 77}}}
	set := Set{warn, hide}
	cases := []struct {
		name       string
		st         domain.Status
		wantTitles []string
		wantKw     []string
		poll       []string
	}{
		{"poll option", domain.Status{ID: 5, Content: "<p>vote</p>"}, []string{"tv"}, []string{"Finale"}, []string{"pilot", "finale"}},
		{"content html", domain.Status{ID: 5, Content: "<p>The <b>FINALE</b> was great</p>"}, []string{"tv"}, []string{"Finale"}, nil},
		{"spoiler text", domain.Status{ID: 5, SpoilerText: "spoilers ahead", Content: "<p>x</p>"}, []string{"tv"}, []string{"spoil"}, nil},
		{"source text when no content", domain.Status{ID: 5, Text: "the finale!"}, []string{"tv"}, []string{"Finale"}, nil},
		{"html tags are not text", domain.Status{ID: 5, Content: `<a href="https://x/finale">link</a>`}, nil, nil, nil},
		{"entities decoded", domain.Status{ID: 5, Content: "<p>finale&amp;more</p>"}, []string{"tv"}, []string{"Finale"}, nil},
		{"status match", domain.Status{ID: 77, Content: "<p>nothing</p>"}, []string{"this one"}, nil, nil},
		{"boost of a filtered status", domain.Status{ID: 78, ReblogOfID: 77}, []string{"this one"}, nil, nil},
		{"no match", domain.Status{ID: 5, Content: "<p>finales</p>"}, nil, nil, nil},
	}
	for _, c := range cases {
		ms := set.Match(&c.st, c.poll)
		var titles, kws []string
		for _, m := range ms {
			titles = append(titles, m.Filter.Title)
			kws = append(kws, m.Keywords...)
		}
		if !slices.Equal(titles, c.wantTitles) || !slices.Equal(kws, c.wantKw) {
			t.Errorf("%s: filters %v keywords %v, want %v %v", c.name, titles, kws, c.wantTitles, c.wantKw)
		}
	}
}
