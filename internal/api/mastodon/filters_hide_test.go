package mastodon

import "testing"

func TestHiddenByFilter(t *testing.T) {
	warn := FilterResult{Filter: FilterV2{FilterAction: "warn"}}
	blur := FilterResult{Filter: FilterV2{FilterAction: "blur"}}
	hide := FilterResult{Filter: FilterV2{FilterAction: "hide"}}
	cases := []struct {
		in   []FilterResult
		want bool
	}{
		{nil, false},
		{[]FilterResult{warn}, false},
		{[]FilterResult{warn, blur}, false},
		{[]FilterResult{warn, hide}, true},
		{[]FilterResult{hide}, true},
	}
	for _, c := range cases {
		if got := hiddenByFilter(c.in); got != c.want {
			t.Errorf("hiddenByFilter(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
