package federation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// PublishArgs is the job that renders one local change as its activity
// and enqueues one delivery per inbox of its audience. The store enqueues
// it (through Federate) in the transaction of the change.
type PublishArgs struct {
	store.Outgoing
	// At is when the change was made (milliseconds): it names Updates and
	// Add/Remove, whose objects have no row of their own.
	At int64 `json:"at,string"`
}

// Kind names the job in the queue.
func (PublishArgs) Kind() string { return "federation.publish" }

// Federate implements store.Federator: it enqueues, in tx, the job that
// will deliver a local change to the remote servers that must hear of it.
// The store calls it only when the change has a remote audience.
func (h *Handler) Federate(ctx context.Context, tx *sql.Tx, o store.Outgoing) error {
	h.init()
	if o.Type == "Update" && o.Object == "Poll" {
		return h.enqueuePollTally(ctx, tx, o.StatusID) // delayed and merged
	}
	return h.Jobs.InsertTx(ctx, tx, PublishArgs{Outgoing: o, At: h.Now().UnixMilli()}, nil)
}

// registerOutbound adds the publish and delivery workers to the queue.
func (h *Handler) registerOutbound() {
	river.AddWorker(h.Jobs.Workers(), &publishWorker{h: h})
	river.AddWorker(h.Jobs.Workers(), &pollTallyWorker{h: h})
	river.AddWorker(h.Jobs.Workers(), &deliverWorker{h: h, hosts: &hostLimiter{limit: h.Cfg.Federation.HostConcurrency}})
}

type publishWorker struct {
	river.WorkerDefaults[PublishArgs]
	h *Handler
}

// Work renders the activity, expands the audience into inboxes and, in one
// transaction, inserts the deliveries and completes itself (so a retry
// never enqueues them twice).
func (w *publishWorker) Work(ctx context.Context, job *river.Job[PublishArgs]) error {
	h := w.h
	o := job.Args.Outgoing
	if o.Type == "Flag" {
		return w.flag(ctx, job)
	}
	actor, err := h.Store.Account(ctx, o.ActorID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !actor.Local() || (actor.SuspendedAt != nil) != (o.Type+"/"+o.Object == "Delete/Person") {
		return nil // a suspended actor says nothing but its own Delete
	}
	acts, err := h.render(ctx, actor, job.Args)
	if errors.Is(err, domain.ErrNotFound) {
		return nil // the status or account is gone since: nothing to say
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", o.Type, err)
	}
	shared := (o.StatusID != 0 || o.Followers) && o.Object != "Vote"
	var inboxes []string
	if o.Known {
		inboxes, err = h.Store.KnownInboxes(ctx, actor.ID)
	} else {
		inboxes, err = h.Store.DeliveryInboxes(ctx, actor.ID, o.Followers, o.To, shared)
	}
	if err != nil {
		return err
	}
	// Public activities also go to the relays the server subscribes to.
	acts, inboxes, err = h.withRelays(ctx, actor, o, acts, inboxes)
	if err != nil {
		return err
	}
	if len(acts) == 0 || len(inboxes) == 0 {
		return nil
	}
	// Create the signing keys now if they are missing, rather than in
	// every concurrent delivery at once.
	if _, err := h.Store.AccountKeys(ctx, actor.ID, httpsig.GenerateKey); err != nil {
		return err
	}
	params := make([]river.InsertManyParams, 0, len(acts)*len(inboxes))
	for _, act := range acts {
		body, err := json.Marshal(act)
		if err != nil {
			return err
		}
		for _, inbox := range inboxes {
			params = append(params, river.InsertManyParams{
				Args:       DeliverArgs{Inbox: inbox, ActorID: int64(actor.ID), Body: string(body)},
				InsertOpts: &river.InsertOpts{MaxAttempts: DeliveryMaxAttempts},
			})
		}
	}
	return h.Store.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := h.Jobs.Client().InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("enqueue deliveries: %w", err)
		}
		_, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job)
		return err
	})
}

// flag forwards a report about a remote account to its server, in the
// server's name (the instance actor: the reporter stays anonymous, as
// Mastodon does), with the reported posts and the reporter's comment.
func (w *publishWorker) flag(ctx context.Context, job *river.Job[PublishArgs]) error {
	h, o := w.h, job.Args.Outgoing
	target, err := h.Store.Account(ctx, o.TargetID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	inbox := target.SharedInboxURL
	if inbox == "" {
		inbox = target.InboxURL
	}
	if target.Local() || inbox == "" {
		return nil
	}
	actorURI := h.Cfg.URL + "/actor"
	act := activitypub.NewFlag(actorURI+"#flags/"+o.RowID.String(), actorURI, append([]string{target.URI}, o.Objects...), o.Content)
	body, err := json.Marshal(act)
	if err != nil {
		return err
	}
	if _, err := h.Store.InstanceActorKeys(ctx, httpsig.GenerateKey); err != nil {
		return err
	}
	return h.Store.Tx(ctx, func(tx *sql.Tx) error {
		_, err := h.Jobs.Client().InsertTx(ctx, tx, DeliverArgs{Inbox: inbox, ActorID: InstanceActor, Body: string(body)},
			&river.InsertOpts{MaxAttempts: DeliveryMaxAttempts})
		if err != nil {
			return fmt.Errorf("enqueue the Flag: %w", err)
		}
		_, err = river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job)
		return err
	})
}

// render builds the activities of a change (several for a vote on several
// options, usually one). A missing status or account is ErrNotFound.
func (h *Handler) render(ctx context.Context, actor *domain.Account, args PublishArgs) ([]any, error) {
	o := args.Outgoing
	at := time.UnixMilli(args.At).UTC()
	actorURI, followersURI := h.actorURI(actor), h.followersURI(actor)
	one := func(a any, err error) ([]any, error) {
		if err != nil {
			return nil, err
		}
		return []any{a}, nil
	}
	switch o.Type + "/" + o.Object {
	case "Create/", "Update/", "Update/Poll":
		st, err := h.Store.Status(ctx, o.StatusID)
		if err != nil {
			return nil, err
		}
		note, err := h.statusPolicyNote(ctx, actor, st)
		if err != nil {
			return nil, err
		}
		if o.Type == "Update" {
			if st.EditedAt != nil && o.Object == "" {
				at = *st.EditedAt
			}
			u := activitypub.NewUpdate(actorURI, note.Note, at)
			u.Context, u.Object = activitypub.PolicyNoteContext(), note
			return []any{u}, nil
		}
		c := activitypub.NewCreate(actorURI, note.Note)
		c.Context, c.Object = activitypub.PolicyNoteContext(), note
		return []any{c}, nil
	case "Create/Vote":
		return h.votes(ctx, actorURI, o)
	case "Delete/":
		return []any{activitypub.NewDelete(actorURI, o.ObjectURI)}, nil
	case "Announce/":
		boost, err := h.Store.Status(ctx, o.StatusID)
		if err != nil {
			return nil, err
		}
		orig, err := h.Store.Status(ctx, boost.ReblogOfID)
		if err != nil {
			return nil, err
		}
		ann := activitypub.NewAnnounce(actorURI, followersURI, boost, h.statusURI(ctx, orig))
		ann.Context = activitypub.NoteContext
		return []any{ann}, nil
	case "Undo/Announce":
		return []any{activitypub.NewUndoAnnounce(actorURI, followersURI, o.ActivityURI, o.ObjectURI)}, nil
	case "Like/", "Undo/Like":
		st, err := h.Store.Status(ctx, o.StatusID)
		if err != nil {
			return nil, err
		}
		like := activitypub.NewLike(actorURI, h.statusURI(ctx, st), o.RowID)
		if o.Type == "Undo" {
			return []any{activitypub.NewUndo(actorURI, like)}, nil
		}
		return []any{like}, nil
	case "Add/Hashtag", "Remove/Hashtag":
		return []any{activitypub.NewFeaturedTag(h.Cfg.URL, actorURI, o.ObjectURI, o.Type == "Add", at)}, nil
	case "Add/", "Remove/":
		st, err := h.Store.Status(ctx, o.StatusID)
		if err != nil {
			return nil, err
		}
		return []any{activitypub.NewFeatured(actorURI, h.statusURI(ctx, st), o.Type == "Add", at)}, nil
	case "Update/Person":
		return one(h.updateActor(ctx, actor, at))
	case "Delete/Person":
		return []any{activitypub.NewDeleteActor(actorURI, at)}, nil
	}
	// The rest is about one account.
	target, err := h.Store.Account(ctx, o.TargetID)
	if err != nil {
		return nil, err
	}
	followID := o.ActivityURI
	if followID == "" && o.RowID != 0 {
		followID = store.FollowURI(actorURI, o.RowID)
	}
	switch o.Type + "/" + o.Object {
	case "Follow/":
		return []any{activitypub.NewFollow(followID, actorURI, target.URI)}, nil
	case "Undo/Follow":
		return []any{activitypub.NewUndoFollow(actorURI, target.URI, followID)}, nil
	case "Accept/":
		return []any{activitypub.NewAccept(actorURI, target.URI, o.ActivityURI, rowOr(o.RowID, args.At))}, nil
	case "Reject/":
		return []any{activitypub.NewReject(actorURI, target.URI, o.ActivityURI, rowOr(o.RowID, args.At))}, nil
	case "Block/":
		return []any{activitypub.NewBlock(actorURI, target.URI, o.RowID)}, nil
	case "Undo/Block":
		return []any{activitypub.NewUndo(actorURI, activitypub.NewBlock(actorURI, target.URI, o.RowID))}, nil
	case "Move/":
		return []any{activitypub.NewMove(actorURI, h.actorURI(target), at)}, nil
	case "Delete/QuoteAuthorization":
		quoted, err := h.Store.Status(ctx, o.StatusID)
		if err != nil {
			return nil, err
		}
		return []any{activitypub.NewDeleteQuoteAuthorization(actorURI, target.URI, h.statusURI(ctx, quoted)+"/quotes/"+o.RowID.String())}, nil
	case "QuoteRequest/":
		return one(h.renderQuoteRequest(ctx, actor, target, o.StatusID)) // quotes.go
	case "Accept/QuoteRequest", "Reject/QuoteRequest":
		auth := ""
		if o.Type == "Accept" {
			quoted, err := h.Store.Status(ctx, o.StatusID)
			if errors.Is(err, domain.ErrNotFound) {
				return nil, nil // deleted since: nothing to authorize
			}
			if err != nil {
				return nil, err
			}
			auth = h.statusURI(ctx, quoted) + "/quotes/" + o.RowID.String()
		}
		return []any{activitypub.NewQuoteAnswer(actorURI, target.URI, o.ActivityURI, auth, o.RowID)}, nil
	}
	h.Log.Warn("federation: nothing renders this change", "type", o.Type, "object", o.Object)
	return nil, nil
}

// rowOr is id, or at (a time in ms) when there is no row to name.
func rowOr(id domain.ID, at int64) domain.ID {
	if id != 0 {
		return id
	}
	return domain.ID(at)
}

// statusURI is a status's ActivityPub id (its author's form when the
// stored URI is empty).
func (h *Handler) statusURI(ctx context.Context, st *domain.Status) string {
	if st.URI != "" {
		return st.URI
	}
	author, err := h.Store.Account(ctx, st.AccountID)
	if err != nil {
		return ""
	}
	return activitypub.StatusURI(h.actorURI(author), st)
}

// statusNote renders a local status with its mentions, hashtags, poll and
// parent.
func (h *Handler) statusNote(ctx context.Context, actor *domain.Account, st *domain.Status) (*activitypub.Note, error) {
	ns, err := h.policyNotes(ctx, actor, []*domain.Status{st})
	if err != nil {
		return nil, err
	}
	return ns[0].Note, nil
}

// statusPolicyNote is statusNote with the status's interactionPolicy
// (GoToSocial's), so that servers that understand it enforce it too. The
// Create and Update of a status carry it; so should the note served at
// the status's id (PolicyNoteContext as its @context).
func (h *Handler) statusPolicyNote(ctx context.Context, actor *domain.Account, st *domain.Status) (*activitypub.PolicyNote, error) {
	ns, err := h.policyNotes(ctx, actor, []*domain.Status{st})
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

// policyNotes renders statuses of actor as full notes (mentions, hashtags,
// custom emoji, parent, poll, media, interaction policy), loading what they need in a
// few batched queries whatever their number (outbox and featured pages).
func (h *Handler) policyNotes(ctx context.Context, actor *domain.Account, sts []*domain.Status) ([]*activitypub.PolicyNote, error) {
	ids := make([]domain.ID, len(sts))
	var parentIDs []domain.ID
	for i, st := range sts {
		ids[i] = st.ID
		if st.InReplyToID != 0 {
			parentIDs = append(parentIDs, st.InReplyToID)
		}
	}
	mentions, err := h.Store.MentionsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var mentionIDs []domain.ID
	for _, m := range mentions {
		mentionIDs = append(mentionIDs, m...)
	}
	accts, err := h.Store.Accounts(ctx, mentionIDs)
	if err != nil {
		return nil, err
	}
	tags, err := h.Store.TagsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	parents, err := h.Store.Statuses(ctx, parentIDs)
	if err != nil {
		return nil, err
	}
	polls, _, err := h.Store.Polls(ctx, 0, ids)
	if err != nil {
		return nil, err
	}
	media, err := h.Store.MediaOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	pols, err := h.Store.StatusInteractionPolicies(ctx, ids)
	if err != nil {
		return nil, err
	}
	quotes, quoted, err := h.quotesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	texts := make([][]string, len(sts))
	for i, st := range sts {
		texts[i] = []string{st.Content, st.SpoilerText}
		if p := polls[st.ID]; p != nil {
			texts[i] = append(texts[i], p.Options...)
		}
	}
	emojis, err := h.localEmojis(ctx, texts)
	if err != nil {
		return nil, err
	}
	actorURI, followersURI := h.actorURI(actor), h.followersURI(actor)
	out := make([]*activitypub.PolicyNote, len(sts))
	for i, st := range sts {
		o := activitypub.NoteOptions{BaseURL: h.Cfg.URL, Tags: tags[st.ID], Media: h.attachments(media[st.ID]), Emojis: emojis[i]}
		var mentioned []string
		for _, id := range mentions[st.ID] {
			a := accts[id]
			if a == nil {
				continue
			}
			m := activitypub.NoteMention{URI: h.actorURI(a), Acct: a.Username + "@" + a.Domain}
			if a.Local() {
				m.Acct = a.Username + "@" + h.Cfg.Domain
			}
			o.Mentions = append(o.Mentions, m)
			mentioned = append(mentioned, m.URI)
		}
		if parent := parents[st.InReplyToID]; parent != nil {
			o.InReplyTo = h.statusURI(ctx, parent)
		}
		if p := polls[st.ID]; p != nil {
			o.Poll = &activitypub.NotePoll{Options: p.Options, Votes: p.Votes, Multiple: p.Multiple,
				ExpiresAt: p.ExpiresAt, VotersCount: p.VotersCount, Now: h.Now()}
		}
		p := statuses.DefaultPolicy(st.Visibility)
		if sp := pols[st.ID]; sp != nil {
			p = *sp
		}
		rule := func(r store.PolicyRule) activitypub.PolicyRule {
			uris := func(vals []string) []string {
				return activitypub.PolicyURIs(vals, actorURI, followersURI, actorURI+"/following", mentioned)
			}
			return activitypub.NewPolicyRule(uris(r.AutomaticApproval), uris(r.ManualApproval))
		}
		canQuote := rule(store.PolicyRule{AutomaticApproval: quotePolicyValues(st)})
		out[i] = &activitypub.PolicyNote{Note: activitypub.NewStatusNote(actorURI, followersURI, st, o),
			InteractionPolicy: &activitypub.InteractionPolicy{
				CanLike: rule(p.CanFavourite), CanReply: rule(p.CanReply), CanAnnounce: rule(p.CanReblog), CanQuote: &canQuote,
			}}
		h.addQuote(ctx, out[i], st, quotes[st.ID], quoted)
	}
	return out, nil
}

// attachments renders a status's media as Documents with their alt text,
// blurhash, size and focal point; the URL is where agora serves the file.
func (h *Handler) attachments(all []*store.Media) []activitypub.Document {
	var out []activitypub.Document
	for _, m := range all {
		url := m.RemoteURL
		if m.FileKey != "" && h.MediaURL != nil {
			url = h.MediaURL(m.FileKey)
		}
		if url == "" {
			continue
		}
		d := activitypub.Document{Type: "Document", MediaType: m.ContentType, URL: url, Blurhash: m.Blurhash,
			FocalPoint: [2]float64{m.FocusX, m.FocusY}}
		if m.Description != "" {
			d.Name = &m.Description
		}
		var meta struct {
			Original *struct{ Width, Height int } `json:"original"`
		}
		if json.Unmarshal([]byte(m.Meta), &meta) == nil && meta.Original != nil {
			d.Width, d.Height = meta.Original.Width, meta.Original.Height
		}
		out = append(out, d)
	}
	return out
}

// votes renders a local vote on a remote poll: one Create per option.
func (h *Handler) votes(ctx context.Context, actorURI string, o store.Outgoing) ([]any, error) {
	st, err := h.Store.Status(ctx, o.StatusID)
	if err != nil {
		return nil, err
	}
	author, err := h.Store.Account(ctx, st.AccountID)
	if err != nil {
		return nil, err
	}
	polls, _, err := h.Store.Polls(ctx, 0, []domain.ID{st.ID})
	if err != nil {
		return nil, err
	}
	p := polls[st.ID]
	if p == nil {
		return nil, domain.NotFound()
	}
	var out []any
	for i, c := range o.Choices {
		if c < 0 || c >= len(p.Options) {
			continue
		}
		out = append(out, activitypub.NewVote(actorURI, h.statusURI(ctx, st), author.URI, p.Options[c], o.RowID+domain.ID(i)))
	}
	return out, nil
}

// updateActor renders the Update of a local actor's profile.
func (h *Handler) updateActor(ctx context.Context, a *domain.Account, at time.Time) (any, error) {
	act, err := h.actorDocument(ctx, a)
	if err != nil {
		return nil, err
	}
	if len(act.Tag) == 0 { // actorDocument adds them once actors.go calls ActorEmojis
		if act.Tag, err = h.ActorEmojis(ctx, a); err != nil {
			return nil, err
		}
	}
	return activitypub.NewUpdateActor(act, at), nil
}
