package mastodon

import (
	"context"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/domain"
)

// Time renders times as Mastodon does: ISO 8601, UTC, milliseconds, Z.
type Time time.Time

// MarshalJSON renders the time with milliseconds.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

// timePtr renders an optional time (null when nil).
func timePtr(t *time.Time) *Time {
	if t == nil {
		return nil
	}
	x := Time(*t)
	return &x
}

// Emoji is Mastodon's CustomEmoji entity (emojis.go); the category is on
// /api/v1/custom_emojis only.
type Emoji struct {
	Shortcode       string `json:"shortcode"`
	URL             string `json:"url"`
	StaticURL       string `json:"static_url"`
	VisibleInPicker bool   `json:"visible_in_picker"`
	Category        string `json:"category,omitempty"`
}

// Field is a profile field.
type Field struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	VerifiedAt *Time  `json:"verified_at"`
}

// Account is Mastodon's Account entity.
type Account struct {
	ID              string   `json:"id"`
	Username        string   `json:"username"`
	Acct            string   `json:"acct"`
	DisplayName     string   `json:"display_name"`
	Locked          bool     `json:"locked"`
	Bot             bool     `json:"bot"`
	Discoverable    bool     `json:"discoverable"`
	Indexable       bool     `json:"indexable"`
	Group           bool     `json:"group"`
	CreatedAt       Time     `json:"created_at"`
	Note            string   `json:"note"`
	URL             string   `json:"url"`
	URI             string   `json:"uri"`
	Avatar          string   `json:"avatar"`
	AvatarStatic    string   `json:"avatar_static"`
	Header          string   `json:"header"`
	HeaderStatic    string   `json:"header_static"`
	FollowersCount  int64    `json:"followers_count"`
	FollowingCount  int64    `json:"following_count"`
	StatusesCount   int64    `json:"statuses_count"`
	LastStatusAt    *string  `json:"last_status_at"`
	HideCollections bool     `json:"hide_collections"`
	Noindex         bool     `json:"noindex"`
	Emojis          []Emoji  `json:"emojis"`
	Roles           []any    `json:"roles"`
	Fields          []Field  `json:"fields"`
	Moved           *Account `json:"moved,omitempty"`
	Suspended       bool     `json:"suspended,omitempty"`
	Limited         bool     `json:"limited,omitempty"`
	// Source and Role are only on verify_credentials and update_credentials.
	Source *Source `json:"source,omitempty"`
	Role   *Role   `json:"role,omitempty"`
}

// Source is the owner's view of their profile.
type Source struct {
	Privacy             string  `json:"privacy"`
	Sensitive           bool    `json:"sensitive"`
	Language            *string `json:"language"`
	Note                string  `json:"note"`
	Fields              []Field `json:"fields"`
	FollowRequestsCount int64   `json:"follow_requests_count"`
	HideCollections     bool    `json:"hide_collections"`
	Discoverable        bool    `json:"discoverable"`
	Indexable           bool    `json:"indexable"`
	QuotePolicy         string  `json:"quote_policy"` // default quote_approval_policy
	// AttributionDomains are the sites whose pages may credit the account.
	AttributionDomains []string `json:"attribution_domains"`
}

// Role is Mastodon's Role entity.
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	Permissions string `json:"permissions"`
	Highlighted bool   `json:"highlighted"`
}

// roleEntity maps agora's three roles to Mastodon's role entity. The
// permission bits are Mastodon's (administrator = 1, moderation bits for
// moderators).
func roleEntity(r domain.Role) *Role {
	switch r {
	case domain.RoleAdmin:
		return &Role{ID: "3", Name: "Admin", Permissions: "1", Highlighted: true}
	case domain.RoleModerator:
		return &Role{ID: "2", Name: "Moderator", Permissions: "1308", Highlighted: true}
	}
	return &Role{ID: "-99", Name: "", Permissions: "65536"}
}

// AvatarMissing and HeaderMissing are the placeholder images' paths.
const (
	AvatarMissing = domain.AvatarMissing
	HeaderMissing = domain.HeaderMissing
)

// renderAccount renders an account for anyone, looking up the custom
// emoji of its profile (pages of statuses use renderAccountWith).
func (a *API) renderAccount(acct *domain.Account) *Account {
	return a.renderAccountWith(acct, nil)
}

// renderAccountWith renders an account with the emoji found for a page
// (nil: looked up now).
func (a *API) renderAccountWith(acct *domain.Account, found emojiSet) *Account {
	out := &Account{
		ID:              acct.ID.String(),
		Username:        acct.Username,
		Acct:            acct.Acct(),
		DisplayName:     acct.DisplayName,
		Locked:          acct.Locked,
		Bot:             acct.Bot,
		Discoverable:    acct.Discoverable,
		Indexable:       acct.Indexable,
		CreatedAt:       Time(acct.CreatedAt.UTC().Truncate(24 * time.Hour)),
		Note:            acct.Note,
		URL:             acct.URL,
		URI:             acct.URI,
		Avatar:          acct.AvatarURL,
		Header:          acct.HeaderURL,
		FollowersCount:  acct.FollowersCount,
		FollowingCount:  acct.FollowingCount,
		StatusesCount:   acct.StatusesCount,
		HideCollections: acct.HideCollections,
		Noindex:         !acct.Indexable,
		Emojis:          []Emoji{},
		Roles:           []any{},
		Fields:          make([]Field, 0, len(acct.Fields)),
		Suspended:       acct.SuspendedAt != nil,
		Limited:         acct.SilencedAt != nil,
	}
	if out.Avatar == "" {
		out.Avatar = a.Cfg.URL + AvatarMissing
	}
	if out.Header == "" {
		out.Header = a.Cfg.URL + HeaderMissing
	}
	out.AvatarStatic, out.HeaderStatic = out.Avatar, out.Header
	if acct.LastStatusAt != nil {
		d := acct.LastStatusAt.UTC().Format("2006-01-02")
		out.LastStatusAt = &d
	}
	for _, f := range acct.Fields {
		out.Fields = append(out.Fields, Field{Name: f.Name, Value: f.Value, VerifiedAt: timePtr(f.VerifiedAt)})
	}
	if acct.SuspendedAt != nil { // Mastodon hides a suspended account's profile
		out.DisplayName, out.Note, out.Fields = "", "", []Field{}
	} else {
		if found == nil {
			found = a.accountEmojis(acct)
		}
		out.Emojis = a.emojisIn(found, acct.Domain, accountTexts(acct)...)
	}
	if acct.MovedToAccountID != 0 {
		// One read for a moved account (rare); the account it moved to is
		// rendered without its own move, so a chain cannot loop.
		if to, err := a.Store.Account(context.Background(), acct.MovedToAccountID); err == nil {
			next := *to
			next.MovedToAccountID = 0
			out.Moved = a.renderAccount(&next)
		}
	}
	return out
}

// renderCredentialAccount adds the owner's source and role.
func (a *API) renderCredentialAccount(acct *domain.Account, u *domain.User, followRequests int64) *Account {
	out := a.renderAccount(acct)
	p := u.Preferences
	vis := string(p.DefaultVisibility)
	if vis == "" {
		vis = string(domain.Public)
	}
	var lang *string
	if p.DefaultLanguage != "" {
		lang = &p.DefaultLanguage
	}
	fields := make([]Field, 0, len(acct.Fields))
	for _, f := range acct.Fields {
		// Values are stored as safe HTML; the owner edits the text they typed.
		fields = append(fields, Field{Name: f.Name, Value: accounts.FieldSource(f.Value), VerifiedAt: timePtr(f.VerifiedAt)})
	}
	out.Source = &Source{
		Privacy: vis, Sensitive: p.DefaultSensitive, Language: lang, Note: acct.NoteSource, Fields: fields,
		FollowRequestsCount: followRequests, HideCollections: acct.HideCollections,
		Discoverable: acct.Discoverable, Indexable: acct.Indexable, QuotePolicy: domain.QuotePublic,
		AttributionDomains: a.attributionDomainsOf(acct),
	}
	if p.DefaultQuotePolicy != "" {
		out.Source.QuotePolicy = p.DefaultQuotePolicy
	}
	out.Role = roleEntity(u.Role)
	return out
}
