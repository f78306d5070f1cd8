package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// OAuth limits and constants.
const (
	OOB          = "urn:ietf:wg:oauth:2.0:oob" // out-of-band: the code is shown on a page
	CodeLifetime = 10 * time.Minute
	MaxStateLen  = 2000 // state is echoed back to the client unchanged
	MaxParamLen  = 2000 // client_id, redirect_uri, scope, secrets
)

// OAuth error codes (RFC 6749, sections 4.1.2.1 and 5.2).
const (
	ErrInvalidRequest       = "invalid_request"
	ErrInvalidClient        = "invalid_client"
	ErrInvalidGrant         = "invalid_grant"
	ErrUnauthorizedClient   = "unauthorized_client"
	ErrUnsupportedGrantType = "unsupported_grant_type"
	ErrUnsupportedResponse  = "unsupported_response_type"
	ErrInvalidScope         = "invalid_scope"
	ErrAccessDenied         = "access_denied"
)

// Error is an OAuth error: an RFC 6749 code and a readable description.
type Error struct {
	Code        string
	Description string
}

func (e *Error) Error() string { return e.Code + ": " + e.Description }

// Status is the HTTP status of the error at the token endpoint.
func (e *Error) Status() int {
	if e.Code == ErrInvalidClient {
		return http.StatusUnauthorized
	}
	return http.StatusBadRequest
}

func oauthErr(code, desc string) *Error { return &Error{Code: code, Description: desc} }

// OAuth holds the rules of agora's OAuth 2 server: which requests are
// valid, codes, PKCE and tokens. The HTTP edges only decode and render.
type OAuth struct {
	Store *store.Store
}

// AuthorizeRequest holds the parameters of /oauth/authorize.
type AuthorizeRequest struct {
	ClientID            string
	RedirectURI         string
	ResponseType        string
	Scope               string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// Authorization is a checked authorization request.
type Authorization struct {
	App                 *domain.App
	RedirectURI         string
	Scopes              domain.Scopes
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// s256Challenge is the shape of an S256 code challenge: base64url of 32 bytes.
var s256Challenge = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// verifierRE is RFC 7636's code_verifier: 43 to 128 unreserved characters.
var verifierRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// CheckAuthorize validates an authorization request. Its errors are *Error
// and must be shown to the person, never sent to the redirect URI, since the
// URI may not be the app's.
func (o *OAuth) CheckAuthorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	if req.ClientID == "" || len(req.ClientID) > MaxParamLen {
		return nil, oauthErr(ErrInvalidRequest, "The client_id parameter is missing.")
	}
	app, err := o.Store.AppByClientID(ctx, req.ClientID)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, oauthErr(ErrInvalidClient, "No application is registered with this client_id.")
		}
		return nil, err
	}
	redirect := req.RedirectURI
	if redirect == "" && len(app.RedirectURIs) == 1 {
		redirect = app.RedirectURIs[0] // RFC 6749 3.1.2.3: optional with one registered URI
	}
	if redirect == "" || !slices.Contains(app.RedirectURIs, redirect) {
		return nil, oauthErr(ErrInvalidRequest, "The redirect_uri is not one of those registered for this application.")
	}
	if req.ResponseType != "code" {
		return nil, oauthErr(ErrUnsupportedResponse, "Only response_type=code is supported.")
	}
	scopes, err := o.checkScopes(app, req.Scope)
	if err != nil {
		return nil, err
	}
	if len(req.State) > MaxStateLen {
		return nil, oauthErr(ErrInvalidRequest, "The state parameter is too long.")
	}
	switch {
	case req.CodeChallenge == "" && req.CodeChallengeMethod == "":
	case req.CodeChallengeMethod != "S256":
		return nil, oauthErr(ErrInvalidRequest, "Only code_challenge_method=S256 is supported.")
	case !s256Challenge.MatchString(req.CodeChallenge):
		return nil, oauthErr(ErrInvalidRequest, "The code_challenge is not a base64url SHA-256 hash.")
	}
	return &Authorization{App: app, RedirectURI: redirect, Scopes: scopes, State: req.State,
		CodeChallenge: req.CodeChallenge, CodeChallengeMethod: req.CodeChallengeMethod}, nil
}

// checkScopes parses requested scopes, which must be within the app's; an
// empty request means all of the app's scopes.
func (o *OAuth) checkScopes(app *domain.App, requested string) (domain.Scopes, error) {
	if requested == "" {
		return app.Scopes, nil
	}
	if len(requested) > MaxParamLen {
		return nil, oauthErr(ErrInvalidScope, "The scope parameter is too long.")
	}
	scopes, ok := domain.ParseScopes(requested)
	if !ok {
		return nil, oauthErr(ErrInvalidScope, "The requested scope contains an unknown scope.")
	}
	if !scopes.Subset(app.Scopes) {
		return nil, oauthErr(ErrInvalidScope, "The requested scope is not among the scopes of this application.")
	}
	return scopes, nil
}

// IssueCode makes a one-time authorization code for userID; only its hash is kept.
func (o *OAuth) IssueCode(ctx context.Context, a *Authorization, userID domain.ID) (string, error) {
	code := NewSecret(32)
	err := o.Store.CreateAuthCode(ctx, HashSecret(code), store.AuthCode{
		AppID: a.App.ID, UserID: userID, RedirectURI: a.RedirectURI, Scopes: a.Scopes,
		CodeChallenge: a.CodeChallenge, CodeChallengeMethod: a.CodeChallengeMethod,
		ExpiresAt: o.Store.Now().Add(CodeLifetime),
	})
	if err != nil {
		return "", err
	}
	return code, nil
}

// RedirectURL is where the browser goes after a decision: the redirect URI
// with the code (or an error code) and the state added to its query.
func (a *Authorization) RedirectURL(code, errCode string) string {
	u, err := url.Parse(a.RedirectURI)
	if err != nil { // registered URIs were checked when the app was made
		return a.RedirectURI
	}
	q := u.Query()
	if code != "" {
		q.Set("code", code)
	}
	if errCode != "" {
		q.Set("error", errCode)
	}
	if a.State != "" {
		q.Set("state", a.State)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// TokenRequest holds the parameters of /oauth/token.
type TokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	Code         string
	RedirectURI  string
	CodeVerifier string
	Scope        string
}

// IssuedToken is a new access token.
type IssuedToken struct {
	AccessToken string
	Token       *domain.Token
}

// Token runs the token endpoint's grants. Errors are *Error or internal.
func (o *OAuth) Token(ctx context.Context, req TokenRequest) (*IssuedToken, error) {
	switch req.GrantType {
	case "authorization_code":
		return o.exchangeCode(ctx, req)
	case "client_credentials":
		return o.clientCredentials(ctx, req)
	case "":
		return nil, oauthErr(ErrInvalidRequest, "The grant_type parameter is missing.")
	}
	// Neither password (DESIGN.md: no password grant) nor refresh tokens:
	// agora's access tokens do not expire, so there is nothing to refresh.
	return nil, oauthErr(ErrUnsupportedGrantType, "Supported grant types are authorization_code and client_credentials.")
}

// client loads the app of clientID and checks its secret. An empty secret
// is allowed only when allowPublic is set (the caller then requires PKCE).
func (o *OAuth) client(ctx context.Context, clientID, secret string, allowPublic bool) (*domain.App, error) {
	bad := oauthErr(ErrInvalidClient, "Client authentication failed: unknown client or wrong secret.")
	if clientID == "" || len(clientID) > MaxParamLen || len(secret) > MaxParamLen {
		return nil, bad
	}
	app, err := o.Store.AppByClientID(ctx, clientID)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, bad
		}
		return nil, err
	}
	if secret == "" && allowPublic {
		return app, nil
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(app.ClientSecret)) != 1 {
		return nil, bad
	}
	return app, nil
}

func (o *OAuth) exchangeCode(ctx context.Context, req TokenRequest) (*IssuedToken, error) {
	app, err := o.client(ctx, req.ClientID, req.ClientSecret, true)
	if err != nil {
		return nil, err
	}
	if req.Code == "" || len(req.Code) > MaxParamLen {
		return nil, oauthErr(ErrInvalidRequest, "The code parameter is missing.")
	}
	// The code is marked used before it is checked: whatever happens next,
	// it cannot be tried twice, and a second try revokes the token of the
	// first.
	codeHash := HashSecret(req.Code)
	c, err := o.Store.ConsumeAuthCode(ctx, codeHash)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, oauthErr(ErrInvalidGrant, "The authorization code is invalid, expired or already used.")
		}
		return nil, err
	}
	switch {
	case c.AppID != app.ID:
		return nil, oauthErr(ErrInvalidGrant, "The authorization code was issued to another client.")
	case !o.Store.Now().Before(c.ExpiresAt):
		return nil, oauthErr(ErrInvalidGrant, "The authorization code is invalid, expired or already used.")
	case req.ClientSecret == "" && c.CodeChallenge == "":
		return nil, oauthErr(ErrInvalidClient, "A client_secret is required when the authorization did not use PKCE.")
	case req.RedirectURI != c.RedirectURI:
		return nil, oauthErr(ErrInvalidGrant, "The redirect_uri does not match the one used in the authorization request.")
	}
	if c.CodeChallenge != "" {
		if req.CodeVerifier == "" {
			return nil, oauthErr(ErrInvalidRequest, "The code_verifier parameter is missing.")
		}
		if !verifierRE.MatchString(req.CodeVerifier) || !VerifyS256(req.CodeVerifier, c.CodeChallenge) {
			return nil, oauthErr(ErrInvalidGrant, "The code_verifier does not match the code_challenge.")
		}
	}
	return o.issueToken(ctx, app.ID, c.UserID, c.Scopes, codeHash)
}

// VerifyS256 checks a PKCE verifier against an S256 challenge.
func VerifyS256(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

func (o *OAuth) clientCredentials(ctx context.Context, req TokenRequest) (*IssuedToken, error) {
	app, err := o.client(ctx, req.ClientID, req.ClientSecret, false)
	if err != nil {
		return nil, err
	}
	scopes, err := o.checkScopes(app, req.Scope)
	if err != nil {
		return nil, err
	}
	return o.issueToken(ctx, app.ID, 0, scopes, "")
}

// issueToken creates a token; codeHash names the authorization code it
// was exchanged for ("" for client credentials).
func (o *OAuth) issueToken(ctx context.Context, appID, userID domain.ID, scopes domain.Scopes, codeHash string) (*IssuedToken, error) {
	secret := NewSecret(32)
	t := &domain.Token{AppID: appID, UserID: userID, Scopes: scopes}
	if err := o.Store.CreateTokenFromCode(ctx, HashSecret(secret), codeHash, t); err != nil {
		return nil, err
	}
	return &IssuedToken{AccessToken: secret, Token: t}, nil
}

// Revoke deletes a token of the client's app. Unknown tokens, and tokens of
// other apps, are ignored silently, as RFC 7009 asks.
func (o *OAuth) Revoke(ctx context.Context, clientID, secret, token string) error {
	app, err := o.client(ctx, clientID, secret, false)
	if err != nil {
		return err
	}
	if token == "" || len(token) > MaxParamLen {
		return oauthErr(ErrInvalidRequest, "The token parameter is missing.")
	}
	return o.Store.RevokeToken(ctx, HashSecret(token), app.ID)
}
