package moderation

import (
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

func TestMedian(t *testing.T) {
	cases := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 2, 3}, 2.5},
		{[]float64{0.333, 0.334}, 0.33},
	}
	for _, c := range cases {
		if got := median(c.in); got == nil || *got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if median(nil) != nil {
		t.Error("median of nothing should be nil")
	}
}

func TestScrub(t *testing.T) {
	got := scrub("mail jo@example.net or @alice@social.example and @bob now", 5000)
	if strings.Contains(got, "jo@") || strings.Contains(got, "alice") || strings.Contains(got, "bob") {
		t.Fatalf("personal data left: %q", got)
	}
	if got := scrub(strings.Repeat("é", 10), 4); got != "éééé" {
		t.Fatalf("truncation by characters: %q", got)
	}
}

// TestStatementText: the statement carries every item of DSA Art. 17(3).
func TestStatementText(t *testing.T) {
	end := time.Date(2027, 1, 2, 3, 4, 0, 0, time.UTC)
	d := &store.Decision{ID: 1, Action: "suspend", Ground: "terms", RuleIDs: []domain.ID{7}, Explanation: "Spam.",
		Facts: "The decision was taken on a report (category: spam).", AutomatedDetection: true, EndsAt: &end,
		AppealDeadline: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)}
	text := StatementText(d, []store.Rule{{ID: 7, Text: "No spam"}})
	for _, want := range []string{"suspended", "Territorial scope", "until 2027-01-02 03:04 UTC", "taken on a report",
		"detected automatically", "terms of service", "\"No spam\"", "Appeal until 2027-06-01", "Art. 20", "Art. 21", "judicial"} {
		if !strings.Contains(text, want) {
			t.Errorf("statement lacks %q:\n%s", want, text)
		}
	}
	d.Ground, d.LegalGround = "illegal", "Art. 29, loi du 29 juillet 1881"
	if text := StatementText(d, nil); !strings.Contains(text, "illegal content, under Art. 29") {
		t.Errorf("illegal ground missing:\n%s", text)
	}
}
