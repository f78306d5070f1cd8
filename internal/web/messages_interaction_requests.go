package web

// The texts of interaction requests (/interaction_requests, the pending.*
// notifications, the "others may ask" reply choices), merged into
// messages at start. Flash keys keep the flash_ prefix that takeFlash
// requires.
var interactionRequestsEN = map[string]string{
	"ir_title":                 "Interaction requests",
	"ir_intro":                 "Replies, favourites and boosts of your posts that wait for your approval. Approved, they appear as if they had been allowed at once; declined, they do not appear (a declined reply stays visible to its author only).",
	"ir_back":                  "Back to notifications",
	"ir_link":                  "Interaction requests (%d)",
	"ir_approve":               "Approve",
	"ir_reject":                "Decline",
	"ir_the_reply":             "The reply",
	"ir_your_post":             "Your post",
	"ir_empty":                 "Nothing waits for your approval.",
	"ir_asks_reply":            "%s asks to reply to your post",
	"ir_asks_favourite":        "%s asks to favourite your post",
	"ir_asks_reblog":           "%s asks to boost your post",
	"notif_pending.reply":      "%s asks to reply to your post",
	"notif_pending.favourite":  "%s asks to favourite your post",
	"notif_pending.reblog":     "%s asks to boost your post",
	"flash_ir_approved":        "Approved.",
	"flash_ir_rejected":        "Declined.",
	"flash_ir_already":         "This request was already answered.",
	"flash_reply_pending":      "Your reply is posted; it waits for the approval of the author you reply to. Until then, only you can see it.",
	"rd_reply_followers_ask":   "Your followers; others may ask",
	"rd_reply_following_ask":   "People you follow; others may ask",
	"rd_reply_mentioned_ask":   "Mentioned people; others may ask",
	"rd_replies_followers_ask": "Followers of @%s and people mentioned can reply; replies from others wait for the author’s approval.",
	"rd_replies_following_ask": "People @%s follows and people mentioned can reply; replies from others wait for the author’s approval.",
	"rd_replies_mentioned_ask": "People mentioned in this post can reply; replies from others wait for the approval of @%s.",
	"flash_favourite_pending":  "Your favourite waits for the author’s approval.",
	"flash_boost_pending":      "Your boost waits for the author’s approval.",
}

var interactionRequestsFR = map[string]string{
	"ir_title":                 "Demandes d’interaction",
	"ir_intro":                 "Les réponses, favoris et partages de vos messages qui attendent votre accord. Acceptés, ils apparaissent comme s’ils avaient été permis tout de suite ; refusés, ils n’apparaissent pas (une réponse refusée reste visible de son auteur·rice seulement).",
	"ir_back":                  "Retour aux notifications",
	"ir_link":                  "Demandes d’interaction (%d)",
	"ir_approve":               "Accepter",
	"ir_reject":                "Refuser",
	"ir_the_reply":             "La réponse",
	"ir_your_post":             "Votre message",
	"ir_empty":                 "Rien n’attend votre accord.",
	"ir_asks_reply":            "%s demande à répondre à votre message",
	"ir_asks_favourite":        "%s demande à mettre votre message en favori",
	"ir_asks_reblog":           "%s demande à partager votre message",
	"notif_pending.reply":      "%s demande à répondre à votre message",
	"notif_pending.favourite":  "%s demande à mettre votre message en favori",
	"notif_pending.reblog":     "%s demande à partager votre message",
	"flash_ir_approved":        "Accepté.",
	"flash_ir_rejected":        "Refusé.",
	"flash_ir_already":         "Cette demande a déjà reçu une réponse.",
	"flash_reply_pending":      "Votre réponse est publiée ; elle attend l’accord de l’auteur·rice à qui vous répondez. D’ici là, vous seul·e la voyez.",
	"rd_reply_followers_ask":   "Vos abonné·es ; les autres peuvent demander",
	"rd_reply_following_ask":   "Vos abonnements ; les autres peuvent demander",
	"rd_reply_mentioned_ask":   "Personnes mentionnées ; les autres peuvent demander",
	"rd_replies_followers_ask": "Les abonné·es de @%s et les personnes mentionnées peuvent répondre ; les réponses des autres attendent l’accord de l’auteur·rice.",
	"rd_replies_following_ask": "Les abonnements de @%s et les personnes mentionnées peuvent répondre ; les réponses des autres attendent l’accord de l’auteur·rice.",
	"rd_replies_mentioned_ask": "Les personnes mentionnées dans ce message peuvent répondre ; les réponses des autres attendent l’accord de @%s.",
	"flash_favourite_pending":  "Votre favori attend l’accord de l’auteur·rice.",
	"flash_boost_pending":      "Votre partage attend l’accord de l’auteur·rice.",
}

func init() {
	for k, v := range interactionRequestsEN {
		messagesEN[k] = v
	}
	for k, v := range interactionRequestsFR {
		messagesFR[k] = v
	}
}
