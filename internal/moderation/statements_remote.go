package moderation

import (
	"context"
	"database/sql"
	"fmt"
	netmail "net/mail"
	"strings"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/mail"
	"github.com/agora-social/agora/internal/store"
)

// statementTokenBytes is the entropy of a public statement link's token.
const statementTokenBytes = 32

// PublicStatementPath is where a remote account reads a statement of
// reasons addressed to it (followed by the token).
const PublicStatementPath = "/statements/public/"

// StatementDelivery is a statement of reasons for an account on another
// server: it has no notifications or statements page here, so it gets a
// direct message with the summary and the link to the public page.
type StatementDelivery struct {
	DecisionID      domain.ID
	TargetAccountID domain.ID
	Summary         string // plain text: what was decided and why, in short
	URL             string // the public statement page, with its token
}

// StatementDeliverer delivers statements to remote accounts, in the
// transaction of the decision (federation.Handler, the store's Federator,
// implements it).
type StatementDeliverer interface {
	DeliverStatement(ctx context.Context, tx *sql.Tx, sd StatementDelivery) error
}

// deliverStatement makes the public page of a decision about a remote
// account (a random token; only its hash is kept) and hands the message
// to the federation, in tx. Without a federation (tools, tests of the
// store alone) the statement exists but is not delivered: logged.
func (s *Service) deliverStatement(ctx context.Context, tx *sql.Tx, d *store.Decision, target *domain.Account) error {
	token := auth.NewSecret(statementTokenBytes)
	if err := s.Store.InsertStatementLink(ctx, tx, d.ID, auth.HashSecret(token)); err != nil {
		return err
	}
	sd := StatementDelivery{DecisionID: d.ID, TargetAccountID: target.ID, URL: s.BaseURL + PublicStatementPath + token,
		Summary: StatementSummary(d)}
	fd, ok := s.Store.Federator.(StatementDeliverer)
	if !ok {
		s.Log.Info("statement of reasons for a remote account not delivered (no federation)", "decision", d.ID)
		return nil
	}
	return fd.DeliverStatement(ctx, tx, sd)
}

// StatementSummary is the short form of a statement sent in the direct
// message: the decision and its ground; the page has the rest.
func StatementSummary(d *store.Decision) string {
	var b strings.Builder
	b.WriteString("Moderation decision of this server about your ")
	if len(d.StatusIDs) > 0 {
		b.WriteString("post(s): ")
	} else {
		b.WriteString("account: ")
	}
	b.WriteString(remoteActionText[d.Action])
	if d.Ground == "illegal" {
		b.WriteString(" Ground: illegal content (" + d.LegalGround + ").")
	} else {
		b.WriteString(" Ground: incompatible with the server rules.")
	}
	b.WriteString(" " + d.Explanation)
	return b.String()
}

// remoteActionText is what each action means for content from another
// server (it acts on this server's copy and view only).
var remoteActionText = map[string]string{
	"remove":         "they are no longer shown on this server.",
	"mark_sensitive": "they are shown as sensitive on this server.",
	"limit":          "your account is limited on this server: hidden from people who do not follow you.",
	"suspend":        "your account is suspended on this server: it and its posts are no longer shown here.",
}

// PublicStatement loads the decision a public statement link opens; any
// other token is "not found".
func (s *Service) PublicStatement(ctx context.Context, token string) (*store.Decision, error) {
	if token == "" || len(token) > 200 {
		return nil, domain.NotFound()
	}
	return s.Store.DecisionByStatementToken(ctx, auth.HashSecret(token))
}

// PublicAppeal files an appeal from a public statement page (a remote
// person, who leaves an e-mail address to be answered at). It lands in
// the moderators' appeal queue like any other.
func (s *Service) PublicAppeal(ctx context.Context, token, text, email string) (*store.Appeal, error) {
	d, err := s.PublicStatement(ctx, token)
	if err != nil {
		return nil, err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := netmail.ParseAddress(email); err != nil || a.Address != email || len(email) > MaxNotifierEmailLen {
		return nil, domain.Invalid("email: a valid e-mail address is required, to send you the answer")
	}
	return s.fileAppeal(ctx, d, &store.Appeal{DecisionID: d.ID, AccountID: d.TargetAccountID, Text: text, ContactEmail: email})
}

// mailText sends a message whose text is the content (an appeal's
// answer). Without SMTP it logs the subject and the address's domain only.
func (s *Service) mailText(to, subject, text string) {
	if s.Mail == nil {
		domainPart := to[strings.LastIndex(to, "@")+1:]
		s.Log.Info("moderation e-mail (no SMTP configured)", "to_domain", domainPart, "subject", subject)
		return
	}
	m := mail.Message{To: to, Subject: subject, Text: text}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), mail.Timeout)
		defer cancel()
		if err := s.Mail.Send(ctx, m); err != nil {
			s.Log.Warn("moderation e-mail not sent", "subject", subject, "err", fmt.Errorf("send: %w", err))
		}
	}()
}
