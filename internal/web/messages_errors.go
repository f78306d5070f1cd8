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
// accounts' limits (internal/abuse), imports (internal/imports), reports,
// moves, posts, polls, quotes, interactions, filters and lists. The English
// texts are the page's, worded for a person; the API keeps the services'
// messages.
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

	// Reports and legal notices (internal/moderation).
	"err_report_self":             "You cannot report yourself.",
	"err_report_comment_long":     "The comment is limited to %d characters.",
	"err_report_category":         "Choose a category: spam, legal, violation of the rules or other.",
	"err_report_rules_required":   "Choose the rules the content breaks.",
	"err_report_rules_only":       "Rules are chosen only for a violation of the rules.",
	"err_report_statuses_many":    "A report can include at most %d posts.",
	"err_report_status_other":     "Post %s is not one of the reported account’s.",
	"err_report_flood":            "Too many reports: try again later.",
	"err_notice_category":         "Choose the kind of illegal content.",
	"err_notice_explanation":      "Explain why the content is illegal.",
	"err_notice_explanation_long": "The explanation is limited to %d characters.",
	"err_notice_good_faith":       "Confirm that the notice is accurate and complete, in good faith.",
	"err_notice_notifier":         "Give your name and e-mail address (not required for child sexual abuse material).",
	"err_notice_name_long":        "The name is limited to %d characters.",
	"err_notice_email":            "The e-mail address is not valid.",
	"err_notice_urls_many":        "At most %d addresses.",
	"err_notice_url":              "%q is not a web address (http or https).",
	"err_notice_location":         "Give the exact address of the content.",

	// Account moves (internal/store, internal/accounts).
	"err_aliases_many":  "An account can have at most %d aliases.",
	"err_move_cooldown": "This account moved less than %d days ago: it cannot move again yet.",
	"err_not_moved":     "This account has not moved.",

	// Posts, polls, pins, quotes and interactions (internal/statuses).
	"err_not_allowed":           "You are not allowed to do this.",
	"err_not_published":         "This post is not published yet.",
	"err_boost_held":            "This post is held for review by a moderator: it can be boosted once it is released.",
	"err_boost_visibility":      "A boost is public, unlisted or for followers only.",
	"err_edit_held":             "This post is held for review by a moderator: it can be edited once it is released (or deleted now).",
	"err_pin_boost":             "A boost cannot be pinned.",
	"err_pin_other":             "Someone else’s post cannot be pinned.",
	"err_pin_direct":            "A private mention cannot be pinned.",
	"err_poll_ended":            "The poll has already ended.",
	"err_poll_no_choices":       "Choose at least one option.",
	"err_poll_single":           "This poll allows a single choice.",
	"err_poll_choice_unknown":   "Choice %d is not an option of this poll.",
	"err_poll_choice_twice":     "Choice %d is given twice.",
	"err_post_poll_media":       "A post cannot have both a poll and media attachments.",
	"err_post_text_blank":       "Write something to post.",
	"err_post_too_long":         "The post is longer than %d characters.",
	"err_post_language":         "%q is not a language code (ISO 639-1).",
	"err_post_tags":             "A post can have at most %d hashtags.",
	"err_post_mentions":         "A post can mention at most %d accounts.",
	"err_post_media_many":       "A post can have at most %d media attachments.",
	"err_post_poll_options":     "A poll needs %d to %d options.",
	"err_post_poll_blank":       "Poll options cannot be blank.",
	"err_post_poll_option_long": "Poll options are at most %d characters.",
	"err_post_poll_duplicate":   "Poll options must be different.",
	"err_post_poll_expiry":      "A poll lasts from %d to %d seconds.",
	"err_post_visibility":       "Choose who can see the post: public, unlisted, followers only or mentioned people only.",
	"err_quote_policy":          "Choose who can quote the post: everyone, followers or nobody.",
	"err_quote_visibility":      "Only public and unlisted posts can be quoted.",
	"err_quote_followers":       "The author only accepts quotes from their followers.",
	"err_quote_refused":         "The author does not accept quotes of this post.",
	"err_quote_poll_media":      "A quote cannot have a poll or media attachments.",
	"err_quote_detach":          "Only the author of the quoted post may remove it from a quote.",
	"err_quote_list":            "Only the author of a post may list its quotes.",
	"err_request_answered":      "This request was already answered.",
	"err_hide_not_reply":        "Only a reply can be hidden from a thread.",
	"err_hide_not_author":       "Only the author of a thread may hide its replies.",
	"err_hide_own":              "Your own replies cannot be hidden.",
	// The interaction refusals: statuses.refusalError composes them.
	"err_refuse_none":          "The author does not accept %s on this post.",
	"err_refuse_only":          "The author only accepts %s from %s.",
	"err_refuse_none_approval": "The author does not accept %s on this post; %s from %s need their approval.",
	"err_refuse_only_approval": "The author only accepts %s from %s; %s from %s need their approval.",
	"err_needs_approval":       "The author must approve %s on this post first.",
	"err_noun_replies":         "replies",
	"err_noun_boosts":          "boosts",
	"err_noun_favourites":      "favourites",
	"err_who_followers":        "their followers",
	"err_who_following":        "people they follow",
	"err_who_mentioned":        "people mentioned in the post",
	"err_who_selected":         "selected accounts",
	"err_or":                   "%s or %s",
	"err_comma":                "%s, %s",

	// Filters and lists (internal/filters, internal/lists).
	"err_title_blank":            "Give a title.",
	"err_title_long":             "The title is limited to %d characters.",
	"err_filter_action":          "Choose what the filter does: warn, hide or blur.",
	"err_filter_expires":         "A filter expires after 1 to %d seconds.",
	"err_filter_context_blank":   "Choose at least one place where the filter applies.",
	"err_filter_context_unknown": "%q is not a place where a filter applies.",
	"err_keyword_blank":          "Keywords cannot be blank.",
	"err_keyword_long":           "Keywords are limited to %d characters.",
	"err_keywords_many":          "A filter can have at most %d keywords.",
	"err_list_replies_policy":    "Choose which replies the list shows.",
	"err_list_no_accounts":       "Choose at least one account.",
	"err_list_accounts_many":     "At most %d accounts at a time.",
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

	"err_report_self":             "Vous ne pouvez pas vous signaler vous-même.",
	"err_report_comment_long":     "Le commentaire est limité à %d caractères.",
	"err_report_category":         "Choisissez une catégorie : spam, contenu illégal, infraction aux règles ou autre.",
	"err_report_rules_required":   "Choisissez les règles que le contenu enfreint.",
	"err_report_rules_only":       "Les règles ne se choisissent que pour une infraction aux règles.",
	"err_report_statuses_many":    "Un signalement peut inclure au plus %d messages.",
	"err_report_status_other":     "Le message %s n’appartient pas au compte signalé.",
	"err_report_flood":            "Trop de signalements : réessayez plus tard.",
	"err_notice_category":         "Choisissez le type de contenu illégal.",
	"err_notice_explanation":      "Expliquez pourquoi le contenu est illégal.",
	"err_notice_explanation_long": "L’explication est limitée à %d caractères.",
	"err_notice_good_faith":       "Confirmez, de bonne foi, que la notification est exacte et complète.",
	"err_notice_notifier":         "Indiquez votre nom et votre adresse e-mail (facultatifs pour les contenus pédopornographiques).",
	"err_notice_name_long":        "Le nom est limité à %d caractères.",
	"err_notice_email":            "L’adresse e-mail n’est pas valide.",
	"err_notice_urls_many":        "Au plus %d adresses.",
	"err_notice_url":              "« %s » n’est pas une adresse web (http ou https).",
	"err_notice_location":         "Indiquez l’adresse exacte du contenu.",

	"err_aliases_many":  "Un compte peut avoir au plus %d alias.",
	"err_move_cooldown": "Ce compte a déménagé il y a moins de %d jours : il ne peut pas encore déménager à nouveau.",
	"err_not_moved":     "Ce compte n’a pas déménagé.",

	"err_not_allowed":           "Vous n’avez pas le droit de faire cela.",
	"err_not_published":         "Ce message n’est pas encore publié.",
	"err_boost_held":            "Ce message est retenu pour examen par un modérateur : il pourra être partagé une fois libéré.",
	"err_boost_visibility":      "Un partage est public, non listé ou réservé aux abonnés.",
	"err_edit_held":             "Ce message est retenu pour examen par un modérateur : il pourra être modifié une fois libéré (ou supprimé dès maintenant).",
	"err_pin_boost":             "Un partage ne peut pas être épinglé.",
	"err_pin_other":             "Le message de quelqu’un d’autre ne peut pas être épinglé.",
	"err_pin_direct":            "Une mention privée ne peut pas être épinglée.",
	"err_poll_ended":            "Le sondage est déjà terminé.",
	"err_poll_no_choices":       "Choisissez au moins une option.",
	"err_poll_single":           "Ce sondage n’accepte qu’un seul choix.",
	"err_poll_choice_unknown":   "Le choix %d n’est pas une option de ce sondage.",
	"err_poll_choice_twice":     "Le choix %d est donné deux fois.",
	"err_post_poll_media":       "Un message ne peut pas avoir à la fois un sondage et des médias.",
	"err_post_text_blank":       "Écrivez quelque chose à publier.",
	"err_post_too_long":         "Le message dépasse %d caractères.",
	"err_post_language":         "« %s » n’est pas un code de langue (ISO 639-1).",
	"err_post_tags":             "Un message peut avoir au plus %d hashtags.",
	"err_post_mentions":         "Un message peut mentionner au plus %d comptes.",
	"err_post_media_many":       "Un message peut avoir au plus %d médias.",
	"err_post_poll_options":     "Un sondage a besoin de %d à %d options.",
	"err_post_poll_blank":       "Les options du sondage ne peuvent pas être vides.",
	"err_post_poll_option_long": "Les options du sondage font au plus %d caractères.",
	"err_post_poll_duplicate":   "Les options du sondage doivent être différentes.",
	"err_post_poll_expiry":      "Un sondage dure de %d à %d secondes.",
	"err_post_visibility":       "Choisissez qui peut voir le message : public, non listé, abonnés seulement ou personnes mentionnées seulement.",
	"err_quote_policy":          "Choisissez qui peut citer le message : tout le monde, les abonnés ou personne.",
	"err_quote_visibility":      "Seuls les messages publics et non listés peuvent être cités.",
	"err_quote_followers":       "L’auteur n’accepte les citations que de ses abonnés.",
	"err_quote_refused":         "L’auteur n’accepte pas les citations de ce message.",
	"err_quote_poll_media":      "Une citation ne peut pas avoir de sondage ni de médias.",
	"err_quote_detach":          "Seul l’auteur du message cité peut le retirer d’une citation.",
	"err_quote_list":            "Seul l’auteur d’un message peut en lister les citations.",
	"err_request_answered":      "Cette demande a déjà reçu une réponse.",
	"err_hide_not_reply":        "Seule une réponse peut être masquée d’une conversation.",
	"err_hide_not_author":       "Seul l’auteur d’une conversation peut en masquer les réponses.",
	"err_hide_own":              "Vos propres réponses ne peuvent pas être masquées.",
	// The groups of accounts start with "de"/"des" so that "que %s" and
	// "les %s %s" read well.
	"err_refuse_none":          "L’auteur n’accepte pas les %s sur ce message.",
	"err_refuse_only":          "L’auteur n’accepte les %s que %s.",
	"err_refuse_none_approval": "L’auteur n’accepte pas les %s sur ce message ; les %s %s demandent son accord.",
	"err_refuse_only_approval": "L’auteur n’accepte les %s que %s ; les %s %s demandent son accord.",
	"err_needs_approval":       "L’auteur doit d’abord approuver les %s sur ce message.",
	"err_noun_replies":         "réponses",
	"err_noun_boosts":          "partages",
	"err_noun_favourites":      "favoris",
	"err_who_followers":        "de ses abonnés",
	"err_who_following":        "des personnes qu’il suit",
	"err_who_mentioned":        "des personnes mentionnées dans le message",
	"err_who_selected":         "de comptes choisis",
	"err_or":                   "%s ou %s",
	"err_comma":                "%s, %s",

	"err_title_blank":            "Donnez un titre.",
	"err_title_long":             "Le titre est limité à %d caractères.",
	"err_filter_action":          "Choisissez ce que fait le filtre : avertir, masquer ou flouter.",
	"err_filter_expires":         "Un filtre expire après 1 à %d secondes.",
	"err_filter_context_blank":   "Choisissez au moins un endroit où le filtre s’applique.",
	"err_filter_context_unknown": "« %s » n’est pas un endroit où un filtre s’applique.",
	"err_keyword_blank":          "Les mots-clés ne peuvent pas être vides.",
	"err_keyword_long":           "Les mots-clés sont limités à %d caractères.",
	"err_keywords_many":          "Un filtre peut avoir au plus %d mots-clés.",
	"err_list_replies_policy":    "Choisissez quelles réponses la liste affiche.",
	"err_list_no_accounts":       "Choisissez au moins un compte.",
	"err_list_accounts_many":     "Au plus %d comptes à la fois.",
}

// The badges of a reply that waits for, or was refused, the approval of
// the author it replies to (statusView.Pending, Declined).
var badgesEN = map[string]string{
	"ir_pending_badge":  "Waiting for approval",
	"ir_declined_badge": "Declined by the author",
}

var badgesFR = map[string]string{
	"ir_pending_badge":  "En attente d’accord",
	"ir_declined_badge": "Refusée par l’auteur·rice",
}

func init() {
	for k, v := range badgesEN {
		messagesEN[k] = v
	}
	for k, v := range badgesFR {
		messagesFR[k] = v
	}
	for k, v := range errorsEN {
		messagesEN[k] = v
	}
	for k, v := range errorsFR {
		messagesFR[k] = v
	}
}
