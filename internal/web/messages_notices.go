package web

// The texts of what the server tells a member: posts held for review by
// the spam heuristics (docs/abuse.md) and announcements; merged into
// messages at start.
var abuseEN = map[string]string{
	"vis_held":   "Held for review",
	"flash_held": "Your post is held for review: only you see it until a moderator looks at it (this server holds posts that look like spam for a person to check, and never deletes them without a decision you can appeal).",
}

var abuseFR = map[string]string{
	"vis_held":   "En attente de vérification",
	"flash_held": "Votre message est en attente de vérification : vous seul le voyez jusqu’à ce qu’un modérateur l’examine (ce serveur retient les messages qui ressemblent à du spam pour qu’une personne les vérifie, et ne les supprime jamais sans une décision dont vous pouvez faire appel).",
}

func init() {
	for k, v := range abuseEN {
		messagesEN[k] = v
	}
	for k, v := range abuseFR {
		messagesFR[k] = v
	}
}

// The texts of announcements above the home timeline.
var announcementsEN = map[string]string{
	"ann_label":           "Announcement from this server",
	"ann_dismiss":         "Dismiss",
	"flash_ann_dismissed": "Announcement dismissed.",
}

var announcementsFR = map[string]string{
	"ann_label":           "Annonce de ce serveur",
	"ann_dismiss":         "Masquer",
	"flash_ann_dismissed": "Annonce masquée.",
}

func init() {
	for k, v := range announcementsEN {
		messagesEN[k] = v
	}
	for k, v := range announcementsFR {
		messagesFR[k] = v
	}
}
