package web

// The strings of custom emoji administration (admin_emojis.go), merged
// into the message maps in init.
var emojisEN = map[string]string{
	"adm_emojis_title":         "Custom emoji",
	"adm_emojis_intro":         "Custom emoji are small images people use by typing their shortcode between colons, such as :blobcat:. Apps list the enabled ones; other servers receive them with the posts and profiles that use them.",
	"adm_emoji_new":            "Add an emoji",
	"adm_emoji_shortcode":      "Shortcode",
	"adm_emoji_shortcode_hint": "2 to %d letters, digits or underscores, typed between colons.",
	"adm_emoji_image":          "Image",
	"adm_emoji_image_hint":     "PNG, GIF (animated or not) or WebP, at most %d KiB. Still images are scaled to fit 128 pixels.",
	"adm_emoji_category":       "Category",
	"adm_emoji_unlisted":       "Keep out of the picker (usable by typing the shortcode)",
	"adm_emoji_add":            "Add emoji",
	"adm_emojis_list":          "This server’s emoji",
	"adm_emojis_none":          "No custom emoji yet.",
	"adm_emoji_settings":       "Settings",
	"adm_emoji_visible":        "In the picker",
	"adm_emoji_disabled":       "Disabled",
	"adm_emoji_delete":         "Delete",
	"adm_emoji_delete_confirm": "Delete :%s:? Posts that use it will show its shortcode as text.",
	"adm_emoji_choose_file":    "Choose an image file.",
	"adm_emoji_err_code":       "The shortcode must be 2 to %d letters, digits or underscores.",
	"adm_emoji_err_taken":      "An emoji with this shortcode already exists.",
	"adm_emoji_err_type":       "The image must be a PNG, GIF or WebP file.",
	"adm_emoji_err_size":       "The image is larger than %d KiB.",
	"adm_emoji_err_dims":       "The image may be at most %d pixels wide and high.",
	"adm_emoji_err_category":   "The category may be at most %d characters long.",
	"admin_nav_emojis":         "Emoji",
	"adm_emojis_remote":        "Other servers’ emoji",
	"adm_emojis_remote_hint":   "The latest emoji received with posts and profiles from other servers. A disabled one is shown as its shortcode in text.",
	"adm_emoji_domain":         "Server",
	"adm_emoji_not_copied":     "(not copied)",
	"flash_adm_emoji_added":    "The emoji has been added.",
	"flash_adm_emoji_saved":    "The emoji has been saved.",
	"flash_adm_emoji_deleted":  "The emoji has been deleted.",
}

var emojisFR = map[string]string{
	"adm_emojis_title":         "Émojis personnalisés",
	"adm_emojis_intro":         "Les émojis personnalisés sont de petites images que l’on insère en tapant leur code entre deux-points, comme :blobcat:. Les applications listent ceux qui sont activés ; les autres serveurs les reçoivent avec les messages et profils qui les utilisent.",
	"adm_emoji_new":            "Ajouter un émoji",
	"adm_emoji_shortcode":      "Code",
	"adm_emoji_shortcode_hint": "De 2 à %d lettres, chiffres ou tirets bas, tapés entre deux-points.",
	"adm_emoji_image":          "Image",
	"adm_emoji_image_hint":     "PNG, GIF (animé ou non) ou WebP, %d Kio au plus. Les images fixes sont réduites à 128 pixels.",
	"adm_emoji_category":       "Catégorie",
	"adm_emoji_unlisted":       "Ne pas afficher dans le sélecteur (utilisable en tapant le code)",
	"adm_emoji_add":            "Ajouter l’émoji",
	"adm_emojis_list":          "Les émojis de ce serveur",
	"adm_emojis_none":          "Aucun émoji personnalisé pour l’instant.",
	"adm_emoji_settings":       "Réglages",
	"adm_emoji_visible":        "Dans le sélecteur",
	"adm_emoji_disabled":       "Désactivé",
	"adm_emoji_delete":         "Supprimer",
	"adm_emoji_delete_confirm": "Supprimer :%s: ? Les messages qui l’utilisent afficheront son code en texte.",
	"adm_emoji_choose_file":    "Choisissez un fichier image.",
	"adm_emoji_err_code":       "Le code doit compter de 2 à %d lettres, chiffres ou tirets bas.",
	"adm_emoji_err_taken":      "Un émoji avec ce code existe déjà.",
	"adm_emoji_err_type":       "L’image doit être un fichier PNG, GIF ou WebP.",
	"adm_emoji_err_size":       "L’image dépasse %d Kio.",
	"adm_emoji_err_dims":       "L’image ne peut dépasser %d pixels de large ou de haut.",
	"adm_emoji_err_category":   "La catégorie ne peut dépasser %d caractères.",
	"admin_nav_emojis":         "Émojis",
	"adm_emojis_remote":        "Émojis des autres serveurs",
	"adm_emojis_remote_hint":   "Les derniers émojis reçus avec les messages et profils d’autres serveurs. Un émoji désactivé s’affiche comme son code en texte.",
	"adm_emoji_domain":         "Serveur",
	"adm_emoji_not_copied":     "(non copié)",
	"flash_adm_emoji_added":    "L’émoji a été ajouté.",
	"flash_adm_emoji_saved":    "L’émoji a été enregistré.",
	"flash_adm_emoji_deleted":  "L’émoji a été supprimé.",
}

func init() {
	for k, v := range emojisEN {
		messagesEN[k] = v
	}
	for k, v := range emojisFR {
		messagesFR[k] = v
	}
}
