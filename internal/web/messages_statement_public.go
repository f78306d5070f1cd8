package web

// The texts of the public statement page (statement_public.go), merged
// into messages at start. Flash keys keep the flash_ prefix that takeFlash
// requires.
var publicStatementEN = map[string]string{
	"pstatement_intro":             "The moderators of %s took a decision about your account or your posts on another server. This page, opened by the link sent to you, explains it and lets you appeal, without an account here. Keep the link private: anyone who has it can read this page.",
	"pstatement_decision":          "The decision and its reasons",
	"pstatement_appeal":            "Appeal",
	"pstatement_email":             "Your e-mail address",
	"pstatement_email_hint":        "The answer to your appeal is sent there. It is used for nothing else.",
	"pstatement_pending":           "Your appeal is pending: another moderator will review it and answer by e-mail.",
	"pstatement_state_pending":     "Pending",
	"pstatement_state_approved":    "Approved: the decision was reversed",
	"pstatement_state_rejected":    "Rejected",
	"flash_pstatement_appeal_sent": "Your appeal was sent. Another moderator will review it and answer by e-mail.",
}

var publicStatementFR = map[string]string{
	"pstatement_intro":             "Les modérateurs de %s ont pris une décision sur votre compte ou vos publications, hébergés sur un autre serveur. Cette page, ouverte par le lien qui vous a été envoyé, l'explique et vous permet de former un recours, sans compte ici. Gardez ce lien pour vous : toute personne qui l'a peut lire cette page.",
	"pstatement_decision":          "La décision et ses motifs",
	"pstatement_appeal":            "Recours",
	"pstatement_email":             "Votre adresse e-mail",
	"pstatement_email_hint":        "La réponse à votre recours y sera envoyée. Elle ne sert à rien d'autre.",
	"pstatement_pending":           "Votre recours est en attente : un autre modérateur l'examinera et vous répondra par e-mail.",
	"pstatement_state_pending":     "En attente",
	"pstatement_state_approved":    "Accepté : la décision a été annulée",
	"pstatement_state_rejected":    "Rejeté",
	"flash_pstatement_appeal_sent": "Votre recours a été envoyé. Un autre modérateur l'examinera et vous répondra par e-mail.",
}

func init() {
	for k, v := range publicStatementEN {
		messagesEN[k] = v
	}
	for k, v := range publicStatementFR {
		messagesFR[k] = v
	}
}
