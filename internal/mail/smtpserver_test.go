package mail_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The credentials the test SMTP server accepts.
const (
	smtpUser = "mailer"
	smtpPass = "s3cret-p@ss"
)

// received is one message the test server accepted.
type received struct {
	From     string
	To       []string
	Data     []byte
	TLS      bool
	AuthUser string
}

// smtpServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// requires AUTH PLAIN, which it only offers over TLS (STARTTLS, or TLS
// from the start with implicit). reject, when set, answers a command.
type smtpServer struct {
	Host string
	Port int
	Pool *x509.CertPool // trusts the server's self-signed certificate

	mu       sync.Mutex
	msgs     []received
	attempts int // MAIL FROM commands seen
	// reject answers "rcpt" or "data" with an SMTP error, when set.
	reject map[string]*smtp.SMTPError
	// noAuth accepts mail without AUTH (a local relay).
	noAuth bool
	// Delivered receives a value for every accepted message.
	Delivered chan struct{}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "clinicpress test smtp"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
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

// The ways the test server protects its connections.
const (
	modeSTARTTLS = "starttls" // offers STARTTLS, AUTH only after it
	modeImplicit = "implicit" // TLS from the first byte (smtps://)
	modePlain    = "plain"    // no TLS at all, no AUTH: a local relay
)

// startSMTP starts the server in mode.
func startSMTP(t testing.TB, mode string) *smtpServer {
	t.Helper()
	cert, pool := selfSigned(t)
	ts := &smtpServer{Pool: pool, reject: map[string]*smtp.SMTPError{}, noAuth: mode == modePlain, Delivered: make(chan struct{}, 1000)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: ts, conn: c}, nil
	}))
	srv.Domain = "127.0.0.1"
	if mode != modePlain {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	srv.AllowInsecureAuth = false
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode == modeImplicit {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	addr := l.Addr().(*net.TCPAddr)
	ts.Host, ts.Port = "127.0.0.1", addr.Port
	return ts
}

// URL is the --smtp-url for this server with the right password.
func (s *smtpServer) URL(scheme string) string {
	return scheme + "://" + smtpUser + ":" + "s3cret-p%40ss" + "@" + s.Host + ":" + strconv.Itoa(s.Port)
}

// Messages returns what the server accepted so far.
func (s *smtpServer) Messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// Attempts is how many deliveries were begun (MAIL FROM after AUTH).
func (s *smtpServer) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Reject makes the server answer cmd ("rcpt" or "data") with e (nil: accept).
func (s *smtpServer) Reject(cmd string, e *smtp.SMTPError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[cmd] = e
}

func (s *smtpServer) rejection(cmd string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.reject[cmd]; e != nil {
		return e
	}
	return nil
}

type session struct {
	srv  *smtpServer
	conn *smtp.Conn
	user string
	cur  received
}

// AuthMechanisms offers PLAIN; go-smtp only advertises AUTH over TLS.
func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth checks the test credentials.
func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != smtpUser || password != smtpPass {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == "" && !s.srv.noAuth {
		return smtp.ErrAuthRequired
	}
	s.srv.mu.Lock()
	s.srv.attempts++
	s.srv.mu.Unlock()
	_, isTLS := s.conn.TLSConnectionState()
	s.cur = received{From: from, TLS: isTLS, AuthUser: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.srv.rejection("rcpt"); err != nil {
		return err
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.srv.rejection("data"); err != nil {
		return err
	}
	if len(s.cur.To) == 0 {
		return errors.New("no recipients")
	}
	s.cur.Data = b
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.cur)
	s.srv.mu.Unlock()
	s.srv.Delivered <- struct{}{}
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }
