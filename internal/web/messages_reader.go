package web

// The reader's strings (time zone, reply controls, hidden replies, link
// cards, video and audio), merged into the message maps in init.
var readerEN = map[string]string{
	"rd_zone_label":   "Time zone",
	"rd_zone_auto":    "Automatic (your browser’s, else UTC)",
	"rd_zone_browser": "Automatic (your browser’s: %s)",
	"rd_zone_hint":    "Dates on every page are shown in this time zone.",
	"rd_zone_unknown": "The time zone “%s” is not known on this server: dates are shown in UTC. Choose another one.",

	"rd_who_reply":           "Who can reply",
	"rd_reply_default":       "Your default",
	"rd_reply_public":        "Anyone",
	"rd_reply_followers":     "Your followers",
	"rd_reply_following":     "People you follow",
	"rd_reply_mentioned":     "Mentioned people only",
	"rd_reply_custom_keep":   "As set from an app (keep)",
	"rd_replies_followers":   "Only followers of @%s and people mentioned can reply.",
	"rd_replies_following":   "Only people @%s follows and people mentioned can reply.",
	"rd_replies_mentioned":   "Only people mentioned in this post can reply.",
	"rd_replies_custom":      "@%s limits who can reply to this post.",
	"rd_reply_not_you":       "You cannot reply to it.",
	"rd_change_who_reply":    "Change who can reply",
	"rd_save_who_reply":      "Save",
	"rd_reply_defaults":      "Who can reply to your new posts",
	"rd_reply_defaults_hint": "The default of the compose form’s “Who can reply”; people you mention can always reply.",
	"rd_reply_for_public":    "Public posts",
	"rd_reply_for_unlisted":  "Unlisted posts",
	"rd_reply_for_private":   "Followers-only posts",
	"rd_err_reply_choice":    "Choose who can reply from the list.",
	"rd_err_reply_refused":   "The author of this post does not accept replies from you.",
	"flash_rd_reply_policy":  "Who can reply is changed.",

	"rd_hide":               "Hide reply",
	"rd_unhide":             "Show in thread",
	"rd_hidden_badge":       "Hidden by the thread’s author",
	"rd_hidden_replies":     "%s hidden replies",
	"rd_hidden_replies_one": "%s hidden reply",
	"rd_hidden_hint":        "The author of the thread hid these replies.",
	"flash_rd_reply_hidden": "The reply is hidden from your thread.",
	"flash_rd_reply_shown":  "The reply is shown in your thread again.",

	"rd_media_processing":     "This file is still being processed; it will play here soon.",
	"rd_media_failed":         "This file could not be processed.",
	"rd_err_media_processing": "Your file is still being processed. It is kept in the form: wait a moment, then post again.",
	"rd_media_image":          "Image",
	"rd_media_gifv":           "Animation",
	"rd_media_video":          "Video",
	"rd_media_audio":          "Sound",
}

var readerFR = map[string]string{
	"rd_zone_label":   "Fuseau horaire",
	"rd_zone_auto":    "Automatique (celui du navigateur, sinon UTC)",
	"rd_zone_browser": "Automatique (celui du navigateur : %s)",
	"rd_zone_hint":    "Les dates de toutes les pages sont affichées dans ce fuseau horaire.",
	"rd_zone_unknown": "Le fuseau horaire « %s » n’est pas connu de ce serveur : les dates sont affichées en UTC. Choisissez-en un autre.",

	"rd_who_reply":           "Qui peut répondre",
	"rd_reply_default":       "Votre réglage",
	"rd_reply_public":        "Tout le monde",
	"rd_reply_followers":     "Vos abonné·es",
	"rd_reply_following":     "Vos abonnements",
	"rd_reply_mentioned":     "Personnes mentionnées seulement",
	"rd_reply_custom_keep":   "Comme réglé depuis une application (garder)",
	"rd_replies_followers":   "Seuls les abonné·es de @%s et les personnes mentionnées peuvent répondre.",
	"rd_replies_following":   "Seuls les abonnements de @%s et les personnes mentionnées peuvent répondre.",
	"rd_replies_mentioned":   "Seules les personnes mentionnées dans ce message peuvent répondre.",
	"rd_replies_custom":      "@%s limite qui peut répondre à ce message.",
	"rd_reply_not_you":       "Vous ne pouvez pas y répondre.",
	"rd_change_who_reply":    "Changer qui peut répondre",
	"rd_save_who_reply":      "Enregistrer",
	"rd_reply_defaults":      "Qui peut répondre à vos nouveaux messages",
	"rd_reply_defaults_hint": "Le choix par défaut de « Qui peut répondre » du formulaire ; les personnes que vous mentionnez peuvent toujours répondre.",
	"rd_reply_for_public":    "Messages publics",
	"rd_reply_for_unlisted":  "Messages non listés",
	"rd_reply_for_private":   "Messages réservés aux abonné·es",
	"rd_err_reply_choice":    "Choisissez qui peut répondre dans la liste.",
	"rd_err_reply_refused":   "L’auteur·rice de ce message n’accepte pas de réponse de votre part.",
	"flash_rd_reply_policy":  "Qui peut répondre est modifié.",

	"rd_hide":               "Masquer la réponse",
	"rd_unhide":             "Afficher dans le fil",
	"rd_hidden_badge":       "Masquée par l’auteur·rice du fil",
	"rd_hidden_replies":     "%s réponses masquées",
	"rd_hidden_replies_one": "%s réponse masquée",
	"rd_hidden_hint":        "L’auteur·rice du fil a masqué ces réponses.",
	"flash_rd_reply_hidden": "La réponse est masquée de votre fil.",
	"flash_rd_reply_shown":  "La réponse est de nouveau affichée dans votre fil.",

	"rd_media_processing":     "Ce fichier est encore en cours de traitement ; il sera bientôt lisible ici.",
	"rd_media_failed":         "Ce fichier n’a pas pu être traité.",
	"rd_err_media_processing": "Votre fichier est encore en cours de traitement. Il est gardé dans le formulaire : attendez un instant, puis publiez à nouveau.",
	"rd_media_image":          "Image",
	"rd_media_gifv":           "Animation",
	"rd_media_video":          "Vidéo",
	"rd_media_audio":          "Son",
}

func init() {
	for k, v := range readerEN {
		messagesEN[k] = v
	}
	for k, v := range readerFR {
		messagesFR[k] = v
	}
}
