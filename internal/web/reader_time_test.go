package web

import (
	"testing"
	"time"
)

// TestReaderDateIn checks dates in the reader's zone, in both languages,
// and the zone names that reach the file system.
func TestReaderDateIn(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	d := time.Date(2026, 8, 3, 23, 5, 0, 0, time.UTC)
	for _, c := range []struct {
		lang string
		loc  *time.Location
		want string
	}{
		{"en", paris, "Aug 4, 2026, 01:05 CEST"},
		{"fr", paris, "4 août 2026, 01:05 CEST"},
		{"en", nil, "Aug 3, 2026, 23:05 UTC"},
	} {
		if got := formatDateIn(c.lang, c.loc, d); got != c.want {
			t.Errorf("formatDateIn(%s, %v) = %q, want %q", c.lang, c.loc, got, c.want)
		}
	}
	if got := formatDayIn("fr", paris, d); got != "4 août 2026" {
		t.Errorf("formatDayIn = %q", got)
	}
	z := newZones()
	if len(z.names) < 100 || z.names[0] != "UTC" {
		t.Errorf("zones offered: %d, first %q", len(z.names), z.names[0])
	}
	for name, ok := range map[string]bool{"Europe/Paris": true, "America/Argentina/Buenos_Aires": true, "Etc/GMT+3": true,
		"UTC": true, "": true, "../etc/passwd": false, "/etc/passwd": false, "Europe/Paris\x00": false, "Nowhere/Atlantis": false} {
		loc, err := z.load(name)
		if (err == nil) != ok {
			t.Errorf("load(%q): err %v, want ok %v", name, err, ok)
		}
		if err != nil && loc != time.UTC {
			t.Errorf("load(%q) falls back to %v, want UTC", name, loc)
		}
	}
}
