package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Checking authorizations as a third server (GoToSocial's "verifying
// interaction authorization as a third server"): a reply or boost by an
// account of server C of a post of server B whose interaction policy
// needs B's approval (statuses.NeedsAuthorization) is stored here only
// with an authorization that B serves and that names this interaction and
// this post: replyAuthorization / announceAuthorization (or the older
// approvedBy) on the interaction, or B's Accept of it received earlier
// (B addresses its Accept of an impolite reply to its followers). Without
// one the interaction is dropped, as GoToSocial drops it: not stored,
// shown, counted or notified. When C is B (the author's own server
// answers for its posts), nothing is checked. Checks are cached
// (store.RemoteAuthorization): a valid authorization for good, a refused
// one for authorizationRecheck.

const (
	maxAuthorizationDocument = 64 << 10  // bytes of a fetched authorization
	authorizationRecheck     = time.Hour // a refused authorization is fetched again after this
)

// authorizationKinds are the interaction kinds each authorization type
// authorizes ("" accepts any).
var authorizationKinds = map[statuses.Interaction]string{
	statuses.Reply: "ReplyAuthorization", statuses.Reblog: "AnnounceAuthorization", statuses.Favourite: "LikeAuthorization",
}

// interactionAuthorized returns nil when the interaction interacting (its
// id) by actor with target, a remote post, may be stored here: it needs no
// authorization, or has a valid one. body is the interaction's JSON,
// where it names its authorization; nil to fetch it from its origin when
// needed.
func (r *resolver) interactionAuthorized(ctx context.Context, kind statuses.Interaction, interacting string, body []byte,
	actor *domain.Account, target *domain.Status) error {
	if target.Local {
		return nil
	}
	need, err := r.statuses.NeedsAuthorization(ctx, actor, target, kind)
	if err != nil || !need {
		return err
	}
	author, err := r.h.Store.Account(ctx, target.AccountID)
	if err != nil {
		return err
	}
	if hostOf(author.URI) == hostOf(actor.URI) {
		return nil // the author's own server rules its posts
	}
	if uri, err := r.h.Store.ValidAuthorizationFor(ctx, interacting, target.URI); err != nil || uri != "" {
		return err
	}
	if body == nil {
		if body, err = r.originBody(ctx, interacting); err != nil {
			return err
		}
	}
	typ := authorizationKinds[kind]
	auth := activitypub.ParseAuthorizations(body).For(typ)
	if auth == "" {
		return drop("%s by %s of %s has no authorization from its author", typ, actor.URI, target.URI)
	}
	_, err = r.verifyAuthorization(ctx, typ, auth, interacting, target, author)
	return err
}

// originBody fetches an interaction from its origin (an interaction
// stored from an activity whose JSON the caller no longer has).
func (r *resolver) originBody(ctx context.Context, id string) ([]byte, error) {
	if err := r.fetchBudget(ctx, id); err != nil {
		return nil, err
	}
	body, err := r.h.SignedGet(ctx, id, maxObjectDocument)
	if err != nil {
		return nil, err
	}
	var doc struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.ID != id {
		return nil, drop("interaction fetched from %s has another id", id)
	}
	return body, nil
}

// verifyAuthorization checks auth, claimed by interacting for target by
// author: on author's host, served there (signed fetch, at most
// maxAuthorizationDocument bytes), of type typ ("" any of the three), by
// author, naming interacting and target. It returns the authorization's
// type. The result is cached; a network failure is returned to retry.
func (r *resolver) verifyAuthorization(ctx context.Context, typ, auth, interacting string, target *domain.Status, author *domain.Account) (string, error) {
	if !sameHost(auth, author.URI) {
		return "", drop("authorization %s is not on the host of %s", auth, author.URI)
	}
	cached, err := r.h.Store.RemoteAuthorization(ctx, auth)
	switch {
	case err == nil && cached.Valid:
		if cached.InteractingURI == interacting && cached.TargetURI == target.URI {
			return typ, nil
		}
		return "", drop("authorization %s is for %s on %s", auth, cached.InteractingURI, cached.TargetURI)
	case err == nil && r.h.Now().Sub(cached.CheckedAt) < authorizationRecheck:
		return "", drop("authorization %s was refused lately", auth)
	case err != nil && domain.KindOf(err) != domain.KindNotFound:
		return "", err
	}
	rec := &store.RemoteAuthorization{URI: auth, CheckedAt: r.h.Now()}
	a, why, err := r.fetchAuthorization(ctx, auth)
	if err != nil {
		return "", err
	}
	if a != nil {
		rec.InteractingURI, rec.TargetURI = a.InteractingObject.ID, a.InteractionTarget.ID
		switch {
		case a.ID != auth:
			why = "its id is " + a.ID
		case typ != "" && !a.Authorizes(typ):
			why = "it is a " + string(a.Type)
		case typ == "" && !strings.HasSuffix(string(a.Type), "Authorization") && a.Type != "Accept":
			why = "it is a " + string(a.Type)
		case a.AttributedTo.ID != author.URI:
			why = "it is attributed to " + a.AttributedTo.ID
		case rec.InteractingURI != interacting || rec.TargetURI != target.URI:
			why = "it is for " + rec.InteractingURI + " on " + rec.TargetURI
		default:
			rec.Valid = true
		}
	}
	if err := r.h.Store.PutRemoteAuthorization(ctx, rec); err != nil {
		return "", err
	}
	if !rec.Valid {
		return "", drop("authorization %s refused: %s", auth, why)
	}
	return string(a.Type), nil
}

// fetchAuthorization dereferences an authorization: nil with the reason
// when its server refuses it for good (4xx: withdrawn, never issued) or
// serves something unreadable; an error for a failure worth a retry.
func (r *resolver) fetchAuthorization(ctx context.Context, auth string) (*activitypub.ReceivedAuthorization, string, error) {
	if err := r.fetchBudget(ctx, auth); err != nil {
		return nil, "", err
	}
	body, err := r.h.SignedGet(ctx, auth, maxAuthorizationDocument)
	var se *httpclient.StatusError
	switch {
	case errors.As(err, &se) && permanent(err):
		return nil, "its server answers " + se.Error(), nil
	case errors.Is(err, httpclient.ErrTooLarge):
		return nil, "the document is too large", nil
	case err != nil:
		return nil, "", err
	}
	a, err := activitypub.ParseAuthorization(body)
	if err != nil {
		return nil, "the document is not an authorization", nil
	}
	return a, "", nil
}

// fetchBudget refuses a fetch from a suspended domain, and bounds the
// fetches from one host with the missing-parents budget
// (BackfillPerHostPerMinute): past it, the activity is retried later
// rather than dropped.
func (r *resolver) fetchBudget(ctx context.Context, rawURL string) error {
	if err := r.fetchable(ctx, rawURL); err != nil {
		return err
	}
	if r.backfill != nil && !r.backfill.Allow(hostOf(rawURL)).Allowed {
		return fmt.Errorf("fetch %s: fetch rate of %s exceeded", rawURL, hostOf(rawURL))
	}
	return nil
}

// thirdPartyAccept handles an Accept by a remote author of another
// server's interaction with one of their posts known here (GoToSocial
// addresses its Accept of an impolite reply to the author's followers):
// its authorization is checked and kept, so that the interaction is
// stored when it comes (or came without one); a reply is fetched now.
// handled is false when doc is not such an Accept.
func (p *Processor) thirdPartyAccept(ctx context.Context, actor *domain.Account, doc *activitypub.Incoming) (handled bool, err error) {
	interacting := doc.Object.ID
	if doc.Object.Object != nil {
		var env requestEnvelope
		if json.Unmarshal(doc.Object.Object, &env) == nil && strings.HasSuffix(env.Type, "Request") && env.Instrument.ID != "" {
			interacting = env.Instrument.ID
		}
	}
	if hostOf(interacting) == "" || p.r.isLocal(interacting) || doc.Target.ID == "" {
		return false, nil
	}
	target, err := p.r.h.Store.StatusByURI(ctx, doc.Target.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if target.AccountID != actor.ID {
		return true, drop("Accept by %s of an interaction with another author's post", actor.URI)
	}
	auth := authorizationOf(doc, actor)
	if auth == "" {
		return true, drop("Accept of %s without an authorization on its author's host", interacting)
	}
	typ, err := p.r.verifyAuthorization(ctx, "", auth, interacting, target, actor)
	if err != nil {
		return true, err
	}
	if typ == "LikeAuthorization" || typ == "AnnounceAuthorization" {
		return true, nil // a later Like or Announce finds it
	}
	if _, err := p.r.h.Store.StatusByURI(ctx, interacting); err == nil {
		return true, nil
	}
	if _, err := p.r.status(ctx, interacting, 0); err != nil && !permanent(err) {
		return true, err
	} else if err != nil {
		p.r.h.Log.Debug("approved reply not stored", "reply", interacting, "reason", err)
	}
	return true, nil
}
