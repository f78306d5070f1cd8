package federation

import (
	"net/http"
	"sync"
	"time"
)

// Signature schemes of outgoing requests (AGORA_HTTP_SIGNATURES).
const (
	// SignCavage signs with draft-cavage HTTP Signatures only, as Mastodon
	// before 4.5 and most of the fediverse expect (the default).
	SignCavage = "cavage"
	// SignRFC9421 signs with RFC 9421 HTTP Message Signatures only.
	SignRFC9421 = "rfc9421"
	// SignDoubleKnock tries RFC 9421 first and, when a host answers 401 or
	// 400, sends the request again signed draft-cavage and keeps using
	// draft-cavage for that host for a day.
	SignDoubleKnock = "double-knock"
)

// Bounds of what double-knocking remembers.
const (
	// CavageMemory is how long a host that refused an RFC 9421 signature
	// is sent draft-cavage signatures only.
	CavageMemory = 24 * time.Hour
	// maxCavageHosts bounds the hosts remembered (a node forgets them all
	// rather than grow; forgetting costs one more knock per host).
	maxCavageHosts = 10000
)

// signingPolicy chooses the signature scheme of each outgoing request and,
// when double-knocking, remembers in this node's memory the hosts that
// want draft-cavage: losing it costs one refused request per host, never
// a lost delivery, so it needs no sharing between nodes.
type signingPolicy struct {
	mode   string
	mu     sync.Mutex
	cavage map[string]time.Time // host → until when it gets draft-cavage only
}

// newSigningPolicy makes the policy of a scheme; anything but the three
// schemes is SignCavage (configuration checks the setting).
func newSigningPolicy(mode string) *signingPolicy {
	switch mode {
	case SignRFC9421, SignDoubleKnock:
	default:
		mode = SignCavage
	}
	return &signingPolicy{mode: mode}
}

// firstRFC9421 reports whether the first attempt to host is signed with
// RFC 9421.
func (p *signingPolicy) firstRFC9421(host string, now time.Time) bool {
	switch p.mode {
	case SignRFC9421:
		return true
	case SignDoubleKnock:
		p.mu.Lock()
		defer p.mu.Unlock()
		until, ok := p.cavage[host]
		if ok && now.After(until) {
			delete(p.cavage, host)
			ok = false
		}
		return !ok
	}
	return false
}

// rememberCavage records that host refused an RFC 9421 signature.
func (p *signingPolicy) rememberCavage(host string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cavage == nil || len(p.cavage) >= maxCavageHosts {
		p.cavage = map[string]time.Time{}
	}
	p.cavage[host] = now.Add(CavageMemory)
}

// send makes one request to host with attempt, which builds, signs (RFC
// 9421 when rfc9421 is true, else draft-cavage) and sends a fresh request
// and returns the response status. When double-knocking, an RFC 9421
// attempt answered 401 or 400 is made again signed draft-cavage, and the
// host remembered.
func (p *signingPolicy) send(host string, now time.Time, attempt func(rfc9421 bool) (int, error)) (int, error) {
	rfc := p.firstRFC9421(host, now)
	status, err := attempt(rfc)
	if err == nil && rfc && p.mode == SignDoubleKnock && (status == http.StatusUnauthorized || status == http.StatusBadRequest) {
		p.rememberCavage(host, now)
		return attempt(false)
	}
	return status, err
}
