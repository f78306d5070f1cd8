package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Limits of custom emoji shortcodes.
const (
	MinShortcodeLen = 2
	MaxShortcodeLen = 64
	// MaxEmojiCategoryLen caps an emoji's category name.
	MaxEmojiCategoryLen = 64
)

// shortcodeRE is a valid shortcode.
var shortcodeRE = regexp.MustCompile(`^[A-Za-z0-9_]{2,64}$`)

// ValidShortcode reports whether s is a valid shortcode: 2 to 64 ASCII
// letters, digits or underscores, as Mastodon's (which has no upper bound
// but a database column of 2048).
func ValidShortcode(s string) bool { return shortcodeRE.MatchString(s) }

// Shortcodes returns the distinct ":code:" shortcodes in texts, sorted.
// Every colon may start one, so ":a_b:c_d:" yields both a_b and c_d;
// only stored emoji are ever shown, so extra candidates cost nothing.
func Shortcodes(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for i := strings.IndexByte(t, ':'); i >= 0; {
			j := i + 1
			for j < len(t) && j-i-1 <= MaxShortcodeLen && isShortcodeByte(t[j]) {
				j++
			}
			if j < len(t) && t[j] == ':' && j-i-1 >= MinShortcodeLen && j-i-1 <= MaxShortcodeLen {
				out = append(out, t[i+1:j])
			}
			k := strings.IndexByte(t[i+1:], ':')
			if k < 0 {
				break
			}
			i += k + 1
		}
	}
	if len(out) == 0 {
		return []string{}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// isShortcodeByte reports whether c may be in a shortcode.
func isShortcodeByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// CustomEmoji is a custom emoji: this server's (Domain "") or one received
// from a remote server, keyed by its shortcode on its domain.
type CustomEmoji struct {
	ID              domain.ID
	Shortcode       string
	Domain          string
	URI             string // the Emoji object's id (remote); local ones are served at /emojis/ID
	RemoteURL       string // the icon URL as received
	RemoteUpdated   string // "updated" as received
	ImageKey        string // the stored image; "" while a remote one is not copied
	StaticKey       string // its first frame (PNG), or the image itself
	ContentType     string
	Width, Height   int
	Category        string
	VisibleInPicker bool
	Disabled        bool
	FetchFailures   int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// EmojiKey names an emoji by domain and shortcode.
type EmojiKey struct{ Domain, Shortcode string }

// Usable reports whether the emoji is shown: enabled, with an image.
func (e *CustomEmoji) Usable() bool { return e != nil && !e.Disabled && e.ImageKey != "" }

const emojiColumns = `id, shortcode, domain, uri, remote_url, remote_updated, image_key, static_key, content_type,
	width, height, category, visible_in_picker, disabled, fetch_failures, created_at, updated_at`

func scanEmoji(row interface{ Scan(...any) error }) (*CustomEmoji, error) {
	var e CustomEmoji
	var created, updated int64
	err := row.Scan(&e.ID, &e.Shortcode, &e.Domain, &e.URI, &e.RemoteURL, &e.RemoteUpdated, &e.ImageKey, &e.StaticKey,
		&e.ContentType, &e.Width, &e.Height, &e.Category, &e.VisibleInPicker, &e.Disabled, &e.FetchFailures, &created, &updated)
	if err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = fromMs(created), fromMs(updated)
	return &e, nil
}

func (s *Store) emojiList(ctx context.Context, q string, args ...any) ([]*CustomEmoji, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load custom emojis: %w", err)
	}
	defer rows.Close()
	out := []*CustomEmoji{}
	for rows.Next() {
		e, err := scanEmoji(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddLocalEmoji stores a new emoji of this server; a taken shortcode is
// a conflict.
func (s *Store) AddLocalEmoji(ctx context.Context, e *CustomEmoji) error {
	if !ValidShortcode(e.Shortcode) {
		return domain.Invalid("Validation failed: shortcode must be %d to %d letters, digits or underscores", MinShortcodeLen, MaxShortcodeLen)
	}
	if len(e.Category) > MaxEmojiCategoryLen {
		return domain.Invalid("Validation failed: category is longer than %d characters", MaxEmojiCategoryLen)
	}
	e.ID, e.Domain = s.IDs.Next(), ""
	e.CreatedAt = s.Now().UTC()
	e.UpdatedAt = e.CreatedAt
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO custom_emojis (id, shortcode, domain, image_key, static_key, content_type,
		width, height, category, visible_in_picker, disabled, created_at, updated_at)
		VALUES ($1, $2, '', $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
		int64(e.ID), e.Shortcode, e.ImageKey, e.StaticKey, e.ContentType, e.Width, e.Height, e.Category,
		e.VisibleInPicker, e.Disabled, ms(e.CreatedAt))
	if db.IsUniqueViolation(err) {
		return domain.E(domain.KindConflict, "Validation failed: shortcode :%s: is already taken", e.Shortcode)
	}
	if err != nil {
		return fmt.Errorf("add emoji: %w", err)
	}
	return nil
}

// CustomEmoji loads one emoji by id.
func (s *Store) CustomEmoji(ctx context.Context, id domain.ID) (*CustomEmoji, error) {
	e, err := scanEmoji(s.DB.R.QueryRowContext(ctx, `SELECT `+emojiColumns+` FROM custom_emojis WHERE id = $1`, int64(id)))
	return e, notFound(err, "load emoji")
}

// CustomEmojiByCode loads the emoji of a domain ("" local) by shortcode.
func (s *Store) CustomEmojiByCode(ctx context.Context, dom, shortcode string) (*CustomEmoji, error) {
	e, err := scanEmoji(s.DB.R.QueryRowContext(ctx, `SELECT `+emojiColumns+` FROM custom_emojis WHERE domain = $1 AND shortcode = $2`,
		strings.ToLower(dom), shortcode))
	return e, notFound(err, "load emoji")
}

// LocalEmojis lists this server's emoji by category and shortcode; with
// enabledOnly, disabled ones are left out (the API's list).
func (s *Store) LocalEmojis(ctx context.Context, enabledOnly bool) ([]*CustomEmoji, error) {
	return s.emojiList(ctx, `SELECT `+emojiColumns+` FROM custom_emojis
		WHERE domain = '' AND ($1 = FALSE OR disabled = FALSE) ORDER BY category, shortcode`, enabledOnly)
}

// RemoteEmojis lists up to limit emoji of other servers, newest first.
func (s *Store) RemoteEmojis(ctx context.Context, limit int) ([]*CustomEmoji, error) {
	return s.emojiList(ctx, `SELECT `+emojiColumns+` FROM custom_emojis WHERE domain <> '' ORDER BY id DESC LIMIT $1`, limit)
}

// MaxEmojiLookup caps the shortcodes looked up for one page.
const MaxEmojiLookup = 500

// EmojisFor loads, in one query, the usable emoji (enabled, with an image)
// named by want: shortcodes per domain ("" local). A page of statuses and
// accounts asks once for everything it shows.
func (s *Store) EmojisFor(ctx context.Context, want map[string][]string) (map[EmojiKey]*CustomEmoji, error) {
	out := map[EmojiKey]*CustomEmoji{}
	var conds []string
	var args []any
	n := 0
	doms := make([]string, 0, len(want))
	for d := range want {
		doms = append(doms, d)
	}
	sort.Strings(doms)
	for _, d := range doms {
		codes := want[d]
		if len(codes) == 0 {
			continue
		}
		if n+len(codes) > MaxEmojiLookup {
			codes = codes[:max(0, MaxEmojiLookup-n)]
		}
		if len(codes) == 0 {
			break
		}
		args = append(args, strings.ToLower(d))
		cond := fmt.Sprintf("(domain = $%d AND shortcode IN (%s))", len(args), placeholders(len(args)+1, len(codes)))
		for _, c := range codes {
			args = append(args, c)
		}
		conds = append(conds, cond)
		n += len(codes)
	}
	if len(conds) == 0 {
		return out, nil
	}
	list, err := s.emojiList(ctx, `SELECT `+emojiColumns+` FROM custom_emojis
		WHERE (`+strings.Join(conds, " OR ")+`) AND disabled = FALSE AND image_key <> ''`, args...)
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		out[EmojiKey{e.Domain, e.Shortcode}] = e
	}
	return out, nil
}

// UpdateEmojiSettings changes an emoji's category, picker visibility and
// disabled flag.
func (s *Store) UpdateEmojiSettings(ctx context.Context, id domain.ID, category string, visible, disabled bool) error {
	if len(category) > MaxEmojiCategoryLen {
		return domain.Invalid("Validation failed: category is longer than %d characters", MaxEmojiCategoryLen)
	}
	res, err := s.DB.W.ExecContext(ctx, `UPDATE custom_emojis SET category = $2, visible_in_picker = $3, disabled = $4, updated_at = $5
		WHERE id = $1`, int64(id), category, visible, disabled, s.nowMs())
	if err != nil {
		return fmt.Errorf("update emoji: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

// DeleteCustomEmoji removes an emoji and returns it (the caller deletes
// its files).
func (s *Store) DeleteCustomEmoji(ctx context.Context, id domain.ID) (*CustomEmoji, error) {
	var e *CustomEmoji
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		e, err = scanEmoji(tx.QueryRowContext(ctx, `SELECT `+emojiColumns+` FROM custom_emojis WHERE id = $1`, int64(id)))
		if err != nil {
			return notFound(err, "load emoji")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM custom_emojis WHERE id = $1`, int64(id))
		return err
	})
	return e, err
}

// SaveRemoteEmoji stores a remote emoji as received (inserted, or updated
// by domain and shortcode): its id, icon URL and "updated", and the copy
// of its image (ImageKey "" with FetchFailures counted when the copy
// failed). It returns the previous row (nil for a new emoji), whose image
// keys the caller deletes when they changed; a concurrent insert of the
// same emoji is a conflict (the caller deletes its own files).
func (s *Store) SaveRemoteEmoji(ctx context.Context, e *CustomEmoji) (*CustomEmoji, error) {
	if !ValidShortcode(e.Shortcode) || e.Domain == "" {
		return nil, domain.Invalid("invalid remote emoji")
	}
	e.Domain = strings.ToLower(e.Domain)
	now := s.nowMs()
	var old *CustomEmoji
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		old, err = scanEmoji(tx.QueryRowContext(ctx, `SELECT `+emojiColumns+` FROM custom_emojis WHERE domain = $1 AND shortcode = $2`,
			e.Domain, e.Shortcode))
		switch {
		case err == sql.ErrNoRows:
			old = nil
			e.ID = s.IDs.Next()
			_, err = tx.ExecContext(ctx, `INSERT INTO custom_emojis (id, shortcode, domain, uri, remote_url, remote_updated, image_key,
				static_key, content_type, width, height, visible_in_picker, fetch_failures, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, FALSE, $12, $13, $13)`,
				int64(e.ID), e.Shortcode, e.Domain, e.URI, e.RemoteURL, e.RemoteUpdated, e.ImageKey, e.StaticKey, e.ContentType,
				e.Width, e.Height, e.FetchFailures, now)
			return err
		case err != nil:
			return err
		}
		e.ID = old.ID
		_, err = tx.ExecContext(ctx, `UPDATE custom_emojis SET uri = $2, remote_url = $3, remote_updated = $4, image_key = $5,
			static_key = $6, content_type = $7, width = $8, height = $9, fetch_failures = $10, updated_at = $11 WHERE id = $1`,
			int64(e.ID), e.URI, e.RemoteURL, e.RemoteUpdated, e.ImageKey, e.StaticKey, e.ContentType, e.Width, e.Height,
			e.FetchFailures, now)
		return err
	})
	if err != nil {
		if db.IsUniqueViolation(err) { // a concurrent insert: the other one stands
			return nil, domain.ErrConflict
		}
		return nil, fmt.Errorf("save remote emoji: %w", err)
	}
	return old, nil
}
