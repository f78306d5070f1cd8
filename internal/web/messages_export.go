package web

// The texts of the data export page (/settings/export), merged into
// messages at start.
var exportEN = map[string]string{
	"exp_suspended_link":     "Download your data (your archive and your lists)",
	"exp_intro":              "Your data is yours. Download a copy of everything you posted, and the lists that let you rebuild your network on another server.",
	"exp_unavailable":        "Exports are not available on this server.",
	"exp_archive":            "Your archive",
	"exp_archive_what":       "A ZIP file with your profile, your %d posts and boosts (in ActivityPub format, as Mastodon's archives), your favourites and bookmarks, the images and videos you posted, and the lists below. Posts removed by a moderation decision are not included.",
	"exp_archive_limit":      "It is made while it downloads, which can take a few minutes for a large account. You can download it %d times a day.",
	"exp_archive_button":     "Download your archive (ZIP)",
	"exp_lists":              "Lists to import elsewhere",
	"exp_lists_what":         "CSV files in Mastodon's format: Mastodon, agora and most fediverse servers import them.",
	"exp_list_following":     "Accounts you follow",
	"exp_list_lists":         "Your lists",
	"exp_list_blocks":        "Accounts you block",
	"exp_list_mutes":         "Accounts you mute",
	"exp_list_domain_blocks": "Servers you block",
	"exp_list_bookmarks":     "Your bookmarks",
	"exp_move":               "To take your followers with you, move your account:",
	"exp_unknown":            "There is no such export.",
	"exp_too_many":           "You have downloaded your archive %d times today. You can download it again after %s.",
	"exp_busy":               "Other archives are being made right now. Try again in a minute.",
}

var exportFR = map[string]string{
	"exp_suspended_link":     "Télécharger vos données (votre archive et vos listes)",
	"exp_intro":              "Vos données vous appartiennent. Téléchargez une copie de tout ce que vous avez publié, et les listes qui vous permettent de reconstruire votre réseau sur un autre serveur.",
	"exp_unavailable":        "Les exports ne sont pas disponibles sur ce serveur.",
	"exp_archive":            "Votre archive",
	"exp_archive_what":       "Un fichier ZIP avec votre profil, vos %d messages et partages (au format ActivityPub, comme les archives de Mastodon), vos favoris et signets, les images et vidéos que vous avez publiées, et les listes ci-dessous. Les messages retirés par une décision de modération n’y sont pas.",
	"exp_archive_limit":      "Elle est fabriquée pendant le téléchargement, ce qui peut prendre quelques minutes pour un grand compte. Vous pouvez la télécharger %d fois par jour.",
	"exp_archive_button":     "Télécharger votre archive (ZIP)",
	"exp_lists":              "Listes à importer ailleurs",
	"exp_lists_what":         "Des fichiers CSV au format de Mastodon : Mastodon, agora et la plupart des serveurs du fédiverse les importent.",
	"exp_list_following":     "Comptes que vous suivez",
	"exp_list_lists":         "Vos listes",
	"exp_list_blocks":        "Comptes que vous bloquez",
	"exp_list_mutes":         "Comptes que vous masquez",
	"exp_list_domain_blocks": "Serveurs que vous bloquez",
	"exp_list_bookmarks":     "Vos signets",
	"exp_move":               "Pour emmener vos abonnés avec vous, déménagez votre compte :",
	"exp_unknown":            "Cet export n’existe pas.",
	"exp_too_many":           "Vous avez téléchargé votre archive %d fois aujourd’hui. Vous pourrez la télécharger à nouveau après le %s.",
	"exp_busy":               "D’autres archives sont en cours de fabrication. Réessayez dans une minute.",
}

func init() {
	for k, v := range exportEN {
		messagesEN[k] = v
	}
	for k, v := range exportFR {
		messagesFR[k] = v
	}
}
