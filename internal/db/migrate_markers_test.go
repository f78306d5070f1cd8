package db

import (
	"reflect"
	"testing"
)

func TestSplitStatementsMarkers(t *testing.T) {
	text := `CREATE TABLE a (x BIGINT); -- both
-- sqlite-only
CREATE TABLE b (x BIGINT);
-- postgres-only
-- statement-begin
CREATE FUNCTION f() RETURNS trigger AS $$
BEGIN
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
-- statement-end
CREATE TABLE c (x BIGINT);
`
	cases := map[Dialect][]string{
		SQLite: {"CREATE TABLE a (x BIGINT);", "CREATE TABLE b (x BIGINT);", "CREATE TABLE c (x BIGINT);"},
		Postgres: {"CREATE TABLE a (x BIGINT);",
			"CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n    RETURN NEW;\nEND\n$$ LANGUAGE plpgsql;",
			"CREATE TABLE c (x BIGINT);"},
	}
	for d, want := range cases {
		if got := splitStatements(text, d); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %q, want %q", d, got, want)
		}
	}
}
