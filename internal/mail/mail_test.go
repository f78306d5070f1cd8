package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/mail"
	"github.com/agora-social/agora/internal/mail/mailtest"
)

func TestSMTP(t *testing.T) {
	msg := mail.Message{To: "alice@example.org", Subject: "Réinitialisation du mot de passe",
		Text: "Bonjour,\nouvrez ce lien : https://agora.example/auth/password/edit?token=abc\n", Link: "https://agora.example/x"}
	for _, tc := range []struct {
		name string
		opts mailtest.Options
	}{
		{"plain", mailtest.Options{}},
		{"starttls and auth", mailtest.Options{StartTLS: true, User: "agora", Password: "s3cret"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, tc.opts)
			s := &mail.SMTP{Host: srv.Host, Port: srv.Port, From: "agora@agora.example", Username: tc.opts.User,
				Password: tc.opts.Password, TLS: srv.ClientTLS}
			if err := s.Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			got := srv.Next(t)
			if got.From != "agora@agora.example" || len(got.To) != 1 || got.To[0] != "alice@example.org" {
				t.Errorf("envelope %q -> %q", got.From, got.To)
			}
			if got.TLS != tc.opts.StartTLS || got.AuthUser != tc.opts.User {
				t.Errorf("TLS %v, auth %q; want %v, %q", got.TLS, got.AuthUser, tc.opts.StartTLS, tc.opts.User)
			}
			head, body, _ := strings.Cut(got.Data, "\n\n")
			subject := headerOf(head, "Subject")
			if dec, err := new(mime.WordDecoder).DecodeHeader(subject); err != nil || dec != msg.Subject {
				t.Errorf("subject %q decodes to %q (%v)", subject, dec, err)
			}
			text, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
			if err != nil || !strings.Contains(string(text), "token=abc") || !strings.Contains(string(text), "ouvrez ce lien") {
				t.Errorf("body %q (%v)", text, err)
			}
		})
	}
}

func headerOf(head, name string) string {
	for _, line := range strings.Split(head, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok && k == name {
			return v
		}
	}
	return ""
}

func TestSMTPRefusesWrongPasswordAndHeaderInjection(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{StartTLS: true, User: "agora", Password: "right"})
	s := &mail.SMTP{Host: srv.Host, Port: srv.Port, From: "agora@agora.example", Username: "agora", Password: "wrong", TLS: srv.ClientTLS}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "x", Text: "x"}); err == nil {
		t.Error("a wrong password was accepted")
	}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org\r\nBcc: b@example.org", Subject: "x"}); !errors.Is(err, mail.ErrHeader) {
		t.Errorf("header injection: err %v, want ErrHeader", err)
	}
	// The server's certificate is checked: without trusting it, no mail.
	s = &mail.SMTP{Host: srv.Host, Port: srv.Port, From: "agora@agora.example", Username: "agora", Password: "right"}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "x", Text: "x"}); err == nil {
		t.Error("an untrusted certificate was accepted")
	}
}

func TestLogSender(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	s := mail.New(config.Mail{}, log)
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Reset", Text: "secret body", Link: "https://x.example/reset?token=t1"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "level=INFO") || !strings.Contains(out, "token=t1") || !strings.Contains(out, "a@example.org") {
		t.Errorf("log = %q", out)
	}
}

func TestConfig(t *testing.T) {
	load := func(env map[string]string) (*config.Config, error) {
		return config.Load(func(k string) string { return env[k] })
	}
	c, err := load(map[string]string{"AGORA_URL": "https://social.example.org"})
	if err != nil || c.Mail.Enabled() {
		t.Fatalf("no SMTP: %+v, %v", c.Mail, err)
	}
	c, err = load(map[string]string{"AGORA_URL": "https://social.example.org:8443", "AGORA_SMTP_HOST": "smtp.example.org",
		"AGORA_SMTP_USERNAME": "u", "AGORA_SMTP_PASSWORD": "hunter2"})
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Mail; !m.Enabled() || m.Port != 587 || m.From != "agora@social.example.org" {
		t.Errorf("mail = %+v", m)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "mail", c.Mail)
	if strings.Contains(buf.String(), "hunter2") || !strings.Contains(buf.String(), "smtp.example.org") {
		t.Errorf("logged config: %q", buf.String())
	}
	for _, bad := range []map[string]string{
		{"AGORA_SMTP_HOST": "h", "AGORA_SMTP_USERNAME": "u"},
		{"AGORA_SMTP_HOST": "h", "AGORA_SMTP_PORT": "0"},
		{"AGORA_SMTP_HOST": "h", "AGORA_SMTP_FROM": "a@b\r\nBcc: c@d"},
		{"AGORA_SMTP_HOST": "h", "AGORA_SMTP_FROM": "nobody"},
	} {
		if _, err := load(bad); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
	if c, err := load(map[string]string{"AGORA_SMTP_HOST": "h", "AGORA_SMTP_PORT": strconv.Itoa(465)}); err != nil || c.Mail.Port != 465 {
		t.Errorf("port 465: %v", err)
	}
}
