package federation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/ldsig"
	"github.com/agora-social/agora/internal/store"
)

// Relays (docs/federation.md, "Relays"). The server subscribes to a relay
// with a Follow of the public collection from the instance actor; once the
// relay accepts, public posts (Create, Update, Delete, Announce) also go to
// its inbox, with a Linked Data signature by their author so that the
// relay can forward them. A relay forwards what it receives either as the
// original activity, HTTP-signed by the relay (Mastodon's relays), which
// is accepted when its Linked Data signature by its actor verifies, or as
// an Announce by the relay (LitePub relays), whose object is fetched from
// its origin.

// errNotRelayed refuses an activity signed by someone other than its actor.
var errNotRelayed = errors.New("signed request actor does not match the activity's actor")

// relayableTypes are the activities that go to relays.
var relayableTypes = []string{"Create", "Update", "Delete", "Announce"}

// FederateRelay implements store.RelayFederator: it enqueues, in tx, the
// delivery of the instance actor's Follow of the public collection to the
// relay's inbox (follow), or of the Undo of that Follow.
func (h *Handler) FederateRelay(ctx context.Context, tx *sql.Tx, r *store.Relay, follow bool) error {
	h.init()
	args, err := RelayDelivery(h.Cfg.URL, r, follow)
	if err != nil {
		return err
	}
	return h.Jobs.InsertTx(ctx, tx, args, &river.InsertOpts{MaxAttempts: DeliveryMaxAttempts})
}

// RelayDelivery is the delivery, signed by the instance actor of the
// server at baseURL, of its Follow of the public collection to relay r
// (follow; the Follow's id is r.FollowActivityID), or of the Undo of it.
func RelayDelivery(baseURL string, r *store.Relay, follow bool) (DeliverArgs, error) {
	actor := baseURL + "/actor"
	f := map[string]any{"@context": activitypub.Context, "id": r.FollowActivityID, "type": "Follow",
		"actor": actor, "object": activitypub.Public}
	var act any = f
	if !follow {
		delete(f, "@context")
		act = map[string]any{"@context": activitypub.Context, "id": r.FollowActivityID + "/undo", "type": "Undo",
			"actor": actor, "object": f}
	}
	body, err := json.Marshal(act)
	if err != nil {
		return DeliverArgs{}, err
	}
	return DeliverArgs{Inbox: r.InboxURL, ActorID: InstanceActor, Body: string(body)}, nil
}

// withRelays adds the accepted relays' inboxes to the audience of a public
// activity about a public post, each activity then carrying its author's
// Linked Data signature (the relay forwards it as it is). Anything else is
// left as it was.
func (h *Handler) withRelays(ctx context.Context, actor *domain.Account, o store.Outgoing, acts []any, inboxes []string) ([]any, []string, error) {
	if len(acts) == 0 || !slices.Contains(relayableTypes, o.Type) || o.Object == "Person" || o.Object == "Vote" ||
		o.Known || (o.StatusID == 0 && o.ObjectURI == "") || (o.Type == "Delete" && o.Visibility != domain.Public) {
		return acts, inboxes, nil
	}
	relays, err := h.Store.AcceptedRelays(ctx)
	if err != nil || len(relays) == 0 {
		return acts, inboxes, err
	}
	bodies := make([][]byte, len(acts))
	for i, act := range acts {
		if bodies[i], err = json.Marshal(act); err != nil {
			return nil, nil, err
		}
		if !publicActivity(bodies[i]) {
			return acts, inboxes, nil
		}
	}
	keys, err := h.Store.AccountKeys(ctx, actor.ID, httpsig.GenerateKey)
	if err != nil {
		return nil, nil, err
	}
	key, err := httpsig.ParsePrivateKey(keys.Private)
	if err != nil {
		return nil, nil, err
	}
	signed := make([]any, len(acts))
	for i, b := range bodies {
		s, err := ldsig.Sign(completeContext(b), key, activitypub.KeyID(h.actorURI(actor)), h.Now())
		if err != nil {
			// Not signable (a context agora does not bundle): the relays
			// could not forward it; the others get it as before.
			h.Log.Warn("relays: cannot sign activity", "type", o.Type, "err", err)
			return acts, inboxes, nil
		}
		signed[i] = json.RawMessage(s)
	}
	out := slices.Clone(inboxes)
	for _, r := range relays {
		if !slices.Contains(out, r.InboxURL) {
			out = append(out, r.InboxURL)
		}
	}
	return signed, out, nil
}

// extensionTerms define the terms Mastodon uses that agora's notes may
// carry without defining them: a term its @context does not define is
// not covered by a Linked Data signature, and receivers refuse (agora) or
// drop (Mastodon) it.
var extensionTerms = map[string]any{
	"blurhash":   "http://joinmastodon.org/ns#blurhash",
	"focalPoint": map[string]any{"@container": "@list", "@id": "http://joinmastodon.org/ns#focalPoint"},
	"Emoji":      "http://joinmastodon.org/ns#Emoji",
}

// completeContext adds to an activity's @context the definitions of the
// extension terms it uses without defining them, so that its Linked Data
// signature covers them. The body is returned as it was when there is
// nothing to add (or it cannot be read).
func completeContext(body []byte) []byte {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	_, dropped, err := ldsig.CanonicalJSON(body)
	if err != nil {
		return body
	}
	add := map[string]any{}
	for _, path := range dropped {
		term := strings.TrimPrefix(path[strings.LastIndex(path, ".")+1:], "type:")
		if def, ok := extensionTerms[term]; ok {
			add[term] = def
		}
	}
	if len(add) == 0 {
		return body
	}
	var ctx []any
	switch c := doc["@context"].(type) {
	case []any:
		ctx = c
	case nil:
	default:
		ctx = []any{c}
	}
	doc["@context"] = append(ctx, add)
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}

// publicActivity reports whether an activity is addressed to the public
// (in "to": unlisted posts do not go to relays, as in Mastodon).
func publicActivity(body []byte) bool {
	act, err := activitypub.Parse(body)
	if err != nil || !slices.Contains(relayableTypes, string(act.Type)) {
		return false
	}
	return slices.ContainsFunc(act.To, isPublic)
}

// acceptRelayed decides on an activity whose HTTP signer (signer) is not
// its actor: it is accepted when it carries a Linked Data signature by a
// key of its actor (fetched through the key cache), covering all of its
// properties. Forwards are accepted from any signer, as Mastodon does: the
// signature, not the forwarder, vouches for the activity; whether a
// forwarded post is kept is decided when it is processed (relayRelevant).
func (h *Handler) acceptRelayed(ctx context.Context, signer, actor string, body []byte) error {
	h.init()
	doc, err := ldsig.Parse(body)
	if err != nil {
		return fmt.Errorf("%w: %w", errNotRelayed, err)
	}
	creator := doc.Signature.Creator
	if !sameHost(creator, actor) {
		return fmt.Errorf("%w: Linked Data signature by %s", errNotRelayed, creator)
	}
	for refresh := range 2 { // a rotated key is fetched again once
		k, err := h.keys.ResolveKey(ctx, creator, refresh == 1)
		if err != nil {
			return fmt.Errorf("%w: key %s: %w", errNotRelayed, creator, err)
		}
		if k.Owner != actor {
			return fmt.Errorf("%w: key %s belongs to %s", errNotRelayed, creator, k.Owner)
		}
		pub, err := httpsig.ParsePublicKey(k.PEM)
		if err != nil {
			return fmt.Errorf("%w: %w", errNotRelayed, err)
		}
		err = doc.Verify(pub)
		if errors.Is(err, ldsig.ErrBadSignature) && refresh == 0 {
			continue
		}
		if err != nil {
			return fmt.Errorf("%w: %w", errNotRelayed, err)
		}
		// Properties that no context defines are not signed: a forwarder
		// could have added them, so the activity is refused whole.
		if u := doc.Unsigned(); len(u) > 0 {
			return fmt.Errorf("%w: properties not covered by the signature: %v", errNotRelayed, u)
		}
		h.Log.Debug("inbox: relayed activity accepted", "signer", signer, "actor", actor)
		return nil
	}
	return errNotRelayed
}

// answerRelay handles the Accept or Reject of a relay subscription: an
// answer to the pending Follow of a relay, from the relay's host. actor
// may be nil (a relay's actor is not an account here).
func (p *Processor) answerRelay(ctx context.Context, actor *domain.Account, doc *activitypub.Incoming, accept bool) (bool, error) {
	if doc.Object.ID == "" || !p.r.isLocal(doc.Object.ID) {
		return false, nil
	}
	r, err := p.r.h.Store.RelayByFollow(ctx, doc.Object.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return false, nil // an answer to another Follow
	}
	if err != nil {
		return false, err
	}
	if hostOf(doc.Actor.ID) != hostOf(r.InboxURL) {
		return true, drop("answer to the Follow of relay %s from %s", r.InboxURL, doc.Actor.ID)
	}
	_, err = p.r.h.Store.AnswerRelay(ctx, r.FollowActivityID, doc.Actor.ID, accept)
	if domain.KindOf(err) == domain.KindNotFound {
		return true, drop("answer to a Follow of relay %s that was undone", r.InboxURL)
	}
	if err == nil {
		p.r.h.Log.Info("relay answered", "inbox", r.InboxURL, "actor", doc.Actor.ID, "accepted", accept)
	}
	return true, err
}

// relayKey marks the context of an activity forwarded by an accepted relay.
type relayKey struct{}

// relayed returns ctx marked when the activity a was signed (over HTTP) by
// an accepted relay: its key is on the relay's host and it is not the
// actor's own.
func (p *Processor) relayed(ctx context.Context, a *store.InboxActivity) context.Context {
	if a.KeyID == "" || sameHost(a.KeyID, a.ActorURI) {
		return ctx
	}
	r, err := p.acceptedRelayOn(ctx, hostOf(a.KeyID))
	if err != nil || r == nil {
		return ctx
	}
	return context.WithValue(ctx, relayKey{}, r)
}

func (p *Processor) acceptedRelayOn(ctx context.Context, host string) (*store.Relay, error) {
	relays, err := p.r.h.Store.AcceptedRelays(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range relays {
		if hostOf(r.InboxURL) == host || (r.ActorURI != "" && hostOf(r.ActorURI) == host) {
			return r, nil
		}
	}
	return nil, nil
}

// relayRelevant reports whether a note concerns this server because an
// accepted relay forwarded it: public notes only.
func (p *Processor) relayRelevant(ctx context.Context, obj *activitypub.Incoming) bool {
	if _, ok := ctx.Value(relayKey{}).(*store.Relay); !ok {
		return false
	}
	return slices.ContainsFunc(obj.To, isPublic) || slices.ContainsFunc(obj.Cc, isPublic)
}

// relayAnnounce handles the Announce of a LitePub relay (its actor is an
// accepted relay's), and a public Announce forwarded by an accepted relay
// by an actor nobody here follows: the object is fetched from its origin
// (whatever the Announce embeds is not trusted) and stored, without a
// boost. Other Announces are left to Processor.announce.
func (p *Processor) relayAnnounce(ctx context.Context, doc *activitypub.Incoming) (bool, error) {
	relays, err := p.r.h.Store.AcceptedRelays(ctx)
	if err != nil {
		return false, err
	}
	for _, r := range relays {
		if r.ActorURI == "" || r.ActorURI != doc.Actor.ID {
			continue
		}
		if p.r.isLocal(doc.Object.ID) {
			return true, nil // our own post, back from the relay
		}
		st, err := p.r.status(ctx, doc.Object.ID, 0)
		if err != nil {
			return true, err
		}
		if st.Visibility != domain.Public {
			p.r.h.Log.Info("relay announced a non-public post", "relay", r.ActorURI, "object", doc.Object.ID)
		}
		return true, nil
	}
	// A public boost forwarded by a relay (Mastodon's kind), by someone
	// nobody here follows: the boosted post is fetched, not the boost.
	if _, ok := ctx.Value(relayKey{}).(*store.Relay); !ok || !slices.ContainsFunc(doc.To, isPublic) || p.r.isLocal(doc.Object.ID) {
		return false, nil
	}
	if a, err := p.r.h.Store.AccountByURI(ctx, doc.Actor.ID); err == nil {
		if followed, err := p.r.h.Store.HasLocalFollowers(ctx, a.ID); err != nil || followed {
			return false, err
		}
	}
	_, err = p.r.status(ctx, doc.Object.ID, 0)
	return true, err
}
