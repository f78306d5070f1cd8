package config

// Media is where and how media files are stored.
type Media struct{}

// load reads the media settings.
func (c *Media) load(get func(k, def string) string) error { return nil }
