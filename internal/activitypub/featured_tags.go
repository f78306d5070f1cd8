package activitypub

import (
	"strconv"
	"strings"
	"time"
)

// NewFeaturedTag is the Add (or Remove, add false) of the hashtag name (as
// written, without "#") to the actor's featuredTags collection, as
// Mastodon sends it; at makes each one's id distinct.
func NewFeaturedTag(baseURL, actorURI, name string, add bool, at time.Time) *Act {
	typ := "Remove"
	if add {
		typ = "Add"
	}
	return &Act{Context: NoteContext, ID: actorURI + "#featured_tags/" + strings.ToLower(typ) + "/" + strconv.FormatInt(at.UnixMilli(), 10),
		Type: typ, Actor: actorURI, Object: map[string]string{"type": "Hashtag", "href": baseURL + "/tags/" + strings.ToLower(name), "name": "#" + name},
		Target: actorURI + "/collections/tags"}
}
