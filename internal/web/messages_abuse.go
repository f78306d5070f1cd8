package web

// The texts of posts held for review by the spam heuristics (docs/abuse.md),
// merged into messages at start.
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
