package web

import (
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// TestBrowserMigration moves bob to carol with the settings page: carol
// lists bob as an alias (JavaScript on, each state audited with axe-core),
// bob moves without JavaScript (plain forms; a wrong password first), and
// the moved state is audited.
func TestBrowserMigration(t *testing.T) {
	w := newWorld(t, db.SQLite)
	w.s.NewUser(t, "carol")

	cb := newTab(t, w.s.URL, true)
	signIn(cb, "carol")
	cb.open("/settings/migration")
	cb.waitFor("the migration page", hasText("This account has no aliases."))
	cb.audit("settings-migration")
	cb.typeInto("alias", "@nobody")
	cb.click(`form[action="/settings/migration/aliases"] button[type=submit]`)
	cb.waitFor("the alias error", hasText("No account was found"))
	cb.audit("settings-migration-error")
	cb.typeInto("alias", "@bob")
	cb.click(`form[action="/settings/migration/aliases"] button[type=submit]`)
	cb.waitFor("the alias", hasText("The alias is added.")+` && `+hasText("/users/bob"))
	cb.audit("settings-migration-alias")

	bb := newTab(t, w.s.URL, false)
	signIn(bb, "bob")
	bb.open("/settings/migration")
	bb.typeInto("moved_to_uri", "@carol")
	bb.typeInto("mig-password", "not the password")
	bb.click(`form[action="/settings/migration/move"] button[type=submit]`)
	bb.waitFor("the password error", hasText("The password is not right."))
	bb.typeInto("mig-password", "correct horse battery")
	bb.click(`form[action="/settings/migration/move"] button[type=submit]`)
	bb.waitFor("the moved state", hasText("Your account has moved")+` && `+hasText("This account has moved to"))

	jb := newTab(t, w.s.URL, true)
	signIn(jb, "bob")
	jb.open("/settings/migration")
	jb.waitFor("the moved state", hasText("This account has moved to")+` && `+hasText("it can move again from"))
	jb.audit("settings-migration-moved")
}
