// Package rest holds what every JSON API handler needs: request parameters
// from query, form, multipart or JSON bodies, JSON responses, Mastodon-style
// errors and Link-header pagination.
package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// MaxBodyBytes limits non-upload request bodies (documented in docs/api.md).
const MaxBodyBytes = 1 << 20

// MaxMultipartBytes limits multipart bodies (media, avatars).
const MaxMultipartBytes = 16 << 20

// Params are a request's parameters, flattened to Rails-style keys so that
// form (`poll[options][]=a`), JSON (`{"poll":{"options":["a"]}}`) and query
// strings read the same way.
type Params struct {
	v url.Values
}

// ParseParams reads the query string and, for POST/PUT/PATCH/DELETE, the body
// as form, multipart or JSON. Body values win over query values.
func ParseParams(r *http.Request) (*Params, error) {
	p := &Params{v: url.Values{}}
	for k, vs := range r.URL.Query() {
		p.v[k] = append(p.v[k], vs...)
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		r.Body = http.MaxBytesReader(nil, r.Body, MaxBodyBytes)
		var body any
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			if errors.Is(err, io.EOF) {
				return p, nil
			}
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, domain.E(domain.KindInvalid, "Request body is larger than %d bytes", MaxBodyBytes)
			}
			return nil, domain.E(domain.KindInvalid, "Request body is not valid JSON")
		}
		obj, ok := body.(map[string]any)
		if !ok {
			return nil, domain.E(domain.KindInvalid, "Request body must be a JSON object")
		}
		flat := url.Values{}
		flatten(flat, "", obj)
		for k, vs := range flat {
			p.v[k] = vs
		}
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(nil, r.Body, MaxMultipartBytes)
		if err := r.ParseMultipartForm(MaxMultipartBytes); err != nil {
			return nil, domain.E(domain.KindInvalid, "Request body is not valid multipart form data (at most %d bytes)", MaxMultipartBytes)
		}
		for k, vs := range r.MultipartForm.Value {
			p.v[k] = vs
		}
	default: // form-urlencoded, or no body
		r.Body = http.MaxBytesReader(nil, r.Body, MaxBodyBytes)
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, domain.E(domain.KindInvalid, "Request body is larger than %d bytes", MaxBodyBytes)
		}
		if len(b) > 0 {
			form, err := url.ParseQuery(string(b))
			if err != nil {
				return nil, domain.E(domain.KindInvalid, "Request body is not valid form data")
			}
			for k, vs := range form {
				p.v[k] = vs
			}
		}
	}
	return p, nil
}

// NewParams wraps already-parsed values (tests, internal callers).
func NewParams(v url.Values) *Params { return &Params{v: v} }

func flatten(out url.Values, prefix string, v any) {
	key := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "[" + k + "]"
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(out, key(k), e)
		}
	case []any:
		for i, e := range x {
			switch e.(type) {
			case map[string]any, []any:
				flatten(out, prefix+"["+strconv.Itoa(i)+"]", e)
			default:
				flatten(out, prefix+"[]", e)
			}
		}
		if len(x) == 0 {
			out[prefix+"[]"] = []string{}
		}
	case nil:
		out[prefix] = append(out[prefix], "")
	case bool:
		out.Add(prefix, strconv.FormatBool(x))
	case json.Number:
		out.Add(prefix, x.String())
	case string:
		out.Add(prefix, x)
	default:
		out.Add(prefix, fmt.Sprint(x))
	}
}

// Has reports whether key was given (as key or key[]).
func (p *Params) Has(key string) bool {
	_, a := p.v[key]
	_, b := p.v[key+"[]"]
	return a || b
}

// String returns the value of key, or "".
func (p *Params) String(key string) string { return p.v.Get(key) }

// Strings returns the values of key[] (or key, repeated), dropping empty ones.
func (p *Params) Strings(key string) []string {
	vs := append(append([]string{}, p.v[key+"[]"]...), p.v[key]...)
	out := vs[:0]
	for _, s := range vs {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Keys returns every key starting with prefix (to read indexed maps such as
// fields_attributes[0][name]).
func (p *Params) Keys(prefix string) []string {
	var out []string
	for k := range p.v {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// Bool reads a boolean the way Rails does ("1", "true", "on" are true);
// def is returned when the key is absent. Anything else is an error.
func (p *Params) Bool(key string, def bool) (bool, error) {
	if !p.Has(key) {
		return def, nil
	}
	switch strings.ToLower(p.v.Get(key)) {
	case "1", "true", "on", "yes", "t":
		return true, nil
	case "0", "false", "off", "no", "f", "":
		return false, nil
	}
	return false, domain.Invalid("%s must be true or false", key)
}

// Int reads an integer within [min, max]; def when absent.
func (p *Params) Int(key string, def, min, max int) (int, error) {
	s := p.v.Get(key)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, domain.Invalid("%s must be a whole number from %d to %d", key, min, max)
	}
	return n, nil
}

// ID reads an id parameter; absent gives 0; malformed is an error.
func (p *Params) ID(key string) (domain.ID, error) {
	s := p.v.Get(key)
	if s == "" {
		return 0, nil
	}
	id, ok := domain.ParseID(s)
	if !ok {
		return 0, domain.Invalid("%s is not a valid id", key)
	}
	return id, nil
}

// IDs reads key[] as ids.
func (p *Params) IDs(key string, maxCount int) ([]domain.ID, error) {
	ss := p.Strings(key)
	if len(ss) > maxCount {
		return nil, domain.Invalid("%s: at most %d ids", key, maxCount)
	}
	out := make([]domain.ID, 0, len(ss))
	for _, s := range ss {
		id, ok := domain.ParseID(s)
		if !ok {
			return nil, domain.Invalid("%s: %q is not a valid id", key, s)
		}
		out = append(out, id)
	}
	return out, nil
}

// Time reads an ISO-8601 time; nil when absent.
func (p *Params) Time(key string) (*time.Time, error) {
	s := p.v.Get(key)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, domain.Invalid("%s must be an ISO 8601 date and time", key)
	}
	return &t, nil
}

// Page reads Mastodon's pagination parameters. Limit defaults to def and
// is capped at max, as Mastodon caps rather than refusing.
func (p *Params) Page(def, max int) (domain.Page, error) {
	var pg domain.Page
	var err error
	if pg.MaxID, err = p.pageID("max_id"); err != nil {
		return pg, err
	}
	if pg.SinceID, err = p.pageID("since_id"); err != nil {
		return pg, err
	}
	if pg.MinID, err = p.pageID("min_id"); err != nil {
		return pg, err
	}
	pg.Limit = def
	if s := p.v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return pg, domain.Invalid("limit must be a positive whole number")
		}
		pg.Limit = min(n, max)
	}
	return pg, nil
}

// pageID accepts a decimal id; Mastodon clients sometimes send ids of other
// kinds of objects, which are ids too, so any positive integer is fine.
func (p *Params) pageID(key string) (domain.ID, error) {
	s := p.v.Get(key)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.Invalid("%s must be an id", key)
	}
	return domain.ID(n), nil
}
