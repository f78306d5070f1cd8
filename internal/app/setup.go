package app

import (
	"context"
	"fmt"

	"github.com/agora-social/agora/internal/auth"
)

// SetupTokenSetting holds the hash of the one-time first-admin token.
const SetupTokenSetting = "setup_token_hash"

// announceSetup prints a one-time link to create the first admin account
// when the server has none. A new token is made at every start until an
// admin exists; only its hash is stored.
func (a *App) announceSetup(ctx context.Context) error {
	n, err := a.Store.CountAdmins(ctx)
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if n > 0 {
		return a.Store.DeleteSetting(ctx, SetupTokenSetting)
	}
	tok := auth.NewSecret(24)
	if err := a.Store.SetSetting(ctx, SetupTokenSetting, auth.HashSecret(tok)); err != nil {
		return err
	}
	a.Log.Info("no admin account yet: open this one-time link to create it",
		"link", a.Cfg.URL+"/setup?token="+tok)
	return nil
}
