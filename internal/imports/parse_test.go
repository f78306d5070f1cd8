package imports

import (
	"strconv"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/domain"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name, kind, file string
		want             []Row
	}{
		{"following with Mastodon's header", Following,
			"Account address,Show boosts,Notify on new posts,Languages\n@Bob@Example.COM,false,true,\"fr,en\"\ncarol@b.example,true,false,\n",
			[]Row{{Line: 2, Acct: "Bob@example.com", Notify: true, Languages: []string{"fr", "en"}}, {Line: 3, Acct: "carol@b.example", ShowReblogs: true}}},
		{"following as one column (older exports)", Following, "bob@a.example\n\nbob@a.example\ncarol@b.example\n",
			[]Row{{Line: 1, Acct: "bob@a.example", ShowReblogs: true}, {Line: 4, Acct: "carol@b.example", ShowReblogs: true}}},
		{"mutes with header", Mutes, "Account address,Hide notifications\nbob@a.example,false\n",
			[]Row{{Line: 2, Acct: "bob@a.example"}}},
		{"mutes without header hide notifications", Mutes, "bob@a.example\n",
			[]Row{{Line: 1, Acct: "bob@a.example", HideNotifications: true}}},
		{"blocks", Blocks, "bob@a.example\r\ncarol@b.example\r\n",
			[]Row{{Line: 1, Acct: "bob@a.example"}, {Line: 2, Acct: "carol@b.example"}}},
		{"domain blocks", DomainBlocks, "Spam.Example\nbad.example\n",
			[]Row{{Line: 1, Domain: "spam.example"}, {Line: 2, Domain: "bad.example"}}},
		{"bookmarks", Bookmarks, "https://a.example/users/bob/statuses/1\n",
			[]Row{{Line: 1, URI: "https://a.example/users/bob/statuses/1"}}},
		{"lists", Lists, "Press,bob@a.example\n\"Friends, close\",carol@b.example\n",
			[]Row{{Line: 1, List: "Press", Acct: "bob@a.example"}, {Line: 2, List: "Friends, close", Acct: "carol@b.example"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.kind, strings.NewReader(c.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i].key() != c.want[i].key() || got[i].Line != c.want[i].Line || got[i].ShowReblogs != c.want[i].ShowReblogs ||
					got[i].Notify != c.want[i].Notify || got[i].HideNotifications != c.want[i].HideNotifications ||
					strings.Join(got[i].Languages, ",") != strings.Join(c.want[i].Languages, ",") {
					t.Errorf("row %d: %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	many := ""
	for i := range MaxRows + 1 {
		many += "u" + strings.Repeat("a", i%3) + strconv.Itoa(i) + "@a.example\n"
	}
	for _, c := range []struct{ name, kind, file, want string }{
		{"no kind", "passwords", "bob@a.example\n", "Choose what the file holds"},
		{"empty", Blocks, "\n\n", "The file is empty"},
		{"a following list imported as blocks", Blocks, "Account address,Show boosts,Notify on new posts,Languages\nbob@a.example,true,false,\n", "list of followed accounts"},
		{"a mute list imported as follows", Following, "Account address,Hide notifications\nbob@a.example,true\n", "list of muted accounts"},
		{"bad handles, with their lines", Blocks, "bob@a.example\nnot a handle\njust-a-name\n", `line 2: "not a handle" is not an account address (user@server); line 3: "just-a-name"`},
		{"bad domain", DomainBlocks, "spam.example\nhttp://x y\n", "line 2"},
		{"bad bookmark", Bookmarks, "ftp://a.example/1\n", "is not the address of a post"},
		{"list without a name", Lists, ",bob@a.example\n", "the list has no name"},
		{"broken quoting", Blocks, "\"bob@a.example\nx\"y\n", "not a CSV file"},
		{"too many rows", Blocks, many, "more than 20000 rows"},
		{"too large", Blocks, strings.Repeat("b", MaxFileBytes+10) + "@a.example\n", "larger than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := Parse(c.kind, strings.NewReader(c.file))
			if err == nil || domain.KindOf(err) != domain.KindInvalid || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse = %d rows, %v; want an invalid-input error with %q", len(rows), err, c.want)
			}
		})
	}
}
