package federation

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
)

// StatementsAccount is the username of the service account that sends
// statements of reasons to accounts on other servers.
const StatementsAccount = "moderation"

// DeliverStatement implements moderation.StatementDeliverer: a statement
// of reasons about an account on another server reaches it as a direct
// message (a Note addressed to it alone, mentioning it, so that its
// server notifies it) from the service account @moderation, with the
// summary and the link to the statement's public page. The delivery job
// is enqueued in tx, the decision's transaction; it is signed and retried
// like any other.
//
// A service account speaks rather than the moderator (who stays unnamed:
// the decision is the service's) or the instance actor (servers, agora
// and Mastodon alike, accept a note only from an actor whose
// preferredUsername@host WebFingers back to it, which the instance actor
// does not). It is a local account without a login, made on first use.
func (h *Handler) DeliverStatement(ctx context.Context, tx *sql.Tx, sd moderation.StatementDelivery) error {
	h.init()
	target, err := h.Store.Account(ctx, sd.TargetAccountID)
	if err != nil {
		return err
	}
	sender, err := h.Store.ServiceAccount(ctx, tx, h.Cfg.URL, StatementsAccount, "Moderation",
		"<p>This account sends the moderation team's statements of reasons to accounts on other servers. It is not read.</p>")
	if domain.KindOf(err) == domain.KindConflict {
		// A member took the name before: the statement stays on its page,
		// undelivered, rather than be sent in a person's name.
		h.Log.Warn("statement of reasons not delivered", "decision", sd.DecisionID, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	inbox := target.InboxURL
	if inbox == "" {
		inbox = target.SharedInboxURL
	}
	if target.Local() || inbox == "" {
		h.Log.Warn("statement of reasons not delivered: no inbox", "decision", sd.DecisionID)
		return nil
	}
	note := statementNote(h.actorURI(sender), target.URI, "@"+target.Username+"@"+target.Domain, sd, h.Now())
	act := activitypub.NewCreate(note.AttributedTo, note)
	act.Context = activitypub.NoteContext
	body, err := json.Marshal(act)
	if err != nil {
		return err
	}
	if err := h.Jobs.InsertTx(ctx, tx, DeliverArgs{Inbox: inbox, ActorID: int64(sender.ID), Body: string(body)},
		&river.InsertOpts{MaxAttempts: DeliveryMaxAttempts}); err != nil {
		return fmt.Errorf("enqueue the statement of reasons: %w", err)
	}
	return nil
}

// statementNote renders the direct message of a statement.
func statementNote(actorURI, targetURI, handle string, sd moderation.StatementDelivery, at time.Time) *activitypub.Note {
	link := html.EscapeString(sd.URL)
	content := `<p><span class="h-card"><a href="` + html.EscapeString(targetURI) + `" class="u-url mention">` +
		html.EscapeString(handle) + `</a></span> ` + html.EscapeString(sd.Summary) + `</p>` +
		`<p>Read the whole statement of reasons and appeal the decision here: <a href="` + link + `">` + link + `</a></p>`
	return &activitypub.Note{
		ID: actorURI + "/statements/" + sd.DecisionID.String(), Type: "Note",
		Published: at.UTC().Format(time.RFC3339), URL: sd.URL, AttributedTo: actorURI,
		To: []string{targetURI}, Cc: []string{}, Content: content, Attachment: []any{},
		Tag: []any{map[string]string{"type": "Mention", "href": targetURI, "name": handle}},
	}
}
