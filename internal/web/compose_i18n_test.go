package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
)

// TestNewAccountLimitInFrench checks that a new account's limit, refused
// by the statuses service, is said in French on a French page, with the
// date it ends in the reader's language.
func TestNewAccountLimitInFrench(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	b := newBrowser(t, s)
	b.lang = "fr"
	b.post("/auth/sign_up", "/auth/sign_up", url.Values{"username": {"newbie"}, "email": {"newbie@example.org"},
		"password": {"secret password"}, "password_confirmation": {"secret password"}, "agreement": {"1"}}, 303)
	p := b.post("/", "/web/statuses", url.Values{"status": {"Look https://example.org/offer"}}, 422)
	ends := s.App.Store.Now().Add(24 * 60 * 60 * 1e9).UTC()
	months := []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
	contains(t, p, "Les nouveaux comptes ne peuvent pas publier de liens vers d’autres sites pendant leurs 24 premières heures. Cette limite prend fin le ",
		months[ends.Month()-1]+" "+ends.Format("2006"))
	if strings.Contains(p.Body, "New accounts") {
		t.Error("the English message is on the French page")
	}
}
