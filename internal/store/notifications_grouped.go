package store

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Grouped notifications (Mastodon 4.3's GET /api/v2/notifications).
//
// Mastodon stores a group key on each notification when it is created, from
// a sliding window kept in Redis. agora computes the key when it reads
// instead, from the notification's type, target status and a fixed 12-hour
// window (the length of Mastodon's longest group), so that no column has to
// be kept right by every writer and the key never changes once given:
//
//	favourite-<status id>-<hour>, reblog-<boosted status id>-<hour>,
//	follow-<hour>, admin.sign_up-<hour>, and ungrouped-<notification id>
//
// where <hour> is the first hour (since the epoch) of the 12-hour window.
// Notifications a policy filtered are never grouped, as in Mastodon.

// GroupableNotifications are the types Mastodon groups.
var GroupableNotifications = []string{domain.NotifyFavourite, domain.NotifyReblog, domain.NotifyFollow, "admin.sign_up"}

const (
	groupWindowHours = 12
	hourMs           = int64(time.Hour / time.Millisecond)
	// NotificationGroupSamples is how many accounts a group shows (Mastodon's SAMPLE_ACCOUNTS_SIZE).
	NotificationGroupSamples = 8
)

// notificationTargetSQL is the status a notification is about: a boost's
// original for reblogs (agora records the boost itself), else its status.
const notificationTargetSQL = `CASE WHEN n.type = 'reblog' THEN COALESCE((SELECT s.reblog_of_id FROM statuses s WHERE s.id = n.status_id), n.status_id) ELSE n.status_id END`

// GroupedNotification is one notification group of a page.
type GroupedNotification struct {
	// Notification is the group's notification on the page: its newest
	// one, or its oldest when paging up with min_id.
	Notification *domain.Notification
	Key          string
	// TargetStatusID is the status the group is about (0 for none).
	TargetStatusID   domain.ID
	Count            int
	MostRecentID     domain.ID
	SampleAccountIDs []domain.ID
	// Paginated is set on list pages: PageMinID and LatestAt are then
	// the oldest id and newest time of the group within the page.
	Paginated bool
	PageMinID domain.ID
	LatestAt  time.Time
}

// groupedSet returns the groupable types of grouped (all of them when
// grouped is empty), as Mastodon intersects grouped_types with its own.
func groupedSet(grouped []string) map[string]bool {
	set := map[string]bool{}
	for _, t := range GroupableNotifications {
		set[t] = len(grouped) == 0
	}
	for _, t := range grouped {
		if _, ok := set[t]; ok {
			set[t] = true
		}
	}
	return set
}

// groupKeySQL is the SQL of a notification's group key when the types in
// set are grouped. The types come from GroupableNotifications only, so they
// can be written into the SQL.
func groupKeySQL(set map[string]bool) string {
	window := fmt.Sprintf(`CAST(n.created_at / %d * %d AS TEXT)`, groupWindowHours*hourMs, groupWindowHours)
	q := `CASE`
	var byStatus, byType []string
	for _, t := range GroupableNotifications {
		switch {
		case !set[t]:
		case t == domain.NotifyFavourite || t == domain.NotifyReblog:
			byStatus = append(byStatus, "'"+t+"'")
		default:
			byType = append(byType, "'"+t+"'")
		}
	}
	if len(byStatus) > 0 {
		q += ` WHEN n.filtered = FALSE AND n.status_id IS NOT NULL AND n.type IN (` + strings.Join(byStatus, ", ") + `)
			THEN n.type || '-' || CAST(` + notificationTargetSQL + ` AS TEXT) || '-' || ` + window
	}
	if len(byType) > 0 {
		q += ` WHEN n.filtered = FALSE AND n.type IN (` + strings.Join(byType, ", ") + `) THEN n.type || '-' || ` + window
	}
	ungrouped := `'ungrouped-' || CAST(n.id AS TEXT)`
	if q == `CASE` {
		return ungrouped
	}
	return q + ` ELSE ` + ungrouped + ` END`
}

// groupKey is a parsed group key.
type groupKey struct {
	ungrouped domain.ID // ungrouped-<id>
	typ       string
	target    domain.ID // favourite and reblog
	hour      int64
}

// parseGroupKey reads a key this server makes; anything else is not one.
func parseGroupKey(key string) (groupKey, bool) {
	if rest, ok := strings.CutPrefix(key, "ungrouped-"); ok {
		id, ok := domain.ParseID(rest)
		return groupKey{ungrouped: id}, ok && id.String() == rest
	}
	i := strings.LastIndexByte(key, '-')
	if i < 0 {
		return groupKey{}, false
	}
	hour, err := strconv.ParseInt(key[i+1:], 10, 64)
	if err != nil || hour < 0 || hour%groupWindowHours != 0 || hour > math.MaxInt64/hourMs-groupWindowHours {
		return groupKey{}, false
	}
	k := groupKey{typ: key[:i], hour: hour}
	if typ, status, ok := strings.Cut(k.typ, "-"); ok {
		id, ok := domain.ParseID(status)
		if !ok || (typ != domain.NotifyFavourite && typ != domain.NotifyReblog) {
			return groupKey{}, false
		}
		k.typ, k.target = typ, id
	} else if typ != domain.NotifyFollow && typ != "admin.sign_up" {
		return groupKey{}, false
	}
	return k, k.String() == key
}

func (k groupKey) String() string {
	switch {
	case k.ungrouped != 0:
		return "ungrouped-" + k.ungrouped.String()
	case k.target != 0:
		return fmt.Sprintf("%s-%d-%d", k.typ, int64(k.target), k.hour)
	}
	return fmt.Sprintf("%s-%d", k.typ, k.hour)
}

// where is the condition selecting the key's notifications, with its
// arguments numbered from next.
func (k groupKey) where(next int) (string, []any) {
	if k.ungrouped != 0 {
		return fmt.Sprintf(` AND n.id = $%d`, next), []any{int64(k.ungrouped)}
	}
	from := k.hour * hourMs
	// Ids are made from the same clock as created_at, just before it
	// (domain.IDGen), so the window's start, less a minute, bounds the
	// scan of the (account_id, id) index.
	q := fmt.Sprintf(` AND n.type = $%d AND n.filtered = FALSE AND n.created_at >= $%d AND n.created_at < $%d AND n.id >= $%d`,
		next, next+1, next+2, next+3)
	args := []any{k.typ, from, from + groupWindowHours*hourMs, int64(domain.IDAt(fromMs(from - 60_000)))}
	if k.target != 0 {
		q += fmt.Sprintf(` AND `+notificationTargetSQL+` = $%d`, next+4)
		args = append(args, int64(k.target))
	}
	return q, args
}

// GroupedNotifications returns a page of an account's notifications matching
// f, at most p.Limit groups, with one notification per group, as Mastodon:
// walking from max_id down (or from min_id up), each group appears at its
// first notification met. Types not in grouped (all groupable types when
// empty) stay ungrouped.
func (s *Store) GroupedNotifications(ctx context.Context, account domain.ID, f NotificationFilter, p domain.Page, grouped []string) ([]*GroupedNotification, error) {
	limit := max(p.Limit, 1)
	page, err := s.walkGroups(ctx, account, f, p, groupedSet(grouped), limit)
	if err != nil || len(page) == 0 {
		return page, err
	}
	// The id range the page covers, for each group's page_min_id and
	// most recent notification; an incomplete page reaches the end of
	// the range asked for (Mastodon's load_grouped_notifications).
	begin, end := page[len(page)-1].Notification.ID, page[0].Notification.ID
	if len(page) < limit {
		if p.MinID != 0 {
			end = domain.ID(math.MaxInt64)
			if p.MaxID != 0 {
				end = p.MaxID - 1
			}
		} else {
			begin = p.SinceID + 1
		}
	}
	for _, g := range page {
		if err := s.fillGroup(ctx, account, f, g, begin, end); err != nil {
			return nil, err
		}
		g.Paginated = true
	}
	return page, nil
}

// walkGroups reads notifications in id order, in chunks, until it has met
// limit groups; the result is newest first.
func (s *Store) walkGroups(ctx context.Context, account domain.ID, f NotificationFilter, p domain.Page, set map[string]bool, limit int) ([]*GroupedNotification, error) {
	where0, args0 := notificationsWhere(account, f)
	q0 := `SELECT ` + notificationColumns + `, ` + notificationTargetSQL + `, ` + groupKeySQL(set) + where0
	up := p.MinID != 0
	cursor := p.MaxID // exclusive bound the walk moves from
	if up {
		cursor = p.MinID
	}
	chunk := max(2*limit, 40)
	seen := map[string]bool{}
	var out []*GroupedNotification
	for len(out) < limit {
		args := append([]any{}, args0...)
		cond := func(op string, id domain.ID) string {
			args = append(args, int64(id))
			return fmt.Sprintf(` AND n.id %s $%d`, op, len(args))
		}
		q, order := q0, ` ORDER BY n.id DESC`
		if up {
			q, order = q+cond(">", cursor), ` ORDER BY n.id ASC`
			if p.MaxID != 0 {
				q += cond("<", p.MaxID)
			}
		} else {
			if cursor != 0 {
				q += cond("<", cursor)
			}
			if p.SinceID != 0 {
				q += cond(">", p.SinceID)
			}
		}
		rows, err := s.DB.R.QueryContext(ctx, q+order+fmt.Sprintf(` LIMIT %d`, chunk), args...)
		if err != nil {
			return nil, fmt.Errorf("load grouped notifications: %w", err)
		}
		n := 0
		for rows.Next() {
			g, err := scanGroupedNotification(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			n++
			cursor = g.Notification.ID
			if !seen[g.Key] && len(out) < limit {
				seen[g.Key] = true
				out = append(out, g)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("load grouped notifications: %w", err)
		}
		if n < chunk {
			break
		}
		chunk = min(2*chunk, 2000) // a big group: read further at once
	}
	if up {
		Reverse(out)
	}
	return out, nil
}

func scanGroupedNotification(r scanner) (*GroupedNotification, error) {
	var n domain.Notification
	var status, target *int64
	var created int64
	var key string
	if err := r.Scan(&n.ID, &n.AccountID, &n.FromAccountID, &n.Type, &status, &created, &target, &key); err != nil {
		return nil, err
	}
	if status != nil {
		n.StatusID = domain.ID(*status)
	}
	n.CreatedAt = fromMs(created)
	g := &GroupedNotification{Notification: &n, Key: key, Count: 1, MostRecentID: n.ID,
		SampleAccountIDs: []domain.ID{n.FromAccountID}, PageMinID: n.ID, LatestAt: n.CreatedAt}
	if target != nil {
		g.TargetStatusID = domain.ID(*target)
	}
	return g, nil
}

// fillGroup completes a grouped entry with its count, most recent
// notification and sample accounts up to end, and its oldest notification
// from begin. Ungrouped entries are complete already.
func (s *Store) fillGroup(ctx context.Context, account domain.ID, f NotificationFilter, g *GroupedNotification, begin, end domain.ID) error {
	k, ok := parseGroupKey(g.Key)
	if !ok || k.ungrouped != 0 {
		return nil
	}
	where0, args := notificationsWhere(account, f)
	kq, kargs := k.where(len(args) + 1)
	args = append(args, kargs...)
	args = append(args, int64(end), int64(begin))
	where := where0 + kq + fmt.Sprintf(` AND n.id <= $%d`, len(args)-1)
	var mostRecent, minID, latest *int64 // NULL when the group was dismissed meanwhile
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*), MAX(n.id), MIN(CASE WHEN n.id >= $`+strconv.Itoa(len(args))+` THEN n.id END), MAX(n.created_at)`+where,
		args...).Scan(&g.Count, &mostRecent, &minID, &latest)
	if err != nil {
		return fmt.Errorf("load notification group: %w", err)
	}
	if mostRecent != nil && latest != nil {
		g.MostRecentID, g.LatestAt = domain.ID(*mostRecent), fromMs(*latest)
	}
	if minID != nil {
		g.PageMinID = domain.ID(*minID)
	}
	// Each account once, most recent first.
	g.SampleAccountIDs, err = scanIDs(s.DB.R.QueryContext(ctx, `SELECT n.from_account_id`+where+
		fmt.Sprintf(` GROUP BY n.from_account_id ORDER BY MAX(n.id) DESC LIMIT %d`, NotificationGroupSamples), args[:len(args)-1]...))
	if err != nil {
		return fmt.Errorf("load notification group accounts: %w", err)
	}
	return nil
}

// NotificationGroup loads one of an account's notification groups by key,
// represented by its most recent notification; unknown keys are not found.
func (s *Store) NotificationGroup(ctx context.Context, account domain.ID, key string) (*GroupedNotification, error) {
	k, ok := parseGroupKey(key)
	if !ok {
		return nil, domain.NotFound()
	}
	set := groupedSet(nil)
	if k.ungrouped != 0 {
		set = map[string]bool{} // asked for alone: keep it alone
	}
	where0, args := notificationsWhere(account, NotificationFilter{})
	kq, kargs := k.where(len(args) + 1)
	g, err := scanGroupedNotification(s.DB.R.QueryRowContext(ctx, `SELECT `+notificationColumns+`, `+notificationTargetSQL+`, `+groupKeySQL(set)+
		where0+kq+` ORDER BY n.id DESC LIMIT 1`, append(args, kargs...)...))
	if err = notFound(err, "load notification group"); err != nil {
		return nil, err
	}
	return g, s.fillGroup(ctx, account, NotificationFilter{}, g, 0, domain.ID(math.MaxInt64))
}

// NotificationGroupMembers returns a page of a group's notifications,
// newest first (their senders are the group's accounts).
func (s *Store) NotificationGroupMembers(ctx context.Context, account domain.ID, key string, p domain.Page) ([]*domain.Notification, error) {
	k, ok := parseGroupKey(key)
	if !ok {
		return nil, nil
	}
	where0, args := notificationsWhere(account, NotificationFilter{})
	kq, kargs := k.where(len(args) + 1)
	return s.notificationPage(ctx, where0+kq, append(args, kargs...), p)
}

// DismissNotificationGroup deletes the notifications of one of an
// account's groups; like Mastodon, an unknown key deletes nothing.
func (s *Store) DismissNotificationGroup(ctx context.Context, account domain.ID, key string) error {
	k, ok := parseGroupKey(key)
	if !ok {
		return nil
	}
	kq, kargs := k.where(2)
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM notifications WHERE id IN (SELECT n.id FROM notifications n WHERE n.account_id = $1`+kq+`)`,
		append([]any{int64(account)}, kargs...)...)
	if err != nil {
		return fmt.Errorf("dismiss notification group: %w", err)
	}
	return nil
}

// UnreadNotificationGroups counts, up to limit, the groups of an account's
// notifications matching f that are newer than its "notifications" marker.
func (s *Store) UnreadNotificationGroups(ctx context.Context, account domain.ID, f NotificationFilter, grouped []string, limit int) (int, error) {
	q, args := notificationsWhere(account, f)
	q += ` AND n.id > COALESCE((SELECT m.last_read_id FROM markers m WHERE m.account_id = $1 AND m.timeline = 'notifications'), 0)`
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT DISTINCT `+groupKeySQL(groupedSet(grouped))+` AS k`+q+
		fmt.Sprintf(` LIMIT %d) unread`, max(limit, 1)), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread notification groups: %w", err)
	}
	return n, nil
}
