package web

// The texts of the account migration page (/settings/migration), merged
// into messages at start. Flash keys keep the flash_ prefix that takeFlash
// requires.
var migrationEN = map[string]string{
	"mig_intro":                "You can move this account to another account, on this server or on another one (Mastodon, GoToSocial and others), or move another account here.",
	"mig_what_moves":           "What moves: your followers. Their servers make them follow the new account; followers on this server follow it at once.",
	"mig_what_stays":           "What does not move: your posts, favourites, bookmarks and the accounts you follow. Download them from the export page and import the lists on the new account.",
	"mig_after":                "After the move this account shows where you went; you can still sign in to read and to export your data, but not post. You can move again only 30 days later.",
	"mig_moved_to":             "This account has moved to",
	"mig_aliases":              "Moving another account here (aliases)",
	"mig_aliases_intro":        "Before an account can move to this one, list it here; then start the move from that account, naming this one: %s",
	"mig_aliases_none":         "This account has no aliases.",
	"mig_alias_label":          "Account to move from",
	"mig_account_hint":         "Its handle, such as @name@example.org, or the address of its profile.",
	"mig_alias_add":            "Add the alias",
	"mig_alias_remove":         "Remove the alias",
	"mig_move":                 "Moving this account to another account",
	"mig_move_steps":           "First, on the new account, add this account as an alias. Then name the new account here and confirm with your password.",
	"mig_target_label":         "Account to move to",
	"mig_password_label":       "Your current password",
	"mig_move_button":          "Move my followers to this account",
	"mig_cooldown":             "This account moved recently: it can move again from %s.",
	"mig_err_password":         "The password is not right.",
	"mig_err_no_alias":         "The account %s does not list this account as an alias yet. Add the alias on the new account first, then try again.",
	"mig_err_not_found":        "No account was found with that handle or address.",
	"mig_err_self":             "An account cannot be its own alias or move to itself.",
	"mig_err_cooldown":         "This account moved less than 30 days ago: it cannot move again yet.",
	"mig_err_target_missing":   "Give the account to move to.",
	"mig_err_too_many":         "An account can have at most %d aliases.",
	"mig_err_target_unusable":  "That account is suspended or has moved itself: it cannot be moved to.",
	"flash_mig_alias_added":    "The alias is added.",
	"flash_mig_alias_removed":  "The alias is removed.",
	"flash_mig_moved":          "Your account has moved: your followers are being moved to the new account.",
	"mig_cancel":               "Cancelling the move",
	"mig_cancel_intro":         "If you cancel the move, this account no longer shows that it moved and can post again; other servers are told. Followers who already follow the new account stay with it, and a new move is possible only 30 days after the last one.",
	"mig_cancel_confirm":       "I understand that my followers stay with the new account",
	"mig_cancel_button":        "Cancel the move",
	"mig_err_cancel_confirm":   "Tick the box to confirm that you want to cancel the move.",
	"mig_err_not_moved":        "This account has not moved.",
	"flash_mig_move_cancelled": "The move is cancelled: this account can post again.",
}

var migrationFR = map[string]string{
	"mig_intro":                "Vous pouvez déménager ce compte vers un autre compte, sur ce serveur ou sur un autre (Mastodon, GoToSocial et d’autres), ou faire venir ici un autre compte.",
	"mig_what_moves":           "Ce qui déménage : vos abonnés. Leurs serveurs les abonnent au nouveau compte ; les abonnés de ce serveur le suivent aussitôt.",
	"mig_what_stays":           "Ce qui ne déménage pas : vos messages, favoris, signets et les comptes que vous suivez. Téléchargez-les depuis la page d’export et importez les listes sur le nouveau compte.",
	"mig_after":                "Après le déménagement, ce compte indique où vous êtes allé ; vous pouvez encore vous y connecter pour lire et exporter vos données, mais plus publier. Un nouveau déménagement n’est possible que 30 jours plus tard.",
	"mig_moved_to":             "Ce compte a déménagé vers",
	"mig_aliases":              "Faire venir un autre compte ici (alias)",
	"mig_aliases_intro":        "Avant qu’un compte puisse déménager vers celui-ci, indiquez-le ici ; lancez ensuite le déménagement depuis ce compte, en désignant celui-ci : %s",
	"mig_aliases_none":         "Ce compte n’a pas d’alias.",
	"mig_alias_label":          "Compte d’origine",
	"mig_account_hint":         "Son identifiant, comme @nom@exemple.org, ou l’adresse de son profil.",
	"mig_alias_add":            "Ajouter l’alias",
	"mig_alias_remove":         "Retirer l’alias",
	"mig_move":                 "Déménager ce compte vers un autre compte",
	"mig_move_steps":           "D’abord, sur le nouveau compte, ajoutez ce compte comme alias. Puis désignez ici le nouveau compte et confirmez avec votre mot de passe.",
	"mig_target_label":         "Compte de destination",
	"mig_password_label":       "Votre mot de passe actuel",
	"mig_move_button":          "Déménager mes abonnés vers ce compte",
	"mig_cooldown":             "Ce compte a déménagé récemment : il pourra déménager de nouveau à partir du %s.",
	"mig_err_password":         "Le mot de passe n’est pas le bon.",
	"mig_err_no_alias":         "Le compte %s n’indique pas encore ce compte comme alias. Ajoutez d’abord l’alias sur le nouveau compte, puis réessayez.",
	"mig_err_not_found":        "Aucun compte n’a été trouvé avec cet identifiant ou cette adresse.",
	"mig_err_self":             "Un compte ne peut pas être son propre alias ni déménager vers lui-même.",
	"mig_err_cooldown":         "Ce compte a déménagé il y a moins de 30 jours : il ne peut pas encore déménager de nouveau.",
	"mig_err_target_missing":   "Indiquez le compte de destination.",
	"mig_err_too_many":         "Un compte peut avoir au plus %d alias.",
	"mig_err_target_unusable":  "Ce compte est suspendu ou a lui-même déménagé : impossible d’y déménager.",
	"flash_mig_alias_added":    "L’alias est ajouté.",
	"flash_mig_alias_removed":  "L’alias est retiré.",
	"flash_mig_moved":          "Votre compte a déménagé : vos abonnés sont en cours de transfert vers le nouveau compte.",
	"mig_cancel":               "Annuler le déménagement",
	"mig_cancel_intro":         "Si vous annulez le déménagement, ce compte n’indique plus qu’il a déménagé et peut de nouveau publier ; les autres serveurs en sont informés. Les abonnés qui suivent déjà le nouveau compte y restent, et un nouveau déménagement n’est possible que 30 jours après le dernier.",
	"mig_cancel_confirm":       "Je comprends que mes abonnés restent avec le nouveau compte",
	"mig_cancel_button":        "Annuler le déménagement",
	"mig_err_cancel_confirm":   "Cochez la case pour confirmer l’annulation du déménagement.",
	"mig_err_not_moved":        "Ce compte n’a pas déménagé.",
	"flash_mig_move_cancelled": "Le déménagement est annulé : ce compte peut de nouveau publier.",
}

func init() {
	for k, v := range migrationEN {
		messagesEN[k] = v
	}
	for k, v := range migrationFR {
		messagesFR[k] = v
	}
}
