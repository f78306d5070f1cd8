package activitypub

import (
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// OrderedCollection is a collection with its size and links to its pages;
// OrderedItems is set only when the items are inlined.
type OrderedCollection struct {
	Context      any    `json:"@context,omitempty"`
	ID           string `json:"id"`
	Type         string `json:"type"`
	TotalItems   int64  `json:"totalItems"`
	First        string `json:"first,omitempty"`
	Last         string `json:"last,omitempty"`
	OrderedItems []any  `json:"orderedItems,omitempty"`
}

// OrderedCollectionPage is one page of a collection.
type OrderedCollectionPage struct {
	Context      any    `json:"@context,omitempty"`
	ID           string `json:"id"`
	Type         string `json:"type"`
	TotalItems   *int64 `json:"totalItems,omitempty"`
	Next         string `json:"next,omitempty"`
	Prev         string `json:"prev,omitempty"`
	PartOf       string `json:"partOf"`
	OrderedItems []any  `json:"orderedItems"`
}

// Note is a post.
type Note struct {
	Context      any               `json:"@context,omitempty"`
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Summary      *string           `json:"summary"`
	InReplyTo    *string           `json:"inReplyTo"`
	Published    string            `json:"published"`
	Updated      string            `json:"updated,omitempty"`
	URL          string            `json:"url"`
	AttributedTo string            `json:"attributedTo"`
	To           []string          `json:"to"`
	Cc           []string          `json:"cc"`
	Sensitive    bool              `json:"sensitive"`
	Content      string            `json:"content"`
	ContentMap   map[string]string `json:"contentMap,omitempty"`
	Attachment   []any             `json:"attachment"`
	Tag          []any             `json:"tag"`
	// A Question (poll) has its options in oneOf or anyOf.
	OneOf       []QuestionOption `json:"oneOf,omitempty"`
	AnyOf       []QuestionOption `json:"anyOf,omitempty"`
	EndTime     string           `json:"endTime,omitempty"`
	Closed      string           `json:"closed,omitempty"`
	VotersCount *int64           `json:"votersCount,omitempty"`
}

// Activity wraps an object (Create, Announce, ...).
type Activity struct {
	Context   any      `json:"@context,omitempty"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Published string   `json:"published,omitempty"`
	To        []string `json:"to"`
	Cc        []string `json:"cc"`
	Object    any      `json:"object"`
}

// StatusURI is the id of a local status: the stored URI, or the form
// Mastodon uses when none is stored.
func StatusURI(actorURI string, st *domain.Status) string {
	if st.URI != "" {
		return st.URI
	}
	return actorURI + "/statuses/" + st.ID.String()
}

// Audience maps a visibility to to/cc the way Mastodon does: public is to
// Public and cc followers, unlisted the reverse, private to followers only.
// Mentioned actors are added by the caller (to for direct, cc otherwise).
func Audience(v domain.Visibility, followersURI string) (to, cc []string) {
	switch v {
	case domain.Public:
		return []string{Public}, []string{followersURI}
	case domain.Unlisted:
		return []string{followersURI}, []string{Public}
	case domain.Private:
		return []string{followersURI}, []string{}
	}
	return []string{}, []string{}
}

// NewNote renders a local status as a Note. inReplyTo is the parent's URI
// ("" when not a reply).
func NewNote(actorURI, followersURI string, st *domain.Status, inReplyTo string) *Note {
	to, cc := Audience(st.Visibility, followersURI)
	n := &Note{
		ID:           StatusURI(actorURI, st),
		Type:         "Note",
		Published:    Time(st.CreatedAt),
		URL:          st.URL,
		AttributedTo: actorURI,
		To:           to,
		Cc:           cc,
		Sensitive:    st.Sensitive,
		Content:      st.Content,
		Attachment:   []any{},
		Tag:          []any{},
	}
	if n.URL == "" {
		n.URL = n.ID
	}
	if st.SpoilerText != "" {
		s := st.SpoilerText
		n.Summary = &s
	}
	if inReplyTo != "" {
		n.InReplyTo = &inReplyTo
	}
	if st.EditedAt != nil {
		n.Updated = Time(*st.EditedAt)
	}
	if st.Language != "" {
		n.ContentMap = map[string]string{st.Language: st.Content}
	}
	return n
}

// NewCreate wraps a note in the Create activity that published it.
func NewCreate(actorURI string, n *Note) *Activity {
	return &Activity{ID: n.ID + "/activity", Type: "Create", Actor: actorURI, Published: n.Published, To: n.To, Cc: n.Cc, Object: n}
}

// NewAnnounce is the activity of a boost of objectURI. A boost's stored
// URI is already its Announce's id (".../statuses/ID/activity", as
// Mastodon's).
func NewAnnounce(actorURI, followersURI string, boost *domain.Status, objectURI string) *Activity {
	to, cc := Audience(boost.Visibility, followersURI)
	id := boost.URI
	if id == "" {
		id = actorURI + "/statuses/" + boost.ID.String()
	}
	if !strings.HasSuffix(id, "/activity") {
		id += "/activity"
	}
	return &Activity{ID: id, Type: "Announce", Actor: actorURI,
		Published: Time(boost.CreatedAt), To: to, Cc: cc, Object: objectURI}
}

// PageURL adds query parameters to a collection URL.
func PageURL(base string, kv ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for i := 0; i+1 < len(kv); i += 2 {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(kv[i] + "=" + kv[i+1])
	}
	return b.String()
}

// Emoji is a custom emoji as Mastodon federates it: a tag of notes and
// actors whose text has ":name:", and the document served at its id.
type Emoji struct {
	Context any       `json:"@context,omitempty"`
	ID      string    `json:"id"`
	Type    string    `json:"type"` // Emoji
	Name    string    `json:"name"` // ":shortcode:"
	Updated string    `json:"updated"`
	Icon    EmojiIcon `json:"icon"`
}

// EmojiIcon is an emoji's image.
type EmojiIcon struct {
	Type      string `json:"type"` // Image
	MediaType string `json:"mediaType"`
	URL       string `json:"url"`
}

// EmojiContext is the @context of an Emoji served on its own.
var EmojiContext = []any{
	"https://www.w3.org/ns/activitystreams",
	map[string]any{"toot": "http://joinmastodon.org/ns#", "Emoji": "toot:Emoji"},
}

// NewEmoji renders a custom emoji.
func NewEmoji(id, shortcode, mediaType, url string, updated time.Time) Emoji {
	return Emoji{ID: id, Type: "Emoji", Name: ":" + shortcode + ":", Updated: Time(updated),
		Icon: EmojiIcon{Type: "Image", MediaType: mediaType, URL: url}}
}
