package store

import (
	"sync"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/search/stem"
)

// Stems computed before the write (docs/performance.md, "Federation
// ingest"). On SQLite the full-text triggers call agora_stems and
// agora_plain_text (search_stems.go) inside the INSERT, that is while the
// single writer connection is held: stemming was a tenth of that
// connection's time when storing federated notes, and every other write
// (the inbox's group commits first) waited for it. CreateRemoteStatuses
// computes both for its statuses before it takes the writer; the
// functions find them here, keyed by their exact arguments, so that the
// index holds what the triggers would have computed. An entry is taken
// once; a note that is not stored leaves its entry until the cache is
// full, when it is emptied.
type stemsKey struct{ lang, spoiler, text, content string }

const maxPrecomputedStems = 4096

var precomputed struct {
	sync.Mutex
	stems map[stemsKey]string
	plain map[string]string // agora_plain_text by content
}

// precomputeStems computes the index's stems and plain text for ws's
// statuses that the triggers index (not boosts), on SQLite.
func (s *Store) precomputeStems(ws []*RemoteStatusWrite) {
	if s.DB.Dialect != db.SQLite {
		return
	}
	type entry struct {
		k            stemsKey
		stems, plain string
	}
	es := make([]entry, 0, len(ws))
	for _, w := range ws {
		st := w.Status
		if st.ReblogOfID != 0 {
			continue
		}
		e := entry{k: stemsKey{st.Language, st.SpoilerText, st.Text, st.Content}}
		text := st.Text
		if text == "" {
			e.plain = stem.PlainText(st.Content)
			text = e.plain
		}
		e.stems = stem.Document(st.Language, st.SpoilerText, text)
		es = append(es, e)
	}
	precomputed.Lock()
	defer precomputed.Unlock()
	if precomputed.stems == nil || len(precomputed.stems)+len(es) > maxPrecomputedStems ||
		len(precomputed.plain)+len(es) > maxPrecomputedStems {
		precomputed.stems = map[stemsKey]string{}
		precomputed.plain = map[string]string{}
	}
	for _, e := range es {
		precomputed.stems[e.k] = e.stems
		if e.k.text == "" {
			precomputed.plain[e.k.content] = e.plain
		}
	}
}

// takeStems returns and forgets the stems computed for these arguments.
func takeStems(k stemsKey) (string, bool) {
	precomputed.Lock()
	defer precomputed.Unlock()
	v, ok := precomputed.stems[k]
	if ok {
		delete(precomputed.stems, k)
	}
	return v, ok
}

// takePlainText returns and forgets the plain text computed for content.
func takePlainText(content string) (string, bool) {
	precomputed.Lock()
	defer precomputed.Unlock()
	v, ok := precomputed.plain[content]
	if ok {
		delete(precomputed.plain, content)
	}
	return v, ok
}
