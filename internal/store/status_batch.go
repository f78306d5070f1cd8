package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// Batched loaders used to render a page of statuses in a few queries,
// whatever the page size (DESIGN.md: no per-status queries).

// IDSet is a set of ids.
type IDSet map[domain.ID]bool

// Relations is what the visibility rule needs to know about a viewer and a
// set of authors and statuses.
type Relations struct {
	Blocked   IDSet // authors the viewer blocks or who block the viewer
	Following IDSet // authors the viewer follows
	Mentioned IDSet // statuses that mention the viewer
}

// ViewerRelations loads, in one query, the viewer's blocks (both ways) and
// follows towards authors and the viewer's mentions among statuses.
func (s *Store) ViewerRelations(ctx context.Context, viewer domain.ID, authors, statuses []domain.ID) (*Relations, error) {
	r := &Relations{Blocked: IDSet{}, Following: IDSet{}, Mentioned: IDSet{}}
	if viewer == 0 || (len(authors) == 0 && len(statuses) == 0) {
		return r, nil
	}
	args := []any{int64(viewer)}
	a := placeholders(2, len(authors))
	args = append(args, idArgs(authors)...)
	st := placeholders(2+len(authors), len(statuses))
	args = append(args, idArgs(statuses)...)
	if len(authors) == 0 {
		a = "NULL"
	}
	if len(statuses) == 0 {
		st = "NULL"
	}
	rows, err := s.DB.R.QueryContext(ctx, `
		SELECT 'b', target_account_id FROM blocks WHERE account_id = $1 AND target_account_id IN (`+a+`)
		UNION ALL SELECT 'b', account_id FROM blocks WHERE target_account_id = $1 AND account_id IN (`+a+`)
		UNION ALL SELECT 'f', target_account_id FROM follows WHERE account_id = $1 AND target_account_id IN (`+a+`)
		UNION ALL SELECT 'm', status_id FROM mentions WHERE account_id = $1 AND status_id IN (`+st+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load viewer relations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var id int64
		if err := rows.Scan(&kind, &id); err != nil {
			return nil, err
		}
		switch kind {
		case "b":
			r.Blocked[domain.ID(id)] = true
		case "f":
			r.Following[domain.ID(id)] = true
		case "m":
			r.Mentioned[domain.ID(id)] = true
		}
	}
	return r, rows.Err()
}

// ViewerState is the viewer's own interactions with a set of statuses.
type ViewerState struct {
	Favourited, Reblogged, Bookmarked, Pinned IDSet // by status id
	MutedConversations                        IDSet // by conversation id
}

// LoadViewerState loads the viewer's favourites, boosts, bookmarks, pins
// and conversation mutes for statuses in one query.
func (s *Store) LoadViewerState(ctx context.Context, viewer domain.ID, statuses, conversations []domain.ID) (*ViewerState, error) {
	vs := &ViewerState{Favourited: IDSet{}, Reblogged: IDSet{}, Bookmarked: IDSet{}, Pinned: IDSet{}, MutedConversations: IDSet{}}
	if viewer == 0 || len(statuses) == 0 {
		return vs, nil
	}
	in := placeholders(2, len(statuses))
	cin := placeholders(2+len(statuses), len(conversations))
	if len(conversations) == 0 {
		cin = "NULL"
	}
	args := append(append([]any{int64(viewer)}, idArgs(statuses)...), idArgs(conversations)...)
	rows, err := s.DB.R.QueryContext(ctx, `
		SELECT 'f', status_id FROM favourites WHERE account_id = $1 AND status_id IN (`+in+`)
		UNION ALL SELECT 'r', reblog_of_id FROM statuses WHERE account_id = $1 AND reblog_of_id IN (`+in+`)
		UNION ALL SELECT 'b', status_id FROM bookmarks WHERE account_id = $1 AND status_id IN (`+in+`)
		UNION ALL SELECT 'p', status_id FROM pins WHERE account_id = $1 AND status_id IN (`+in+`)
		UNION ALL SELECT 'm', conversation_id FROM conversation_mutes WHERE account_id = $1 AND conversation_id IN (`+cin+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load viewer state: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var id int64
		if err := rows.Scan(&kind, &id); err != nil {
			return nil, err
		}
		set := map[string]IDSet{"f": vs.Favourited, "r": vs.Reblogged, "b": vs.Bookmarked, "p": vs.Pinned, "m": vs.MutedConversations}[kind]
		set[domain.ID(id)] = true
	}
	return vs, rows.Err()
}

// MentionsOf loads the mentioned account ids of statuses.
func (s *Store) MentionsOf(ctx context.Context, statuses []domain.ID) (map[domain.ID][]domain.ID, error) {
	out := map[domain.ID][]domain.ID{}
	if len(statuses) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT status_id, account_id FROM mentions WHERE status_id IN (`+placeholders(1, len(statuses))+`)
		ORDER BY status_id, account_id`, idArgs(statuses)...)
	if err != nil {
		return nil, fmt.Errorf("load mentions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid, aid int64
		if err := rows.Scan(&sid, &aid); err != nil {
			return nil, err
		}
		out[domain.ID(sid)] = append(out[domain.ID(sid)], domain.ID(aid))
	}
	return out, rows.Err()
}

// TagsOf loads the (lowercased) tag names of statuses.
func (s *Store) TagsOf(ctx context.Context, statuses []domain.ID) (map[domain.ID][]string, error) {
	out := map[domain.ID][]string{}
	if len(statuses) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT st.status_id, t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id
		WHERE st.status_id IN (`+placeholders(1, len(statuses))+`) ORDER BY st.status_id, t.name`, idArgs(statuses)...)
	if err != nil {
		return nil, fmt.Errorf("load tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var name string
		if err := rows.Scan(&sid, &name); err != nil {
			return nil, err
		}
		out[domain.ID(sid)] = append(out[domain.ID(sid)], name)
	}
	return out, rows.Err()
}

// AppInfo is the application a status was posted from.
type AppInfo struct {
	Name, Website string
}

// Apps loads applications' names and websites by id.
func (s *Store) Apps(ctx context.Context, ids []domain.ID) (map[domain.ID]AppInfo, error) {
	out := map[domain.ID]AppInfo{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, name, website FROM oauth_apps WHERE id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load apps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a AppInfo
		if err := rows.Scan(&id, &a.Name, &a.Website); err != nil {
			return nil, err
		}
		out[domain.ID(id)] = a
	}
	return out, rows.Err()
}

// Polls loads the polls of statuses with their tallies, and the choices
// the viewer made, in three queries.
func (s *Store) Polls(ctx context.Context, viewer domain.ID, statuses []domain.ID) (map[domain.ID]*Poll, map[domain.ID][]int, error) {
	polls := map[domain.ID]*Poll{}
	own := map[domain.ID][]int{}
	if len(statuses) == 0 {
		return polls, own, nil
	}
	in := placeholders(1, len(statuses))
	args := idArgs(statuses)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT status_id, options, multiple, hide_totals, expires_at, created_at FROM polls WHERE status_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("load polls: %w", err)
	}
	for rows.Next() {
		var p Poll
		var opts string
		var exp, created int64
		if err := rows.Scan(&p.StatusID, &opts, &p.Multiple, &p.HideTotals, &exp, &created); err != nil {
			rows.Close()
			return nil, nil, err
		}
		_ = json.Unmarshal([]byte(opts), &p.Options)
		p.Votes = make([]int64, len(p.Options))
		p.ExpiresAt, p.CreatedAt = fromMs(exp), fromMs(created)
		polls[p.StatusID] = &p
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(polls) == 0 {
		return polls, own, err
	}
	rows, err = s.DB.R.QueryContext(ctx, `SELECT status_id, -1, COUNT(DISTINCT account_id) FROM poll_votes WHERE status_id IN (`+in+`) GROUP BY status_id
		UNION ALL SELECT status_id, choice, COUNT(*) FROM poll_votes WHERE status_id IN (`+in+`) GROUP BY status_id, choice`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("count votes: %w", err)
	}
	for rows.Next() {
		var sid, choice, n int64
		if err := rows.Scan(&sid, &choice, &n); err != nil {
			rows.Close()
			return nil, nil, err
		}
		p := polls[domain.ID(sid)]
		switch {
		case p == nil:
		case choice < 0:
			p.VotersCount = n
		case int(choice) < len(p.Votes):
			p.Votes[choice] = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	// Remote polls show the tallies their server sent (store/polls.go).
	if err := s.applyRemoteTallies(ctx, polls); err != nil {
		return nil, nil, err
	}
	if viewer == 0 {
		return polls, own, nil
	}
	rows, err = s.DB.R.QueryContext(ctx, `SELECT status_id, choice FROM poll_votes WHERE account_id = $1 AND status_id IN (`+placeholders(2, len(statuses))+`)
		ORDER BY status_id, choice`, append([]any{int64(viewer)}, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("load own votes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid, choice int64
		if err := rows.Scan(&sid, &choice); err != nil {
			return nil, nil, err
		}
		own[domain.ID(sid)] = append(own[domain.ID(sid)], int(choice))
	}
	return polls, own, rows.Err()
}
