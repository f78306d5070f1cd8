package moderation

import (
	"context"
	"database/sql"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Kinds of policy documents, and their limits.
const (
	TermsOfService   = "terms_of_service"
	ModerationPolicy = "moderation_policy"
	MaxPolicyLen     = 100000
	MaxSummaryLen    = 1000
	MaxAnnounceLen   = 5000
)

var policyTitles = map[string]string{TermsOfService: "terms of service", ModerationPolicy: "moderation policy"}

// PublishPolicy adds a version of the terms of service or of the
// moderation policy, effective from a date (today or later; YYYY-MM-DD),
// and announces it to every member with its summary (admins only). Earlier
// versions stay readable: the history is public.
func (s *Service) PublishPolicy(ctx context.Context, u *domain.User, kind, content, summary, effective string) (*store.PolicyVersion, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	title, ok := policyTitles[kind]
	if !ok {
		return nil, domain.Invalid("kind must be terms_of_service or moderation_policy")
	}
	content, summary = strings.TrimSpace(content), strings.TrimSpace(summary)
	if content == "" || runeLen(content) > MaxPolicyLen {
		return nil, domain.Invalid("content: between 1 and %d characters", MaxPolicyLen)
	}
	if runeLen(summary) > MaxSummaryLen {
		return nil, domain.Invalid("summary: at most %d characters", MaxSummaryLen)
	}
	today := s.Store.Now().UTC().Format(time.DateOnly)
	if effective == "" {
		effective = today
	}
	if d, err := time.Parse(time.DateOnly, effective); err != nil || d.Format(time.DateOnly) < today {
		return nil, domain.Invalid("effective_date: a date from today on, as YYYY-MM-DD")
	}
	v := &store.PolicyVersion{Kind: kind, Content: content, Summary: summary, EffectiveDate: effective, CreatedBy: u.AccountID}
	text := "New " + title + ", effective " + effective + "."
	if summary != "" {
		text += "\n\n" + summary
	}
	text += "\n\n" + s.BaseURL + "/api/v1/instance/" + kind
	return v, s.Store.AddPolicyVersion(ctx, v, &store.Announcement{Text: text}, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, "policy.publish", kind, v.ID, effective)
	})
}

// Policy returns the version of a kind in effect on date (YYYY-MM-DD; ""
// for today) and the one that succeeds it, if any.
func (s *Service) Policy(ctx context.Context, kind, date string) (current, next *store.PolicyVersion, err error) {
	if _, ok := policyTitles[kind]; !ok {
		return nil, nil, domain.NotFound()
	}
	if date == "" {
		date = s.Store.Now().UTC().Format(time.DateOnly)
	} else if _, err := time.Parse(time.DateOnly, date); err != nil {
		return nil, nil, domain.Invalid("date: YYYY-MM-DD")
	}
	all, err := s.Store.PolicyVersions(ctx, kind) // newest effective date first
	if err != nil {
		return nil, nil, err
	}
	for i, v := range all {
		if v.EffectiveDate <= date {
			if i > 0 {
				next = all[i-1]
			}
			return v, next, nil
		}
	}
	if len(all) > 0 {
		// Only future versions: the earliest is shown, not yet effective.
		return all[len(all)-1], nil, nil
	}
	return nil, nil, domain.NotFound()
}

// Announce publishes an announcement to every member (admins only).
func (s *Service) Announce(ctx context.Context, u *domain.User, text string, starts, ends *time.Time) (*store.Announcement, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" || runeLen(text) > MaxAnnounceLen {
		return nil, domain.Invalid("text: between 1 and %d characters", MaxAnnounceLen)
	}
	if starts != nil && ends != nil && !ends.After(*starts) {
		return nil, domain.Invalid("ends_at must be after starts_at")
	}
	a := &store.Announcement{Text: text, StartsAt: starts, EndsAt: ends}
	return a, s.Store.AddAnnouncement(ctx, a, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, "announcement.create", "announcement", a.ID, "")
	})
}

// Withdraw deletes an announcement (admins only).
func (s *Service) Withdraw(ctx context.Context, u *domain.User, id domain.ID) error {
	if err := requireAdmin(u); err != nil {
		return err
	}
	return s.Store.DeleteAnnouncement(ctx, id, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, "announcement.delete", "announcement", id, "")
	})
}

var (
	blankLines = regexp.MustCompile(`\n\s*\n`)
	links      = regexp.MustCompile(`https?://[^\s<]+[^\s<.,;:!?)\]'"]`)
)

// TextHTML renders plain text as paragraphs, line breaks and links: the
// HTML of policies and announcements.
func TextHTML(text string) string {
	var b strings.Builder
	for _, p := range blankLines.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), -1) {
		esc := html.EscapeString(p)
		esc = links.ReplaceAllStringFunc(esc, func(u string) string {
			return `<a href="` + u + `" rel="nofollow noopener" target="_blank">` + u + `</a>`
		})
		b.WriteString("<p>" + strings.ReplaceAll(esc, "\n", "<br>") + "</p>")
	}
	return b.String()
}
