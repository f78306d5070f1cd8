// Package mail sends agora's few emails (password resets): through an SMTP
// server when one is configured, else into the log for the operator to
// relay, so that nothing waits on email on a server without it.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/config"
)

// Timeout bounds one whole SMTP conversation.
const Timeout = 30 * time.Second

// Message is one plain-text email to one address.
type Message struct {
	To      string
	Subject string
	Text    string
	// Link is the message's one action (a reset link). The log sender
	// writes it, never the rest, so that the operator can relay it.
	Link string
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// New returns the SMTP sender when cfg enables it, else the log sender.
func New(cfg config.Mail, log *slog.Logger) Sender {
	if cfg.Enabled() {
		return &SMTP{Host: cfg.Host, Port: cfg.Port, Username: cfg.Username, Password: cfg.Password, From: cfg.From}
	}
	return &Log{Log: log}
}

// Log writes messages' recipients, subjects and links to the log at INFO.
type Log struct{ Log *slog.Logger }

// Send logs m.
func (l *Log) Send(ctx context.Context, m Message) error {
	l.Log.InfoContext(ctx, "email not sent (no AGORA_SMTP_HOST): relay this link to its recipient",
		"to", m.To, "subject", m.Subject, "link", m.Link)
	return nil
}

// SMTP sends through an SMTP server, upgrading the connection with
// STARTTLS whenever the server offers it (port 465: TLS from the start).
// Credentials are only sent over TLS (or to localhost), as net/smtp's
// PLAIN authentication insists.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS overrides the TLS settings (tests trust their own certificate);
	// nil verifies the server's certificate for Host.
	TLS *tls.Config
}

// ErrHeader is returned for an address or subject holding a line break
// (header injection).
var ErrHeader = errors.New("mail: line break in a header")

// Send delivers m, within Timeout.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if strings.ContainsAny(m.To+m.Subject, "\r\n") {
		return ErrHeader
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	tlsCfg := s.TLS
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	var (
		conn net.Conn
		err  error
	)
	if s.Port == 465 {
		conn, err = (&tls.Dialer{Config: tlsCfg}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if err := s.converse(c, tlsCfg, m); err != nil {
		return fmt.Errorf("mail: send to %s via %s: %w", m.To, addr, err)
	}
	return nil
}

func (s *SMTP) converse(c *smtp.Client, tlsCfg *tls.Config, m Message) error {
	if err := c.Hello(helloName(s.From)); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && s.Port != 465 {
		if err := c.StartTLS(tlsCfg); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(Compose(s.From, m, time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// helloName is the name agora gives itself in EHLO: the domain of its
// sender address.
func helloName(from string) string {
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		return d
	}
	return "localhost"
}

// Compose renders m as an RFC 5322 message: UTF-8 text, quoted-printable,
// the subject encoded for non-ASCII letters.
func Compose(from string, m Message, now time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n", from, m.To,
		mime.QEncoding.Encode("utf-8", m.Subject), now.UTC().Format(time.RFC1123Z), auth.NewSecret(16), helloName(from))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(m.Text, "\n", "\r\n")))
	_ = qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}
