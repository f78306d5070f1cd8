// Package mailtest is a small SMTP server for tests: it speaks real SMTP
// (EHLO, optional STARTTLS and AUTH PLAIN, MAIL, RCPT, DATA) on a loopback
// port and hands each message it receives to the test.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one message as the server received it.
type Message struct {
	From     string   // MAIL FROM
	To       []string // RCPT TO
	Data     string   // the message, headers and body, dot-unstuffed, lines ending in \n
	TLS      bool     // the conversation was encrypted when DATA came
	AuthUser string   // the user of AUTH PLAIN, if any
}

// Server is a running test SMTP server.
type Server struct {
	Host     string
	Port     int
	Messages chan Message // each message received, in order
	// ClientTLS trusts the server's certificate (when it offers STARTTLS).
	ClientTLS *tls.Config

	ln       net.Listener
	tls      *tls.Config
	user     string
	password string
	wg       sync.WaitGroup
}

// Options choose what the server offers.
type Options struct {
	StartTLS bool   // offer STARTTLS, with a self-signed certificate
	User     string // require AUTH PLAIN with User and Password
	Password string
}

// Start starts a server on 127.0.0.1, closed when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	s := &Server{Host: "127.0.0.1", Port: addr.Port, Messages: make(chan Message, 16), ln: ln, user: o.User, password: o.Password}
	if o.StartTLS {
		cert, pool := selfSigned(t)
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.ClientTLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// Next waits for the next message; it fails the test after a minute
// without one (a guard against hanging, not a timing assertion).
func (s *Server) Next(t testing.TB) Message {
	t.Helper()
	select {
	case m := <-s.Messages:
		return m
	case <-time.After(time.Minute):
		t.Fatal("no email arrived at the test SMTP server")
		return Message{}
	}
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(time.Minute))
			s.converse(c)
		}()
	}
}

// converse runs one SMTP session.
func (s *Server) converse(c net.Conn) {
	tp := textproto.NewConn(c)
	var (
		msg       Message
		encrypted bool
		authed    = s.user == ""
	)
	_ = tp.PrintfLine("220 mailtest ESMTP ready")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-mailtest"}
			if s.tls != nil && !encrypted {
				ext = append(ext, "250-STARTTLS")
			}
			if s.user != "" {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext = append(ext, "250 8BITMIME")
			_ = tp.PrintfLine("%s", strings.Join(ext, "\r\n"))
		case "STARTTLS":
			if s.tls == nil || encrypted {
				_ = tp.PrintfLine("502 not offered")
				continue
			}
			_ = tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, encrypted = tc, true
			tp = textproto.NewConn(tc)
		case "AUTH":
			mech, ir, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(ir)
			parts := strings.Split(string(raw), "\x00")
			if !strings.EqualFold(mech, "PLAIN") || err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.password {
				_ = tp.PrintfLine("535 authentication failed")
				continue
			}
			authed, msg.AuthUser = true, parts[1]
			_ = tp.PrintfLine("235 authenticated")
		case "MAIL":
			if !authed {
				_ = tp.PrintfLine("530 authentication required")
				continue
			}
			msg.From = addrOf(arg)
			_ = tp.PrintfLine("250 ok")
		case "RCPT":
			msg.To = append(msg.To, addrOf(arg))
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 end with .")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			msg.Data, msg.TLS = string(b), encrypted
			s.Messages <- msg
			msg = Message{AuthUser: msg.AuthUser}
			_ = tp.PrintfLine("250 queued")
		case "RSET", "NOOP":
			_ = tp.PrintfLine("250 ok")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("500 unknown command")
		}
	}
}

// addrOf extracts the address of "FROM:<a@b>" or "TO:<a@b> ...".
func addrOf(arg string) string {
	i, j := strings.IndexByte(arg, '<'), strings.IndexByte(arg, '>')
	if i < 0 || j < i {
		return ""
	}
	return arg[i+1 : j]
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

// Addr is host:port, for AGORA_SMTP_HOST and AGORA_SMTP_PORT.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }
