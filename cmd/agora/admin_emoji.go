package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/media"
)

const emojiUsage = `usage: agora admin emoji SUBCOMMAND
  add --shortcode S --file F [--category C] [--unlisted] [--overwrite]
  import [--category C] [--prefix P] [--suffix S] [--unlisted] [--overwrite] FILE.tar.gz|.tgz|.tar|.zip
  list [--remote]
  remove --shortcode S
  disable --shortcode S
  enable --shortcode S
`

// adminEmoji manages the server's custom emoji (docs/administration.md).
func adminEmoji(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, emojiUsage)
		return errors.New("emoji: give a subcommand: add, import, list, remove, disable or enable")
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("admin emoji "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	shortcode := fs.String("shortcode", "", "the emoji's shortcode (2 to 64 letters, digits or underscores)")
	var file, category, prefix, suffix *string
	var unlisted, overwrite, remote *bool
	switch cmd {
	case "add", "import":
		category = fs.String("category", "", "the picker's category")
		unlisted = fs.Bool("unlisted", false, "keep out of the picker (usable by typing the shortcode)")
		overwrite = fs.Bool("overwrite", false, "replace an emoji with the same shortcode")
		if cmd == "add" {
			file = fs.String("file", "", "a PNG, GIF or WebP image of at most 256 KiB")
		} else {
			prefix = fs.String("prefix", "", "added before each file's name")
			suffix = fs.String("suffix", "", "added after each file's name")
		}
	case "list":
		remote = fs.Bool("remote", false, "list the latest emoji of other servers instead")
	case "remove", "disable", "enable":
	default:
		fmt.Fprint(stderr, emojiUsage)
		return fmt.Errorf("emoji: unknown subcommand %q", cmd)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	switch cmd {
	case "add":
		if *shortcode == "" || *file == "" {
			return errors.New("emoji add: --shortcode and --file are required")
		}
		data, err := readLimited(*file, media.MaxEmojiBytes)
		if err != nil {
			return fmt.Errorf("emoji add: %w", err)
		}
		e, err := a.Media.AddLocalEmoji(ctx, media.NewEmoji{Shortcode: *shortcode, Category: *category, Unlisted: *unlisted,
			Image: data, Type: media.TypeByName(*file), Overwrite: *overwrite})
		if err != nil {
			return fmt.Errorf("emoji add: %w", err)
		}
		fmt.Fprintf(stdout, "added :%s: (id %s, %s, %d×%d)\n", e.Shortcode, e.ID, e.ContentType, e.Width, e.Height)
	case "import":
		if fs.NArg() != 1 {
			return errors.New("emoji import: give one archive file")
		}
		name := fs.Arg(0)
		if !media.ValidPackName(name) {
			return errors.New("emoji import: the archive must be a .tar.gz, .tgz, .tar or .zip file")
		}
		data, err := readLimited(name, media.MaxEmojiPackBytes)
		if err != nil {
			return fmt.Errorf("emoji import: %w", err)
		}
		res, err := a.Media.ImportEmojiPack(ctx, name, data, media.PackOptions{Category: *category, Prefix: *prefix, Suffix: *suffix,
			Unlisted: *unlisted, Overwrite: *overwrite})
		if err != nil {
			return fmt.Errorf("emoji import: %w", err)
		}
		for _, e := range res.Errors {
			fmt.Fprintln(stderr, "skipped", e)
		}
		fmt.Fprintf(stdout, "imported %d emoji, skipped %d\n", res.Added, res.Skipped)
	case "list":
		list, err := a.Store.LocalEmojis(ctx, false)
		if *remote {
			list, err = a.Store.RemoteEmojis(ctx, 200)
		}
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSHORTCODE\tDOMAIN\tCATEGORY\tPICKER\tDISABLED\tURL")
		for _, e := range list {
			fmt.Fprintf(tw, "%s\t:%s:\t%s\t%s\t%v\t%v\t%s\n", e.ID, e.Shortcode, orDash(e.Domain), orDash(e.Category),
				e.VisibleInPicker, e.Disabled, orDash(a.Media.URL(e.ImageKey)))
		}
		return tw.Flush()
	default: // remove, disable, enable
		if *shortcode == "" {
			return fmt.Errorf("emoji %s: --shortcode is required", cmd)
		}
		e, err := a.Store.CustomEmojiByCode(ctx, "", *shortcode)
		if err != nil {
			return fmt.Errorf("emoji %s: no local emoji :%s:", cmd, *shortcode)
		}
		if cmd == "remove" {
			if _, err := a.Media.RemoveEmoji(ctx, e.ID); err != nil {
				return fmt.Errorf("emoji remove: %w", err)
			}
			fmt.Fprintf(stdout, "removed :%s:\n", e.Shortcode)
			return nil
		}
		if err := a.Store.UpdateEmojiSettings(ctx, e.ID, e.Category, e.VisibleInPicker, cmd == "disable"); err != nil {
			return fmt.Errorf("emoji %s: %w", cmd, err)
		}
		fmt.Fprintf(stdout, "%sd :%s:\n", cmd, e.Shortcode)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readLimited reads a file of at most limit bytes.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", filepath.Base(name), limit)
	}
	return data, nil
}
