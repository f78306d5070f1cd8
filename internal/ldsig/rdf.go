package ldsig

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// RDF terms and IRIs the conversion uses.
const (
	rdfType      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	rdfFirst     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	rdfRest      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	rdfNil       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
	rdfLangStr   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
	xsdString    = "http://www.w3.org/2001/XMLSchema#string"
	xsdBoolean   = "http://www.w3.org/2001/XMLSchema#boolean"
	xsdInteger   = "http://www.w3.org/2001/XMLSchema#integer"
	xsdDouble    = "http://www.w3.org/2001/XMLSchema#double"
	maxQuads     = 20000
	maxJSONDepth = 64
)

// node is an RDF term: an IRI, a blank node (id starting with "_:") or a
// literal (literal true).
type node struct {
	value    string
	literal  bool
	datatype string
	lang     string
}

func (n node) blank() bool { return !n.literal && strings.HasPrefix(n.value, "_:") }

// quad is a triple of the default graph (named graphs are not supported).
type quad struct{ s, p, o node }

// toRDF converts a JSON-LD document into its RDF triples. Properties that
// do not map to an absolute IRI carry no meaning in RDF and so are not
// signed: their paths are returned in dropped.
func toRDF(doc map[string]any) (quads []quad, dropped []string, err error) {
	g := &rdfGen{p: &processor{}, seen: map[string]bool{}}
	active := &activeContext{terms: map[string]*termDef{}}
	if _, err := g.object(active, doc, "", 0); err != nil {
		return nil, nil, err
	}
	sort.Strings(g.dropped)
	return g.quads, g.dropped, nil
}

type rdfGen struct {
	p       *processor
	quads   []quad
	seen    map[string]bool
	blanks  int
	dropped []string
}

func (g *rdfGen) emit(s, p, o node) error {
	q := quad{s, p, o}
	key := q.String(s.value, o.value)
	if g.seen[key] {
		return nil
	}
	if len(g.quads) >= maxQuads {
		return fmt.Errorf("%w: more than %d triples", ErrUnsupported, maxQuads)
	}
	g.seen[key] = true
	g.quads = append(g.quads, q)
	return nil
}

func (g *rdfGen) newBlank() node {
	g.blanks++
	return node{value: "_:g" + strconv.Itoa(g.blanks)}
}

// keyOf is how a blank node id of the input is named (apart from the
// generated ones).
func inputBlank(id string) node { return node{value: "_:i" + strings.TrimPrefix(id, "_:")} }

// object converts a node object and returns its subject.
func (g *rdfGen) object(active *activeContext, obj map[string]any, path string, depth int) (node, error) {
	if depth > maxJSONDepth {
		return node{}, fmt.Errorf("%w: nested too deeply", ErrUnsupported)
	}
	if c, ok := obj["@context"]; ok {
		var err error
		if active, err = g.p.process(active, c); err != nil {
			return node{}, err
		}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		if k != "@context" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	// The subject first: @id, or a new blank node.
	subject, hasSubject := node{}, false
	var types []any
	for _, k := range keys {
		switch g.p.expandIRI(active, k, true, nil, nil) {
		case "@id":
			s, ok := obj[k].(string)
			if !ok {
				return node{}, fmt.Errorf("%w: @id of type %T", ErrUnsupported, obj[k])
			}
			subject, hasSubject = g.iri(active, s, false), true
		case "@type":
			switch t := obj[k].(type) {
			case string:
				types = append(types, t)
			case []any:
				types = append(types, t...)
			}
		case "@graph", "@reverse", "@included", "@nest":
			return node{}, fmt.Errorf("%w: %s", ErrUnsupported, k)
		}
	}
	if !hasSubject {
		subject = g.newBlank()
	}
	valid := subject.blank() || isAbsolute(subject.value)
	for _, t := range types {
		s, ok := t.(string)
		if !ok {
			continue
		}
		o := g.iri(active, s, true)
		if !isAbsolute(o.value) {
			// A type no context defines is at best a blank node: another
			// undefined type would canonicalize the same.
			g.dropped = append(g.dropped, path+"type:"+s)
		}
		if valid && (o.blank() || isAbsolute(o.value)) {
			if err := g.emit(subject, node{value: rdfType}, o); err != nil {
				return node{}, err
			}
		}
	}
	for _, k := range keys {
		prop := g.p.expandIRI(active, k, true, nil, nil)
		if strings.HasPrefix(prop, "@") {
			continue // @id, @type handled; @index, @language, ... carry no triples
		}
		if prop == "" || !isAbsolute(prop) {
			if obj[k] != nil {
				g.dropped = append(g.dropped, path+k)
			}
			continue
		}
		def := active.terms[k]
		if def == nil {
			def = &termDef{}
		}
		objects, err := g.values(active, def, obj[k], path+k+".", depth+1)
		if err != nil {
			return node{}, err
		}
		if !valid {
			continue
		}
		for _, o := range objects {
			if o.literal || o.blank() || isAbsolute(o.value) {
				if err := g.emit(subject, node{value: prop}, o); err != nil {
					return node{}, err
				}
			}
		}
	}
	return subject, nil
}

// values converts the value of a property into its objects.
func (g *rdfGen) values(active *activeContext, def *termDef, v any, path string, depth int) ([]node, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("%w: nested too deeply", ErrUnsupported)
	}
	switch {
	case def.container == "@language":
		if m, ok := v.(map[string]any); ok {
			return g.languageMap(m)
		}
	case def.container == "@list":
		items, ok := v.([]any)
		if !ok {
			if m, isMap := v.(map[string]any); isMap && g.hasKeyword(active, m, "@list") {
				break // an explicit list object: below
			}
			items = []any{v}
		}
		l, err := g.list(active, def, items, path, depth)
		if err != nil {
			return nil, err
		}
		return []node{l}, nil
	case def.container == "@index":
		if m, ok := v.(map[string]any); ok {
			var out []node
			for _, k := range sortedKeys(m) {
				ns, err := g.values(active, &termDef{id: def.id, typ: def.typ, lang: def.lang}, m[k], path, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, ns...)
			}
			return out, nil
		}
	}
	var out []node
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	for _, item := range items {
		switch x := item.(type) {
		case nil:
		case []any:
			ns, err := g.values(active, &termDef{id: def.id, typ: def.typ, lang: def.lang}, x, path, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, ns...)
		case map[string]any:
			n, ok, err := g.valueObject(active, def, x, path, depth+1)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, n...)
			}
		default:
			n, ok := g.scalar(active, def, x)
			if ok {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

func (g *rdfGen) hasKeyword(active *activeContext, m map[string]any, kw string) bool {
	for k := range m {
		if g.p.expandIRI(active, k, true, nil, nil) == kw {
			return true
		}
	}
	return false
}

// valueObject converts a JSON object in a value position: a value object
// (@value), a list (@list), a set (@set) or a node.
func (g *rdfGen) valueObject(active *activeContext, def *termDef, m map[string]any, path string, depth int) ([]node, bool, error) {
	kw := map[string]any{}
	for k, v := range m {
		if e := g.p.expandIRI(active, k, true, nil, nil); strings.HasPrefix(e, "@") {
			kw[e] = v
		}
	}
	if val, ok := kw["@value"]; ok {
		if val == nil {
			return nil, false, nil
		}
		vd := &termDef{}
		if t, ok := kw["@type"].(string); ok {
			vd.typ = g.iri(active, t, true).value
		}
		if l, ok := kw["@language"].(string); ok {
			l = strings.ToLower(l)
			vd.lang = &l
		} else {
			empty := ""
			vd.lang = &empty
		}
		n, ok := g.scalar(active, vd, val)
		return []node{n}, ok, nil
	}
	if items, ok := kw["@list"]; ok {
		list, isList := items.([]any)
		if !isList {
			list = []any{items}
		}
		l, err := g.list(active, &termDef{id: def.id, typ: def.typ, lang: def.lang}, list, path, depth)
		return []node{l}, err == nil, err
	}
	if items, ok := kw["@set"]; ok {
		ns, err := g.values(active, &termDef{id: def.id, typ: def.typ, lang: def.lang}, items, path, depth)
		return ns, err == nil, err
	}
	n, err := g.object(active, m, path, depth)
	return []node{n}, err == nil, err
}

// list converts the items of an ordered list into an RDF collection.
func (g *rdfGen) list(active *activeContext, def *termDef, items []any, path string, depth int) (node, error) {
	item := &termDef{id: def.id, typ: def.typ, lang: def.lang}
	var heads []node
	for _, it := range items {
		ns, err := g.values(active, item, it, path, depth+1)
		if err != nil {
			return node{}, err
		}
		heads = append(heads, ns...)
	}
	if len(heads) == 0 {
		return node{value: rdfNil}, nil
	}
	first := g.newBlank()
	cur := first
	for i, h := range heads {
		if err := g.emit(cur, node{value: rdfFirst}, h); err != nil {
			return node{}, err
		}
		next := node{value: rdfNil}
		if i < len(heads)-1 {
			next = g.newBlank()
		}
		if err := g.emit(cur, node{value: rdfRest}, next); err != nil {
			return node{}, err
		}
		cur = next
	}
	return first, nil
}

// languageMap converts a language map (contentMap) into language-tagged
// strings.
func (g *rdfGen) languageMap(m map[string]any) ([]node, error) {
	var out []node
	for _, lang := range sortedKeys(m) {
		vals, ok := m[lang].([]any)
		if !ok {
			vals = []any{m[lang]}
		}
		for _, v := range vals {
			switch s := v.(type) {
			case nil:
			case string:
				n := node{value: s, literal: true, datatype: rdfLangStr, lang: strings.ToLower(lang)}
				if lang == "@none" {
					n = node{value: s, literal: true, datatype: xsdString}
				}
				out = append(out, n)
			default:
				return nil, fmt.Errorf("%w: language map value of type %T", ErrUnsupported, v)
			}
		}
	}
	return out, nil
}

// scalar converts a string, number or boolean.
func (g *rdfGen) scalar(active *activeContext, def *termDef, v any) (node, bool) {
	switch x := v.(type) {
	case string:
		switch def.typ {
		case "@id":
			return g.iri(active, x, false), true
		case "@vocab":
			return g.iri(active, x, true), true
		case "":
			lang := active.language
			if def.lang != nil {
				lang = *def.lang
			}
			if lang != "" {
				return node{value: x, literal: true, datatype: rdfLangStr, lang: lang}, true
			}
			return node{value: x, literal: true, datatype: xsdString}, true
		default:
			return node{value: x, literal: true, datatype: def.typ}, true
		}
	case bool:
		dt := xsdBoolean
		if def.typ != "" && def.typ != "@id" && def.typ != "@vocab" {
			dt = def.typ
		}
		return node{value: strconv.FormatBool(x), literal: true, datatype: dt}, true
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return node{}, false
		}
		dt := ""
		if def.typ != "" && def.typ != "@id" && def.typ != "@vocab" {
			dt = def.typ
		}
		if f == math.Trunc(f) && math.Abs(f) < 1e21 && dt != xsdDouble {
			if dt == "" {
				dt = xsdInteger
			}
			return node{value: strconv.FormatFloat(f, 'f', -1, 64), literal: true, datatype: dt}, true
		}
		if dt == "" {
			dt = xsdDouble
		}
		return node{value: canonicalDouble(f), literal: true, datatype: dt}, true
	}
	return node{}, false
}

// canonicalDouble is the canonical lexical form of an xsd:double
// ("1.5E0").
func canonicalDouble(f float64) string {
	s := strconv.FormatFloat(f, 'E', -1, 64) // 1.5E+00
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// iri expands a value in an IRI position (vocab for types and @vocab).
func (g *rdfGen) iri(active *activeContext, v string, vocab bool) node {
	e := g.p.expandIRI(active, v, vocab, nil, nil)
	if strings.HasPrefix(e, "_:") {
		return inputBlank(e)
	}
	return node{value: e}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
