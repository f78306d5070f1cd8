package statuses

import (
	"context"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// MaxPolicyValues is how many values one list of an interaction policy
// may hold.
const MaxPolicyValues = 20

// Interaction is a kind of interaction an interaction policy controls.
type Interaction int

// The interactions a policy controls.
const (
	Reply Interaction = iota
	Reblog
	Favourite
)

var interactionNouns = map[Interaction]string{Reply: "replies", Reblog: "boosts", Favourite: "favourites"}

// PolicyInput is an interaction policy as a client sends it: a nil rule
// keeps the default (or, when editing, the current rule).
type PolicyInput struct {
	CanFavourite, CanReply, CanReblog *store.PolicyRule
}

// DefaultPolicy is GoToSocial's default interaction policy of a
// visibility: anyone for public and unlisted posts; followers and
// mentioned accounts may reply to and favourite a followers-only post,
// mentioned accounts a direct one; only the author boosts either.
func DefaultPolicy(v domain.Visibility) store.InteractionPolicy {
	rule := func(vals ...string) store.PolicyRule {
		return store.PolicyRule{AutomaticApproval: vals, ManualApproval: []string{}}
	}
	switch v {
	case domain.Private:
		return store.InteractionPolicy{
			CanFavourite: rule(store.PolicyAuthor, store.PolicyFollowers, store.PolicyMentioned),
			CanReply:     rule(store.PolicyAuthor, store.PolicyFollowers, store.PolicyMentioned),
			CanReblog:    rule(store.PolicyAuthor),
		}
	case domain.Direct:
		return store.InteractionPolicy{
			CanFavourite: rule(store.PolicyAuthor, store.PolicyMentioned),
			CanReply:     rule(store.PolicyAuthor, store.PolicyMentioned),
			CanReblog:    rule(store.PolicyAuthor),
		}
	}
	return store.InteractionPolicy{
		CanFavourite: rule(store.PolicyPublic),
		CanReply:     rule(store.PolicyPublic),
		CanReblog:    rule(store.PolicyPublic),
	}
}

// policyEqual reports whether two policies say the same.
func policyEqual(a, b *store.InteractionPolicy) bool {
	eq := func(x, y store.PolicyRule) bool {
		return slices.Equal(x.AutomaticApproval, y.AutomaticApproval) && slices.Equal(x.ManualApproval, y.ManualApproval)
	}
	return eq(a.CanFavourite, b.CanFavourite) && eq(a.CanReply, b.CanReply) && eq(a.CanReblog, b.CanReblog)
}

// validRule checks a rule from a client: known values only ("me" is the
// author), each list at most MaxPolicyValues long, without repeats.
func validRule(name string, r *store.PolicyRule) (store.PolicyRule, error) {
	out := store.PolicyRule{AutomaticApproval: []string{}, ManualApproval: []string{}}
	for i, list := range [][]string{r.AutomaticApproval, r.ManualApproval} {
		if len(list) > MaxPolicyValues {
			return out, domain.Invalid("Validation failed: interaction_policy[%s] lists at most %d values", name, MaxPolicyValues)
		}
		for _, v := range list {
			v = strings.ToLower(strings.TrimSpace(v))
			switch v {
			case store.PolicyMe:
				v = store.PolicyAuthor
			case store.PolicyPublic, store.PolicyFollowers, store.PolicyFollowing, store.PolicyMentioned, store.PolicyAuthor:
			default:
				return out, domain.Invalid("Validation failed: interaction_policy[%s]: %q is not one of public, followers, following, mentioned, author, me", name, v)
			}
			dst := &out.AutomaticApproval
			if i == 1 {
				dst = &out.ManualApproval
			}
			if !slices.Contains(*dst, v) {
				*dst = append(*dst, v)
			}
		}
	}
	return out, nil
}

// applyPolicy returns base with the rules in given replaced, validated.
func applyPolicy(base store.InteractionPolicy, in *PolicyInput) (store.InteractionPolicy, error) {
	if in == nil {
		return base, nil
	}
	for _, x := range []struct {
		name string
		in   *store.PolicyRule
		dst  *store.PolicyRule
	}{{"can_favourite", in.CanFavourite, &base.CanFavourite}, {"can_reply", in.CanReply, &base.CanReply}, {"can_reblog", in.CanReblog, &base.CanReblog}} {
		if x.in == nil {
			continue
		}
		r, err := validRule(x.name, x.in)
		if err != nil {
			return base, err
		}
		*x.dst = r
	}
	return base, nil
}

// newPostPolicy is the policy of a new post of author with visibility v:
// the author's default for v (GoToSocial's when unset) with the client's
// rules on top. It is nil when that is the visibility's default, which
// needs no row.
func (s *Service) newPostPolicy(ctx context.Context, author domain.ID, v domain.Visibility, in *PolicyInput) (*store.InteractionPolicy, error) {
	defs, err := s.Store.InteractionPolicyDefaults(ctx, author)
	if err != nil {
		return nil, err
	}
	base := DefaultPolicy(v)
	if d := defs[v]; d != nil {
		base = *d
	}
	p, err := applyPolicy(base, in)
	if err != nil {
		return nil, err
	}
	if def := DefaultPolicy(v); policyEqual(&p, &def) {
		return nil, nil
	}
	return &p, nil
}

// PolicyOf returns a status's interaction policy: the stored one, or the
// default of its visibility.
func (s *Service) PolicyOf(ctx context.Context, st *domain.Status) (store.InteractionPolicy, error) {
	m, err := s.Store.StatusInteractionPolicies(ctx, []domain.ID{st.ID})
	if err != nil {
		return store.InteractionPolicy{}, err
	}
	if p := m[st.ID]; p != nil {
		return *p, nil
	}
	return DefaultPolicy(st.Visibility), nil
}

// InteractionDefaults returns an account's default policies for new posts
// by visibility, GoToSocial's where the account set none.
func (s *Service) InteractionDefaults(ctx context.Context, account domain.ID) (map[domain.Visibility]store.InteractionPolicy, error) {
	defs, err := s.Store.InteractionPolicyDefaults(ctx, account)
	if err != nil {
		return nil, err
	}
	out := map[domain.Visibility]store.InteractionPolicy{}
	for _, v := range []domain.Visibility{domain.Public, domain.Unlisted, domain.Private, domain.Direct} {
		out[v] = DefaultPolicy(v)
		if d := defs[v]; d != nil {
			out[v] = *d
		}
	}
	return out, nil
}

// SetInteractionDefaults replaces an account's default policies: each
// visibility given gets its rules on top of GoToSocial's default; a
// visibility not given goes back to that default (as in GoToSocial).
func (s *Service) SetInteractionDefaults(ctx context.Context, account domain.ID, in map[domain.Visibility]*PolicyInput) (map[domain.Visibility]store.InteractionPolicy, error) {
	m := map[domain.Visibility]*store.InteractionPolicy{}
	for v, pin := range in {
		if !domain.ValidVisibility(v) {
			return nil, domain.Invalid("Validation failed: %q is not a visibility", v)
		}
		p, err := applyPolicy(DefaultPolicy(v), pin)
		if err != nil {
			return nil, err
		}
		if def := DefaultPolicy(v); !policyEqual(&p, &def) {
			m[v] = &p
		}
	}
	if err := s.Store.SetInteractionPolicyDefaults(ctx, account, m); err != nil {
		return nil, err
	}
	return s.InteractionDefaults(ctx, account)
}

// Decision is the outcome of an interaction under a post's policy.
type Decision int

// The outcomes of DecideInteraction besides a refusal.
const (
	Allowed       Decision = iota // done at once
	NeedsApproval                 // done once the author approves it
)

// DecideInteraction is THE interaction rule: whether actor may reply to,
// boost or favourite st (not a boost) under st's policy, at once or with
// the author's approval (manual_approval). The author may always; so may
// the accounts st mentions reply (as in GoToSocial). As in GoToSocial,
// the more specific value wins: an account named in manual_approval
// needs approval even when automatic_approval has "public", and one named
// in automatic_approval needs none. A refusal is a Forbidden error saying
// whom the author accepts.
func (s *Service) DecideInteraction(ctx context.Context, actor *domain.Account, st *domain.Status, kind Interaction) (Decision, error) {
	if actor.ID == st.AccountID {
		return Allowed, nil
	}
	if st.Visibility == store.HeldVisibility {
		// A post itself held or pending: nobody else can see it.
		return 0, domain.Forbidden("This post is not published yet").Tr("err_not_published")
	}
	pol, err := s.PolicyOf(ctx, st)
	if err != nil {
		return 0, err
	}
	rule := pol.CanReply
	switch kind {
	case Reblog:
		rule = pol.CanReblog
	case Favourite:
		rule = pol.CanFavourite
	}
	rel, err := s.Store.ViewerRelations(ctx, actor.ID, []domain.ID{st.AccountID}, []domain.ID{st.ID})
	if err != nil {
		return 0, err
	}
	if kind == Reply && rel.Mentioned[st.ID] {
		return Allowed, nil
	}
	uri := s.actorURI(actor)
	if slices.Contains(rule.AutomaticApproval, uri) {
		return Allowed, nil
	}
	if slices.Contains(rule.ManualApproval, uri) {
		return NeedsApproval, nil
	}
	var followedByAuthor *bool
	matches := func(v string) (bool, error) {
		switch v {
		case store.PolicyPublic:
			return true, nil
		case store.PolicyFollowers:
			return rel.Following[st.AccountID], nil
		case store.PolicyMentioned:
			return rel.Mentioned[st.ID], nil
		case store.PolicyFollowing:
			if followedByAuthor == nil {
				f, err := s.Store.IsFollowing(ctx, st.AccountID, actor.ID)
				if err != nil {
					return false, err
				}
				followedByAuthor = &f
			}
			return *followedByAuthor, nil
		}
		return false, nil // the author (handled above) or another actor's URI
	}
	for _, list := range []struct {
		vals []string
		d    Decision
	}{{rule.AutomaticApproval, Allowed}, {rule.ManualApproval, NeedsApproval}} {
		for _, v := range list.vals {
			ok, err := matches(v)
			if err != nil {
				return 0, err
			}
			if ok {
				return list.d, nil
			}
		}
	}
	return 0, refusalError(kind, rule)
}

// CheckInteraction is DecideInteraction for callers that cannot wait for
// an approval: an interaction that needs one is refused too.
func (s *Service) CheckInteraction(ctx context.Context, actor *domain.Account, st *domain.Status, kind Interaction) error {
	d, err := s.DecideInteraction(ctx, actor, st, kind)
	if err != nil {
		return err
	}
	if d == NeedsApproval {
		return domain.Forbidden("The author must approve %s on this post first", interactionNouns[kind]).Tr("err_needs_approval", nounError(kind))
	}
	return nil
}

// admitRemote decides whether a remote status may be stored: a reply to a
// local post that its policy does not allow is refused (dropped by
// federation: not stored, shown or notified). One that needs the author's
// approval is stored pending: quietly first (direct, without its parent
// and mentions, so that storing it reaches nobody), then held with its
// request by after. It may change in before it is stored, and returns a
// function to run once the status is stored under its id (nil when there
// is none). Every path that stores remote statuses calls it.
func (s *Service) admitRemote(ctx context.Context, in *RemoteStatus) (after func(context.Context, domain.ID) error, err error) {
	p := in.InReplyTo
	if p == nil || !p.Local {
		return nil, nil
	}
	d, err := s.DecideInteraction(ctx, in.Author, p, Reply)
	if err != nil || d == Allowed {
		return nil, err
	}
	if !domain.ValidVisibility(in.Visibility) {
		return nil, domain.Invalid("unknown visibility %q", in.Visibility)
	}
	vis := in.Visibility
	if visibilityRank(p.Visibility) >= visibilityRank(domain.Private) && visibilityRank(vis) < visibilityRank(p.Visibility) {
		vis = p.Visibility
	}
	mentions, author, uri := in.Mentions, in.Author, in.URI
	in.InReplyTo, in.Mentions, in.Visibility = nil, nil, domain.Direct
	return func(ctx context.Context, id domain.ID) error {
		var kept []domain.ID
		for _, a := range mentions {
			if a == author.ID || slices.Contains(kept, a) || len(kept) >= MaxMentions {
				continue
			}
			blocked, err := s.Store.BlockedEither(ctx, author.ID, a)
			if err != nil {
				return err
			}
			if !blocked {
				kept = append(kept, a)
			}
		}
		req := &store.InteractionRequest{ID: s.Store.IDs.Next(), AccountID: author.ID, Visibility: vis, URI: uri}
		return s.Store.HoldRemoteReply(ctx, id, p, kept, req)
	}, nil
}

// AuthorizationURI is the URI of the authorization a local author gives
// to an accepted request (GoToSocial's ReplyAuthorization,
// LikeAuthorization or AnnounceAuthorization, served by federation).
func AuthorizationURI(base, author string, req domain.ID) string {
	return base + "/users/" + author + "/authorizations/" + req.String()
}

// requestFor starts the request of actor's interaction with st.
func (s *Service) requestFor(actor *domain.Account, st *domain.Status, kind string) *store.InteractionRequest {
	return &store.InteractionRequest{ID: s.Store.IDs.Next(), Kind: kind, StatusID: st.ID, TargetAccountID: st.AccountID, AccountID: actor.ID}
}

// InteractionRequest returns a request waiting for (or answered by) the
// viewer, the author of the post it is about; others' are not found.
func (s *Service) InteractionRequest(ctx context.Context, viewer, id domain.ID) (*store.InteractionRequest, error) {
	req, err := s.Store.InteractionRequestByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if req.TargetAccountID != viewer {
		return nil, domain.NotFound()
	}
	return req, nil
}

// AnswerInteraction is the viewer's approval (accept) or refusal of a
// request about one of their posts. An accepted interaction is performed
// as if it had been allowed at once; a refused reply stays visible to its
// author only.
func (s *Service) AnswerInteraction(ctx context.Context, viewer, id domain.ID, accept bool) (*store.InteractionRequest, error) {
	req, err := s.InteractionRequest(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if !req.Pending() {
		return nil, domain.E(domain.KindConflict, "This request was already answered").Tr("err_request_answered")
	}
	if !accept {
		return req, s.Store.RejectInteraction(ctx, req)
	}
	author, err := s.Store.Account(ctx, viewer)
	if err != nil {
		return nil, err
	}
	return req, s.acceptInteraction(ctx, req, AuthorizationURI(s.Cfg.URL, author.Username, req.ID))
}

// AnswerRemoteApproval applies a remote author's answer to a local
// account's request: an accepted interaction is performed and sent to
// its audience with the authorization; a refused one stays with its
// author. Answering twice changes nothing.
func (s *Service) AnswerRemoteApproval(ctx context.Context, req *store.InteractionRequest, accept bool, authorization string) error {
	if !req.Pending() {
		return nil
	}
	if !accept {
		return s.Store.RejectInteraction(ctx, req)
	}
	if err := s.acceptInteraction(ctx, req, authorization); err != nil {
		return err
	}
	if req.Kind == store.RequestReply {
		// The note is rendered from the released reply: once committed.
		return s.Store.FederateInteraction(ctx, req, store.InteractionApproved)
	}
	return nil
}

// acceptInteraction performs an accepted request (store.AcceptInteraction)
// with the boost it creates.
func (s *Service) acceptInteraction(ctx context.Context, req *store.InteractionRequest, authorization string) error {
	var boost *domain.Status
	if req.Kind == store.RequestReblog {
		orig, err := s.Store.Status(ctx, req.StatusID)
		if err != nil {
			return err
		}
		booster, err := s.Store.Account(ctx, req.AccountID)
		if err != nil {
			return err
		}
		boost = &domain.Status{ID: req.ID, AccountID: booster.ID, Local: booster.Local(), Visibility: req.Visibility,
			ReblogOfID: orig.ID, URI: req.URI, ConversationID: orig.ConversationID, CreatedAt: s.Store.Now()}
		if booster.Local() {
			// Its id and URI are the request's: the Announce the remote
			// author approved named them.
			boost.URL = s.Cfg.URL + "/@" + booster.Username + "/" + req.ID.String()
		} else {
			boost.ID = s.Store.IDs.Next()
		}
	}
	_, err := s.Store.AcceptInteraction(ctx, req, authorization, boost)
	return err
}

// actorURI is an account's ActivityPub id (a local account's may be
// stored empty).
func (s *Service) actorURI(a *domain.Account) string {
	if a.URI != "" || !a.Local() {
		return a.URI
	}
	return s.Cfg.URL + "/users/" + a.Username
}

// refusal says whom the author accepts an interaction from, at once and
// with their approval.
func refusal(kind Interaction, rule store.PolicyRule) string {
	noun := interactionNouns[kind]
	msg := "The author does not accept " + noun + " on this post"
	if who := whoOf(rule.AutomaticApproval); len(who) > 0 {
		msg = "The author only accepts " + noun + " from " + joinOr(who)
	}
	if who := whoOf(rule.ManualApproval); len(who) > 0 {
		msg += "; " + noun + " from " + joinOr(who) + " need their approval"
	}
	return msg
}

// refusalError is the Forbidden error saying refusal(kind, rule), keyed so
// that a page says it in its reader's language: the noun and each group of
// accounts are keyed errors themselves (view.Err translates them in turn).
func refusalError(kind Interaction, rule store.PolicyRule) *domain.Error {
	e := domain.Forbidden("%s", refusal(kind, rule))
	auto, manual := whoErrors(rule.AutomaticApproval), whoErrors(rule.ManualApproval)
	switch {
	case auto == nil && manual == nil:
		return e.Tr("err_refuse_none", nounError(kind))
	case manual == nil:
		return e.Tr("err_refuse_only", nounError(kind), auto)
	case auto == nil:
		return e.Tr("err_refuse_none_approval", nounError(kind), nounError(kind), manual)
	}
	return e.Tr("err_refuse_only_approval", nounError(kind), auto, nounError(kind), manual)
}

// nounError is interactionNouns[kind] as a keyed text.
func nounError(kind Interaction) *domain.Error {
	e := domain.Invalid("%s", interactionNouns[kind])
	switch kind {
	case Reblog:
		return e.Tr("err_noun_boosts")
	case Favourite:
		return e.Tr("err_noun_favourites")
	}
	return e.Tr("err_noun_replies")
}

// whoErrors is joinOr(whoOf(vals)) as a keyed text, nil for nobody.
func whoErrors(vals []string) *domain.Error {
	var items []*domain.Error
	for _, w := range whoOf(vals) {
		e := domain.Invalid("%s", w)
		switch w {
		case "their followers":
			e.Tr("err_who_followers")
		case "people they follow":
			e.Tr("err_who_following")
		case "people mentioned in the post":
			e.Tr("err_who_mentioned")
		default:
			e.Tr("err_who_selected")
		}
		items = append(items, e)
	}
	if len(items) == 0 {
		return nil
	}
	// "a, b or c": the last two joined by "or", the others by commas.
	out := items[len(items)-1]
	if len(items) > 1 {
		out = domain.Invalid("%s or %s", items[len(items)-2].Message, out.Message).Tr("err_or", items[len(items)-2], out)
		for i := len(items) - 3; i >= 0; i-- {
			out = domain.Invalid("%s, %s", items[i].Message, out.Message).Tr("err_comma", items[i], out)
		}
	}
	return out
}

// whoOf describes a policy list's accounts (the author and public aside).
func whoOf(vals []string) []string {
	var who []string
	for _, v := range vals {
		switch v {
		case store.PolicyFollowers:
			who = append(who, "their followers")
		case store.PolicyFollowing:
			who = append(who, "people they follow")
		case store.PolicyMentioned:
			who = append(who, "people mentioned in the post")
		case store.PolicyAuthor, store.PolicyMe, store.PolicyPublic:
		default:
			if !slices.Contains(who, "selected accounts") {
				who = append(who, "selected accounts")
			}
		}
	}
	return who
}

func joinOr(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// HideReply hides (or shows again) a reply in the thread of viewer's
// post: only the author of the thread's first post may, and not their
// own replies. A hidden reply, and the replies to it, are left out of the
// thread for everyone but its author; it stays readable on its own.
func (s *Service) HideReply(ctx context.Context, viewer, id domain.ID, hidden bool) (domain.ID, error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return 0, err
	}
	if st.InReplyToID == 0 || st.ReblogOfID != 0 {
		return 0, domain.Invalid("Validation failed: only a reply can be hidden from a thread").Tr("err_hide_not_reply")
	}
	anc, err := s.Store.Ancestors(ctx, st.ID)
	if err != nil {
		return 0, err
	}
	if len(anc) == 0 {
		return 0, domain.Forbidden("Only the author of a thread may hide its replies").Tr("err_hide_not_author")
	}
	root, err := s.Store.Status(ctx, anc[0])
	if err != nil {
		return 0, err
	}
	if root.AccountID != viewer {
		return 0, domain.Forbidden("Only the author of a thread may hide its replies").Tr("err_hide_not_author")
	}
	if st.AccountID == viewer {
		return 0, domain.Invalid("Validation failed: one's own replies cannot be hidden").Tr("err_hide_own")
	}
	return st.ID, s.Store.SetReplyHidden(ctx, st.ID, viewer, hidden)
}

// withoutHidden drops from a thread's descendants (chronological, so
// parents come first) the hidden replies and the replies to them, except
// the viewer's own.
func (s *Service) withoutHidden(ctx context.Context, viewer domain.ID, ids []domain.ID) ([]domain.ID, error) {
	hidden, err := s.Store.HiddenReplies(ctx, ids)
	if err != nil || len(hidden) == 0 {
		return ids, err
	}
	sts, err := s.Store.Statuses(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []domain.ID{}
	for _, id := range ids {
		st := sts[id]
		if st == nil {
			continue
		}
		if hidden[st.InReplyToID] {
			hidden[id] = true // a reply under a hidden reply goes with it
		}
		if hidden[id] && st.AccountID != viewer {
			continue
		}
		out = append(out, id)
	}
	return out, nil
}
