package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the edges: one table maps kinds to HTTP statuses.
type Kind int

// The kinds of error agora distinguishes.
const (
	KindInternal Kind = iota
	KindNotFound
	KindInvalid
	KindForbidden
	KindUnauthorized
	KindConflict
	KindRateLimited
	KindUnavailable
	KindGone
)

func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindInvalid:
		return "invalid"
	case KindForbidden:
		return "forbidden"
	case KindUnauthorized:
		return "unauthorized"
	case KindConflict:
		return "conflict"
	case KindRateLimited:
		return "rate limited"
	case KindUnavailable:
		return "unavailable"
	case KindGone:
		return "gone"
	}
	return "internal"
}

// Error is an error with a kind, a message safe to show to the client and an
// optional internal cause that only logs see.
//
// Key and Args, optional, let a page show the message in its reader's
// language: Key names a message of the web UI's catalogue and Args fill
// it (a time.Time argument is shown as a date in the reader's language and
// time zone). Message stays the English text: the API and the logs use it,
// and a page falls back to it when it does not know Key.
type Error struct {
	Kind    Kind
	Message string // safe for clients
	Cause   error  // for logs
	Key     string // translation key, "" for none
	Args    []any  // arguments of Key's message
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Message + ": " + e.Cause.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// Tr sets the translation key of e and its arguments, and returns e:
// domain.Invalid("At most %d links", n).Tr("err_links", n).
func (e *Error) Tr(key string, args ...any) *Error {
	e.Key, e.Args = key, args
	return e
}

// Is makes errors.Is(err, ErrNotFound) match any error of the same kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Cause == nil && t.Key == "" && t.Kind == e.Kind
}

// Sentinels to test kinds with errors.Is.
var (
	ErrNotFound     = &Error{Kind: KindNotFound}
	ErrInvalid      = &Error{Kind: KindInvalid}
	ErrForbidden    = &Error{Kind: KindForbidden}
	ErrUnauthorized = &Error{Kind: KindUnauthorized}
	ErrConflict     = &Error{Kind: KindConflict}
	ErrRateLimited  = &Error{Kind: KindRateLimited}
)

// E builds an Error of kind k with a client-safe message.
func E(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the Mastodon-style "Record not found".
func NotFound() *Error { return &Error{Kind: KindNotFound, Message: "Record not found"} }

// Invalid is a validation failure (HTTP 422).
func Invalid(format string, args ...any) *Error { return E(KindInvalid, format, args...) }

// Forbidden is an authorization failure (HTTP 403).
func Forbidden(format string, args ...any) *Error { return E(KindForbidden, format, args...) }

// KindOf returns the kind of err (KindInternal when it carries none).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}
