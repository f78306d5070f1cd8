// Package httpclient is agora's one outgoing HTTP client, used for every
// remote fetch and delivery. It refuses to connect to loopback, private,
// link-local and other internal addresses (a server-side request forgery
// guard) unless the operator allows them, and it bounds time, redirects and
// response sizes.
package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Defaults, used when the Config leaves a limit at zero.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBody      = 1 << 20 // 1 MiB: JSON documents
	DefaultMaxRedirects = 3
	dialTimeout         = 5 * time.Second
)

// Errors callers can test with errors.Is.
var (
	ErrForbiddenAddress = errors.New("address not allowed")
	ErrScheme           = errors.New("only http and https are allowed")
	ErrTooManyRedirects = errors.New("too many redirects")
	ErrTooLarge         = errors.New("response body too large")
)

// Config configures a Client.
type Config struct {
	AllowPrivate bool          // AGORA_ALLOW_PRIVATE_ADDRESSES
	UserAgent    string        // see UserAgent
	Timeout      time.Duration // whole request, body included; DefaultTimeout when 0
	MaxBody      int64         // default response body limit; DefaultMaxBody when 0
	MaxRedirects int           // DefaultMaxRedirects when 0
}

// UserAgent is the User-Agent agora sends: "agora/VERSION (+URL)".
func UserAgent(version, baseURL string) string {
	return "agora/" + version + " (+" + baseURL + ")"
}

// Client sends requests under the rules of its Config.
type Client struct {
	cfg  Config
	http *http.Client
	// permit, in tests only, lets chosen addresses through the guard so that
	// the guard itself can be tested against servers on 127.0.0.1.
	permit func(netip.AddrPort) bool
}

// New returns a Client.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	c := &Client{cfg: cfg}
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Control: c.control}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would connect on our behalf and bypass the guard
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: cfg.Timeout,
	}
	c.http = &http.Client{Transport: tr, Timeout: cfg.Timeout, CheckRedirect: c.checkRedirect}
	return c
}

// control runs after DNS resolution, just before each connection is made,
// so a name that resolves to an internal address (DNS rebinding included)
// is refused whatever it resolved to earlier.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse %q", ErrForbiddenAddress, address)
	}
	if c.cfg.AllowPrivate || (c.permit != nil && c.permit(ap)) {
		return nil
	}
	if why := Forbidden(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s is %s (set AGORA_ALLOW_PRIVATE_ADDRESSES=true to allow)", ErrForbiddenAddress, ap.Addr(), why)
	}
	return nil
}

var forbiddenPrefixes = []struct {
	p   netip.Prefix
	why string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a \"this network\" address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local NAT64 address"},
}

// Forbidden says why addr may not be reached without AllowPrivate, or ""
// when it may.
func Forbidden(addr netip.Addr) string {
	addr = addr.Unmap()
	switch {
	case !addr.IsValid():
		return "not an address"
	case addr.IsUnspecified():
		return "an unspecified address"
	case addr.IsLoopback():
		return "a loopback address"
	case addr.IsPrivate():
		return "a private address" // 10/8, 172.16/12, 192.168/16, fc00::/7
	case addr.IsLinkLocalUnicast():
		return "a link-local address"
	case addr.IsMulticast(), addr.IsLinkLocalMulticast(), addr.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, f := range forbiddenPrefixes {
		if f.p.Contains(addr) {
			return f.why
		}
	}
	// NAT64 (64:ff9b::/96) embeds an IPv4 address: judge that one.
	if addr.Is6() && netip.MustParsePrefix("64:ff9b::/96").Contains(addr) {
		b := addr.As16()
		return Forbidden(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	return ""
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.cfg.MaxRedirects {
		return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, c.cfg.MaxRedirects)
	}
	if err := checkScheme(req); err != nil {
		return err
	}
	// Keep the User-Agent; drop signatures made for another URL.
	req.Header.Del("Signature")
	req.Header.Del("Signature-Input")
	return nil
}

func checkScheme(req *http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: %q", ErrScheme, req.URL.Scheme)
	}
	return nil
}

// Do sends req. The response body fails with ErrTooLarge past limit bytes
// (the Config's MaxBody when limit is 0); the caller closes it.
func (c *Client) Do(req *http.Request, limit int64) (*http.Response, error) {
	if err := checkScheme(req); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = c.cfg.MaxBody
	}
	if req.Header.Get("User-Agent") == "" && c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if res.ContentLength > limit {
		res.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes announced, limit %d", ErrTooLarge, res.ContentLength, limit)
	}
	res.Body = &limitedBody{rc: res.Body, left: limit, limit: limit}
	return res, nil
}

// Fetch sends req and reads the whole body (at most limit bytes, see Do).
func (c *Client) Fetch(req *http.Request, limit int64) (*http.Response, []byte, error) {
	res, err := c.Do(req, limit)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return res, nil, fmt.Errorf("read %s: %w", req.URL.Redacted(), err)
	}
	return res, body, nil
}

// Get fetches url with the given Accept header and returns the body of a
// 2xx response; other statuses are errors of type *StatusError.
func (c *Client) Get(ctx context.Context, url, accept string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	res, body, err := c.Fetch(req, limit)
	if err != nil {
		return nil, err
	}
	if res.StatusCode/100 != 2 {
		return nil, &StatusError{URL: url, Status: res.StatusCode}
	}
	return body, nil
}

// StatusError is a response with a status other than 2xx.
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string { return fmt.Sprintf("GET %s: status %d", e.URL, e.Status) }

// limitedBody fails with ErrTooLarge once more than limit bytes were read,
// rather than truncating silently as io.LimitReader does.
type limitedBody struct {
	rc    io.ReadCloser
	left  int64
	limit int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, b.limit)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n - 1, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, b.limit)
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
