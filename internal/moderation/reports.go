package moderation

import (
	"context"
	"github.com/agora-social/agora/internal/mail"
	netmail "net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// ReportInput is a report from the API or a notice from the public form.
type ReportInput struct {
	Reporter         *domain.Account // nil for the public notice form
	ReporterEmail    string          // the reporter's login e-mail, when local
	TargetAccountID  domain.ID
	StatusIDs        []domain.ID
	Comment          string
	Category         string
	RuleIDs          []domain.ID
	Forward          bool
	LegalCategory    string
	LegalExplanation string
	ContentURLs      []string
	NotifierName     string
	NotifierEmail    string
	GoodFaith        bool
}

// Notification types of the moderation flow. moderation_warning is
// Mastodon's; the others are agora's, ignored by clients that do not know them.
const (
	NotifyWarning        = "moderation_warning"
	NotifyReportReceived = "agora.report_received"
	NotifyReportDecided  = "agora.report_decided"
	NotifyAppealDecided  = "agora.appeal_decided"
)

// CreateReport validates and files a report or notice, then confirms its
// receipt to the notifier (DSA Art. 16(4)).
func (s *Service) CreateReport(ctx context.Context, in ReportInput) (*store.Report, error) {
	target, err := s.Store.Account(ctx, in.TargetAccountID)
	if err != nil {
		return nil, err
	}
	if in.Reporter != nil && in.Reporter.ID == target.ID {
		return nil, domain.Invalid("You cannot report yourself").Tr("err_report_self")
	}
	r := &store.Report{TargetAccountID: target.ID, Comment: strings.TrimSpace(in.Comment), Category: in.Category,
		RuleIDs: in.RuleIDs, StatusIDs: in.StatusIDs, Source: "public_form", ContentURLs: []string{}}
	if in.Reporter != nil {
		r.AccountID, r.Source = in.Reporter.ID, "account"
	}
	if runeLen(r.Comment) > MaxCommentLen {
		return nil, domain.Invalid("comment: at most %d characters", MaxCommentLen).Tr("err_report_comment_long", MaxCommentLen)
	}
	if r.Category == "" {
		r.Category = "other"
		if len(r.RuleIDs) > 0 {
			r.Category = "violation"
		}
	}
	if !slices.Contains(reportCategories, r.Category) {
		return nil, domain.Invalid("category: must be one of spam, legal, violation, other").Tr("err_report_category")
	}
	if r.Category == "violation" && len(r.RuleIDs) == 0 {
		return nil, domain.Invalid("rule_ids: required for the violation category").Tr("err_report_rules_required")
	}
	if r.Category != "violation" && len(r.RuleIDs) > 0 {
		return nil, domain.Invalid("rule_ids: only for the violation category").Tr("err_report_rules_only")
	}
	if err := s.validRules(ctx, r.RuleIDs); err != nil {
		return nil, err
	}
	if len(r.StatusIDs) > MaxReportStatuses {
		return nil, domain.Invalid("status_ids: at most %d statuses", MaxReportStatuses).Tr("err_report_statuses_many", MaxReportStatuses)
	}
	sts, err := s.Store.Statuses(ctx, r.StatusIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range r.StatusIDs {
		st := sts[id]
		if st == nil || st.AccountID != target.ID {
			return nil, domain.Invalid("status_ids: status %s is not one of the reported account's", id).Tr("err_report_status_other", id)
		}
		if st.URL != "" {
			r.ContentURLs = append(r.ContentURLs, st.URL)
		}
	}
	if r.Category == "legal" {
		if err := s.legalNotice(r, in); err != nil {
			return nil, err
		}
	}
	// forward sends a Flag to a remote account's server, in this server's
	// name; local targets have nobody to forward to.
	r.Forwarded = in.Forward && !target.Local()
	if in.Reporter != nil {
		n, err := s.Store.CountReportsSince(ctx, in.Reporter.ID, s.Store.Now().Add(-time.Hour))
		if err != nil {
			return nil, err
		}
		if n >= LimitReportsPerHour {
			return nil, domain.E(domain.KindRateLimited, "Too many reports, try again later").Tr("err_report_flood")
		}
		trusted, err := s.Store.TrustedFlagger(ctx, in.Reporter.ID)
		if err != nil {
			return nil, err
		}
		if trusted {
			r.Source, r.Priority = "trusted_flagger", true
		}
	}
	if err := s.Store.InsertReport(ctx, r); err != nil {
		return nil, err
	}
	if in.Reporter != nil {
		if err := s.Store.InsertModerationNotification(ctx, s.Store.DB.W, in.Reporter.ID, NotifyReportReceived, 0); err != nil {
			return nil, err
		}
	} else if r.NotifierEmail != "" {
		s.mail(r.NotifierEmail, "Your notice was received", "/report/"+r.ID.String())
	}
	return r, nil
}

// legalNotice checks and fills the DSA Art. 16 fields of a legal notice.
func (s *Service) legalNotice(r *store.Report, in ReportInput) error {
	r.LegalCategory = strings.TrimSpace(in.LegalCategory)
	if r.LegalCategory == "" {
		r.LegalCategory = "not_specified_notice"
	}
	if _, ok := LegalCategories[r.LegalCategory]; !ok {
		return domain.Invalid("legal_category: unknown category").Tr("err_notice_category")
	}
	r.LegalExplanation = strings.TrimSpace(in.LegalExplanation)
	if r.LegalExplanation == "" {
		return domain.Invalid("legal_explanation: a substantiated explanation of why the content is illegal is required").Tr("err_notice_explanation")
	}
	if runeLen(r.LegalExplanation) > MaxLegalExplanationLen {
		return domain.Invalid("legal_explanation: at most %d characters", MaxLegalExplanationLen).Tr("err_notice_explanation_long", MaxLegalExplanationLen)
	}
	if !in.GoodFaith {
		return domain.Invalid("good_faith_confirmed: you must confirm that the notice is accurate and complete in good faith").Tr("err_notice_good_faith")
	}
	r.GoodFaith = true
	r.NotifierName, r.NotifierEmail = strings.TrimSpace(in.NotifierName), strings.ToLower(strings.TrimSpace(in.NotifierEmail))
	if in.Reporter != nil {
		// A local notifier is known by their account and login e-mail.
		if r.NotifierName == "" {
			r.NotifierName = in.Reporter.DisplayName
			if r.NotifierName == "" {
				r.NotifierName = in.Reporter.Username
			}
		}
		if r.NotifierEmail == "" {
			r.NotifierEmail = in.ReporterEmail
		}
	}
	if r.LegalCategory != ChildAbuseCategory && (r.NotifierName == "" || r.NotifierEmail == "") {
		return domain.Invalid("notifier_name, notifier_email: the notifier's name and e-mail are required (except for child sexual abuse material)").Tr("err_notice_notifier")
	}
	if runeLen(r.NotifierName) > MaxNotifierNameLen {
		return domain.Invalid("notifier_name: at most %d characters", MaxNotifierNameLen).Tr("err_notice_name_long", MaxNotifierNameLen)
	}
	if r.NotifierEmail != "" {
		if a, err := netmail.ParseAddress(r.NotifierEmail); err != nil || a.Address != r.NotifierEmail || len(r.NotifierEmail) > MaxNotifierEmailLen {
			return domain.Invalid("notifier_email: not a valid e-mail address").Tr("err_notice_email")
		}
	}
	if len(in.ContentURLs) > MaxContentURLs {
		return domain.Invalid("content_urls: at most %d URLs", MaxContentURLs).Tr("err_notice_urls_many", MaxContentURLs)
	}
	for _, raw := range in.ContentURLs {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(raw) > MaxURLLen {
			return domain.Invalid("content_urls: %q is not an http(s) URL", raw).Tr("err_notice_url", raw)
		}
		if !slices.Contains(r.ContentURLs, raw) {
			r.ContentURLs = append(r.ContentURLs, raw)
		}
	}
	if len(r.ContentURLs) == 0 {
		return domain.Invalid("content_urls, status_ids: the exact location of the content is required").Tr("err_notice_location")
	}
	return nil
}

// mail tells a notifier without an account about their notice: through
// the Mail sender in the background (a slow SMTP server must not hold the
// request), or, without one, a log line with the link only (never the
// address).
func (s *Service) mail(to, subject, path string) {
	if s.Mail == nil {
		domainPart := to
		if i := strings.LastIndex(to, "@"); i >= 0 {
			domainPart = to[i+1:]
		}
		s.Log.Info("moderation e-mail (no SMTP configured)", "to_domain", domainPart, "subject", subject, "link", s.BaseURL+path)
		return
	}
	m := mail.Message{To: to, Subject: subject, Link: s.BaseURL + path,
		Text: subject + ".\n\nFollow your notice here: " + s.BaseURL + path + "\n"}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), mail.Timeout)
		defer cancel()
		if err := s.Mail.Send(ctx, m); err != nil {
			s.Log.Warn("moderation e-mail not sent", "subject", subject, "err", err)
		}
	}()
}

// OwnReport loads a report its reporter filed (404 for anyone else).
func (s *Service) OwnReport(ctx context.Context, reporter, id domain.ID) (*store.Report, error) {
	r, err := s.Store.Report(ctx, id)
	if err != nil {
		return nil, err
	}
	if reporter == 0 || r.AccountID != reporter {
		return nil, domain.NotFound()
	}
	return r, nil
}

// ListReports lists reports for moderators.
func (s *Service) ListReports(ctx context.Context, u *domain.User, f store.ReportFilter, p domain.Page, queue bool) ([]*store.Report, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	return s.Store.Reports(ctx, f, p, queue)
}

// GetReport loads a report for moderators.
func (s *Service) GetReport(ctx context.Context, u *domain.User, id domain.ID) (*store.Report, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	return s.Store.Report(ctx, id)
}

// ReportAction is a queue transition.
type ReportAction string

// The queue transitions.
const (
	AssignToSelf ReportAction = "assign_to_self"
	Unassign     ReportAction = "unassign"
	Resolve      ReportAction = "resolve"
	Reopen       ReportAction = "reopen"
	Escalate     ReportAction = "escalate"
)

// ChangeReport applies a queue transition and logs it.
func (s *Service) ChangeReport(ctx context.Context, u *domain.User, id domain.ID, act ReportAction) (*store.Report, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	r, err := s.Store.Report(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Store.Now()
	switch act {
	case AssignToSelf:
		r.AssignedAccountID = u.AccountID
	case Unassign:
		r.AssignedAccountID = 0
	case Resolve:
		r.State, r.ActionTakenAt, r.ActionTakenByAccountID = "resolved", &now, u.AccountID
	case Reopen:
		r.State, r.ActionTakenAt, r.ActionTakenByAccountID = "open", nil, 0
	case Escalate:
		if r.State == "resolved" {
			return nil, domain.Invalid("A resolved report cannot be escalated; reopen it first")
		}
		r.State = "escalated"
	default:
		return nil, domain.NotFound()
	}
	err = s.Store.Tx(ctx, func(tx *txT) error {
		if err := s.Store.UpdateReport(ctx, tx, r); err != nil {
			return err
		}
		if act == Resolve && r.AccountID != 0 && r.DecisionID == 0 {
			if err := s.Store.InsertModerationNotification(ctx, tx, r.AccountID, NotifyReportDecided, 0); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, u.AccountID, "report."+string(act), "report", r.ID, "")
	})
	if err != nil {
		return nil, err
	}
	if act == Resolve && r.AccountID == 0 && r.NotifierEmail != "" {
		s.mail(r.NotifierEmail, "Your notice was handled", "/report/"+r.ID.String())
	}
	return r, nil
}

// AddNote adds an internal comment to a report.
func (s *Service) AddNote(ctx context.Context, u *domain.User, id domain.ID, content string) (*store.ReportNote, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	content = strings.TrimSpace(content)
	if content == "" || runeLen(content) > MaxNoteLen {
		return nil, domain.Invalid("content: between 1 and %d characters", MaxNoteLen)
	}
	if _, err := s.Store.Report(ctx, id); err != nil {
		return nil, err
	}
	n := &store.ReportNote{ReportID: id, AccountID: u.AccountID, Content: content}
	if err := s.Store.AddReportNote(ctx, n); err != nil {
		return nil, err
	}
	return n, s.audit(ctx, s.Store.DB.W, u.AccountID, "report.note", "report", id, "")
}

// Notes lists a report's internal comments.
func (s *Service) Notes(ctx context.Context, u *domain.User, id domain.ID) ([]*store.ReportNote, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	return s.Store.ReportNotes(ctx, id)
}

// AddTrustedFlagger registers a trusted flagger (admins only).
func (s *Service) AddTrustedFlagger(ctx context.Context, u *domain.User, accountID domain.ID, name string) error {
	if u == nil || u.Role != domain.RoleAdmin {
		return domain.Forbidden("This action is not allowed")
	}
	name = strings.TrimSpace(name)
	if name == "" || runeLen(name) > MaxNotifierNameLen {
		return domain.Invalid("name: between 1 and %d characters", MaxNotifierNameLen)
	}
	if _, err := s.Store.Account(ctx, accountID); err != nil {
		return err
	}
	if err := s.Store.AddTrustedFlagger(ctx, accountID, name); err != nil {
		return err
	}
	return s.audit(ctx, s.Store.DB.W, u.AccountID, "trusted_flagger.add", "account", accountID, name)
}

// Recategorize is Mastodon's PUT /api/v1/admin/reports/:id: it changes a
// report's category and rules with the same checks as filing it.
func (s *Service) Recategorize(ctx context.Context, u *domain.User, id domain.ID, category string, ruleIDs []domain.ID) (*store.Report, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	r, err := s.Store.Report(ctx, id)
	if err != nil {
		return nil, err
	}
	if category == "" {
		category = r.Category
		if len(ruleIDs) > 0 {
			category = "violation"
		}
	}
	if !slices.Contains(reportCategories, category) || category == "legal" && r.Category != "legal" {
		return nil, domain.Invalid("category: must be one of spam, violation, other (legal only for notices)")
	}
	if (category == "violation") != (len(ruleIDs) > 0) {
		return nil, domain.Invalid("rule_ids: required for the violation category, and only for it")
	}
	if err := s.validRules(ctx, ruleIDs); err != nil {
		return nil, err
	}
	r.Category, r.RuleIDs = category, ruleIDs
	err = s.Store.Tx(ctx, func(tx *txT) error {
		if err := s.Store.UpdateReport(ctx, tx, r); err != nil {
			return err
		}
		return s.audit(ctx, tx, u.AccountID, "report.update", "report", r.ID, category)
	})
	return r, err
}
