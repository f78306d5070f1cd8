package imports

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// Limits of an import file.
const (
	MaxFileBytes = 2 << 20 // bytes of CSV
	MaxRows      = 20000   // rows (Mastodon's limit)
	maxShown     = 5       // bad lines named in an error
)

// The kinds of import, named as the CSV lists of internal/export.
const (
	Following    = "following"
	Blocks       = "blocks"
	Mutes        = "mutes"
	DomainBlocks = "domain_blocks"
	Bookmarks    = "bookmarks"
	Lists        = "lists"
)

// Kinds are the kinds of import, in the order the page offers them.
var Kinds = []string{Following, Lists, Blocks, Mutes, DomainBlocks, Bookmarks}

// ValidKind reports whether kind is one of Kinds.
func ValidKind(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Row is one line of an import file. Which fields are set depends on the
// kind.
type Row struct {
	Line              int      `json:"line"`
	Acct              string   `json:"acct,omitempty"` // user@domain
	ShowReblogs       bool     `json:"show_reblogs,omitempty"`
	Notify            bool     `json:"notify,omitempty"`
	Languages         []string `json:"languages,omitempty"`
	HideNotifications bool     `json:"hide_notifications,omitempty"`
	Domain            string   `json:"domain,omitempty"`
	URI               string   `json:"uri,omitempty"`
	List              string   `json:"list,omitempty"`
}

// key is what makes two rows the same (the second is dropped).
func (r Row) key() string {
	return r.List + "\x00" + r.Acct + "\x00" + r.Domain + "\x00" + r.URI
}

// Parse reads an import file of the given kind: Mastodon's CSV lists,
// with or without their header row. Duplicate rows are dropped; a line
// that cannot be read fails the whole file, with its number, so that
// nothing is half-imported.
func Parse(kind string, r io.Reader) ([]Row, error) {
	if !ValidKind(kind) {
		return nil, domain.Invalid("Choose what the file holds").Tr("imp_err_kind")
	}
	cr := csv.NewReader(io.LimitReader(r, MaxFileBytes+1))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	var (
		rows   []Row
		bad    []error
		seen   = map[string]bool{}
		header map[string]int
		total  int
	)
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, domain.Invalid("The file is not a CSV file Mastodon or agora wrote (line %d: %v)", pe.Line, pe.Err).Tr("imp_err_csv", pe.Line, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		total += len(strings.Join(rec, ",")) + 1
		if total > MaxFileBytes {
			return nil, domain.Invalid("The file is larger than %d bytes: split it", MaxFileBytes).Tr("imp_err_too_big", MaxFileBytes)
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		if first && isHeader(rec) {
			if err := checkHeader(kind, rec); err != nil {
				return nil, err
			}
			header = map[string]int{}
			for i, h := range rec {
				header[strings.ToLower(strings.TrimSpace(h))] = i
			}
			continue
		}
		row, err := parseRow(kind, rec, header)
		if err != nil {
			if len(bad) < maxShown {
				bad = append(bad, domain.Invalid("line %d: %v", line, err).Tr("imp_err_line", line, err))
			} else if len(bad) == maxShown {
				bad = append(bad, errors.New("…"))
			}
			continue
		}
		row.Line = line
		if seen[row.key()] {
			continue
		}
		seen[row.key()] = true
		if len(rows) == MaxRows {
			return nil, domain.Invalid("The file has more than %d rows: split it", MaxRows).Tr("imp_err_too_many", MaxRows)
		}
		rows = append(rows, row)
	}
	if len(bad) > 0 {
		msgs := make([]string, len(bad))
		for i, e := range bad {
			msgs[i] = e.Error()
		}
		return nil, domain.Invalid("Nothing was imported: %s", strings.Join(msgs, "; ")).Tr("imp_err_bad_rows", bad)
	}
	if len(rows) == 0 {
		return nil, domain.Invalid("The file is empty").Tr("imp_err_empty")
	}
	return rows, nil
}

// isHeader reports whether a first line is a header (Mastodon's start with
// "Account address"; agora accepts its other names too).
func isHeader(rec []string) bool {
	switch strings.ToLower(strings.TrimSpace(rec[0])) {
	case "account address", "account", "domain", "uri", "list name":
		return true
	}
	return false
}

// checkHeader refuses a file whose header says it is another list than
// the one chosen (a following list imported as blocks would block
// everyone one follows).
func checkHeader(kind string, rec []string) error {
	cols := map[string]bool{}
	for _, h := range rec {
		cols[strings.ToLower(strings.TrimSpace(h))] = true
	}
	switch {
	case cols["show boosts"] || cols["notify on new posts"]:
		if kind != Following {
			return domain.Invalid("This file is a list of followed accounts: choose “Accounts you follow”").Tr("imp_err_is_following")
		}
	case cols["hide notifications"]:
		if kind != Mutes {
			return domain.Invalid("This file is a list of muted accounts: choose “Accounts you mute”").Tr("imp_err_is_mutes")
		}
	}
	return nil
}

func parseRow(kind string, rec []string, header map[string]int) (Row, error) {
	col := func(name string, pos int) string {
		if header != nil {
			i, ok := header[name]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		if pos >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[pos])
	}
	var row Row
	var err error
	switch kind {
	case Following:
		if row.Acct, err = acct(col("account address", 0)); err != nil {
			return row, err
		}
		row.ShowReblogs = boolCol(col("show boosts", 1), true)
		row.Notify = boolCol(col("notify on new posts", 2), false)
		for _, l := range strings.Split(col("languages", 3), ",") {
			if l = strings.TrimSpace(l); l != "" {
				row.Languages = append(row.Languages, l)
			}
		}
	case Blocks:
		row.Acct, err = acct(col("account address", 0))
	case Mutes:
		row.Acct, err = acct(col("account address", 0))
		row.HideNotifications = boolCol(col("hide notifications", 1), true)
	case DomainBlocks:
		row.Domain, err = moderation.NormalizeDomain(col("domain", 0))
		if err != nil {
			err = domain.Invalid("%q is not a domain", col("domain", 0)).Tr("imp_err_not_domain", col("domain", 0))
		}
	case Bookmarks:
		row.URI = col("uri", 0)
		if !strings.HasPrefix(row.URI, "https://") && !strings.HasPrefix(row.URI, "http://") {
			err = domain.Invalid("%q is not the address of a post", row.URI).Tr("imp_err_not_post", row.URI)
		}
	case Lists:
		row.List = col("list name", 0)
		if row.List == "" {
			return row, domain.Invalid("the list has no name").Tr("imp_err_no_list_name")
		}
		row.Acct, err = acct(col("account address", 1))
	}
	return row, err
}

// acct normalizes a handle to user@domain (a leading @ and spaces are
// dropped, the domain lowercased).
func acct(raw string) (string, error) {
	s := strings.TrimPrefix(strings.TrimSpace(raw), "@")
	user, host, ok := strings.Cut(s, "@")
	if !ok || user == "" || host == "" || strings.ContainsAny(s, " /") || strings.Count(s, "@") != 1 {
		return "", domain.Invalid("%q is not an account address (user@server)", raw).Tr("imp_err_not_acct", raw)
	}
	return user + "@" + strings.ToLower(host), nil
}

func boolCol(v string, def bool) bool {
	switch strings.ToLower(v) {
	case "true", "1", "yes":
		return true
	case "false", "0", "no":
		return false
	}
	return def
}

// Describe is a failed row in English: its line, what it named and why
// it failed (Failure gives the parts, for a page in another language).
func Describe(r store.ImportRow) string {
	line, what, why := Failure(r)
	if line == 0 {
		return why.Message
	}
	return fmt.Sprintf("line %d (%s): %s", line, what, why.Message)
}
