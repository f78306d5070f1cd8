package domain

import (
	"errors"
	"fmt"
	"testing"
)

// TestErrorTr checks that a translation key leaves an error's kind, its
// English message and its matching with errors.Is as they were.
func TestErrorTr(t *testing.T) {
	e := Invalid("At most %d links", 2).Tr("err_links", 2)
	if e.Key != "err_links" || len(e.Args) != 1 || e.Args[0] != 2 || e.Message != "At most 2 links" || e.Error() != "At most 2 links" {
		t.Errorf("Tr gave %+v", e)
	}
	wrapped := fmt.Errorf("post: %w", e)
	if !errors.Is(wrapped, ErrInvalid) || errors.Is(wrapped, ErrForbidden) || KindOf(wrapped) != KindInvalid {
		t.Error("a keyed error lost its kind")
	}
	var de *Error
	if !errors.As(wrapped, &de) || de.Key != "err_links" {
		t.Error("the key is lost through wrapping")
	}
	// A keyed error is never taken for a sentinel.
	if errors.Is(ErrInvalid, &Error{Kind: KindInvalid, Key: "x"}) {
		t.Error("a keyed target matched a sentinel")
	}
}
