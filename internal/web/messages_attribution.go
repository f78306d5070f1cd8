package web

// The strings of author attribution (settings.go, link previews), merged
// into the message maps in init.
var attributionEN = map[string]string{
	"attr_label": "Websites allowed to credit you",
	"attr_hint": "One domain per line (at most %d), for example news.example; its subdomains are included. " +
		"A page on these sites with <meta name=\"fediverse:creator\" content=\"@you@this.server\"> shows your account on its link preview.",
	"attr_err_domain": "“%s” is not a domain name: write one domain per line, like news.example.",
	"attr_err_count":  "List at most %d websites.",
	"card_more_from":  "More from %s",
}

var attributionFR = map[string]string{
	"attr_label": "Sites web autorisés à vous créditer",
	"attr_hint": "Un domaine par ligne (%d au plus), par exemple journal.example ; ses sous-domaines sont compris. " +
		"Une page de ces sites portant <meta name=\"fediverse:creator\" content=\"@vous@ce.serveur\"> montre votre compte sur son aperçu de lien.",
	"attr_err_domain": "« %s » n’est pas un nom de domaine : écrivez un domaine par ligne, comme journal.example.",
	"attr_err_count":  "Indiquez %d sites au plus.",
	"card_more_from":  "Plus de %s",
}

func init() {
	for k, v := range attributionEN {
		messagesEN[k] = v
	}
	for k, v := range attributionFR {
		messagesFR[k] = v
	}
}
