package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Card is a link preview.
type Card struct {
	ID           domain.ID
	URL          string
	Title        string
	Description  string
	Type         string // link | photo | video | rich
	AuthorName   string
	ProviderName string
	ImageURL     string // where the page's image came from
	ImageKey     string // the stored copy of the image, "" for none
	Blurhash     string // the copy's blurhash
	Width        int64
	Height       int64
	Language     string
	FetchedAt    time.Time
	// AuthorURL and AuthorAccountID are who the page credits (SetCardAuthor):
	// the account only when the page's site is within its attribution
	// domains (0 otherwise).
	AuthorURL       string
	AuthorAccountID domain.ID
}

const cardColumns = `c.id, c.url, c.title, c.description, c.type, c.author_name, c.provider_name, c.image_url, c.image_key, c.blurhash,
	c.width, c.height, c.language, c.fetched_at, c.author_url, COALESCE(c.author_account_id, 0)`

func scanCard(r scanner) (*Card, error) {
	var c Card
	var fetched int64
	if err := r.Scan(&c.ID, &c.URL, &c.Title, &c.Description, &c.Type, &c.AuthorName, &c.ProviderName, &c.ImageURL,
		&c.ImageKey, &c.Blurhash, &c.Width, &c.Height, &c.Language, &fetched, &c.AuthorURL, &c.AuthorAccountID); err != nil {
		return nil, err
	}
	c.FetchedAt = fromMs(fetched)
	return &c, nil
}

// CardByURL loads the card of a URL; nil when there is none.
func (s *Store) CardByURL(ctx context.Context, url string) (*Card, error) {
	c, err := scanCard(s.DB.R.QueryRowContext(ctx, `SELECT `+cardColumns+` FROM preview_cards c WHERE c.url = $1`, url))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load card: %w", err)
	}
	return c, nil
}

// SaveCard stores or refreshes the card of c.URL and sets c.ID.
func (s *Store) SaveCard(ctx context.Context, c *Card) error {
	c.FetchedAt = s.Now()
	err := s.DB.W.QueryRowContext(ctx, `INSERT INTO preview_cards (id, url, title, description, type, author_name, provider_name,
			image_url, image_key, blurhash, width, height, language, fetched_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (url) DO UPDATE SET title = excluded.title, description = excluded.description, type = excluded.type,
			author_name = excluded.author_name, provider_name = excluded.provider_name, image_url = excluded.image_url,
			image_key = excluded.image_key, blurhash = excluded.blurhash,
			width = excluded.width, height = excluded.height, language = excluded.language, fetched_at = excluded.fetched_at
		RETURNING id`, int64(s.IDs.Next()), c.URL, c.Title, c.Description, c.Type, c.AuthorName, c.ProviderName, c.ImageURL,
		c.ImageKey, c.Blurhash, c.Width, c.Height, c.Language, ms(c.FetchedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("save card: %w", err)
	}
	return nil
}

// SetStatusCard records the card of a status (0: none was found).
func (s *Store) SetStatusCard(ctx context.Context, status, card domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO status_cards (status_id, card_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (status_id) DO UPDATE SET card_id = excluded.card_id`, int64(status), nullID(card), s.nowMs())
	if err != nil {
		return fmt.Errorf("set status card: %w", err)
	}
	return nil
}

// CardCandidate is a status whose first link may get a card.
type CardCandidate struct {
	StatusID domain.ID
	Content  string
}

// CardCandidates lists up to limit public or unlisted statuses newer than
// since that contain a link and were not looked at yet, oldest first.
func (s *Store) CardCandidates(ctx context.Context, since time.Time, limit int) ([]CardCandidate, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT s.id, s.content FROM statuses s
		WHERE s.id > $1 AND s.visibility IN ('public', 'unlisted') AND s.reblog_of_id IS NULL AND s.content LIKE '%href=%'
		  AND NOT EXISTS (SELECT 1 FROM status_cards sc WHERE sc.status_id = s.id)
		ORDER BY s.id LIMIT $2`, int64(domain.IDAt(since)), limit)
	if err != nil {
		return nil, fmt.Errorf("load card candidates: %w", err)
	}
	defer rows.Close()
	var out []CardCandidate
	for rows.Next() {
		var c CardCandidate
		if err := rows.Scan(&c.StatusID, &c.Content); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CardsOf returns the cards of statuses, by status.
func (s *Store) CardsOf(ctx context.Context, statusIDs []domain.ID) (map[domain.ID]*Card, error) {
	out := map[domain.ID]*Card{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(statusIDs))
	for i, id := range statusIDs {
		args[i] = int64(id)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT sc.status_id, `+cardColumns+` FROM status_cards sc JOIN preview_cards c ON c.id = sc.card_id
		WHERE sc.status_id IN (`+placeholders(1, len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load cards: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		c, err := scanCard(prefixed{rows, &sid})
		if err != nil {
			return nil, err
		}
		out[domain.ID(sid)] = c
	}
	return out, rows.Err()
}

// LinkTimelineSQL pages the public statuses sharing a card.
const LinkTimelineSQL = `SELECT s.id, s.id FROM status_cards sc JOIN statuses s ON s.id = sc.status_id
	WHERE sc.card_id = $1 AND s.visibility = 'public' AND {where} ORDER BY {order}`

// LinkTimeline returns a page of the public statuses sharing the card.
func (s *Store) LinkTimeline(ctx context.Context, card domain.ID, p domain.Page) ([]PageItem, error) {
	return s.page(ctx, LinkTimelineSQL, "s.id", []any{int64(card)}, p)
}

// prefixed scans one leading column into first, then the rest as the
// wrapped scanner's caller expects.
type prefixed struct {
	r     scanner
	first any
}

func (p prefixed) Scan(dest ...any) error { return p.r.Scan(append([]any{p.first}, dest...)...) }
