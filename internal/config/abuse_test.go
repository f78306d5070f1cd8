package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadAbuse(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	def := DefaultAbuse()
	want := Abuse{NewAccountHours: 24, NewAccountMentions: 2, NewAccountLinks: 0, NewAccountPostsPerHour: 10, HoldScore: 6, YoungAccountDays: 7}
	if !reflect.DeepEqual(def, want) {
		t.Fatalf("defaults: got %+v, want %+v", def, want)
	}
	got, err := LoadAbuse(env("AGORA_NEW_ACCOUNT_HOURS", "0", "AGORA_SPAM_HOLD_SCORE", "9",
		"AGORA_SPAM_LINK_DOMAINS", " Spam.example, .bad.example ,"))
	if err != nil || got.NewAccountHours != 0 || got.HoldScore != 9 || !reflect.DeepEqual(got.LinkDomains, []string{"spam.example", "bad.example"}) {
		t.Fatalf("set: got %+v, %v", got, err)
	}
	for _, c := range [][2]string{
		{"AGORA_NEW_ACCOUNT_HOURS", "-1"},
		{"AGORA_NEW_ACCOUNT_POSTS_PER_HOUR", "0"},
		{"AGORA_NEW_ACCOUNT_MAX_LINKS", "many"},
		{"AGORA_SPAM_LINK_DOMAINS", "https://spam.example/"},
		{"AGORA_SPAM_LINK_DOMAINS", "localhost"},
	} {
		if _, err := LoadAbuse(env(c[0], c[1])); err == nil || !strings.Contains(err.Error(), c[0]) {
			t.Errorf("%s=%s: got %v, want an error naming the variable", c[0], c[1], err)
		}
	}
}
