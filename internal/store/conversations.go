package store

import (
	"context"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// Conversation is a thread of direct statuses as one participant sees it.
type Conversation struct {
	ID           domain.ID // the statuses' conversation_id
	LastStatusID domain.ID
	Unread       bool        // someone else wrote since the participant last read or wrote
	Participants []domain.ID // the other accounts in it
}

// directOf selects the direct statuses $1 wrote or is mentioned in.
const directOf = `WITH mine AS (
		SELECT id, conversation_id, account_id FROM statuses WHERE account_id = $1 AND visibility = 'direct'
		UNION
		SELECT st.id, st.conversation_id, st.account_id FROM mentions m JOIN statuses st ON st.id = m.status_id
		WHERE m.account_id = $1 AND st.visibility = 'direct'
	)`

// Conversations returns a page of viewer's conversations, latest activity
// first, paged by the id of their last status as Mastodon does. Removed
// conversations come back when a newer status arrives.
func (s *Store) Conversations(ctx context.Context, viewer domain.ID, p domain.Page) ([]*Conversation, error) {
	return s.conversations(ctx, viewer, 0, p)
}

// Conversation loads one of viewer's conversations (removed ones too).
func (s *Store) Conversation(ctx context.Context, viewer, id domain.ID) (*Conversation, error) {
	cs, err := s.conversations(ctx, viewer, id, domain.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, domain.NotFound()
	}
	return cs[0], nil
}

func (s *Store) conversations(ctx context.Context, viewer, only domain.ID, p domain.Page) ([]*Conversation, error) {
	q, args := ConversationsQuery(viewer, only, p)
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load conversations: %w", err)
	}
	defer rows.Close()
	var out []*Conversation
	byID := map[domain.ID]*Conversation{}
	for rows.Next() {
		c := &Conversation{Participants: []domain.ID{}}
		if err := rows.Scan(&c.ID, &c.LastStatusID, &c.Unread); err != nil {
			return nil, err
		}
		out = append(out, c)
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if p.MinID != 0 {
		Reverse(out)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]domain.ID, 0, len(out))
	for _, c := range out {
		ids = append(ids, c.ID)
	}
	prows, err := s.DB.R.QueryContext(ctx, directOf+`
		SELECT DISTINCT conversation_id, account_id FROM (
			SELECT conversation_id, account_id FROM mine
			UNION
			SELECT mine.conversation_id, m.account_id FROM mine JOIN mentions m ON m.status_id = mine.id
		) p WHERE account_id <> $1 AND conversation_id IN (`+placeholders(2, len(ids))+`)
		ORDER BY conversation_id, account_id`, append([]any{int64(viewer)}, idArgs(ids)...)...)
	if err != nil {
		return nil, fmt.Errorf("load conversation participants: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var conv, acct int64
		if err := prows.Scan(&conv, &acct); err != nil {
			return nil, err
		}
		if c := byID[domain.ID(conv)]; c != nil {
			c.Participants = append(c.Participants, domain.ID(acct))
		}
	}
	return out, prows.Err()
}

// ConversationsQuery builds the SQL and arguments selecting a page of
// viewer's conversations, or the one with id only (exported so tests can
// check its query plan).
func ConversationsQuery(viewer, only domain.ID, p domain.Page) (string, []any) {
	head := []any{int64(viewer)}
	cond := `c.last_id > COALESCE(cs.removed_up_to, 0)`
	if only != 0 {
		cond = `c.conversation_id = $2`
		head = append(head, int64(only))
	}
	where, order, args := PageClause("c.last_id", p, len(head)+1)
	limit := p.Limit
	if limit <= 0 {
		limit = 20
	}
	return directOf + `, convs AS (
			SELECT conversation_id, MAX(id) AS last_id,
			       MAX(CASE WHEN account_id <> $1 THEN id ELSE 0 END) AS last_other,
			       MAX(CASE WHEN account_id = $1 THEN id ELSE 0 END) AS last_own
			FROM mine GROUP BY conversation_id
		)
		SELECT c.conversation_id, c.last_id, c.last_other > COALESCE(cs.read_up_to, 0) AND c.last_other > c.last_own
		FROM convs c LEFT JOIN conversation_states cs ON cs.account_id = $1 AND cs.conversation_id = c.conversation_id
		WHERE ` + cond + ` AND ` + where + ` ORDER BY ` + order + fmt.Sprintf(" LIMIT %d", limit), append(head, args...)
}

// MarkConversationRead marks viewer's conversation read up to its last status.
func (s *Store) MarkConversationRead(ctx context.Context, viewer, id domain.ID) (*Conversation, error) {
	c, err := s.Conversation(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO conversation_states (account_id, conversation_id, read_up_to) VALUES ($1, $2, $3)
		ON CONFLICT (account_id, conversation_id) DO UPDATE SET read_up_to = excluded.read_up_to`,
		int64(viewer), int64(id), int64(c.LastStatusID))
	if err != nil {
		return nil, fmt.Errorf("mark conversation read: %w", err)
	}
	c.Unread = false
	return c, nil
}

// RemoveConversation hides viewer's conversation until a newer status
// arrives in it; the statuses themselves stay.
func (s *Store) RemoveConversation(ctx context.Context, viewer, id domain.ID) error {
	c, err := s.Conversation(ctx, viewer, id)
	if err != nil {
		return err
	}
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO conversation_states (account_id, conversation_id, read_up_to, removed_up_to)
		VALUES ($1, $2, $3, $3)
		ON CONFLICT (account_id, conversation_id) DO UPDATE SET read_up_to = excluded.read_up_to, removed_up_to = excluded.removed_up_to`,
		int64(viewer), int64(id), int64(c.LastStatusID))
	if err != nil {
		return fmt.Errorf("remove conversation: %w", err)
	}
	return nil
}
