package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/search/stem"
)

// StatusSearch is a full-text status search, already parsed and checked
// by the search service.
type StatusSearch struct {
	Viewer  domain.ID // never 0: anonymous visitors do not search statuses
	Terms   []string  // words that must all match (stemmed)
	Phrases []string  // phrases that must all match
	Exclude []string  // words or phrases that must not match
	From    domain.ID // only this author; 0 for anyone
	// Tri-state filters: nil for "either".
	HasPoll, HasMedia, IsReply, IsSensitive *bool
	Language                                string // "" for any
	Before, After                           int64  // created_at bounds in ms (exclusive before, inclusive after); 0 for none
	Scope                                   string // "" (all), "library" (own and interacted) or "public" (the public index)
	Limit, Offset                           int
}

// RankWindow is how many of the newest matches are ranked by relevance.
const RankWindow = 2000

// PostgreSQL configurations every query word is stemmed with, besides the
// chosen language's: words match in their exact form ('simple') in every
// language and stemmed in English and French.
var pgQueryConfigs = []string{"simple", "english", "french"}

// SearchStatuses returns the ids of statuses q finds, best match first
// then newest. Only what the viewer may search is looked at: their own
// posts, posts they favourited, boosted, bookmarked or were mentioned in,
// and public posts of authors who opted in with indexable; the visibility
// rule, blocks both ways, mutes and suspensions apply too. Callers still
// render the ids through the visibility rule.
func (s *Store) SearchStatuses(ctx context.Context, q StatusSearch) ([]domain.ID, error) {
	query, args := s.statusSearchSQL(q)
	if s.DB.Dialect == db.Postgres && len(q.Terms)+len(q.Phrases) > 0 {
		return s.pgSearch(ctx, q, query, args)
	}
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, query, args...))
	if err != nil {
		return nil, fmt.Errorf("search statuses: %w", err)
	}
	return ids, nil
}

// PGCommonMatches is the least number of matches from which a PostgreSQL search
// walks statuses newest first (primary key, backwards) instead of reading
// every match through the GIN index: for a word in half of a million posts
// the planner otherwise reads them all, about 9 s (docs/search.md).
const PGCommonMatches = 5000

// pgCommonQuery reports whether q's words are common: at least
// PGCommonMatches statuses and 1 in 40 of all, by the planner's estimate
// from the tsvector statistics (planning only: counting the matches of a
// word in half the posts would itself take a second). From there, walking
// back to the rank window reads fewer rows than fetching every match.
func pgCommonQuery(ctx context.Context, tx *sql.Tx, q StatusSearch) (bool, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	tsq := pgTSQuery(StatusSearch{Terms: q.Terms, Phrases: q.Phrases, Language: q.Language}, arg)
	var plan string
	if err := tx.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM statuses s WHERE s.search_vector @@ `+tsq, args...).Scan(&plan); err != nil {
		return false, fmt.Errorf("search statuses: estimate matches: %w", err)
	}
	var total float64
	if err := tx.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'statuses'::regclass`).Scan(&total); err != nil {
		return false, fmt.Errorf("search statuses: count statuses: %w", err)
	}
	var parsed []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(plan), &parsed); err != nil || len(parsed) == 0 {
		return false, fmt.Errorf("search statuses: read estimate: %v", err)
	}
	rows := parsed[0].Plan.Rows
	return rows >= PGCommonMatches && rows >= total/40, nil
}

// pgSearch runs a PostgreSQL text search in a read-only transaction with
// custom plans forced: pgx prepares statements, and PostgreSQL's generic
// plan for a prepared search cannot see how common the words are. For
// common words (pgCommonQuery) bitmap and sequential scans are turned off,
// so that the newest matches are found by walking the primary key
// backwards and the walk stops at the rank window; JIT is off too, as the
// penalty costs of the disabled plans would otherwise trigger half a
// second of compilation.
func (s *Store) pgSearch(ctx context.Context, q StatusSearch, query string, args []any) ([]domain.ID, error) {
	tx, err := s.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("search statuses: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
		return nil, fmt.Errorf("search statuses: %w", err)
	}
	common, err := pgCommonQuery(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	if common {
		for _, set := range []string{`SET LOCAL enable_bitmapscan = off`, `SET LOCAL enable_seqscan = off`, `SET LOCAL jit = off`} {
			if _, err := tx.ExecContext(ctx, set); err != nil {
				return nil, fmt.Errorf("search statuses: %w", err)
			}
		}
	}
	ids, err := scanIDs(tx.QueryContext(ctx, query, args...))
	if err != nil {
		return nil, fmt.Errorf("search statuses: %w", err)
	}
	return ids, tx.Commit()
}

// statusSearchSQL builds the query for the engine.
func (s *Store) statusSearchSQL(q StatusSearch) (string, []any) {
	args := []any{int64(q.Viewer)}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var from, cols, rank string
	newest := `s.id DESC`
	var where []string
	text := len(q.Terms)+len(q.Phrases) > 0
	switch {
	case text && s.DB.Dialect == db.SQLite:
		from = `statuses_fts JOIN statuses s ON s.id = statuses_fts.rowid`
		where = append(where, `statuses_fts MATCH `+arg(fts5Match(q)))
		cols, rank = `, statuses_fts.rank AS r`, `c.r, `
		newest = `statuses_fts.rowid DESC` // lets FTS5 walk its matches newest first and stop early
	case text:
		from = `statuses s`
		tsq := pgTSQuery(q, arg)
		where = append(where, `s.search_vector @@ `+tsq)
		cols, rank = `, s.search_vector AS v`, `ts_rank(c.v, `+tsq+`) DESC, `
	default:
		from = `statuses s`
		where = append(where, `s.reblog_of_id IS NULL`)
		if len(q.Exclude) > 0 && s.DB.Dialect == db.SQLite {
			where = append(where, `s.id NOT IN (SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH `+arg(fts5Any(q.Exclude, q.Language))+`)`)
		} else if len(q.Exclude) > 0 {
			where = append(where, `NOT (s.search_vector @@ `+pgAny(q.Exclude, arg)+`)`)
		}
	}
	from += ` JOIN accounts a ON a.id = s.account_id`
	where = append(where, `a.suspended_at IS NULL`)
	if q.From != 0 {
		where = append(where, `s.account_id = `+arg(int64(q.From)))
	}
	if q.HasMedia != nil {
		where = append(where, negate(!*q.HasMedia, `EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = s.id)`))
	}
	if q.HasPoll != nil {
		where = append(where, negate(!*q.HasPoll, `EXISTS (SELECT 1 FROM polls p WHERE p.status_id = s.id)`))
	}
	if q.IsReply != nil {
		where = append(where, negate(!*q.IsReply, `s.in_reply_to_id IS NOT NULL`))
	}
	if q.IsSensitive != nil {
		where = append(where, `s.sensitive = `+arg(*q.IsSensitive))
	}
	if q.Language != "" {
		where = append(where, `s.language = `+arg(q.Language))
	}
	if q.Before != 0 {
		where = append(where, `s.created_at < `+arg(q.Before))
	}
	if q.After != 0 {
		where = append(where, `s.created_at >= `+arg(q.After))
	}
	where = append(where, searchableSQL(q.Scope), visibleSQL(arg(s.nowMs())))
	// Relevance is computed for the newest matches only (RankWindow, or
	// deeper when the page asks for it): ranking every match of a common
	// word costs seconds at a million statuses (docs/search.md).
	window := max(RankWindow, q.Offset+q.Limit)
	return `SELECT c.id FROM (SELECT s.id` + cols + ` FROM ` + from + ` WHERE ` + strings.Join(where, "\n AND ") +
		` ORDER BY ` + newest + ` LIMIT ` + arg(window) + `) c ORDER BY ` + rank + `c.id DESC LIMIT ` + arg(q.Limit) + ` OFFSET ` + arg(q.Offset), args
}

func negate(neg bool, cond string) string {
	if neg {
		return `NOT ` + cond
	}
	return cond
}

// Interactions that put a status in the viewer's library ($1 is the viewer).
const librarySQL = `(s.account_id = $1
	OR EXISTS (SELECT 1 FROM favourites x WHERE x.account_id = $1 AND x.status_id = s.id)
	OR EXISTS (SELECT 1 FROM bookmarks x WHERE x.account_id = $1 AND x.status_id = s.id)
	OR EXISTS (SELECT 1 FROM mentions x WHERE x.status_id = s.id AND x.account_id = $1)
	OR EXISTS (SELECT 1 FROM statuses x WHERE x.reblog_of_id = s.id AND x.account_id = $1))`

// The public index: public posts of authors who opted in.
const publicIndexSQL = `(s.visibility = 'public' AND a.indexable = TRUE)`

func searchableSQL(scope string) string {
	switch scope {
	case "library":
		return librarySQL
	case "public":
		return publicIndexSQL
	}
	return `(` + publicIndexSQL + ` OR ` + librarySQL + `)`
}

// visibleSQL is statuses.Visible in SQL for viewer $1, plus blocks both
// ways and the viewer's unexpired mutes (now is the placeholder of the
// current time in ms). The author always sees their own posts.
func visibleSQL(now string) string {
	return `(s.account_id = $1 OR (
	(s.visibility IN ('public', 'unlisted')
	 OR (s.visibility = 'private' AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_account_id = s.account_id))
	 OR (s.visibility IN ('private', 'direct') AND EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = s.id AND m.account_id = $1)))
	AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1 AND b.target_account_id = s.account_id)
	AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = s.account_id AND b.target_account_id = $1)
	AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1 AND m.target_account_id = s.account_id
	                AND (m.expires_at IS NULL OR m.expires_at > ` + now + `))))`
}

// fts5Match builds an FTS5 query: every word and phrase quoted (so that no
// user input is read as FTS5 syntax), all required, exclusions with NOT;
// words also by their stems (fts5Word), phrases as typed.
func fts5Match(q StatusSearch) string {
	parts := make([]string, 0, len(q.Terms)+len(q.Phrases))
	for _, t := range q.Terms {
		parts = append(parts, fts5Word(t, q.Language))
	}
	for _, p := range q.Phrases {
		parts = append(parts, fts5Text+fts5Quote(p))
	}
	m := strings.Join(parts, " AND ")
	if len(q.Exclude) > 0 {
		m = `(` + m + `) NOT ` + fts5Any(q.Exclude, q.Language)
	}
	if q.From != 0 {
		// The author column: intersecting doclists beats probing the
		// index once per post of the author.
		m = fmt.Sprintf(`author : "a%d" AND %s`, int64(q.From), m)
	}
	return m
}

// Words are looked for in the text columns only, never in author; their
// Snowball stems in the stems column and in the text, where a word that
// is its own stem is indexed (stem.Document).
const (
	fts5Text  = `{spoiler_text body} : `
	fts5Stems = `{spoiler_text body stems} : `
)

// fts5Word matches one word as typed (with FTS5's Porter stemming, as
// English always was) or by its English, French and lang stems.
func fts5Word(w, lang string) string {
	forms := stem.Forms(w, lang)
	if len(forms) == 0 {
		return fts5Text + fts5Quote(w)
	}
	needExact := !slices.Contains(forms, strings.ToLower(w)) // else the stems cover it
	for i, f := range forms {
		forms[i] = fts5Quote(f)
	}
	stems := fts5Stems + `(` + strings.Join(forms, " OR ") + `)`
	if !needExact {
		return stems
	}
	return `(` + fts5Text + fts5Quote(w) + ` OR ` + stems + `)`
}

// fts5Any matches any of words (a word stemmed, a phrase as typed).
func fts5Any(words []string, lang string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		if strings.Contains(w, " ") {
			parts[i] = fts5Text + fts5Quote(w)
		} else {
			parts[i] = fts5Word(w, lang)
		}
	}
	return `(` + strings.Join(parts, " OR ") + `)`
}

func fts5Quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// pgTSQuery builds a tsquery expression: each word or phrase in the exact,
// English and French forms (and the language: operator's), all required,
// exclusions negated. Accents are folded as in the index.
func pgTSQuery(q StatusSearch, arg func(any) string) string {
	var parts []string
	lang := ""
	if q.Language != "" {
		lang = arg(q.Language)
	}
	for _, t := range q.Terms {
		parts = append(parts, pgForms(lang, "plainto_tsquery", arg(t)))
	}
	for _, p := range q.Phrases {
		parts = append(parts, pgForms(lang, "phraseto_tsquery", arg(p)))
	}
	if len(q.Exclude) > 0 {
		parts = append(parts, `!!`+pgAny(q.Exclude, arg))
	}
	return `(` + strings.Join(parts, " && ") + `)`
}

func pgAny(words []string, arg func(any) string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = pgForms("", "phraseto_tsquery", arg(w))
	}
	return `(` + strings.Join(parts, " || ") + `)`
}

// pgForms ORs fn(config, param) over the query configurations and, with
// lang (a placeholder for a language code), that language's.
func pgForms(lang, fn, param string) string {
	var forms []string
	for _, c := range pgQueryConfigs {
		forms = append(forms, fn+`('`+c+`', agora_fold(`+param+`))`)
	}
	if lang != "" {
		forms = append(forms, fn+`(agora_search_config(`+lang+`), agora_fold(`+param+`))`)
	}
	return `(` + strings.Join(forms, " || ") + `)`
}

// StatusSearchQuery returns the SQL and arguments SearchStatuses runs for
// q, for tests and benchmarks that check its plan.
func (s *Store) StatusSearchQuery(q StatusSearch) (string, []any) { return s.statusSearchSQL(q) }
