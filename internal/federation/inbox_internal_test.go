package federation

import "testing"

func TestJSONDepth(t *testing.T) {
	cases := map[string]int{
		`{}`:                   1,
		`{"a":[{"b":[]}]}`:     4,
		`{"a":"[[[[{{{"}`:      1,
		`{"a":"\"[[["}`:        1,
		`{"a":"\\","b":[[1]]}`: 3,
		`not json`:             0,
		`[[[[[[[[[[]]]]]]]]]]`: 10,
	}
	for in, want := range cases {
		if got := jsonDepth([]byte(in)); got != want {
			t.Errorf("jsonDepth(%s) = %d, want %d", in, got, want)
		}
	}
}
