package web

import (
	"bufio"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// zoneCookie is the browser's time zone, set by app.js: the default when
// the reader chose none in their preferences.
const zoneCookie = "tz"

// maxZoneName bounds a zone name from a cookie or a form (the longest IANA
// name is about 30 characters).
const maxZoneName = 64

// zones resolves and caches IANA time zones from the system's zoneinfo
// (the binary embeds no tzdata): time.LoadLocation reads a file each
// call, and a page formats many dates. Only names that load are cached,
// so the cache holds at most the system's few hundred zones.
type zones struct {
	mu     sync.Mutex
	loaded map[string]*time.Location
	names  []string // the choices offered in the settings
}

func newZones() *zones {
	return &zones{loaded: map[string]*time.Location{"UTC": time.UTC}, names: systemZoneNames()}
}

// load returns the zone called name, or UTC and an error when the system
// does not know it.
func (z *zones) load(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	z.mu.Lock()
	loc := z.loaded[name]
	z.mu.Unlock()
	if loc != nil {
		return loc, nil
	}
	if !validZoneName(name) {
		return time.UTC, domain.Invalid("unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC, domain.Invalid("unknown time zone %q", name)
	}
	z.mu.Lock()
	z.loaded[name] = loc
	z.mu.Unlock()
	return loc, nil
}

// validZoneName keeps to the characters of IANA names (Area/City_Name,
// Etc/GMT+3), so nothing else reaches the file system.
func validZoneName(name string) bool {
	if len(name) > maxZoneName || strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("/_-+", c)) {
			return false
		}
	}
	return true
}

// systemZoneNames lists the canonical zones of the system's zoneinfo
// (zone1970.tab), sorted, with UTC first; only UTC when there is none.
func systemZoneNames() []string {
	dirs := []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"}
	if d := os.Getenv("ZONEINFO"); d != "" && !strings.HasSuffix(d, ".zip") {
		dirs = append([]string{d}, dirs...)
	}
	for _, d := range dirs {
		for _, tab := range []string{"zone1970.tab", "zone.tab"} {
			f, err := os.Open(filepath.Join(d, tab))
			if err != nil {
				continue
			}
			var names []string
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				line := sc.Text()
				if strings.HasPrefix(line, "#") {
					continue
				}
				if cols := strings.Split(line, "\t"); len(cols) >= 3 && validZoneName(cols[2]) {
					names = append(names, cols[2])
				}
			}
			f.Close()
			if len(names) > 0 {
				slices.Sort(names)
				return append([]string{"UTC"}, slices.Compact(names)...)
			}
		}
	}
	return []string{"UTC"}
}

// readerZone is where the reader's dates are shown: their preference,
// else the browser's zone from the cookie, else UTC. A preference the
// system does not know falls back to UTC with the error returned (the
// settings page shows it).
func (h *Handler) readerZone(r *http.Request, u *domain.User) (*time.Location, error) {
	if u != nil && u.Preferences.TimeZone != "" {
		return h.zones.load(u.Preferences.TimeZone)
	}
	if c, err := r.Cookie(zoneCookie); err == nil {
		if name, err := url.QueryUnescape(c.Value); err == nil {
			if loc, err := h.zones.load(name); err == nil {
				return loc, nil
			}
		}
	}
	return time.UTC, nil
}

// browserZone is the zone the browser reported, "" for none.
func browserZone(r *http.Request) string {
	c, err := r.Cookie(zoneCookie)
	if err != nil {
		return ""
	}
	name, err := url.QueryUnescape(c.Value)
	if err != nil || !validZoneName(name) {
		return ""
	}
	return name
}
