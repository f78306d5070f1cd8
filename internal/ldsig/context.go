package ldsig

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The JSON-LD contexts that can be verified, bundled: a document naming any
// other remote context cannot be canonicalized, so its signature cannot be
// checked (no network fetch happens during verification).
//
//go:embed contexts/*.jsonld
var contextFiles embed.FS

// bundled maps each context URL to its file.
var bundled = map[string]string{
	"https://www.w3.org/ns/activitystreams":         "contexts/activitystreams.jsonld",
	"http://www.w3.org/ns/activitystreams":          "contexts/activitystreams.jsonld",
	"https://www.w3.org/ns/activitystreams.jsonld":  "contexts/activitystreams.jsonld",
	"https://w3id.org/security/v1":                  "contexts/security-v1.jsonld",
	"https://w3id.org/security/v1.jsonld":           "contexts/security-v1.jsonld",
	"https://w3id.org/identity/v1":                  "contexts/identity-v1.jsonld",
	"https://w3id.org/identity/v1.jsonld":           "contexts/identity-v1.jsonld",
	"https://web-payments.org/contexts/identity-v1": "contexts/identity-v1.jsonld",
	"https://gotosocial.org/ns":                     "contexts/gotosocial-ns.jsonld",
}

// ErrUnknownContext is the error of a document whose @context names a URL
// that is not bundled.
var ErrUnknownContext = errors.New("unknown JSON-LD context")

// ErrUnsupported is the error of a document using JSON-LD features that
// agora does not canonicalize (named graphs, reverse properties, scoped
// contexts): its signature cannot be checked.
var ErrUnsupported = errors.New("unsupported JSON-LD feature")

// loadContext returns the @context value of a bundled context document.
func loadContext(url string) (any, error) {
	name, ok := bundled[url]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownContext, url)
	}
	b, err := contextFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("bundled context %s: %w", name, err)
	}
	return doc["@context"], nil
}

// termDef is one term definition of an active context.
type termDef struct {
	id        string // an absolute IRI, a blank node id or a keyword; "" maps the term to nothing
	typ       string // "@id", "@vocab", a datatype IRI, or ""
	container string // "@list", "@set", "@language", "@index" or ""
	lang      *string
}

// activeContext is the result of processing @context values.
type activeContext struct {
	terms    map[string]*termDef
	vocab    *string
	language string
}

func (c *activeContext) clone() *activeContext {
	n := &activeContext{terms: make(map[string]*termDef, len(c.terms)), vocab: c.vocab, language: c.language}
	for k, v := range c.terms {
		n.terms[k] = v
	}
	return n
}

// maxContexts bounds the contexts processed for one document.
const maxContexts = 32

// processor holds the state of one canonicalization.
type processor struct {
	contexts int
	loaded   map[string]any
}

// process applies a local context (a URL, an object, null or a list of
// them) to active.
func (p *processor) process(active *activeContext, local any) (*activeContext, error) {
	result := active.clone()
	list, ok := local.([]any)
	if !ok {
		list = []any{local}
	}
	for _, item := range list {
		p.contexts++
		if p.contexts > maxContexts {
			return nil, fmt.Errorf("%w: too many contexts", ErrUnsupported)
		}
		switch v := item.(type) {
		case nil:
			result = &activeContext{terms: map[string]*termDef{}}
		case string:
			doc, ok := p.loaded[v]
			if !ok {
				var err error
				if doc, err = loadContext(v); err != nil {
					return nil, err
				}
				if p.loaded == nil {
					p.loaded = map[string]any{}
				}
				p.loaded[v] = doc
			}
			var err error
			if result, err = p.process(result, doc); err != nil {
				return nil, err
			}
		case map[string]any:
			if err := p.define(result, v); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%w: @context of type %T", ErrUnsupported, item)
		}
	}
	return result, nil
}

// define adds the definitions of one context object to result.
func (p *processor) define(result *activeContext, local map[string]any) error {
	if _, ok := local["@base"]; ok {
		return fmt.Errorf("%w: @base", ErrUnsupported)
	}
	if _, ok := local["@import"]; ok {
		return fmt.Errorf("%w: @import", ErrUnsupported)
	}
	if v, ok := local["@vocab"]; ok {
		switch s := v.(type) {
		case nil:
			result.vocab = nil
		case string:
			iri := s
			if !isAbsolute(s) && !strings.HasPrefix(s, "_:") {
				iri = p.expandIRI(result, s, true, local, map[string]bool{})
			}
			result.vocab = &iri
		default:
			return fmt.Errorf("%w: @vocab of type %T", ErrUnsupported, v)
		}
	}
	if v, ok := local["@language"]; ok {
		s, _ := v.(string)
		result.language = strings.ToLower(s)
	}
	defined := map[string]bool{}
	for term := range local {
		if err := p.defineTerm(result, local, term, defined); err != nil {
			return err
		}
	}
	return nil
}

// defineTerm creates the definition of term (the "create term definition"
// algorithm of JSON-LD, for the features ActivityPub documents use).
func (p *processor) defineTerm(result *activeContext, local map[string]any, term string, defined map[string]bool) error {
	if done, ok := defined[term]; ok {
		if !done {
			return fmt.Errorf("%w: cyclic definition of %q", ErrUnsupported, term)
		}
		return nil
	}
	if strings.HasPrefix(term, "@") {
		return nil // @vocab, @language, @version, @protected: handled or ignored
	}
	defined[term] = false
	value := local[term]
	def := &termDef{}
	var obj map[string]any
	switch v := value.(type) {
	case nil:
		result.terms[term] = def // explicitly unmapped
		defined[term] = true
		return nil
	case string:
		obj = map[string]any{"@id": v}
	case map[string]any:
		obj = v
	default:
		return fmt.Errorf("%w: definition of %q of type %T", ErrUnsupported, term, value)
	}
	for _, k := range []string{"@reverse", "@context", "@nest", "@prefix"} {
		if _, ok := obj[k]; ok && k != "@prefix" {
			return fmt.Errorf("%w: %s in the definition of %q", ErrUnsupported, k, term)
		}
	}
	if t, ok := obj["@type"]; ok {
		s, isString := t.(string)
		if !isString {
			return fmt.Errorf("%w: @type of %q", ErrUnsupported, term)
		}
		typ := p.expandIRI(result, s, true, local, defined)
		if typ != "@id" && typ != "@vocab" && !isAbsolute(typ) {
			return fmt.Errorf("%w: @type %q of %q", ErrUnsupported, s, term)
		}
		def.typ = typ
	}
	if id, ok := obj["@id"]; ok && id != term {
		switch s := id.(type) {
		case nil:
			// maps the term to nothing
		case string:
			def.id = p.expandIRI(result, s, true, local, defined)
		default:
			return fmt.Errorf("%w: @id of %q", ErrUnsupported, term)
		}
	} else if i := strings.Index(term, ":"); i > 0 {
		prefix, suffix := term[:i], term[i+1:]
		if _, ok := local[prefix]; ok {
			if err := p.defineTerm(result, local, prefix, defined); err != nil {
				return err
			}
		}
		if pd, ok := result.terms[prefix]; ok && pd.id != "" {
			def.id = pd.id + suffix
		} else {
			def.id = term
		}
	} else if result.vocab != nil {
		def.id = *result.vocab + term
	} else {
		return fmt.Errorf("%w: term %q has no IRI", ErrUnsupported, term)
	}
	if c, ok := obj["@container"]; ok {
		s, _ := c.(string)
		switch s {
		case "@list", "@set", "@language", "@index":
			def.container = s
		default:
			return fmt.Errorf("%w: @container %v of %q", ErrUnsupported, c, term)
		}
	}
	if l, ok := obj["@language"]; ok {
		s, _ := l.(string)
		s = strings.ToLower(s)
		def.lang = &s
	}
	result.terms[term] = def
	defined[term] = true
	return nil
}

// expandIRI expands a term, compact IRI or IRI; vocab says whether terms
// and @vocab apply (property names and types) rather than only prefixes.
// local and defined are given while a context is being processed.
func (p *processor) expandIRI(active *activeContext, value string, vocab bool, local map[string]any, defined map[string]bool) string {
	if strings.HasPrefix(value, "@") {
		return value
	}
	if local != nil {
		if _, ok := local[value]; ok && !defined[value] {
			_ = p.defineTerm(active, local, value, defined)
		}
	}
	if vocab {
		if d, ok := active.terms[value]; ok {
			return d.id
		}
	}
	if i := strings.Index(value, ":"); i >= 0 {
		prefix, suffix := value[:i], value[i+1:]
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return value
		}
		if local != nil {
			if _, ok := local[prefix]; ok && !defined[prefix] {
				_ = p.defineTerm(active, local, prefix, defined)
			}
		}
		if d, ok := active.terms[prefix]; ok && d.id != "" {
			return d.id + suffix
		}
		return value
	}
	if vocab && active.vocab != nil {
		return *active.vocab + value
	}
	return value // relative: dropped from the RDF
}

// isAbsolute reports whether s is an absolute IRI (a scheme and a colon).
func isAbsolute(s string) bool {
	i := strings.Index(s, ":")
	if i <= 0 {
		return false
	}
	for j, r := range s[:i] {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s[:i] != "_"
}
