package config

import (
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := Load(env())
	if err != nil || c.Addr != "127.0.0.1:8080" || c.Domain != "localhost:8080" || c.Registrations != "open" || !c.RateLimits {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = Load(env("AGORA_URL", "https://social.example.org/", "DATABASE_URL", "postgres://x@db/agora"))
	if err != nil || c.Domain != "social.example.org" || c.URL != "https://social.example.org" {
		t.Fatalf("https: %+v, %v", c, err)
	}
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"AGORA_REGISTRATIONS", "sometimes"}, "AGORA_REGISTRATIONS"},
		{[]string{"AGORA_URL", "ftp://x"}, "AGORA_URL"},
		{[]string{"AGORA_URL", "https://x.org/sub"}, "AGORA_URL"},
		{[]string{"DATABASE_URL", "mysql://x"}, "DATABASE_URL"},
		{[]string{"AGORA_ALLOW_PRIVATE_ADDRESSES", "maybe"}, "AGORA_ALLOW_PRIVATE_ADDRESSES"},
		{[]string{"AGORA_MAX_STATUS_CHARS", "0"}, "AGORA_MAX_STATUS_CHARS"},
		{[]string{"AGORA_DSA_TDB_URL", "https://tdb.example"}, "AGORA_DSA_TDB_TOKEN"},
		{[]string{"AGORA_DSA_TDB_URL", "tdb.example", "AGORA_DSA_TDB_TOKEN", "t"}, "AGORA_DSA_TDB_URL"},
	} {
		_, err := Load(env(tc.env...))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want an error naming %s", tc.env, err, tc.want)
		}
	}
}
