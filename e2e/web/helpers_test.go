package web

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/chromedp/chromedp"
)

// quote is s as a JavaScript string literal.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

// setValue sets a field's value at once (a textarea keeps its caret where
// typing would not).
func setValue(id, v string) chromedp.Action[chromedp.Void] {
	return evalJS(`document.getElementById(` + quote(id) + `).value = ` + quote(v))
}

// evalJS runs a JavaScript statement in the page.
func evalJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](expr+";true")(ctx, t)
		return err
	})
}

func mustUser(t *testing.T, s *apitest.Server, id domain.ID) *domain.User {
	t.Helper()
	u, err := s.App.Store.User(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func accountsUpdate(name, note *string) accounts.ProfileUpdate {
	return accounts.ProfileUpdate{DisplayName: name, Note: note}
}
