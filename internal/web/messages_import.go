package web

// The texts of the import form on /settings/export, merged into messages
// at start.
var importEN = map[string]string{
	"imp_title":              "Import",
	"imp_intro":              "Bring your network from Mastodon or another agora: upload one of the CSV lists it exported (up to %d rows). Accounts on other servers are looked up and followed, blocked or muted from here; follow requests to locked accounts wait for their answer.",
	"imp_kind":               "What the file holds",
	"imp_kind_choose":        "Choose…",
	"imp_kind_following":     "Accounts you follow",
	"imp_kind_lists":         "Lists",
	"imp_kind_blocks":        "Accounts you block",
	"imp_kind_mutes":         "Accounts you mute",
	"imp_kind_domain_blocks": "Servers you block",
	"imp_kind_bookmarks":     "Bookmarks",
	"imp_file":               "CSV file",
	"imp_mode":               "What happens to what you already have",
	"imp_merge":              "Merge: add what the file lists, keep the rest",
	"imp_overwrite":          "Replace: also remove what the file does not list (not for lists)",
	"imp_submit":             "Import",
	"imp_recent":             "Your latest imports",
	"imp_counts":             "%d of %d rows processed, %d imported",
	"imp_failed_rows":        "Rows that could not be imported",
	"imp_state_scheduled":    "waiting",
	"imp_state_running":      "running",
	"imp_state_finished":     "finished",
	"flash_imp_scheduled":    "Import started: the rows are applied in the background; this page shows how far it got.",
	"imp_failed":             "Nothing was imported: %s.",
	"imp_choose_kind":        "Choose what the file holds.",
	"imp_choose_file":        "Choose a CSV file to import.",
	"imp_unavailable":        "Imports are not available on this server.",
}

var importFR = map[string]string{
	"imp_title":              "Importer",
	"imp_intro":              "Amenez votre réseau depuis Mastodon ou un autre agora : envoyez l’une des listes CSV qu’il a exportées (jusqu’à %d lignes). Les comptes d’autres serveurs sont recherchés puis suivis, bloqués ou masqués d’ici ; les demandes aux comptes verrouillés attendent leur réponse.",
	"imp_kind":               "Ce que contient le fichier",
	"imp_kind_choose":        "Choisir…",
	"imp_kind_following":     "Comptes que vous suivez",
	"imp_kind_lists":         "Listes",
	"imp_kind_blocks":        "Comptes que vous bloquez",
	"imp_kind_mutes":         "Comptes que vous masquez",
	"imp_kind_domain_blocks": "Serveurs que vous bloquez",
	"imp_kind_bookmarks":     "Signets",
	"imp_file":               "Fichier CSV",
	"imp_mode":               "Ce que devient ce que vous avez déjà",
	"imp_merge":              "Fusionner : ajouter ce que liste le fichier, garder le reste",
	"imp_overwrite":          "Remplacer : retirer aussi ce que le fichier ne liste pas (pas pour les listes)",
	"imp_submit":             "Importer",
	"imp_recent":             "Vos derniers imports",
	"imp_counts":             "%d lignes traitées sur %d, %d importées",
	"imp_failed_rows":        "Lignes qui n’ont pas pu être importées",
	"imp_state_scheduled":    "en attente",
	"imp_state_running":      "en cours",
	"imp_state_finished":     "terminé",
	"flash_imp_scheduled":    "Import lancé : les lignes sont appliquées en arrière-plan ; cette page montre où il en est.",
	"imp_failed":             "Rien n’a été importé : %s.",
	"imp_choose_kind":        "Choisissez ce que contient le fichier.",
	"imp_choose_file":        "Choisissez un fichier CSV à importer.",
	"imp_unavailable":        "Les imports ne sont pas disponibles sur ce serveur.",
}

func init() {
	for k, v := range importEN {
		messagesEN[k] = v
	}
	for k, v := range importFR {
		messagesFR[k] = v
	}
}
