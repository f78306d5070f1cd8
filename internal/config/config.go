// Package config reads agora's configuration from the environment.
package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one `agora serve` process.
type Config struct {
	Addr          string // AGORA_ADDR
	URL           string // AGORA_URL, without a trailing slash
	Domain        string // host of URL (with port when not default): used in handles and ids
	Data          string // AGORA_DATA
	DatabaseURL   string // DATABASE_URL
	Registrations string // AGORA_REGISTRATIONS: open | approval | invite | closed
	AllowPrivate  bool   // AGORA_ALLOW_PRIVATE_ADDRESSES
	MetricsToken  string // AGORA_METRICS_TOKEN: bearer token for /metrics; empty = only from loopback
	InstanceTitle string // AGORA_TITLE
	ContactEmail  string // AGORA_CONTACT_EMAIL
	RateLimits    bool   // AGORA_RATE_LIMITS (default true; load tests turn it off)
	LogLevel      string // AGORA_LOG_LEVEL: debug | info | warn | error
	// DSA Transparency Database submission: both set, or neither.
	TDBURL   string // AGORA_DSA_TDB_URL, e.g. https://transparency.dsa.ec.europa.eu
	TDBToken string // AGORA_DSA_TDB_TOKEN (a secret: never logged)
	// Limits, as the instance API advertises them.
	MaxStatusChars int           // AGORA_MAX_STATUS_CHARS (default 500)
	StatusEditGap  time.Duration // unused for now: edits are allowed at any time

	// NotesMinAccountDays is how old an account must be to write and rate
	// Community Notes (AGORA_NOTES_MIN_ACCOUNT_DAYS, default 30).
	NotesMinAccountDays int

	Federation Federation // AGORA_FEDERATION_* (federation.go)
	Media      Media      // AGORA_MEDIA_*, AGORA_S3_* (media.go)
	Mail       Mail       // AGORA_SMTP_* (mail.go)
	Abuse      Abuse      // AGORA_NEW_ACCOUNT_*, AGORA_SPAM_* (abuse.go)
}

// Load reads the configuration from getenv (os.Getenv in production).
func Load(getenv func(string) string) (*Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		Addr:          get("AGORA_ADDR", "127.0.0.1:8080"),
		URL:           strings.TrimRight(get("AGORA_URL", "http://localhost:8080"), "/"),
		Data:          get("AGORA_DATA", "./agora-data"),
		DatabaseURL:   get("DATABASE_URL", ""),
		Registrations: get("AGORA_REGISTRATIONS", "open"),
		MetricsToken:  get("AGORA_METRICS_TOKEN", ""),
		InstanceTitle: get("AGORA_TITLE", "agora"),
		ContactEmail:  get("AGORA_CONTACT_EMAIL", ""),
		LogLevel:      get("AGORA_LOG_LEVEL", "info"),
		TDBURL:        strings.TrimRight(get("AGORA_DSA_TDB_URL", ""), "/"),
		TDBToken:      get("AGORA_DSA_TDB_TOKEN", ""),
	}
	if (c.TDBURL == "") != (c.TDBToken == "") {
		return nil, fmt.Errorf("AGORA_DSA_TDB_URL and AGORA_DSA_TDB_TOKEN: set both to submit statements of reasons, or neither")
	}
	if c.TDBURL != "" && !strings.HasPrefix(c.TDBURL, "https://") && !strings.HasPrefix(c.TDBURL, "http://") {
		return nil, fmt.Errorf("AGORA_DSA_TDB_URL: %q is not an http(s) URL", c.TDBURL)
	}
	var err error
	if c.AllowPrivate, err = parseBool(get("AGORA_ALLOW_PRIVATE_ADDRESSES", "false")); err != nil {
		return nil, fmt.Errorf("AGORA_ALLOW_PRIVATE_ADDRESSES: %w", err)
	}
	if c.RateLimits, err = parseBool(get("AGORA_RATE_LIMITS", "true")); err != nil {
		return nil, fmt.Errorf("AGORA_RATE_LIMITS: %w", err)
	}
	if c.MaxStatusChars, err = strconv.Atoi(get("AGORA_MAX_STATUS_CHARS", "500")); err != nil || c.MaxStatusChars < 1 || c.MaxStatusChars > 100000 {
		return nil, fmt.Errorf("AGORA_MAX_STATUS_CHARS: want a number from 1 to 100000")
	}
	if c.NotesMinAccountDays, err = strconv.Atoi(get("AGORA_NOTES_MIN_ACCOUNT_DAYS", "30")); err != nil || c.NotesMinAccountDays < 0 || c.NotesMinAccountDays > 3650 {
		return nil, fmt.Errorf("AGORA_NOTES_MIN_ACCOUNT_DAYS: want a number of days from 0 to 3650")
	}
	switch c.Registrations {
	case "open", "approval", "invite", "closed":
	default:
		return nil, fmt.Errorf("AGORA_REGISTRATIONS: %q is not one of open, approval, invite, closed", c.Registrations)
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("AGORA_URL: %q must be an http(s) URL with a host and no path", c.URL)
	}
	c.Domain = u.Host
	for _, load := range []func(func(k, def string) string) error{c.Federation.load, c.Media.load, c.Mail.load, c.Abuse.load} {
		if err := load(get); err != nil {
			return nil, err
		}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return nil, fmt.Errorf("DATABASE_URL: must be a postgres:// URL")
	}
	return c, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", s)
}
