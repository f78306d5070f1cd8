package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Parsing of received documents. JSON-LD lets most properties be a string,
// an object or an array of either; the types below read the forms
// Mastodon, GoToSocial, Pleroma/Akkoma, Misskey and Threads send, without
// JSON-LD expansion (as those servers do themselves).

// Ref is an id given as a string, an object with an id, or an array whose
// first element is one of those; Object keeps the embedded object, if any.
type Ref struct {
	ID     string
	Object json.RawMessage // the embedded object; nil for a bare id
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *Ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &r.ID)
	case b[0] == '[':
		var list []Ref
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		if len(list) > 0 {
			*r = list[0]
		}
		return nil
	case b[0] == '{':
		var o struct {
			ID   string `json:"id"`
			Href string `json:"href"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		r.ID, r.Object = o.ID, append(json.RawMessage(nil), b...)
		if r.ID == "" {
			r.ID = o.Href
		}
		return nil
	}
	return errors.New("activitypub: not a reference")
}

// Refs is a list of ids given as one or many strings or objects.
type Refs []string

// UnmarshalJSON implements json.Unmarshaler.
func (r *Refs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []Ref
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, x := range list {
			if x.ID != "" {
				*r = append(*r, x.ID)
			}
		}
		return nil
	}
	var one Ref
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	if one.ID != "" {
		*r = append(*r, one.ID)
	}
	return nil
}

// Type is an object's type: a string or the first of an array.
type Type string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Type) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = Type(s)
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	if len(list) > 0 {
		*t = Type(list[0])
	}
	return nil
}

// Incoming is a received activity or object: the union of the properties
// agora reads from activities, notes, questions, articles and actors.
type Incoming struct {
	ID           string            `json:"id"`
	Type         Type              `json:"type"`
	Actor        Ref               `json:"actor"`
	Object       Ref               `json:"object"`
	Instrument   Ref               `json:"instrument"` // QuoteRequest, ReplyRequest...: the interaction
	Result       Ref               `json:"result"`     // Accept: the authorization it grants
	Target       Ref               `json:"target"`
	AttributedTo Ref               `json:"attributedTo"`
	To           Refs              `json:"to"`
	Cc           Refs              `json:"cc"`
	Name         string            `json:"name"`
	Content      string            `json:"content"`
	ContentMap   map[string]string `json:"contentMap"`
	Summary      string            `json:"summary"`
	Sensitive    bool              `json:"sensitive"`
	InReplyTo    Ref               `json:"inReplyTo"`
	Published    string            `json:"published"`
	Updated      string            `json:"updated"`
	URL          json.RawMessage   `json:"url"`
	Tag          []Tag             `json:"-"`
	RawTag       json.RawMessage   `json:"tag"`
	Attachment   []Attachment      `json:"-"`
	RawAttach    json.RawMessage   `json:"attachment"`
	OneOf        []PollOption      `json:"oneOf"`
	AnyOf        []PollOption      `json:"anyOf"`
	EndTime      string            `json:"endTime"`
	Closed       json.RawMessage   `json:"closed"`
	// Quotes: FEP-044f, Fedibird/Akkoma and Misskey.
	Quote        Ref    `json:"quote"`
	QuoteURI     string `json:"quoteUri"`
	QuoteURL     string `json:"quoteUrl"`
	MisskeyQuote string `json:"_misskey_quote"`
	// QuoteAuthorization is the quoted author's consent (FEP-044f).
	QuoteAuthorization Ref `json:"quoteAuthorization"`
	// GoToSocial's interaction policy, read by Policy (a malformed one is
	// ignored, not a reason to refuse the note).
	RawPolicy json.RawMessage `json:"interactionPolicy"`

	// Actor properties.
	PreferredUsername         string          `json:"preferredUsername"`
	Inbox                     string          `json:"inbox"`
	Outbox                    string          `json:"outbox"`
	Followers                 string          `json:"followers"`
	Following                 string          `json:"following"`
	Endpoints                 Endpoints       `json:"endpoints"`
	Icon                      json.RawMessage `json:"icon"`
	Image                     json.RawMessage `json:"image"`
	ManuallyApprovesFollowers bool            `json:"manuallyApprovesFollowers"`
	Discoverable              *bool           `json:"discoverable"`
	Indexable                 *bool           `json:"indexable"`
	AlsoKnownAs               Refs            `json:"alsoKnownAs"`
	MovedTo                   Ref             `json:"movedTo"`
	Featured                  Ref             `json:"featured"`
	FeaturedTags              Ref             `json:"featuredTags"`
	PublicKey                 json.RawMessage `json:"publicKey"`
	// RawAttributionDomains is read by AttributionDomains (leniently: a
	// malformed value is no reason to refuse the actor).
	RawAttributionDomains json.RawMessage `json:"attributionDomains"`
}

// Tag is a Mention, Hashtag or Emoji of a note (or an actor's Emoji).
// An Emoji has an id, a name ":code:", an icon (an Image) and "updated".
type Tag struct {
	Type    Type            `json:"type"`
	ID      string          `json:"id"`
	Href    string          `json:"href"`
	Name    string          `json:"name"`
	Updated string          `json:"updated"`
	Icon    json.RawMessage `json:"icon"`
}

// EmojiTag is a received Emoji tag, read: its shortcode (the name between
// colons), the icon's URL and media type, its id and "updated".
type EmojiTag struct {
	ID, Shortcode, IconURL, MediaType, Updated string
}

// Emojis returns the Emoji tags of tags with a name and an icon URL, in
// order (Mastodon, Misskey, Pleroma and GoToSocial send this shape; a
// name without colons is taken as the shortcode itself).
func Emojis(tags []Tag) []EmojiTag {
	var out []EmojiTag
	for _, t := range tags {
		if t.Type != "Emoji" {
			continue
		}
		code := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(t.Name), ":"), ":")
		u := ImageURL(t.Icon)
		if code == "" || u == "" {
			continue
		}
		var icon struct {
			MediaType string `json:"mediaType"`
		}
		if raw := bytes.TrimSpace(t.Icon); len(raw) > 0 && raw[0] == '{' {
			_ = json.Unmarshal(raw, &icon)
		}
		out = append(out, EmojiTag{ID: t.ID, Shortcode: code, IconURL: u, MediaType: icon.MediaType, Updated: t.Updated})
	}
	return out
}

// Attachment is a media attachment or, on actors, a PropertyValue field.
type Attachment struct {
	Type      Type   `json:"type"`
	MediaType string `json:"mediaType"`
	URL       Ref    `json:"url"`
	Name      string `json:"name"`
	Value     string `json:"value"`
	Blurhash  string `json:"blurhash"`
}

// PollOption is an option of a Question.
type PollOption struct {
	Name    string `json:"name"`
	Replies struct {
		TotalItems int64 `json:"totalItems"`
	} `json:"replies"`
}

// Collection is a received collection or collection page: its items (ids
// or embedded objects, in order) and its first page.
type Collection struct {
	ID           string `json:"id"`
	Type         Type   `json:"type"`
	First        Ref    `json:"first"`
	Items        []Ref  `json:"items"`
	OrderedItems []Ref  `json:"orderedItems"`
}

// All returns the items of the collection (ordered or not).
func (c *Collection) All() []Ref { return append(append([]Ref{}, c.OrderedItems...), c.Items...) }

// ParseCollection reads a received collection.
func ParseCollection(b []byte) (*Collection, error) {
	var c Collection
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, errors.Join(ErrMalformed, err)
	}
	return &c, nil
}

// ErrMalformed is returned for a document agora cannot read.
var ErrMalformed = errors.New("activitypub: malformed document")

// Parse reads a received document.
func Parse(b []byte) (*Incoming, error) {
	var in Incoming
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, errors.Join(ErrMalformed, err)
	}
	in.Tag = listOf[Tag](in.RawTag)
	in.Attachment = listOf[Attachment](in.RawAttach)
	return &in, nil
}

// listOf reads one T or an array of T, skipping elements that are not T.
func listOf[T any](raw json.RawMessage) []T {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] != '[' {
		var one T
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		return []T{one}
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		var one T
		if json.Unmarshal(it, &one) == nil {
			out = append(out, one)
		}
	}
	return out
}

// LinkURL reads a url property: a string, a Link object (href) or an array
// of them, preferring a text/html link.
func LinkURL(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	type link struct {
		Href      string `json:"href"`
		MediaType string `json:"mediaType"`
	}
	var items []json.RawMessage
	if raw[0] == '[' {
		_ = json.Unmarshal(raw, &items)
	} else {
		items = []json.RawMessage{raw}
	}
	first := ""
	for _, it := range items {
		var l link
		if json.Unmarshal(it, &s) == nil {
			l.Href = s
		} else if json.Unmarshal(it, &l) != nil {
			continue
		}
		if l.Href == "" {
			continue
		}
		if first == "" {
			first = l.Href
		}
		if l.MediaType == "text/html" {
			return l.Href
		}
	}
	return first
}

// ImageURL reads an icon or image property: an Image object (its url), a
// string, or an array of them.
func ImageURL(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if raw[0] == '[' {
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		if len(items) == 0 {
			return ""
		}
		raw = items[0]
	}
	var img struct {
		URL json.RawMessage `json:"url"`
	}
	if json.Unmarshal(raw, &img) != nil {
		return ""
	}
	return LinkURL(img.URL)
}

// Text is the note's content: content, else the first contentMap value,
// with the language when the map names one.
func (in *Incoming) Text() (html, lang string) {
	if len(in.ContentMap) == 1 {
		for k, v := range in.ContentMap {
			if in.Content == "" {
				return v, k
			}
			return in.Content, k
		}
	}
	if in.Content != "" {
		return in.Content, ""
	}
	for k, v := range in.ContentMap { // several languages: any one
		return v, k
	}
	return "", ""
}

// QuotedURI is the quoted post's id, from whichever extension names it.
func (in *Incoming) QuotedURI() string {
	for _, q := range []string{in.Quote.ID, in.QuoteURI, in.QuoteURL, in.MisskeyQuote} {
		if q != "" {
			return q
		}
	}
	return ""
}

// ParseTime reads an ActivityPub date; the zero time when absent or invalid.
func ParseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// KeyPEM is the PEM of the actor's key named keyID, or of its first key
// when keyID is "".
func (in *Incoming) KeyPEM(keyID string) string {
	keys := listOf[PublicKey](in.PublicKey)
	for _, k := range keys {
		if (keyID == "" || k.ID == keyID) && k.PublicKeyPem != "" {
			return k.PublicKeyPem
		}
	}
	return ""
}

// IsActorType reports whether t is an actor type agora stores as an account.
func IsActorType(t Type) bool {
	switch t {
	case "Person", "Service", "Application", "Group", "Organization":
		return true
	}
	return false
}

// IncomingRule is one sub-policy of a received interactionPolicy, in
// GoToSocial's current (automaticApproval, manualApproval) and older
// (always, approvalRequired) terms.
type IncomingRule struct {
	AutomaticApproval Refs `json:"automaticApproval"`
	ManualApproval    Refs `json:"manualApproval"`
	Always            Refs `json:"always"`
	ApprovalRequired  Refs `json:"approvalRequired"`
}

// Automatic is who may interact without approval, in either terms.
func (r *IncomingRule) Automatic() []string {
	return append(append([]string{}, r.AutomaticApproval...), r.Always...)
}

// Manual is who may interact with the author's approval, in either terms.
func (r *IncomingRule) Manual() []string {
	return append(append([]string{}, r.ManualApproval...), r.ApprovalRequired...)
}

// IncomingPolicy is a received interactionPolicy; a nil rule was absent.
type IncomingPolicy struct {
	CanLike     *IncomingRule `json:"canLike"`
	CanReply    *IncomingRule `json:"canReply"`
	CanAnnounce *IncomingRule `json:"canAnnounce"`
}

// Policy returns the object's interactionPolicy, nil when it has none or
// it is malformed.
func (in *Incoming) Policy() *IncomingPolicy {
	if len(in.RawPolicy) == 0 || in.RawPolicy[0] != '{' {
		return nil
	}
	var p IncomingPolicy
	if err := json.Unmarshal(in.RawPolicy, &p); err != nil {
		return nil
	}
	return &p
}
