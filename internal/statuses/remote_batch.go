package statuses

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// RemoteResult is the outcome of one status of CreateRemoteBatch: its id,
// as CreateRemote returns it, or its error.
type RemoteResult struct {
	ID  domain.ID
	Err error
}

// CreateRemoteBatch is CreateRemote for many statuses, with the store work
// of all of them in one transaction (the inbox's batches of Creates,
// docs/performance.md "Federation ingest"). Each status goes through the
// same rules as in CreateRemote (admitRemote, remoteRules, ids, duplicate
// uris); a status that fails them fails alone. When the shared
// transaction fails, each status is stored in its own, so that one bad
// status does not fail the others. Results are in the order of ins.
func (s *Service) CreateRemoteBatch(ctx context.Context, ins []RemoteStatus) []RemoteResult {
	out := make([]RemoteResult, len(ins))
	prepared := make([]*preparedRemote, len(ins))
	var ws []*store.RemoteStatusWrite
	uris := make([]string, 0, len(ins))
	for _, in := range ins {
		if in.URI != "" {
			uris = append(uris, in.URI)
		}
	}
	known, err := s.Store.StatusIDsByURI(ctx, uris)
	if err != nil {
		known = nil // looked up one by one
	}
	for i := range ins {
		p, err := s.prepareRemote(ctx, &ins[i], known)
		switch {
		case err != nil:
			out[i].Err = err
		case p.known != 0:
			out[i].ID = p.known
		default:
			prepared[i] = p
			ws = append(ws, p.w)
		}
	}
	if err := s.Store.CreateRemoteStatuses(ctx, ws); err != nil {
		for _, p := range prepared {
			if p == nil {
				continue
			}
			created, err := s.Store.CreateRemoteStatus(ctx, p.w.Status, p.w.Poll, p.w.Media, p.w.NotifyFollowers)
			p.w.Created, p.err = created, err
		}
	}
	for i, p := range prepared {
		if p == nil {
			continue
		}
		if p.err != nil {
			out[i].Err = p.err
			continue
		}
		out[i].ID, out[i].Err = s.finishRemote(ctx, p, p.w.Created)
	}
	return out
}
