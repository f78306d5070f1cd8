// Package moderation holds the trust-and-safety rules: reports and DSA
// notices, the moderation queue, decisions with their statement of reasons
// (DSA Art. 17), appeals (Art. 20) and the transparency figures and export
// (Art. 15/24). The API and web edges call it; see docs/moderation.md.
package moderation

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/mail"
	"github.com/agora-social/agora/internal/store"
)

// Limits. They are checked by the service, so every edge applies them.
const (
	MaxCommentLen          = 1000 // report comment (Mastodon's COMMENT_SIZE_LIMIT)
	MaxReportStatuses      = 50   // statuses in one report
	MaxReportRules         = 20   // rules in one report or decision
	MaxLegalExplanationLen = 5000 // substantiated explanation of a legal notice
	MaxNotifierNameLen     = 200
	MaxNotifierEmailLen    = 320
	MaxContentURLs         = 20
	MaxURLLen              = 2000
	LimitReportsPerHour    = 20   // reports one account may file per hour
	MaxExplanationLen      = 2000 // TDB illegal/incompatible_content_explanation
	MaxLegalGroundLen      = 500  // TDB illegal_content_legal_ground
	MaxDecisionStatuses    = 100
	MaxNoteLen             = 5000 // internal comment on a report
	MaxAppealLen           = 5000
	MaxResponseLen         = 5000 // a moderator's answer to an appeal
	MinAppealDays          = 183  // DSA Art. 20: at least six months
	MinDurationSeconds     = 3600
	MaxDurationSeconds     = 5 * 366 * 24 * 3600
)

// Service applies the moderation rules.
type Service struct {
	Store      *store.Store
	Log        *slog.Logger
	BaseURL    string // for links in logged e-mails
	AppealDays int    // appeal window, never below MinAppealDays
	// Mail sends messages to notifiers without an account; nil logs their
	// links instead.
	Mail mail.Sender
}

// New returns the service; the appeal window comes from AGORA_APPEAL_DAYS
// (default and minimum MinAppealDays).
func New(st *store.Store, log *slog.Logger, baseURL string) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Store: st, Log: log, BaseURL: strings.TrimSuffix(baseURL, "/"), AppealDays: AppealDays()}
}

// AppealDays is the appeal window: AGORA_APPEAL_DAYS, never below
// MinAppealDays.
func AppealDays() int {
	days := MinAppealDays
	if v, err := strconv.Atoi(os.Getenv("AGORA_APPEAL_DAYS")); err == nil && v > days {
		days = v
	}
	return days
}

// IsModerator reports whether a user may moderate.
func IsModerator(u *domain.User) bool {
	return u != nil && (u.Role == domain.RoleModerator || u.Role == domain.RoleAdmin)
}

// RequireModerator is the authorization of every moderation action.
func RequireModerator(u *domain.User) error {
	if !IsModerator(u) {
		return domain.Forbidden("This action is not allowed")
	}
	return nil
}

// Report categories (Mastodon's).
var reportCategories = []string{"spam", "legal", "violation", "other"}

// LegalCategories maps the legal_category of a notice to the Transparency
// Database's STATEMENT_CATEGORY_*. "child_sexual_abuse" is the category for
// which the notifier may stay anonymous (DSA Art. 16(2)(c)).
var LegalCategories = map[string]string{
	"animal_welfare":                                   "STATEMENT_CATEGORY_ANIMAL_WELFARE",
	"consumer_information":                             "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
	"cyber_violence":                                   "STATEMENT_CATEGORY_CYBER_VIOLENCE",
	"cyber_violence_against_women":                     "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
	"data_protection_and_privacy_violations":           "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
	"illegal_or_harmful_speech":                        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
	"intellectual_property_infringements":              "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
	"negative_effects_on_civic_discourse_or_elections": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
	"not_specified_notice":                             "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
	"other_violation_tc":                               "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
	"protection_of_minors":                             "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
	"child_sexual_abuse":                               "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
	"risk_for_public_security":                         "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
	"scams_and_fraud":                                  "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
	"self_harm":                                        "STATEMENT_CATEGORY_SELF_HARM",
	"unsafe_and_prohibited_products":                   "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
	"violence":                                         "STATEMENT_CATEGORY_VIOLENCE",
}

// ChildAbuseCategory is the legal category that allows anonymous notices.
const ChildAbuseCategory = "child_sexual_abuse"

// audit records a moderator action in q's transaction.
func (s *Service) audit(ctx context.Context, q db.Querier, by domain.ID, action, targetType string, target domain.ID, detail string) error {
	return s.Store.InsertAudit(ctx, q, &store.AuditEntry{AccountID: by, Action: action, TargetType: targetType, TargetID: target, Detail: detail})
}

// validRules checks that rule ids exist.
func (s *Service) validRules(ctx context.Context, ids []domain.ID) error {
	if len(ids) > MaxReportRules {
		return domain.Invalid("rule_ids: at most %d rules", MaxReportRules)
	}
	rules, err := s.Store.Rules(ctx)
	if err != nil {
		return err
	}
	known := map[domain.ID]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	for _, id := range ids {
		if !known[id] {
			return domain.Invalid("rule_ids: unknown rule %s", id)
		}
	}
	return nil
}

// txT is a write transaction.
type txT = sql.Tx

func runeLen(s string) int { return len([]rune(s)) }
