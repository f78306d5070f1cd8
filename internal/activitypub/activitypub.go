// Package activitypub holds agora's ActivityStreams types and their
// conversion from agora's domain types, in the shape Mastodon publishes, so
// that Mastodon, GoToSocial and the rest read them as they read Mastodon's.
package activitypub

import (
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Media types of ActivityPub documents.
const (
	ContentType   = "application/activity+json"
	LDContentType = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	Public        = "https://www.w3.org/ns/activitystreams#Public"
)

// ActorContext is the @context of actors: ActivityStreams, the security
// vocabulary (publicKey) and the extensions Mastodon uses.
var ActorContext = []any{
	"https://www.w3.org/ns/activitystreams",
	"https://w3id.org/security/v1",
	map[string]any{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"toot":                      "http://joinmastodon.org/ns#",
		"Emoji":                     "toot:Emoji",
		"featured":                  map[string]string{"@id": "toot:featured", "@type": "@id"},
		"featuredTags":              map[string]string{"@id": "toot:featuredTags", "@type": "@id"},
		"alsoKnownAs":               map[string]string{"@id": "as:alsoKnownAs", "@type": "@id"},
		"movedTo":                   map[string]string{"@id": "as:movedTo", "@type": "@id"},
		"schema":                    "http://schema.org#",
		"PropertyValue":             "schema:PropertyValue",
		"value":                     "schema:value",
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"suspended":                 "toot:suspended",
		"memorial":                  "toot:memorial",
		"Hashtag":                   "as:Hashtag",
		"sensitive":                 "as:sensitive",
		"focalPoint":                map[string]string{"@container": "@list", "@id": "toot:focalPoint"},
		"attributionDomains":        map[string]string{"@id": "toot:attributionDomains", "@type": "@id"},
	},
}

// NoteContext is the @context of notes and the activities that carry them.
var NoteContext = []any{
	"https://www.w3.org/ns/activitystreams",
	map[string]any{
		"ostatus":          "http://ostatus.org#",
		"atomUri":          "ostatus:atomUri",
		"inReplyToAtomUri": "ostatus:inReplyToAtomUri",
		"conversation":     "ostatus:conversation",
		"sensitive":        "as:sensitive",
		"toot":             "http://joinmastodon.org/ns#",
		"votersCount":      "toot:votersCount",
		"Emoji":            "toot:Emoji",
		"blurhash":         "toot:blurhash",
		"focalPoint":       map[string]any{"@container": "@list", "@id": "toot:focalPoint"},
		"Hashtag":          "as:Hashtag",
	},
}

// Time renders a time as ActivityPub documents carry it.
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// PublicKey is an actor's key as the security vocabulary describes it.
type PublicKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// Image is an icon or header.
type Image struct {
	Type      string `json:"type"`
	MediaType string `json:"mediaType,omitempty"`
	URL       string `json:"url"`
}

// PropertyValue is a profile field.
type PropertyValue struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Endpoints of an actor.
type Endpoints struct {
	SharedInbox string `json:"sharedInbox,omitempty"`
}

// Actor is a Person, Service or Application.
type Actor struct {
	Context                   any      `json:"@context,omitempty"`
	ID                        string   `json:"id"`
	Type                      string   `json:"type"`
	Following                 string   `json:"following,omitempty"`
	Followers                 string   `json:"followers,omitempty"`
	Inbox                     string   `json:"inbox"`
	Outbox                    string   `json:"outbox"`
	Featured                  string   `json:"featured,omitempty"`
	FeaturedTags              string   `json:"featuredTags,omitempty"`
	PreferredUsername         string   `json:"preferredUsername"`
	Name                      string   `json:"name"`
	Summary                   string   `json:"summary"`
	URL                       string   `json:"url"`
	ManuallyApprovesFollowers bool     `json:"manuallyApprovesFollowers"`
	Discoverable              bool     `json:"discoverable"`
	Indexable                 bool     `json:"indexable"`
	Published                 string   `json:"published"`
	Memorial                  bool     `json:"memorial"`
	Suspended                 bool     `json:"suspended,omitempty"`
	MovedTo                   string   `json:"movedTo,omitempty"`
	AlsoKnownAs               []string `json:"alsoKnownAs,omitempty"`
	// AttributionDomains are the sites whose pages may credit the actor
	// as their author (Mastodon 4.3's fediverse:creator).
	AttributionDomains []string        `json:"attributionDomains,omitempty"`
	PublicKey          PublicKey       `json:"publicKey"`
	Tag                []any           `json:"tag"`
	Attachment         []PropertyValue `json:"attachment"`
	Endpoints          Endpoints       `json:"endpoints"`
	Icon               *Image          `json:"icon,omitempty"`
	Image              *Image          `json:"image,omitempty"`
}

// ActorOptions are what rendering an actor needs beyond the account.
type ActorOptions struct {
	BaseURL    string // the server's public URL
	PublicKey  string // PEM
	AvatarURL  string // the placeholder when the account has none
	HeaderURL  string
	MovedToURI string
	// AlsoKnownAs are the account's aliases (account migration).
	AlsoKnownAs []string
	// AttributionDomains are the account's attribution domains.
	AttributionDomains []string
}

// ActorURI is the id of the local actor named username.
func ActorURI(baseURL, username string) string { return baseURL + "/users/" + username }

// KeyID is the id of an actor's main key.
func KeyID(actorURI string) string { return actorURI + "#main-key" }

// NewActor renders a local account as its actor document.
func NewActor(a *domain.Account, o ActorOptions) *Actor {
	id := a.URI
	if id == "" {
		id = ActorURI(o.BaseURL, a.Username)
	}
	url := a.URL
	if url == "" {
		url = o.BaseURL + "/@" + a.Username
	}
	typ := "Person"
	if a.Bot {
		typ = "Service"
	}
	act := &Actor{
		Context:                   ActorContext,
		ID:                        id,
		Type:                      typ,
		Following:                 id + "/following",
		Followers:                 id + "/followers",
		Inbox:                     id + "/inbox",
		Outbox:                    id + "/outbox",
		Featured:                  id + "/collections/featured",
		FeaturedTags:              id + "/collections/tags",
		PreferredUsername:         a.Username,
		Name:                      a.DisplayName,
		Summary:                   a.Note,
		URL:                       url,
		ManuallyApprovesFollowers: a.Locked,
		Discoverable:              a.Discoverable,
		Indexable:                 a.Indexable,
		Published:                 Time(a.CreatedAt.Truncate(24 * time.Hour)),
		MovedTo:                   o.MovedToURI,
		AlsoKnownAs:               o.AlsoKnownAs,
		AttributionDomains:        o.AttributionDomains,
		PublicKey:                 PublicKey{ID: KeyID(id), Owner: id, PublicKeyPem: o.PublicKey},
		Tag:                       []any{},
		Attachment:                make([]PropertyValue, 0, len(a.Fields)),
		Endpoints:                 Endpoints{SharedInbox: o.BaseURL + "/inbox"},
		Icon:                      image(a.AvatarURL, o.AvatarURL),
		Image:                     image(a.HeaderURL, o.HeaderURL),
	}
	if a.InboxURL != "" {
		act.Inbox = a.InboxURL
	}
	if a.FollowersURL != "" {
		act.Followers = a.FollowersURL
	}
	for _, f := range a.Fields {
		act.Attachment = append(act.Attachment, PropertyValue{Type: "PropertyValue", Name: f.Name, Value: f.Value})
	}
	return act
}

func image(url, fallback string) *Image {
	if url == "" {
		url = fallback
	}
	if url == "" {
		return nil
	}
	img := &Image{Type: "Image", URL: url}
	switch {
	case strings.HasSuffix(url, ".png"):
		img.MediaType = "image/png"
	case strings.HasSuffix(url, ".jpg"), strings.HasSuffix(url, ".jpeg"):
		img.MediaType = "image/jpeg"
	case strings.HasSuffix(url, ".webp"):
		img.MediaType = "image/webp"
	case strings.HasSuffix(url, ".gif"):
		img.MediaType = "image/gif"
	}
	return img
}

// SuspendedActor is what Mastodon shows of a suspended account: the
// identifiers and key, no profile.
func SuspendedActor(a *Actor) *Actor {
	out := *a
	out.Name, out.Summary = "", ""
	out.Attachment, out.Tag = []PropertyValue{}, []any{}
	out.Icon, out.Image = nil, nil
	out.AttributionDomains = nil
	out.Suspended = true
	return &out
}

// InstanceActor renders the server's own actor, which signs fetches.
func InstanceActor(baseURL, domainName, publicKey string) *Actor {
	id := baseURL + "/actor"
	return &Actor{
		Context:                   ActorContext,
		ID:                        id,
		Type:                      "Application",
		Inbox:                     id + "/inbox",
		Outbox:                    id + "/outbox",
		PreferredUsername:         domainName,
		URL:                       baseURL + "/",
		ManuallyApprovesFollowers: true,
		Published:                 Time(time.Unix(0, 0)),
		PublicKey:                 PublicKey{ID: KeyID(id), Owner: id, PublicKeyPem: publicKey},
		Tag:                       []any{},
		Attachment:                []PropertyValue{},
		Endpoints:                 Endpoints{SharedInbox: baseURL + "/inbox"},
	}
}
