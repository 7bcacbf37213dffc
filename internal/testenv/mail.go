package testenv

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mailbox is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// accepts every message, as a local relay would, and keeps it for the
// test to read.
type Mailbox struct {
	// URL is the --smtp-url for it (plain, a relay on this machine).
	URL  string
	mu   sync.Mutex
	msgs []Mail
}

// Mail is one message the test server accepted, decoded.
type Mail struct {
	From    string
	To      []string
	Header  mail.Header
	Subject string
	Text    string // the text/plain part
	HTML    string // the text/html part
	Raw     []byte
}

// StartMailbox starts the server; it stops with the test.
func StartMailbox(t testing.TB) *Mailbox {
	t.Helper()
	mb := &Mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &mbSession{mb: mb}, nil }))
	srv.Domain = "127.0.0.1"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	mb.URL = "smtp://127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port) + "?starttls=none"
	return mb
}

// Messages returns every accepted message, oldest first.
func (m *Mailbox) Messages() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.msgs...)
}

// To returns the messages to addr, oldest first.
func (m *Mailbox) To(addr string) []Mail {
	var out []Mail
	for _, msg := range m.Messages() {
		for _, to := range msg.To {
			if strings.EqualFold(to, addr) {
				out = append(out, msg)
			}
		}
	}
	return out
}

type mbSession struct {
	mb  *Mailbox
	cur Mail
}

func (s *mbSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur = Mail{From: from}
	return nil
}
func (s *mbSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *mbSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Raw = b
	decode(&s.cur)
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, s.cur)
	s.mb.mu.Unlock()
	return nil
}
func (s *mbSession) Reset()        { s.cur = Mail{} }
func (s *mbSession) Logout() error { return nil }

// decode fills Subject, Text and HTML from Raw.
func decode(m *Mail) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if s, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		m.Subject = s
	}
	walk(m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func walk(m *Mail, ctype, enc string, body io.Reader) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			walk(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
		}
	}
	var r io.Reader = body
	switch strings.ToLower(enc) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, _ := io.ReadAll(r)
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// Link returns the first link in the mail's text whose path contains
// part, or "" when there is none.
func (m Mail) Link(part string) string {
	for _, l := range linkRE.FindAllString(m.Text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	return ""
}

// DeliverMail runs one delivery round of the mail worker now (tests do
// not start the background worker) and fails the test on an error.
func (e *Env) DeliverMail() {
	e.T.Helper()
	if _, err := e.App.Mail.DeliverDue(context.Background()); err != nil {
		e.T.Fatal(err)
	}
}

// LastMail delivers due mail and returns the newest message to addr; it
// fails the test when there is none.
func (e *Env) LastMail(addr string) Mail {
	e.T.Helper()
	e.DeliverMail()
	ms := e.Mailbox.To(addr)
	if len(ms) == 0 {
		e.T.Fatalf("no mail to %s (of %d delivered)", addr, len(e.Mailbox.Messages()))
	}
	return ms[len(ms)-1]
}
