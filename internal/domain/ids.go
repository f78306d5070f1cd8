// Package domain holds agora's domain types, identifiers and error kinds.
// It depends on the standard library only.
package domain

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"sync"
	"time"
)

// ID is a 64-bit, time-ordered identifier: milliseconds since the Unix epoch
// in the high 48 bits, a sequence in the low 16, like Mastodon's snowflakes.
// It is rendered as a decimal string in the API so clients can paginate.
type ID int64

// String renders the id in decimal, as the API does.
func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// Time returns the moment encoded in the id.
func (id ID) Time() time.Time { return time.UnixMilli(int64(id) >> 16).UTC() }

// ParseID parses a decimal id; it reports false for anything else.
func ParseID(s string) (ID, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return ID(n), true
}

// IDAt is the smallest id for instant t; used for pagination by date and for
// imported posts, which take an id from their original date.
func IDAt(t time.Time) ID { return ID(t.UnixMilli() << 16) }

// IDGen generates unique, increasing ids. The sequence starts at a random
// point each millisecond so that several nodes rarely collide; the store's
// primary keys catch the rare collision.
type IDGen struct {
	mu   sync.Mutex
	last int64 // last millisecond used
	seq  int64
	now  func() time.Time
}

// NewIDGen returns a generator reading the given clock (time.Now when nil).
func NewIDGen(now func() time.Time) *IDGen {
	if now == nil {
		now = time.Now
	}
	return &IDGen{now: now}
}

// Next returns a new id, strictly greater than any returned before.
func (g *IDGen) Next() ID {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := g.now().UnixMilli()
	if ms <= g.last {
		g.seq++
		if g.seq > 0xFFFF {
			g.last++
			g.seq = 0
		}
		ms = g.last
	} else {
		var b [2]byte
		_, _ = rand.Read(b[:])
		g.last = ms
		g.seq = int64(binary.BigEndian.Uint16(b[:]) & 0x3FFF) // leave room to count up
	}
	return ID(ms<<16 | g.seq)
}

// At returns an id for instant t (imported content); the low bits are random
// so two items with the same second rarely collide.
func (g *IDGen) At(t time.Time) ID {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return ID(t.UnixMilli()<<16 | int64(binary.BigEndian.Uint16(b[:])))
}
