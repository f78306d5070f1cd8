package domain

import "time"

// Role of a local user.
type Role string

// The roles of local users.
const (
	RoleUser      Role = "user"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
)

// ValidRole reports whether r is one of the known roles.
func ValidRole(r Role) bool { return r == RoleUser || r == RoleModerator || r == RoleAdmin }

// Visibility of a status.
type Visibility string

// The four visibilities, from widest to narrowest.
const (
	Public   Visibility = "public"
	Unlisted Visibility = "unlisted"
	Private  Visibility = "private" // followers only
	Direct   Visibility = "direct"
)

// ValidVisibility reports whether v is one of the four visibilities.
func ValidVisibility(v Visibility) bool {
	return v == Public || v == Unlisted || v == Private || v == Direct
}

// Field is one profile field.
type Field struct {
	Name       string     `json:"name"`
	Value      string     `json:"value"`
	VerifiedAt *time.Time `json:"verified_at"`
}

// Account is a local or remote actor.
type Account struct {
	ID               ID
	Username         string
	Domain           string // "" for local accounts
	DisplayName      string
	Note             string // safe HTML
	NoteSource       string
	Fields           []Field
	Locked           bool
	Bot              bool
	Discoverable     bool
	Indexable        bool
	HideCollections  bool
	AvatarURL        string
	HeaderURL        string
	URI              string
	URL              string
	InboxURL         string
	SharedInboxURL   string
	FollowersURL     string
	PublicKey        string
	PrivateKey       string
	FollowersCount   int64
	FollowingCount   int64
	StatusesCount    int64
	LastStatusAt     *time.Time
	MovedToAccountID ID
	SuspendedAt      *time.Time
	SilencedAt       *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Local reports whether the account lives on this server.
func (a *Account) Local() bool { return a.Domain == "" }

// Acct is the handle as Mastodon renders it: "user" or "user@domain".
func (a *Account) Acct() string {
	if a.Domain == "" {
		return a.Username
	}
	return a.Username + "@" + a.Domain
}

// User is the login of a local account.
type User struct {
	ID           ID
	AccountID    ID
	Email        string
	PasswordHash string
	Role         Role
	Locale       string
	Approved     bool
	Disabled     bool
	ConfirmedAt  *time.Time
	Reason       string
	SignUpIP     string
	Preferences  Preferences
	CreatedAt    time.Time
}

// Preferences are a user's defaults, as Mastodon's /api/v1/preferences shows them.
type Preferences struct {
	DefaultVisibility Visibility `json:"posting:default:visibility,omitempty"`
	DefaultSensitive  bool       `json:"posting:default:sensitive,omitempty"`
	DefaultLanguage   string     `json:"posting:default:language,omitempty"`
	ExpandMedia       string     `json:"reading:expand:media,omitempty"` // default | show_all | hide_all
	ExpandSpoilers    bool       `json:"reading:expand:spoilers,omitempty"`
	// TimeZone is the IANA zone the web UI shows dates in ("" : the
	// browser's, else UTC).
	TimeZone string `json:"agora:time_zone,omitempty"`
	// DefaultQuotePolicy is who may quote one's new public and unlisted
	// posts ("" : public).
	DefaultQuotePolicy string `json:"posting:default:quote_policy,omitempty"`
}

// App is an OAuth client application.
type App struct {
	ID           ID
	Name         string
	Website      string
	RedirectURIs []string
	Scopes       Scopes
	ClientID     string
	ClientSecret string
	CreatedAt    time.Time
}

// Token is an OAuth access token. UserID is 0 for client-credential tokens.
type Token struct {
	ID        ID
	AppID     ID
	UserID    ID
	Scopes    Scopes
	CreatedAt time.Time
}

// Status is a post, a reply or a boost (ReblogOfID set).
type Status struct {
	ID                  ID
	AccountID           ID
	URI                 string
	URL                 string
	Local               bool
	Content             string // safe HTML
	Text                string // source
	SpoilerText         string
	Sensitive           bool
	Visibility          Visibility
	Language            string
	InReplyToID         ID
	InReplyToAccountID  ID
	ReblogOfID          ID
	ConversationID      ID
	ApplicationID       ID
	Imported            bool
	RepliesCount        int64
	ReblogsCount        int64
	FavouritesCount     int64
	CreatedAt           time.Time
	EditedAt            *time.Time
	MentionedAccountIDs []ID
	Tags                []string
	// QuotePolicy is who may quote the status: "" for its visibility's
	// default, else QuotePublic, QuoteFollowers or QuoteNobody.
	QuotePolicy string
	QuotesCount int64 // accepted quotes
}

// Relationship is the viewer's relation to another account.
type Relationship struct {
	ID                  ID
	Following           bool
	ShowingReblogs      bool
	Notifying           bool
	Languages           []string
	FollowedBy          bool
	Blocking            bool
	BlockedBy           bool
	Muting              bool
	MutingNotifications bool
	Requested           bool
	RequestedBy         bool
	DomainBlocking      bool
	Endorsed            bool
	Note                string
}

// Notification types agora produces.
const (
	NotifyMention       = "mention"
	NotifyStatus        = "status"
	NotifyReblog        = "reblog"
	NotifyFollow        = "follow"
	NotifyFollowRequest = "follow_request"
	NotifyFavourite     = "favourite"
	NotifyPoll          = "poll"
	NotifyUpdate        = "update"
	NotifyQuote         = "quote"         // one's post was quoted
	NotifyQuotedUpdate  = "quoted_update" // a post one quoted was edited
)

// Quote approval policies (Mastodon's quote_approval_policy).
const (
	QuotePublic    = "public"
	QuoteFollowers = "followers"
	QuoteNobody    = "nobody"
)

// Notification is one event for an account.
type Notification struct {
	ID            ID
	AccountID     ID
	FromAccountID ID
	Type          string
	StatusID      ID
	CreatedAt     time.Time
}

// Page selects a slice of an id-ordered collection the way Mastodon does:
// MaxID (exclusive upper bound), SinceID (exclusive lower bound, newest
// first) and MinID (exclusive lower bound, oldest first, returned newest
// first).
type Page struct {
	MaxID   ID
	SinceID ID
	MinID   ID
	Limit   int
}
