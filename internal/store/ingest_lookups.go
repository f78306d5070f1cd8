package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// Lookups of a batch of received activities in one query each, instead of
// one per activity (the inbox's batch path, docs/performance.md
// "Federation ingest"): on PostgreSQL each query is a round trip.

// RemoteAccountsByURI is RemoteAccountByURI for many uris; unknown ones
// are missing from the map.
func (s *Store) RemoteAccountsByURI(ctx context.Context, uris []string) (map[string]*RemoteAccount, error) {
	out := map[string]*RemoteAccount{}
	if len(uris) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+accountColumns+`, a.also_known_as, a.fetched_at, a.featured_url
		FROM accounts a WHERE a.uri IN (`+placeholders(1, len(uris))+`) AND a.domain <> ''`, stringArgs(uris)...)
	if err != nil {
		return nil, fmt.Errorf("load remote accounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x accountScan
		var aka, featured string
		var fetched sql.NullInt64
		if err := rows.Scan(append(x.dest(), &aka, &fetched, &featured)...); err != nil {
			return nil, fmt.Errorf("load remote accounts: %w", err)
		}
		r := &RemoteAccount{Account: x.finish(), FeaturedURL: featured}
		_ = json.Unmarshal([]byte(aka), &r.AlsoKnownAs)
		if fetched.Valid {
			r.FetchedAt = fromMs(fetched.Int64)
		}
		out[r.Account.URI] = r
	}
	return out, rows.Err()
}

// WithLocalFollowers returns which of accounts a local account follows
// (HasLocalFollowers for many).
func (s *Store) WithLocalFollowers(ctx context.Context, accounts []domain.ID) (map[domain.ID]bool, error) {
	out := map[domain.ID]bool{}
	if len(accounts) == 0 {
		return out, nil
	}
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, `SELECT DISTINCT f.target_account_id FROM follows f JOIN users u ON u.account_id = f.account_id
		WHERE f.target_account_id IN (`+placeholders(1, len(accounts))+`)`, idArgs(accounts)...))
	if err != nil {
		return nil, fmt.Errorf("find local followers: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// StatusIDsByURI returns the ids of the statuses (or boosts) stored with
// these ActivityPub ids; unknown ones are missing from the map.
func (s *Store) StatusIDsByURI(ctx context.Context, uris []string) (map[string]domain.ID, error) {
	out := map[string]domain.ID{}
	if len(uris) == 0 {
		return out, nil
	}
	// uri <> '' lets the lookup use the partial unique index statuses_uri.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT uri, id FROM statuses WHERE uri IN (`+placeholders(1, len(uris))+`) AND uri <> ''`, stringArgs(uris)...)
	if err != nil {
		return nil, fmt.Errorf("load statuses by uri: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uri string
		var id int64
		if err := rows.Scan(&uri, &id); err != nil {
			return nil, err
		}
		out[uri] = domain.ID(id)
	}
	return out, rows.Err()
}

func stringArgs(vals []string) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}
