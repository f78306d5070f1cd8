package oauth

import (
	"net/http"
	"strings"
)

// messages are the pages' texts per language; every language has the same
// keys (a test checks it). Values with %s take printf arguments.
var messages = map[string]map[string]string{
	"en": {
		"skip":              "Skip to content",
		"footer":            "agora: an open, accountable social network",
		"authorize_title":   "Authorize %s",
		"authorize_intro":   "%s asks for access to your account with these permissions:",
		"scopes_heading":    "Permissions requested",
		"sign_in_legend":    "Sign in to continue",
		"login_label":       "Email or username",
		"password_label":    "Password",
		"authorize_as":      "Authorize as %s",
		"other_account":     "Use another account",
		"authorize":         "Authorize",
		"deny":              "Deny",
		"error_title":       "This request cannot be completed",
		"error_back":        "Go back to the app and try again, or contact its developer.",
		"home":              "Home page",
		"code_title":        "Authorization code",
		"code_intro":        "Copy this code and paste it into %s. It works once, within 10 minutes.",
		"denied_title":      "Authorization denied",
		"denied_intro":      "%s has not been given access to your account.",
		"sign_in_title":     "Sign in",
		"sign_in":           "Sign in",
		"forgot_password":   "Forgot your password?",
		"signed_in_as":      "You are signed in as %s.",
		"sign_out":          "Sign out",
		"bad_login":         "Invalid email, username or password.",
		"csrf_failed":       "This form has expired. Please check it and send it again.",
		"too_many":          "Too many failed sign-in attempts. Please wait a few minutes and try again.",
		"too_many_title":    "Too many attempts",
		"setup_title":       "Create the first administrator account",
		"setup_intro":       "This server has no administrator yet. The account made here gets the admin role; this link works once.",
		"username_label":    "Username",
		"username_hint":     "1 to 30 letters, digits or underscores.",
		"email_label":       "Email",
		"new_password":      "Password",
		"password_hint":     "At least 8 characters.",
		"confirm_password":  "Confirm the password",
		"create_account":    "Create the account",
		"password_mismatch": "The two passwords are different.",
		"setup_done_title":  "The administrator account is ready",
		"setup_done":        "%s is an administrator of this server and is signed in.",
		"setup_bad_title":   "This setup link is not valid",
		"setup_used":        "The first administrator account already exists, or this link has been used. Restart the server without an admin to get a new link.",
		"setup_wrong":       "This setup link is wrong. Use the link printed in the server's log.",
		"scope.read":        "read your account's data",
		"scope.write":       "change your account's data and post for you",
		"scope.follow":      "follow, block and mute accounts",
		"scope.push":        "receive push notifications",
		"scope.profile":     "see your profile only",
		"scope.admin:read":  "read moderation data of the whole server",
		"scope.admin:write": "take moderation actions on the whole server",
	},
	"fr": {
		"skip":              "Aller au contenu",
		"footer":            "agora : un réseau social ouvert et responsable",
		"authorize_title":   "Autoriser %s",
		"authorize_intro":   "%s demande l’accès à votre compte avec ces permissions :",
		"scopes_heading":    "Permissions demandées",
		"sign_in_legend":    "Connectez-vous pour continuer",
		"login_label":       "Adresse e-mail ou nom d’utilisateur",
		"password_label":    "Mot de passe",
		"authorize_as":      "Autoriser en tant que %s",
		"other_account":     "Utiliser un autre compte",
		"authorize":         "Autoriser",
		"deny":              "Refuser",
		"error_title":       "Cette demande ne peut pas aboutir",
		"error_back":        "Revenez à l’application et réessayez, ou contactez son développeur.",
		"home":              "Page d’accueil",
		"code_title":        "Code d’autorisation",
		"code_intro":        "Copiez ce code et collez-le dans %s. Il ne sert qu’une fois, dans les 10 minutes.",
		"denied_title":      "Autorisation refusée",
		"denied_intro":      "%s n’a pas reçu l’accès à votre compte.",
		"sign_in_title":     "Connexion",
		"sign_in":           "Se connecter",
		"forgot_password":   "Mot de passe oublié ?",
		"signed_in_as":      "Vous êtes connecté·e en tant que %s.",
		"sign_out":          "Se déconnecter",
		"bad_login":         "Adresse e-mail, nom d’utilisateur ou mot de passe incorrect.",
		"csrf_failed":       "Ce formulaire a expiré. Vérifiez-le et envoyez-le à nouveau.",
		"too_many":          "Trop de tentatives de connexion échouées. Attendez quelques minutes avant de réessayer.",
		"too_many_title":    "Trop de tentatives",
		"setup_title":       "Créer le premier compte administrateur",
		"setup_intro":       "Ce serveur n’a pas encore d’administrateur. Le compte créé ici reçoit le rôle admin ; ce lien ne sert qu’une fois.",
		"username_label":    "Nom d’utilisateur",
		"username_hint":     "De 1 à 30 lettres, chiffres ou tirets bas.",
		"email_label":       "Adresse e-mail",
		"new_password":      "Mot de passe",
		"password_hint":     "Au moins 8 caractères.",
		"confirm_password":  "Confirmez le mot de passe",
		"create_account":    "Créer le compte",
		"password_mismatch": "Les deux mots de passe sont différents.",
		"setup_done_title":  "Le compte administrateur est prêt",
		"setup_done":        "%s administre ce serveur et est connecté·e.",
		"setup_bad_title":   "Ce lien de configuration n’est pas valable",
		"setup_used":        "Le premier compte administrateur existe déjà, ou ce lien a déjà servi. Redémarrez le serveur sans administrateur pour obtenir un nouveau lien.",
		"setup_wrong":       "Ce lien de configuration est erroné. Utilisez le lien écrit dans le journal du serveur.",
		"scope.read":        "lire les données de votre compte",
		"scope.write":       "modifier les données de votre compte et publier pour vous",
		"scope.follow":      "suivre, bloquer et masquer des comptes",
		"scope.push":        "recevoir des notifications push",
		"scope.profile":     "voir votre profil uniquement",
		"scope.admin:read":  "lire les données de modération de tout le serveur",
		"scope.admin:write": "agir en modérateur sur tout le serveur",
	},
}

// language picks the page language: the lang parameter, else the browser's
// Accept-Language, else English.
func language(r *http.Request, param string) string {
	if _, ok := messages[param]; ok {
		return param
	}
	if i := strings.IndexByte(param, '-'); i > 0 {
		if _, ok := messages[param[:i]]; ok {
			return param[:i]
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(tag)
		if i := strings.IndexByte(tag, '-'); i > 0 {
			tag = tag[:i]
		}
		if _, ok := messages[tag]; ok {
			return tag
		}
	}
	return "en"
}
