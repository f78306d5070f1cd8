package mastodon_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/mail/mailtest"
	"github.com/agora-social/agora/internal/moderation"
)

// TestNoticeOutcomeMailed: a person without an account who sent a notice
// hears of the decision by e-mail when SMTP is configured.
func TestNoticeOutcomeMailed(t *testing.T) {
	smtp := mailtest.Start(t, mailtest.Options{})
	s := apitest.Start(t, db.SQLite, "AGORA_SMTP_HOST="+smtp.Host, "AGORA_SMTP_PORT="+strconv.Itoa(smtp.Port), "AGORA_SMTP_FROM=agora@example.org")
	alice := s.NewUser(t, "alice")
	mod := staff(t, s, "mod", domain.RoleModerator)
	stID := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "buy cheap pills"}).Map(t)["id"].(string)
	sid, _ := domain.ParseID(stID)
	r, err := moderation.New(s.App.Store, nil, s.URL).CreateReport(context.Background(), moderation.ReportInput{
		TargetAccountID: alice.ID, StatusIDs: []domain.ID{sid}, Category: "legal", LegalCategory: "scams_and_fraud",
		LegalExplanation: "An illegal sale of medicine.", NotifierName: "Ann", NotifierEmail: "ann@example.net", GoodFaith: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Must(t, 200, "POST", "/api/agora/v1/admin/decisions", mod.Token, map[string]any{
		"report_id": r.ID.String(), "action": "remove", "ground": "illegal", "legal_ground": "Medicines Act", "explanation": "Illegal sale.",
	})
	m := smtp.Next(t)
	if len(m.To) != 1 || m.To[0] != "ann@example.net" || !strings.Contains(m.Data, "Decision on your notice") || !strings.Contains(m.Data, "/report/"+r.ID.String()) {
		t.Errorf("mail to %v:\n%s", m.To, m.Data)
	}
}
