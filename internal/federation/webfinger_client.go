package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/agora-social/agora/internal/httpclient"
)

// maxWebFingerDocument bounds a WebFinger answer.
const maxWebFingerDocument = 256 << 10

// jrd is the part of a WebFinger answer agora reads.
type jrd struct {
	Subject string `json:"subject"`
	Links   []struct {
		Rel  string `json:"rel"`
		Type string `json:"type"`
		Href string `json:"href"`
	} `json:"links"`
}

// webfingerScheme is the scheme WebFinger is asked over: https, except when
// this server itself runs on http (development and tests, where peers do too).
func (h *Handler) webfingerScheme() string {
	if strings.HasPrefix(h.Cfg.URL, "http://") {
		return "http"
	}
	return "https"
}

// WebFinger resolves acct:username@host to the actor id of its "self" link
// (application/activity+json, or ld+json with the ActivityStreams profile).
func (h *Handler) WebFinger(ctx context.Context, username, host string) (string, error) {
	h.init()
	if username == "" || host == "" || strings.ContainsAny(username+host, "/?#@ \t\r\n") {
		return "", fmt.Errorf("webfinger: %q@%q is not a handle", username, host)
	}
	u := url.URL{Scheme: h.webfingerScheme(), Host: host, Path: "/.well-known/webfinger",
		RawQuery: "resource=" + url.QueryEscape("acct:"+username+"@"+host)}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	res, body, err := h.Client.Fetch(req, maxWebFingerDocument)
	if err != nil {
		return "", fmt.Errorf("webfinger %s@%s: %w", username, host, err)
	}
	if res.StatusCode/100 != 2 {
		return "", &httpclient.StatusError{URL: u.String(), Status: res.StatusCode}
	}
	var doc jrd
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("webfinger %s@%s: not JSON: %w", username, host, err)
	}
	for _, l := range doc.Links {
		if l.Rel != "self" || l.Href == "" {
			continue
		}
		mt, params, _ := mime.ParseMediaType(l.Type)
		if mt == "application/activity+json" || (mt == "application/ld+json" && strings.Contains(params["profile"], "activitystreams")) {
			return l.Href, nil
		}
	}
	return "", fmt.Errorf("webfinger %s@%s: no ActivityPub self link", username, host)
}
