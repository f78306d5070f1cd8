package web

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// The web UI's choices of who may reply, as GoToSocial's can_reply rules
// (statuses.DecideInteraction applies them; mentioned accounts may always
// reply). The "_ask" choices let everyone else ask: their replies wait
// for the author's approval (manual_approval: public). Other rules (from
// apps or other servers) show as "custom".
const (
	replyAnyone       = "public"
	replyFollowers    = "followers"
	replyFollowersAsk = "followers_ask"
	replyFollowing    = "following"
	replyFollowingAsk = "following_ask"
	replyMentioned    = "mentioned"
	replyMentionedAsk = "mentioned_ask"
	replyCustom       = "custom"
	askSuffix         = "_ask"
)

// replyChoices are the choices offered in the forms, widest first.
var replyChoices = []string{replyAnyone, replyFollowers, replyFollowersAsk, replyFollowing, replyFollowingAsk,
	replyMentioned, replyMentionedAsk}

// replyRule is the can_reply rule of a choice; nil for an unknown one.
func replyRule(choice string) *store.PolicyRule {
	base, ask := strings.CutSuffix(choice, askSuffix)
	auto := map[string][]string{
		replyAnyone:    {store.PolicyPublic},
		replyFollowers: {store.PolicyAuthor, store.PolicyFollowers, store.PolicyMentioned},
		replyFollowing: {store.PolicyAuthor, store.PolicyFollowing, store.PolicyMentioned},
		replyMentioned: {store.PolicyAuthor, store.PolicyMentioned},
	}[base]
	if auto == nil || (ask && base == replyAnyone) {
		return nil
	}
	manual := []string{}
	if ask {
		manual = []string{store.PolicyPublic}
	}
	return &store.PolicyRule{AutomaticApproval: auto, ManualApproval: manual}
}

// replyChoiceOf names a can_reply rule with the forms' choices.
func replyChoiceOf(r store.PolicyRule) string {
	if slices.Contains(r.AutomaticApproval, store.PolicyPublic) {
		return replyAnyone
	}
	suffix := ""
	switch {
	case slices.Equal(r.ManualApproval, []string{store.PolicyPublic}):
		suffix = askSuffix
	case len(r.ManualApproval) > 0:
		return replyCustom
	}
	followers := slices.Contains(r.AutomaticApproval, store.PolicyFollowers)
	following := slices.Contains(r.AutomaticApproval, store.PolicyFollowing)
	for _, v := range r.AutomaticApproval {
		switch v {
		case store.PolicyFollowers, store.PolicyFollowing, store.PolicyMentioned, store.PolicyAuthor, store.PolicyMe:
		default:
			return replyCustom // accounts named by URI
		}
	}
	switch {
	case followers && following:
		return replyCustom
	case followers:
		return replyFollowers + suffix
	case following:
		return replyFollowing + suffix
	}
	return replyMentioned + suffix
}

// replyPolicyInput reads the compose form's reply_policy: nil for "" (the
// author's default for the visibility).
func replyPolicyInput(v url.Values) (*statuses.PolicyInput, error) {
	choice := v.Get("reply_policy")
	if choice == "" {
		return nil, nil
	}
	r := replyRule(choice)
	if r == nil {
		return nil, domain.Invalid("reply_policy: not one of %s", strings.Join(replyChoices, ", "))
	}
	return &statuses.PolicyInput{CanReply: r}, nil
}

// replyBox is what the status page says about replying to its status:
// who may (Rule, "" when anyone may), whether the viewer may not
// (Refused) or must wait for the author's approval (Ask), and for the
// author the form to change it.
type replyBox struct {
	Rule     string
	Author   string // the author's handle, for the sentences
	Refused  bool
	Ask      bool
	CanEdit  bool
	Choices  []string
	StatusID string
}

// replyBoxOf checks the viewer's right to reply to st with the service's
// rule (statuses.DecideInteraction), and describes the policy.
func (h *Handler) replyBoxOf(ctx context.Context, q *request, st *domain.Status, author string) (*replyBox, error) {
	pol, err := h.statuses.PolicyOf(ctx, st)
	if err != nil {
		return nil, err
	}
	b := &replyBox{Author: author, Choices: replyChoices, StatusID: st.ID.String()}
	if c := replyChoiceOf(pol.CanReply); c != replyAnyone {
		b.Rule = c
	}
	if q.acct == nil {
		return b, nil
	}
	b.CanEdit = q.acct.ID == st.AccountID && st.Local
	d, err := h.statuses.DecideInteraction(ctx, q.acct, st, statuses.Reply)
	switch {
	case domain.KindOf(err) == domain.KindForbidden:
		b.Refused = true
	case err != nil:
		return nil, err
	default:
		b.Ask = d == statuses.NeedsApproval
	}
	return b, nil
}

// setReplyPolicy changes who may reply to the viewer's status id: an edit
// of the status that keeps everything else (as the API's edit with
// interaction_policy, which also federates the new policy).
func (h *Handler) setReplyPolicy(ctx context.Context, q *request, id domain.ID, choice string) error {
	rule := replyRule(choice)
	if rule == nil {
		return domain.Invalid("reply_policy: not one of %s", strings.Join(replyChoices, ", "))
	}
	st, err := h.statuses.Get(ctx, q.acct.ID, id)
	if err != nil {
		return err
	}
	if st.AccountID != q.acct.ID {
		return domain.Forbidden("This action is not allowed")
	}
	in := statuses.EditInput{Text: st.Text, SpoilerText: st.SpoilerText, Sensitive: &st.Sensitive, Language: &st.Language,
		InteractionPolicy: &statuses.PolicyInput{CanReply: rule}}
	polls, _, err := h.Store.Polls(ctx, 0, []domain.ID{id})
	if err != nil {
		return err
	}
	if p := polls[id]; p != nil {
		// The same options keep the poll, its votes and its end.
		in.Poll = &statuses.PollInput{Options: p.Options, Multiple: p.Multiple, HideTotals: p.HideTotals, ExpiresIn: statuses.MinPollExpiry}
	}
	ms, err := h.Store.MediaOf(ctx, []domain.ID{id})
	if err != nil {
		return err
	}
	for _, m := range ms[id] {
		in.MediaIDs = append(in.MediaIDs, m.ID.String())
	}
	return h.statuses.Edit(ctx, q.acct.ID, id, in)
}
