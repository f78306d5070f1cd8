package config

// Mail is how agora sends email (password resets); without SMTP the
// messages are written to the log.
type Mail struct{}

// load reads the mail settings.
func (c *Mail) load(get func(k, def string) string) error { return nil }
