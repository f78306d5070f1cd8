package activitypub

import (
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// The outgoing activities, in the shapes Mastodon sends (its
// ActivityPub serializers), with ids that stay stable for one local row:
// actorURI#follows/ID, #likes/ID, #blocks/ID, #votes/ID, a status's
// .../statuses/ID/activity, and "/undo" after the undone activity's id.

// Context is the plain ActivityStreams @context of activities that carry
// no extension terms.
const Context = "https://www.w3.org/ns/activitystreams"

// Act is an activity aimed at one object or account (Follow, Accept,
// Reject, Undo, Like, Block, Add, Remove, Delete, Update of an actor).
// Unlike Activity, its addressing is optional, as in Mastodon's.
type Act struct {
	Context   any      `json:"@context,omitempty"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Published string   `json:"published,omitempty"`
	To        []string `json:"to,omitempty"`
	Cc        []string `json:"cc,omitempty"`
	Object    any      `json:"object"`
	Target    string   `json:"target,omitempty"`
}

// Tombstone is what a deleted object leaves.
type Tombstone struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	AtomURI string `json:"atomUri,omitempty"`
}

// QuestionOption is one answer of a Question, with its tally.
type QuestionOption struct {
	Type    string          `json:"type"`
	Name    string          `json:"name"`
	Replies QuestionReplies `json:"replies"`
}

// QuestionReplies is the tally of one option.
type QuestionReplies struct {
	Type       string `json:"type"`
	TotalItems int64  `json:"totalItems"`
}

// NotePoll is what rendering a Question needs of a poll.
type NotePoll struct {
	Options     []string
	Votes       []int64 // per option; missing counts are 0
	Multiple    bool
	ExpiresAt   time.Time
	VotersCount int64
	Now         time.Time // to tell an ended poll ("closed")
}

// NoteMention is one account a status mentions.
type NoteMention struct {
	URI  string // the actor id
	Acct string // user@domain
}

// NoteOptions are what rendering a status needs beyond the status.
type NoteOptions struct {
	BaseURL   string        // this server's URL, for hashtag links
	InReplyTo string        // the parent's URI
	Mentions  []NoteMention // addressed and tagged
	Tags      []string      // hashtags, without '#'
	Poll      *NotePoll     // makes the Note a Question
	Media     []Document    // attachments, in order
	Emojis    []Emoji       // custom emoji its text uses
}

// Document is a media attachment as Mastodon federates it.
type Document struct {
	Type       string     `json:"type"` // Document
	MediaType  string     `json:"mediaType"`
	URL        string     `json:"url"`
	Name       *string    `json:"name"` // the alt text
	Blurhash   string     `json:"blurhash,omitempty"`
	Width      int        `json:"width,omitempty"`
	Height     int        `json:"height,omitempty"`
	FocalPoint [2]float64 `json:"focalPoint"`
}

// NewStatusNote renders a local status as Mastodon publishes it: a Note
// (a Question with a poll) with its mentions in tag and in the addressing
// (to for a direct status, cc otherwise), its hashtags, its poll and its
// media attachments.
func NewStatusNote(actorURI, followersURI string, st *domain.Status, o NoteOptions) *Note {
	n := NewNote(actorURI, followersURI, st, o.InReplyTo)
	for _, d := range o.Media {
		n.Attachment = append(n.Attachment, d)
	}
	for _, m := range o.Mentions {
		n.Tag = append(n.Tag, map[string]string{"type": "Mention", "href": m.URI, "name": "@" + m.Acct})
		if st.Visibility == domain.Direct {
			n.To = append(n.To, m.URI)
		} else {
			n.Cc = append(n.Cc, m.URI)
		}
	}
	for _, e := range o.Emojis {
		n.Tag = append(n.Tag, e)
	}
	for _, t := range o.Tags {
		n.Tag = append(n.Tag, map[string]string{"type": "Hashtag", "href": o.BaseURL + "/tags/" + strings.ToLower(t), "name": "#" + t})
	}
	if p := o.Poll; p != nil {
		n.Type = "Question"
		opts := make([]QuestionOption, len(p.Options))
		for i, name := range p.Options {
			var votes int64
			if i < len(p.Votes) {
				votes = p.Votes[i]
			}
			opts[i] = QuestionOption{Type: "Note", Name: name, Replies: QuestionReplies{Type: "Collection", TotalItems: votes}}
		}
		if p.Multiple {
			n.AnyOf = opts
		} else {
			n.OneOf = opts
		}
		n.EndTime = Time(p.ExpiresAt)
		if !p.Now.IsZero() && !p.ExpiresAt.After(p.Now) {
			n.Closed = Time(p.ExpiresAt)
		}
		voters := p.VotersCount
		n.VotersCount = &voters
	}
	return n
}

// NewUpdate is the Update of an edited status; its id names the edit.
func NewUpdate(actorURI string, n *Note, at time.Time) *Activity {
	return &Activity{Context: NoteContext, ID: n.ID + "#updates/" + strconv.FormatInt(at.Unix(), 10), Type: "Update",
		Actor: actorURI, Published: Time(at), To: n.To, Cc: n.Cc, Object: n}
}

// NewDelete is the Delete of a status, leaving a Tombstone. Mastodon
// addresses it to Public whatever the status's visibility; its recipients
// are chosen by delivery.
func NewDelete(actorURI, statusURI string) *Act {
	return &Act{Context: NoteContext, ID: statusURI + "#delete", Type: "Delete", Actor: actorURI,
		To: []string{Public}, Object: Tombstone{ID: statusURI, Type: "Tombstone", AtomURI: statusURI}}
}

// NewDeleteActor is the Delete of a local actor (its account suspended),
// to Public as Mastodon sends it; at makes each one's id distinct, so that a
// second suspension is not taken for a duplicate.
func NewDeleteActor(actorURI string, at time.Time) *Act {
	return &Act{Context: Context, ID: actorURI + "#delete/" + strconv.FormatInt(at.UnixMilli(), 10), Type: "Delete",
		Actor: actorURI, To: []string{Public}, Object: actorURI}
}

// NewFollow is the Follow activity with the given id.
func NewFollow(id, actorURI, objectURI string) *Act {
	return &Act{Context: Context, ID: id, Type: "Follow", Actor: actorURI, Object: objectURI}
}

// followObject is a Follow embedded in an Accept, Reject or Undo, with the
// fields Mastodon matches it by.
func followObject(id, follower, followee string) *Act {
	return &Act{ID: id, Type: "Follow", Actor: follower, Object: followee}
}

// NewAccept accepts follower's Follow (followID) of actorURI; rowID is the
// follow's, for a stable id.
func NewAccept(actorURI, follower, followID string, rowID domain.ID) *Act {
	return &Act{Context: Context, ID: actorURI + "#accepts/follows/" + rowID.String(), Type: "Accept", Actor: actorURI,
		Object: followObject(followID, follower, actorURI)}
}

// NewReject refuses (or ends) follower's Follow of actorURI.
func NewReject(actorURI, follower, followID string, rowID domain.ID) *Act {
	return &Act{Context: Context, ID: actorURI + "#rejects/follows/" + rowID.String(), Type: "Reject", Actor: actorURI,
		Object: followObject(followID, follower, actorURI)}
}

// NewUndo undoes inner, an activity of actorURI.
func NewUndo(actorURI string, inner *Act) *Act {
	inner.Context = nil
	return &Act{Context: Context, ID: inner.ID + "/undo", Type: "Undo", Actor: actorURI, To: inner.To, Cc: inner.Cc, Object: inner}
}

// NewUndoFollow undoes actorURI's Follow (followID) of objectURI.
func NewUndoFollow(actorURI, objectURI, followID string) *Act {
	return NewUndo(actorURI, followObject(followID, actorURI, objectURI))
}

// LikeID is the id of a local favourite's Like.
func LikeID(actorURI string, rowID domain.ID) string { return actorURI + "#likes/" + rowID.String() }

// NewLike is a favourite of statusURI.
func NewLike(actorURI, statusURI string, rowID domain.ID) *Act {
	return &Act{Context: Context, ID: LikeID(actorURI, rowID), Type: "Like", Actor: actorURI, Object: statusURI}
}

// NewBlock is a block of objectURI.
func NewBlock(actorURI, objectURI string, rowID domain.ID) *Act {
	return &Act{Context: Context, ID: actorURI + "#blocks/" + rowID.String(), Type: "Block", Actor: actorURI, Object: objectURI}
}

// NewUndoAnnounce undoes a boost: the Announce (id announceID) of
// objectURI, addressed as the boost was.
func NewUndoAnnounce(actorURI, followersURI, announceID, objectURI string) *Act {
	to, cc := []string{Public}, []string{followersURI}
	inner := &Act{ID: announceID, Type: "Announce", Actor: actorURI, To: to, Cc: cc, Object: objectURI}
	u := NewUndo(actorURI, inner)
	u.ID = strings.TrimSuffix(announceID, "/activity") + "#undo"
	return u
}

// NewFeatured is the Add (or Remove, add false) of statusURI to the
// actor's featured collection; at makes each pin's id distinct.
func NewFeatured(actorURI, statusURI string, add bool, at time.Time) *Act {
	typ := "Remove"
	if add {
		typ = "Add"
	}
	return &Act{Context: Context, ID: actorURI + "#featured/" + strings.ToLower(typ) + "/" + strconv.FormatInt(at.UnixMilli(), 10),
		Type: typ, Actor: actorURI, Object: statusURI, Target: actorURI + "/collections/featured"}
}

// NewMove is the Move of a local actor to targetURI (account migration),
// as Mastodon sends it: the object is the actor itself, the target the
// account that must list the actor in its alsoKnownAs.
func NewMove(actorURI, targetURI string, at time.Time) *Act {
	return &Act{Context: Context, ID: actorURI + "#moves/" + strconv.FormatInt(at.UnixMilli(), 10), Type: "Move",
		Actor: actorURI, Object: actorURI, Target: targetURI}
}

// NewUpdateActor is the Update of a local actor's profile, to Public.
func NewUpdateActor(actor *Actor, at time.Time) *Act {
	obj := *actor
	obj.Context = nil
	return &Act{Context: ActorContext, ID: actor.ID + "#updates/" + strconv.FormatInt(at.UnixMilli(), 10), Type: "Update",
		Actor: actor.ID, To: []string{Public}, Object: &obj}
}

// Vote is a local account's answer to a remote poll: a Note with the
// option's name, in reply to the Question, addressed to its author only.
type Vote struct {
	ID           string   `json:"id"`
	Type         string   `json:"type"`
	Name         string   `json:"name"`
	AttributedTo string   `json:"attributedTo"`
	To           []string `json:"to"`
	InReplyTo    string   `json:"inReplyTo"`
}

// NewVote is the Create of one vote (rowID the vote's row) for option
// name of the Question questionURI by pollAuthor.
func NewVote(actorURI, questionURI, pollAuthor, name string, rowID domain.ID) *Act {
	id := actorURI + "#votes/" + rowID.String()
	return &Act{Context: Context, ID: id + "/activity", Type: "Create", Actor: actorURI, To: []string{pollAuthor},
		Object: &Vote{ID: id, Type: "Note", Name: name, AttributedTo: actorURI, To: []string{pollAuthor}, InReplyTo: questionURI}}
}

// GoToSocialContext is the @context term document of interactionPolicy.
const GoToSocialContext = "https://gotosocial.org/ns"

// PolicyNoteContext is NoteContext with GoToSocial's terms, for notes
// carrying an interactionPolicy, and the quote terms (FEP-044f, and the
// older quoteUri and _misskey_quote Mastodon also reads).
func PolicyNoteContext() []any {
	return append(append([]any{GoToSocialContext}, NoteContext...), QuoteTerms)
}

// QuoteTerms are the JSON-LD terms of quote posts, as Mastodon defines them.
var QuoteTerms = map[string]any{
	"quote":              map[string]string{"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
	"quoteUri":           "http://fedibird.com/ns#quoteUri",
	"_misskey_quote":     "https://misskey-hub.net/ns#_misskey_quote",
	"quoteAuthorization": map[string]string{"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
	"canQuote":           map[string]string{"@id": "gts:canQuote", "@type": "@id"},
	"gts":                "https://gotosocial.org/ns#",
}

// QuoteAuthorizationContext is the @context of a QuoteAuthorization.
var QuoteAuthorizationContext = []any{
	"https://www.w3.org/ns/activitystreams",
	map[string]any{
		"QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
		"gts":                "https://gotosocial.org/ns#",
		"interactingObject":  map[string]string{"@id": "gts:interactingObject", "@type": "@id"},
		"interactionTarget":  map[string]string{"@id": "gts:interactionTarget", "@type": "@id"},
	},
}

// QuoteAnswer is the Accept (with the QuoteAuthorization as its result)
// or Reject of a QuoteRequest (FEP-044f).
type QuoteAnswer struct {
	Context any      `json:"@context,omitempty"`
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Actor   string   `json:"actor"`
	To      []string `json:"to"`
	Object  string   `json:"object"`
	Result  string   `json:"result,omitempty"`
}

// NewQuoteAnswer answers requester's QuoteRequest requestID: accepted
// with authorization as its result, or rejected (authorization "").
func NewQuoteAnswer(actorURI, requester, requestID, authorization string, quoting domain.ID) *QuoteAnswer {
	a := &QuoteAnswer{Context: []any{"https://www.w3.org/ns/activitystreams",
		map[string]any{"QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest"}},
		ID: actorURI + "#rejects/quotes/" + quoting.String(), Type: "Reject", Actor: actorURI, To: []string{requester}, Object: requestID}
	if authorization != "" {
		a.ID, a.Type, a.Result = actorURI+"#accepts/quotes/"+quoting.String(), "Accept", authorization
	}
	return a
}

// NewDeleteQuoteAuthorization withdraws a QuoteAuthorization (the quoted
// author detached their post), sent to the quoting post's author.
func NewDeleteQuoteAuthorization(actorURI, quotingAuthor, authorization string) *Act {
	return &Act{Context: QuoteAuthorizationContext, ID: authorization + "#delete", Type: "Delete", Actor: actorURI,
		To: []string{quotingAuthor}, Object: authorization}
}

// QuoteAuthorization is FEP-044f's proof that the author of
// InteractionTarget lets InteractingObject quote it.
type QuoteAuthorization struct {
	Context           any    `json:"@context,omitempty"`
	ID                string `json:"id"`
	Type              string `json:"type"`
	AttributedTo      string `json:"attributedTo"`
	InteractingObject string `json:"interactingObject"`
	InteractionTarget string `json:"interactionTarget"`
}

// PolicyRule is one sub-policy of an interactionPolicy: actor and
// collection URIs (or Public) allowed without and with the author's
// approval. Always and ApprovalRequired repeat them in GoToSocial's older
// terms, which servers before GoToSocial 0.20 read.
type PolicyRule struct {
	AutomaticApproval []string `json:"automaticApproval"`
	ManualApproval    []string `json:"manualApproval"`
	Always            []string `json:"always"`
	ApprovalRequired  []string `json:"approvalRequired"`
}

// NewPolicyRule is a rule with its lists in both terms.
func NewPolicyRule(automatic, manual []string) PolicyRule {
	if automatic == nil {
		automatic = []string{}
	}
	if manual == nil {
		manual = []string{}
	}
	return PolicyRule{AutomaticApproval: automatic, ManualApproval: manual, Always: automatic, ApprovalRequired: manual}
}

// InteractionPolicy is GoToSocial's interactionPolicy of a post.
type InteractionPolicy struct {
	CanLike     PolicyRule `json:"canLike"`
	CanReply    PolicyRule `json:"canReply"`
	CanAnnounce PolicyRule `json:"canAnnounce"`
	// CanQuote is Mastodon's quote policy in GoToSocial's shape.
	CanQuote *PolicyRule `json:"canQuote,omitempty"`
}

// PolicyNote is a Note with its interactionPolicy.
type PolicyNote struct {
	*Note
	InteractionPolicy *InteractionPolicy `json:"interactionPolicy,omitempty"`
	// Quote is the post this one quotes (FEP-044f), repeated in the
	// older terms; QuoteAuthorization the quoted author's consent.
	Quote              string `json:"quote,omitempty"`
	QuoteURI           string `json:"quoteUri,omitempty"`
	MisskeyQuote       string `json:"_misskey_quote,omitempty"`
	QuoteAuthorization string `json:"quoteAuthorization,omitempty"`
}

// PolicyURIs maps an interaction policy's API values to the URIs
// GoToSocial federates: public is Public, followers and following the
// author's collections, author the author, mentioned the mentioned
// actors; other values (actor URIs) stay as they are.
func PolicyURIs(values []string, actor, followers, following string, mentioned []string) []string {
	out := []string{}
	add := func(u string) {
		for _, x := range out {
			if x == u {
				return
			}
		}
		out = append(out, u)
	}
	for _, v := range values {
		switch v {
		case "public":
			add(Public)
		case "followers":
			add(followers)
		case "following":
			add(following)
		case "author", "me":
			add(actor)
		case "mentioned":
			for _, m := range mentioned {
				add(m)
			}
		default:
			if strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") {
				add(v)
			}
		}
	}
	return out
}

// Flag is a report sent to the reported account's server: object lists
// the account first, then the reported posts; content is the comment.
type Flag struct {
	Context any      `json:"@context"`
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Actor   string   `json:"actor"`
	Object  []string `json:"object"`
	Content string   `json:"content"`
}

// NewFlag is a forwarded report.
func NewFlag(id, actorURI string, objects []string, content string) *Flag {
	return &Flag{Context: Context, ID: id, Type: "Flag", Actor: actorURI, Object: objects, Content: content}
}
