package web

// The strings of the relays page (admin_relays.go), merged into the
// message maps in init.
var relaysEN = map[string]string{
	"admin_nav_relays":              "Relays",
	"adm_relays_title":              "Relays",
	"adm_relays_intro":              "A relay shares public posts between the servers that subscribe to it: this server sends it its members’ public posts, and receives the public posts of the others. Subscribe only to relays you trust: what they send appears in the federated timeline.",
	"adm_relay_new":                 "Add a relay",
	"adm_relay_inbox":               "Inbox URL of the relay",
	"adm_relay_inbox_hint":          "The address the relay’s operator gives, usually ending in /inbox. The server subscribes at once.",
	"adm_relay_add":                 "Add and subscribe",
	"adm_relays_list":               "Relays",
	"adm_relays_none":               "No relay yet.",
	"adm_relays_max":                "At most %d relays.",
	"adm_relay_actor":               "Relay actor: %s",
	"adm_relay_enable":              "Subscribe",
	"adm_relay_disable":             "Unsubscribe",
	"adm_relay_state_idle":          "Not subscribed",
	"adm_relay_state_idle_hint":     "Nothing is sent to this relay or accepted from it.",
	"adm_relay_state_pending":       "Waiting for the relay",
	"adm_relay_state_pending_hint":  "The subscription was sent; the relay has not accepted it yet.",
	"adm_relay_state_accepted":      "Subscribed",
	"adm_relay_state_accepted_hint": "Public posts go to this relay, and the posts it shares are received.",
	"adm_relay_state_rejected":      "Refused by the relay",
	"adm_relay_state_rejected_hint": "The relay refused the subscription. Unsubscribe, then subscribe again to ask once more.",
	"adm_relay_err_url":             "Give the relay’s inbox URL, starting with https://, such as https://relay.example/inbox.",
	"adm_relay_err_exists":          "This relay is already in the list.",
	"flash_adm_relay_added":         "The relay is added and the subscription sent.",
	"flash_adm_relay_enable":        "The subscription is sent to the relay.",
	"flash_adm_relay_disable":       "The server unsubscribed from the relay.",
	"flash_adm_relay_delete":        "The relay is removed.",
}

var relaysFR = map[string]string{
	"admin_nav_relays":              "Relais",
	"adm_relays_title":              "Relais",
	"adm_relays_intro":              "Un relais partage les messages publics entre les serveurs qui s’y abonnent : ce serveur lui envoie les messages publics de ses membres, et reçoit ceux des autres. Ne vous abonnez qu’à des relais de confiance : ce qu’ils envoient apparaît dans le fil fédéré.",
	"adm_relay_new":                 "Ajouter un relais",
	"adm_relay_inbox":               "URL de la boîte de réception du relais",
	"adm_relay_inbox_hint":          "L’adresse que donne l’exploitant du relais, finissant souvent par /inbox. Le serveur s’abonne aussitôt.",
	"adm_relay_add":                 "Ajouter et s’abonner",
	"adm_relays_list":               "Relais",
	"adm_relays_none":               "Aucun relais pour l’instant.",
	"adm_relays_max":                "%d relais au plus.",
	"adm_relay_actor":               "Acteur du relais : %s",
	"adm_relay_enable":              "S’abonner",
	"adm_relay_disable":             "Se désabonner",
	"adm_relay_state_idle":          "Non abonné",
	"adm_relay_state_idle_hint":     "Rien n’est envoyé à ce relais ni accepté de lui.",
	"adm_relay_state_pending":       "En attente du relais",
	"adm_relay_state_pending_hint":  "L’abonnement est envoyé ; le relais ne l’a pas encore accepté.",
	"adm_relay_state_accepted":      "Abonné",
	"adm_relay_state_accepted_hint": "Les messages publics vont à ce relais, et ceux qu’il partage sont reçus.",
	"adm_relay_state_rejected":      "Refusé par le relais",
	"adm_relay_state_rejected_hint": "Le relais a refusé l’abonnement. Désabonnez-vous, puis abonnez-vous de nouveau pour redemander.",
	"adm_relay_err_url":             "Donnez l’URL de la boîte de réception du relais, commençant par https://, par exemple https://relay.example/inbox.",
	"adm_relay_err_exists":          "Ce relais est déjà dans la liste.",
	"flash_adm_relay_added":         "Le relais est ajouté et l’abonnement envoyé.",
	"flash_adm_relay_enable":        "L’abonnement est envoyé au relais.",
	"flash_adm_relay_disable":       "Le serveur s’est désabonné du relais.",
	"flash_adm_relay_delete":        "Le relais est retiré.",
}

func init() {
	for k, v := range relaysEN {
		messagesEN[k] = v
	}
	for k, v := range relaysFR {
		messagesFR[k] = v
	}
}
