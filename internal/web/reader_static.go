package web

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"
)

// compactAssets strips what browsers do not need from the script and the
// stylesheet when they are loaded: indentation and whole-line comments.
// The sources stay readable and commented; a timeline page with its CSS
// and JS has a byte budget (TestTimelineSize). Lines are kept, so a
// comment at the end of a line of code still ends with it.
func compactAssets(assets map[string]*asset) map[string]*asset {
	for name, a := range assets {
		ext := path.Ext(name)
		if ext != ".js" && ext != ".css" {
			continue
		}
		var b strings.Builder
		for _, line := range strings.Split(string(a.raw), "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "",
				ext == ".js" && strings.HasPrefix(line, "//"),
				ext == ".css" && strings.HasPrefix(line, "/*") && strings.HasSuffix(line, "*/"):
				continue
			}
			b.WriteString(line)
			b.WriteByte('\n')
		}
		raw := []byte(b.String())
		sum := sha256.Sum256(raw)
		a.raw, a.gz, a.etag = raw, gzipBytes(raw), `"`+hex.EncodeToString(sum[:8])+`"`
	}
	return assets
}
