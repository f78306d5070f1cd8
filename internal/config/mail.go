package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
)

// Mail is how agora sends email (password resets): through an SMTP server
// when AGORA_SMTP_HOST is set; without it the messages' links are written
// to the log at INFO, for the operator to relay.
type Mail struct {
	Host     string // AGORA_SMTP_HOST; empty: no SMTP
	Port     int    // AGORA_SMTP_PORT (default 587; 465 means TLS from the first byte)
	Username string // AGORA_SMTP_USERNAME; empty: no authentication
	Password string // AGORA_SMTP_PASSWORD (a secret: never logged)
	From     string // AGORA_SMTP_FROM (default agora@ the host of AGORA_URL)
}

// Enabled reports whether mail goes out through SMTP.
func (c Mail) Enabled() bool { return c.Host != "" }

// LogValue keeps the password out of logs.
func (c Mail) LogValue() slog.Value {
	return slog.GroupValue(slog.String("host", c.Host), slog.Int("port", c.Port),
		slog.String("username", c.Username), slog.String("from", c.From))
}

// load reads the mail settings.
func (c *Mail) load(get func(k, def string) string) error {
	c.Host = get("AGORA_SMTP_HOST", "")
	c.Username = get("AGORA_SMTP_USERNAME", "")
	c.Password = get("AGORA_SMTP_PASSWORD", "")
	c.From = get("AGORA_SMTP_FROM", "")
	port, err := strconv.Atoi(get("AGORA_SMTP_PORT", "587"))
	if err != nil || port < 1 || port > 65535 {
		return fmt.Errorf("AGORA_SMTP_PORT: want a port number from 1 to 65535")
	}
	c.Port = port
	if c.Host == "" {
		return nil
	}
	if (c.Username == "") != (c.Password == "") {
		return fmt.Errorf("AGORA_SMTP_USERNAME and AGORA_SMTP_PASSWORD: set both to authenticate, or neither")
	}
	if c.From == "" {
		host := "localhost"
		if u, err := url.Parse(get("AGORA_URL", "")); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		c.From = "agora@" + host
	}
	if strings.ContainsAny(c.From, "\r\n<>") || !strings.Contains(c.From, "@") {
		return fmt.Errorf("AGORA_SMTP_FROM: %q is not a plain email address", c.From)
	}
	return nil
}
