package web

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Err is err's client-safe message in the page's language: the text of
// its translation key (domain.Error.Key) when the page knows it, else the
// service's English message. Arguments that are times are written as
// dates in the reader's language and zone; arguments that are errors are
// translated in turn (a list of them joined with "; ").
func (v *view) Err(err error) string {
	var de *domain.Error
	if !errors.As(err, &de) {
		return errorMessage(err)
	}
	if de.Key == "" {
		return de.Message
	}
	format, ok := v.L[de.Key]
	if !ok {
		return de.Message
	}
	args := make([]any, len(de.Args))
	for i, a := range de.Args {
		args[i] = v.errArg(a)
	}
	return fmt.Sprintf(format, args...)
}

func (v *view) errArg(a any) any {
	switch a := a.(type) {
	case time.Time:
		return v.Date(a)
	case []error:
		parts := make([]string, len(a))
		for i, e := range a {
			parts[i] = fmt.Sprint(v.errArg(e))
		}
		return strings.Join(parts, "; ")
	case *domain.Error:
		return v.Err(a)
	case error:
		return a.Error()
	}
	return a
}

// The texts of the errors services give a key (domain.Error.Tr): the new
// accounts' limits (internal/abuse) and imports (internal/imports).
var errorsEN = map[string]string{
	"err_new_posts_rate": "New accounts may publish at most %d posts per hour during their first %d hours: try again later. This limit ends on %s.",
	"err_new_mentions":   "New accounts may mention at most %d accounts they do not follow and that do not follow them per post during their first %d hours; this post mentions %d. This limit ends on %s.",
	"err_new_no_links":   "New accounts may not post links to other sites during their first %d hours. This limit ends on %s.",
	"err_new_links":      "New accounts may post at most %d links to other sites per post during their first %d hours; this post has %d. This limit ends on %s.",

	"imp_row":                 "line %d (%s): %s",
	"imp_err_lists_merge":     "Lists can only be merged: members are added to lists of the same name",
	"imp_err_running":         "%d imports are still running: wait for one to finish",
	"imp_err_own_server":      "You cannot block your own server",
	"imp_err_own_account":     "That is your own account",
	"imp_err_list_requested":  "Follow request sent: the account is added to the list once it accepts",
	"imp_err_no_account":      "No account %s on this server",
	"imp_err_unknown_account": "%s is not known here",
	"imp_err_remote_missing":  "%s could not be found on its server",
	"imp_err_no_post":         "No such post on this server",
	"imp_err_unknown_post":    "The post is not known here",
	"imp_err_post_fetch":      "The post could not be fetched from its server",
	"imp_err_generic":         "could not be reached or applied",
	"imp_err_unreadable":      "unreadable row",
	"imp_err_kind":            "Choose what the file holds",
	"imp_err_csv":             "The file is not a CSV file Mastodon or agora wrote (line %d: %s)",
	"imp_err_too_big":         "The file is larger than %d bytes: split it",
	"imp_err_too_many":        "The file has more than %d rows: split it",
	"imp_err_bad_rows":        "Nothing was imported: %s",
	"imp_err_line":            "line %d: %s",
	"imp_err_empty":           "The file is empty",
	"imp_err_is_following":    "This file is a list of followed accounts: choose “Accounts you follow”",
	"imp_err_is_mutes":        "This file is a list of muted accounts: choose “Accounts you mute”",
	"imp_err_not_acct":        "%q is not an account address (user@server)",
	"imp_err_not_domain":      "%q is not a domain",
	"imp_err_not_post":        "%q is not the address of a post",
	"imp_err_no_list_name":    "the list has no name",
}

var errorsFR = map[string]string{
	"err_new_posts_rate": "Les nouveaux comptes peuvent publier au plus %d messages par heure pendant leurs %d premières heures : réessayez plus tard. Cette limite prend fin le %s.",
	"err_new_mentions":   "Les nouveaux comptes peuvent mentionner au plus %d comptes qu’ils ne suivent pas et qui ne les suivent pas par message pendant leurs %d premières heures ; ce message en mentionne %d. Cette limite prend fin le %s.",
	"err_new_no_links":   "Les nouveaux comptes ne peuvent pas publier de liens vers d’autres sites pendant leurs %d premières heures. Cette limite prend fin le %s.",
	"err_new_links":      "Les nouveaux comptes peuvent mettre au plus %d liens vers d’autres sites par message pendant leurs %d premières heures ; ce message en a %d. Cette limite prend fin le %s.",

	"imp_row":                 "ligne %d (%s) : %s",
	"imp_err_lists_merge":     "Les listes ne peuvent qu’être fusionnées : les membres sont ajoutés aux listes du même nom",
	"imp_err_running":         "%d imports sont encore en cours : attendez que l’un d’eux se termine",
	"imp_err_own_server":      "Vous ne pouvez pas bloquer votre propre serveur",
	"imp_err_own_account":     "C’est votre propre compte",
	"imp_err_list_requested":  "Demande d’abonnement envoyée : le compte sera ajouté à la liste quand il l’aura acceptée",
	"imp_err_no_account":      "Aucun compte %s sur ce serveur",
	"imp_err_unknown_account": "%s est inconnu ici",
	"imp_err_remote_missing":  "%s est introuvable sur son serveur",
	"imp_err_no_post":         "Ce message n’existe pas sur ce serveur",
	"imp_err_unknown_post":    "Ce message est inconnu ici",
	"imp_err_post_fetch":      "Le message n’a pas pu être récupéré sur son serveur",
	"imp_err_generic":         "injoignable ou impossible à appliquer",
	"imp_err_unreadable":      "ligne illisible",
	"imp_err_kind":            "Choisissez ce que contient le fichier",
	"imp_err_csv":             "Le fichier n’est pas un fichier CSV écrit par Mastodon ou agora (ligne %d : %s)",
	"imp_err_too_big":         "Le fichier dépasse %d octets : découpez-le",
	"imp_err_too_many":        "Le fichier a plus de %d lignes : découpez-le",
	"imp_err_bad_rows":        "Rien n’a été importé : %s",
	"imp_err_line":            "ligne %d : %s",
	"imp_err_empty":           "Le fichier est vide",
	"imp_err_is_following":    "Ce fichier est une liste de comptes suivis : choisissez « Comptes que vous suivez »",
	"imp_err_is_mutes":        "Ce fichier est une liste de comptes masqués : choisissez « Comptes que vous masquez »",
	"imp_err_not_acct":        "« %s » n’est pas une adresse de compte (utilisateur@serveur)",
	"imp_err_not_domain":      "« %s » n’est pas un domaine",
	"imp_err_not_post":        "« %s » n’est pas l’adresse d’un message",
	"imp_err_no_list_name":    "la liste n’a pas de nom",
}

func init() {
	for k, v := range errorsEN {
		messagesEN[k] = v
	}
	for k, v := range errorsFR {
		messagesFR[k] = v
	}
}
