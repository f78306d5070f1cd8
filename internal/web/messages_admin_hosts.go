package web

// The texts of the unavailable hosts page (admin_hosts.go); merged into
// messages at start.
var adminHostsEN = map[string]string{
	"admin_nav_hosts":        "Unavailable servers",
	"adm_hosts_title":        "Unavailable servers",
	"adm_hosts_intro":        "After %d failed deliveries in a row, this server stops sending to another server and tries it again from time to time (once a minute at first, then less often, up to every 6 hours). Deliveries wait meanwhile, for up to 4 days. A successful delivery makes the server available again.",
	"adm_hosts_list":         "Servers deliveries are waiting for",
	"adm_hosts_none":         "Every server is reachable.",
	"adm_hosts_more":         "Only the first %d servers are listed.",
	"adm_host_since":         "Failing since",
	"adm_host_failures":      "Failed deliveries in a row",
	"adm_host_last_failure":  "Last failure",
	"adm_host_next_probe":    "Next try",
	"adm_host_probe_due":     "At the next delivery",
	"adm_host_last_success":  "Last successful delivery",
	"adm_host_never":         "None recorded",
	"adm_host_unknown":       "Unknown",
	"adm_host_retry":         "Retry now",
	"adm_host_clear":         "Clear",
	"adm_host_actions_hint":  "Retry now: one waiting delivery tries the server at once; if it succeeds, the others follow. Clear: the failures are forgotten and every waiting delivery is sent now.",
	"flash_adm_host_retried": "The server is being tried again now.",
	"flash_adm_host_cleared": "The failures are cleared: the waiting deliveries are being sent.",
	"flash_adm_host_gone":    "This server is no longer unavailable.",
}

var adminHostsFR = map[string]string{
	"admin_nav_hosts":        "Serveurs injoignables",
	"adm_hosts_title":        "Serveurs injoignables",
	"adm_hosts_intro":        "Après %d envois échoués de suite, ce serveur cesse d’envoyer à un autre serveur et le réessaie de temps en temps (chaque minute au début, puis de plus en plus rarement, jusqu’à toutes les 6 heures). Les envois attendent pendant ce temps, 4 jours au plus. Un envoi réussi rend le serveur de nouveau joignable.",
	"adm_hosts_list":         "Serveurs pour lesquels des envois attendent",
	"adm_hosts_none":         "Tous les serveurs sont joignables.",
	"adm_hosts_more":         "Seuls les %d premiers serveurs sont listés.",
	"adm_host_since":         "En échec depuis",
	"adm_host_failures":      "Envois échoués de suite",
	"adm_host_last_failure":  "Dernier échec",
	"adm_host_next_probe":    "Prochain essai",
	"adm_host_probe_due":     "Au prochain envoi",
	"adm_host_last_success":  "Dernier envoi réussi",
	"adm_host_never":         "Aucun enregistré",
	"adm_host_unknown":       "Inconnu",
	"adm_host_retry":         "Réessayer maintenant",
	"adm_host_clear":         "Effacer",
	"adm_host_actions_hint":  "Réessayer maintenant : un envoi en attente essaie le serveur tout de suite ; s’il réussit, les autres suivent. Effacer : les échecs sont oubliés et tous les envois en attente partent maintenant.",
	"flash_adm_host_retried": "Le serveur est réessayé maintenant.",
	"flash_adm_host_cleared": "Les échecs sont effacés : les envois en attente partent.",
	"flash_adm_host_gone":    "Ce serveur n’est plus injoignable.",
}

func init() {
	for k, v := range adminHostsEN {
		messagesEN[k] = v
	}
	for k, v := range adminHostsFR {
		messagesFR[k] = v
	}
}
