package web

// The strings of quote posts (quotes.go), merged into the message maps
// in init.
var quotesEN = map[string]string{
	"qt_label":                 "Quoted post by @%s",
	"qt_heading":               "Quote @%s",
	"qt_quote":                 "Quote",
	"qt_who":                   "Who can quote",
	"qt_policy_public":         "Anyone",
	"qt_policy_followers":      "Followers",
	"qt_policy_nobody":         "Only me",
	"qt_rule_followers":        "Only followers of @%s can quote this post.",
	"qt_rule_nobody":           "Only @%s can quote this post.",
	"qt_change":                "Change who can quote",
	"qt_defaults":              "Who can quote your new public and unlisted posts",
	"qt_detach":                "Remove my post from this quote",
	"qt_detach_confirm":        "Remove your post from this quote? It will no longer be shown inside it.",
	"qt_state_pending":         "The quoted post is waiting for its author’s approval.",
	"qt_state_rejected":        "The author of the quoted post declined this quote.",
	"qt_state_revoked":         "The author of the quoted post removed it from this quote.",
	"qt_state_deleted":         "The quoted post was deleted.",
	"qt_state_unauthorized":    "The quoted post is not visible to you.",
	"qt_state_blocked_account": "The quoted post is hidden because of a block.",
	"qt_err_refused":           "The author of this post does not let you quote it.",
	"qt_err_poll_media":        "A quote cannot have a poll or media: remove them, or post without the quote.",
	"qt_err_policy":            "Choose who can quote: anyone, followers or only you.",
	"flash_qt_policy":          "Who can quote this post has been changed.",
	"flash_qt_detached":        "Your post is no longer shown in that quote.",
}

var quotesFR = map[string]string{
	"qt_label":                 "Message cité de @%s",
	"qt_heading":               "Citer @%s",
	"qt_quote":                 "Citer",
	"qt_who":                   "Qui peut citer",
	"qt_policy_public":         "Tout le monde",
	"qt_policy_followers":      "Abonné·es",
	"qt_policy_nobody":         "Moi seulement",
	"qt_rule_followers":        "Seuls les abonné·es de @%s peuvent citer ce message.",
	"qt_rule_nobody":           "Seul·e @%s peut citer ce message.",
	"qt_change":                "Changer qui peut citer",
	"qt_defaults":              "Qui peut citer vos nouveaux messages publics et non listés",
	"qt_detach":                "Retirer mon message de cette citation",
	"qt_detach_confirm":        "Retirer votre message de cette citation ? Il n’y sera plus affiché.",
	"qt_state_pending":         "Le message cité attend l’accord de son auteur·rice.",
	"qt_state_rejected":        "L’auteur·rice du message cité a refusé cette citation.",
	"qt_state_revoked":         "L’auteur·rice du message cité l’a retiré de cette citation.",
	"qt_state_deleted":         "Le message cité a été supprimé.",
	"qt_state_unauthorized":    "Le message cité ne vous est pas visible.",
	"qt_state_blocked_account": "Le message cité est masqué à cause d’un blocage.",
	"qt_err_refused":           "L’auteur·rice de ce message ne vous permet pas de le citer.",
	"qt_err_poll_media":        "Une citation ne peut pas avoir de sondage ni de média : retirez-les, ou publiez sans la citation.",
	"qt_err_policy":            "Choisissez qui peut citer : tout le monde, les abonné·es ou vous seulement.",
	"flash_qt_policy":          "Qui peut citer ce message a été modifié.",
	"flash_qt_detached":        "Votre message n’est plus affiché dans cette citation.",
}

func init() {
	for k, v := range quotesEN {
		messagesEN[k] = v
	}
	for k, v := range quotesFR {
		messagesFR[k] = v
	}
}
