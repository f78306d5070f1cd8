package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/web"
)

func admin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("admin: give a subcommand: create-user, token, approve, invite, reset-password, export or emoji")
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	switch args[0] {
	case "create-user":
		return createUser(ctx, cfg, log, args[1:], stdout, stderr)
	case "token":
		return issueToken(ctx, cfg, log, args[1:], stdout, stderr)
	case "approve":
		return approveUser(ctx, cfg, log, args[1:], stdout, stderr)
	case "invite":
		return createInvite(ctx, cfg, log, args[1:], stdout, stderr)
	case "reset-password":
		return resetPassword(ctx, cfg, log, args[1:], stdout, stderr)
	case "export":
		return exportAccount(ctx, cfg, log, args[1:], stdout, stderr)
	case "relay":
		return adminRelay(ctx, cfg, log, args[1:], stdout, stderr)
	case "emoji":
		return adminEmoji(ctx, cfg, log, args[1:], stdout, stderr) // admin_emoji.go
	}
	return fmt.Errorf("admin: unknown subcommand %q (want create-user, token, approve, invite, reset-password, export or emoji)", args[0])
}

func createUser(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin create-user", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "username (letters, digits, underscore)")
	email := fs.String("email", "", "email address")
	password := fs.String("password", "", "password (8 to 256 characters)")
	role := fs.String("role", "user", "user, moderator or admin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" || *email == "" || *password == "" {
		return errors.New("create-user: --username, --email and --password are required")
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	_, acct, err := a.Accounts.Register(ctx, accounts.SignUp{
		Username: *username, Email: *email, Password: *password, Role: domain.Role(*role), ByAdmin: true,
	})
	if err != nil {
		return fmt.Errorf("create-user: %w", err)
	}
	fmt.Fprintf(stdout, "created @%s (id %s, role %s)\n", acct.Username, acct.ID, *role)
	return nil
}

func issueToken(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "the local user the token acts for")
	scopes := fs.String("scopes", "read write follow push", "OAuth scopes, space separated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("token: --username is required")
	}
	sc, ok := domain.ParseScopes(*scopes)
	if !ok {
		return fmt.Errorf("token: %q has an unknown scope", *scopes)
	}
	return withUser(ctx, cfg, log, "token", *username, func(a *app.App, u *domain.User) error {
		tok := auth.NewSecret(32)
		if err := a.Store.CreateToken(ctx, auth.HashSecret(tok), &domain.Token{UserID: u.ID, Scopes: sc}); err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		return nil
	})
}

// approveUser approves an account that signed up while registrations
// needed approval (AGORA_REGISTRATIONS=approval).
func approveUser(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin approve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "the local user to approve")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("approve: --username is required")
	}
	return withUser(ctx, cfg, log, "approve", *username, func(a *app.App, u *domain.User) error {
		if u.Approved {
			fmt.Fprintf(stdout, "@%s was already approved\n", *username)
			return nil
		}
		// The moderators' path: audited, and the account then counts as
		// approved by a person (exempt from the new-account limits).
		if err := moderation.New(a.Store, log, cfg.URL).ApproveByOperator(ctx, u.AccountID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "approved @%s\n", *username)
		return nil
	})
}

// createInvite prints an invitation link made by a local user (for
// AGORA_REGISTRATIONS=invite, or to skip approval).
func createInvite(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "the local user who invites")
	maxUses := fs.Int("max-uses", 1, "how many sign-ups the link allows (0: unlimited)")
	expires := fs.Duration("expires-in", 7*24*time.Hour, "how long the link works (0: for ever), e.g. 24h")
	autofollow := fs.Bool("autofollow", false, "new accounts follow the inviter")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("invite: --username is required")
	}
	return withUser(ctx, cfg, log, "invite", *username, func(a *app.App, u *domain.User) error {
		acct, err := a.Store.Account(ctx, u.AccountID)
		if err != nil {
			return err
		}
		inv, err := a.Accounts.CreateInvite(ctx, u, acct, accounts.InviteInput{MaxUses: *maxUses, ExpiresIn: *expires, Autofollow: *autofollow})
		if err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		fmt.Fprintln(stdout, a.Accounts.InviteURL(inv))
		return nil
	})
}

// resetPassword prints a one-hour, single-use link with which a locked-out
// user chooses a new password (the same link the web UI mails).
func resetPassword(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin reset-password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "the local user who lost their password")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("reset-password: --username is required")
	}
	return withUser(ctx, cfg, log, "reset-password", *username, func(a *app.App, u *domain.User) error {
		tok := auth.NewSecret(web.ResetTokenBytes)
		if err := a.Store.CreatePasswordReset(ctx, u.ID, auth.HashSecret(tok), a.Store.Now().Add(web.ResetTokenLifetime)); err != nil {
			return err
		}
		fmt.Fprintln(stdout, cfg.URL+"/auth/password/edit?token="+tok)
		return nil
	})
}

// exportAccount writes a local account's archive (the ZIP of
// /settings/export) to a file: for a person who cannot sign in any more,
// such as a suspended account asking for its data.
func exportAccount(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "the local user whose archive to write")
	out := fs.String("out", "", "the ZIP file to write (it must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" || *out == "" {
		return errors.New("export: --username and --out are required")
	}
	return withUser(ctx, cfg, log, "export", *username, func(a *app.App, u *domain.User) error {
		acct, err := a.Store.Account(ctx, u.AccountID)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := a.Web.Export.WriteArchive(ctx, f, acct); err != nil {
			f.Close()
			os.Remove(*out)
			return fmt.Errorf("export: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintln(stdout, *out)
		return nil
	})
}

// withUser opens the app and runs fn with a local user found by username,
// with a clear error naming the command when there is none.
func withUser(ctx context.Context, cfg *config.Config, log *slog.Logger, cmd, username string, fn func(a *app.App, u *domain.User) error) error {
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Store.UserByUsername(ctx, username)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return fmt.Errorf("%s: no local user %q", cmd, username)
		}
		return err
	}
	return fn(a, u)
}
