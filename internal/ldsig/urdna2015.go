package ldsig

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// URDNA2015, the RDF dataset canonicalization that RsaSignature2017
// signatures use (W3C "RDF Dataset Canonicalization"): blank nodes are
// named _:c14n0, _:c14n1, ... from hashes of their surroundings, so that
// the same graph always serializes to the same sorted N-Quads.

// Limits of the canonicalization: a graph crafted so that blank nodes
// cannot be told apart makes the algorithm try every permutation.
const (
	maxPermuted    = 6    // blank nodes related by one hash that are permuted
	maxNDegreeRuns = 2000 // calls of hashNDegree for one document
)

// nquad serializes q, naming its blank nodes with label.
func (q quad) nquad(label func(node) string) string {
	var b strings.Builder
	writeTerm(&b, q.s, label)
	b.WriteByte(' ')
	writeTerm(&b, q.p, label)
	b.WriteByte(' ')
	writeTerm(&b, q.o, label)
	b.WriteString(" .\n")
	return b.String()
}

// String serializes q with its own blank node names (s and o are unused
// arguments kept for readability at call sites).
func (q quad) String(_, _ string) string {
	return q.nquad(func(n node) string { return n.value })
}

func writeTerm(b *strings.Builder, n node, label func(node) string) {
	switch {
	case n.literal:
		b.WriteByte('"')
		b.WriteString(escapeLiteral(n.value))
		b.WriteByte('"')
		switch {
		case n.datatype == rdfLangStr:
			b.WriteByte('@')
			b.WriteString(n.lang)
		case n.datatype != xsdString:
			b.WriteString("^^<")
			b.WriteString(n.datatype)
			b.WriteByte('>')
		}
	case n.blank():
		b.WriteString(label(n))
	default:
		b.WriteByte('<')
		b.WriteString(n.value)
		b.WriteByte('>')
	}
}

var literalEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "\b", `\b`, "\f", `\f`)

func escapeLiteral(s string) string { return literalEscaper.Replace(s) }

func hashString(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// issuer names blank nodes in order.
type issuer struct {
	prefix string
	issued map[string]string
	order  []string
}

func newIssuer(prefix string) *issuer { return &issuer{prefix: prefix, issued: map[string]string{}} }

func (i *issuer) issue(id string) string {
	if v, ok := i.issued[id]; ok {
		return v
	}
	v := fmt.Sprintf("%s%d", i.prefix, len(i.order))
	i.issued[id] = v
	i.order = append(i.order, id)
	return v
}

func (i *issuer) copy() *issuer {
	c := &issuer{prefix: i.prefix, issued: make(map[string]string, len(i.issued)), order: append([]string(nil), i.order...)}
	for k, v := range i.issued {
		c.issued[k] = v
	}
	return c
}

type canon struct {
	quads     []quad
	byBlank   map[string][]quad
	canonical *issuer
	firstHash map[string]string
	runs      int
}

// canonicalize returns the canonical N-Quads of quads.
func canonicalize(quads []quad) (string, error) {
	c := &canon{quads: quads, byBlank: map[string][]quad{}, canonical: newIssuer("_:c14n"), firstHash: map[string]string{}}
	for _, q := range quads {
		for _, n := range []node{q.s, q.o} {
			if n.blank() {
				list := c.byBlank[n.value]
				if len(list) == 0 || !sameQuad(list[len(list)-1], q) {
					c.byBlank[n.value] = append(list, q)
				}
			}
		}
	}
	hashToBlanks := map[string][]string{}
	for id := range c.byBlank {
		h := c.hashFirstDegree(id)
		hashToBlanks[h] = append(hashToBlanks[h], id)
	}
	hashes := make([]string, 0, len(hashToBlanks))
	for h := range hashToBlanks {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	var shared []string
	for _, h := range hashes {
		if ids := hashToBlanks[h]; len(ids) == 1 {
			c.canonical.issue(ids[0])
		} else {
			shared = append(shared, h)
		}
	}
	for _, h := range shared {
		ids := hashToBlanks[h]
		sort.Strings(ids)
		type result struct {
			hash string
			iss  *issuer
		}
		var results []result
		for _, id := range ids {
			if _, ok := c.canonical.issued[id]; ok {
				continue
			}
			tmp := newIssuer("_:b")
			tmp.issue(id)
			hash, iss, err := c.hashNDegree(id, tmp)
			if err != nil {
				return "", err
			}
			results = append(results, result{hash, iss})
		}
		sort.SliceStable(results, func(i, j int) bool { return results[i].hash < results[j].hash })
		for _, r := range results {
			for _, id := range r.iss.order {
				c.canonical.issue(id)
			}
		}
	}
	lines := make([]string, 0, len(quads))
	for _, q := range quads {
		lines = append(lines, q.nquad(func(n node) string { return c.canonical.issued[n.value] }))
	}
	sort.Strings(lines)
	return strings.Join(lines, ""), nil
}

func sameQuad(a, b quad) bool { return a == b }

// hashFirstDegree hashes the quads of a blank node, itself named _:a and
// other blank nodes _:z.
func (c *canon) hashFirstDegree(id string) string {
	if h, ok := c.firstHash[id]; ok {
		return h
	}
	lines := make([]string, 0, len(c.byBlank[id]))
	for _, q := range c.byBlank[id] {
		lines = append(lines, q.nquad(func(n node) string {
			if n.value == id {
				return "_:a"
			}
			return "_:z"
		}))
	}
	sort.Strings(lines)
	h := hashString(strings.Join(lines, ""))
	c.firstHash[id] = h
	return h
}

// hashRelated hashes a blank node related to another by a quad.
func (c *canon) hashRelated(related string, q quad, iss *issuer, position string) string {
	var id string
	if v, ok := c.canonical.issued[related]; ok {
		id = v
	} else if v, ok := iss.issued[related]; ok {
		id = v
	} else {
		id = c.hashFirstDegree(related)
	}
	input := position
	if position != "g" {
		input += "<" + q.p.value + ">"
	}
	return hashString(input + id)
}

// hashNDegree is the "Hash N-Degree Quads" algorithm.
func (c *canon) hashNDegree(id string, iss *issuer) (string, *issuer, error) {
	c.runs++
	if c.runs > maxNDegreeRuns {
		return "", nil, fmt.Errorf("%w: blank nodes too hard to tell apart", ErrUnsupported)
	}
	related := map[string][]string{}
	for _, q := range c.byBlank[id] {
		for _, pos := range []struct {
			n   node
			tag string
		}{{q.s, "s"}, {q.o, "o"}} {
			if pos.n.blank() && pos.n.value != id {
				h := c.hashRelated(pos.n.value, q, iss, pos.tag)
				related[h] = appendUnique(related[h], pos.n.value)
			}
		}
	}
	hashes := make([]string, 0, len(related))
	for h := range related {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	var data strings.Builder
	for _, h := range hashes {
		data.WriteString(h)
		blanks := related[h]
		if len(blanks) > maxPermuted {
			return "", nil, fmt.Errorf("%w: %d indistinguishable blank nodes", ErrUnsupported, len(blanks))
		}
		chosenPath := ""
		var chosenIssuer *issuer
		var err error
		permute(blanks, func(perm []string) bool {
			cp := iss.copy()
			path := ""
			var recursion []string
			for _, r := range perm {
				if v, ok := c.canonical.issued[r]; ok {
					path += v
				} else {
					if _, ok := cp.issued[r]; !ok {
						recursion = append(recursion, r)
					}
					path += cp.issue(r)
				}
				if chosenPath != "" && len(path) >= len(chosenPath) && path > chosenPath {
					return true
				}
			}
			for _, r := range recursion {
				var h string
				var next *issuer
				h, next, err = c.hashNDegree(r, cp)
				if err != nil {
					return false
				}
				path += cp.issue(r)
				path += "<" + h + ">"
				cp = next
				if chosenPath != "" && len(path) >= len(chosenPath) && path > chosenPath {
					return true
				}
			}
			if chosenPath == "" || path < chosenPath {
				chosenPath, chosenIssuer = path, cp
			}
			return true
		})
		if err != nil {
			return "", nil, err
		}
		data.WriteString(chosenPath)
		iss = chosenIssuer
	}
	return hashString(data.String()), iss, nil
}

func appendUnique(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// permute calls f with every permutation of items (in lexicographic order
// of the sorted items) until f returns false.
func permute(items []string, f func([]string) bool) {
	p := append([]string(nil), items...)
	sort.Strings(p)
	var rec func(k int) bool
	rec = func(k int) bool {
		if k == len(p) {
			return f(append([]string(nil), p...))
		}
		for i := k; i < len(p); i++ {
			p[k], p[i] = p[i], p[k]
			if !rec(k + 1) {
				return false
			}
			p[k], p[i] = p[i], p[k]
		}
		return true
	}
	rec(0)
}
