package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// KeyPair is an actor's RSA key pair as PEM (PKIX public, PKCS#8 private).
type KeyPair struct {
	Public, Private string
}

// AccountKeys returns the key pair of a local account, creating it with gen
// on first need. Concurrent callers agree on one pair: the pair is saved
// only where none exists yet, and everyone returns what was saved.
func (s *Store) AccountKeys(ctx context.Context, accountID domain.ID, gen func() (pub, priv string, err error)) (KeyPair, error) {
	var k KeyPair
	var dom string
	err := s.DB.R.QueryRowContext(ctx, `SELECT public_key, private_key, domain FROM accounts WHERE id = $1`, int64(accountID)).
		Scan(&k.Public, &k.Private, &dom)
	if err != nil {
		return k, notFound(err, "load account keys")
	}
	if dom != "" {
		return k, fmt.Errorf("account keys: account %d is remote", accountID)
	}
	if k.Private != "" {
		return k, nil
	}
	// Generating takes a while: do it outside the transaction.
	pub, priv, err := gen()
	if err != nil {
		return k, err
	}
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET public_key = $2, private_key = $3
			WHERE id = $1 AND private_key = ''`, int64(accountID), pub, priv); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT public_key, private_key FROM accounts WHERE id = $1`, int64(accountID)).
			Scan(&k.Public, &k.Private)
	})
	if err != nil {
		return k, fmt.Errorf("save account keys: %w", err)
	}
	return k, nil
}

// instanceActorKeys is the settings key of the instance actor's key pair.
const instanceActorKeys = "instance_actor_keys"

// InstanceActorKeys returns the key pair of the instance actor (the server
// itself, which signs fetches), creating it with gen on first need; like
// AccountKeys it is safe under concurrent callers.
func (s *Store) InstanceActorKeys(ctx context.Context, gen func() (pub, priv string, err error)) (KeyPair, error) {
	var k KeyPair
	load := func(q db.Querier) (bool, error) {
		var v string
		err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, instanceActorKeys).Scan(&v)
		if err == sql.ErrNoRows {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return true, json.Unmarshal([]byte(v), &k)
	}
	if ok, err := load(s.DB.R); err != nil || ok {
		return k, err
	}
	pub, priv, err := gen()
	if err != nil {
		return k, err
	}
	v, _ := json.Marshal(KeyPair{Public: pub, Private: priv})
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
			instanceActorKeys, string(v)); err != nil {
			return err
		}
		_, err := load(tx)
		return err
	})
	if err != nil {
		return k, fmt.Errorf("instance actor keys: %w", err)
	}
	return k, nil
}

// RemoteKey is a cached public key of a remote actor.
type RemoteKey struct {
	KeyID     string
	OwnerURI  string
	PublicKey string
	FetchedAt int64 // milliseconds
}

// RemoteKey loads a cached remote key by keyId.
func (s *Store) RemoteKey(ctx context.Context, keyID string) (*RemoteKey, error) {
	k := &RemoteKey{KeyID: keyID}
	err := s.DB.R.QueryRowContext(ctx, `SELECT owner_uri, public_key, fetched_at FROM remote_keys WHERE key_id = $1`, keyID).
		Scan(&k.OwnerURI, &k.PublicKey, &k.FetchedAt)
	if err != nil {
		return nil, notFound(err, "load remote key")
	}
	return k, nil
}

// SaveRemoteKey stores or replaces a remote key, stamping it fetched now.
func (s *Store) SaveRemoteKey(ctx context.Context, k *RemoteKey) error {
	k.FetchedAt = s.nowMs()
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO remote_keys (key_id, owner_uri, public_key, fetched_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key_id) DO UPDATE SET owner_uri = excluded.owner_uri, public_key = excluded.public_key, fetched_at = excluded.fetched_at`,
		k.KeyID, k.OwnerURI, k.PublicKey, k.FetchedAt)
	if err != nil {
		return fmt.Errorf("save remote key: %w", err)
	}
	return nil
}
