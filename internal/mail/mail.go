// Package mail owns outgoing email: a Message rendered to a plain-text and
// an HTML part in the clinic's branding, the mail_outbox queue written in
// the caller's own transaction, and the worker that delivers due mail over
// SMTP (github.com/wneessen/go-mail) with retries and backoff. Without an
// SMTP server configured, mail is kept in the outbox with status "stored"
// and shown to platform admins, so a fresh install still works end to end.
// Nothing here sends inside a request: only DeliverDue talks to a server.
package mail

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// Kind says why a mail is sent, which decides its footer and headers.
type Kind string

// The kinds of mail.
const (
	// KindSecurity is about the recipient's account (invitation, password
	// reset, sign-in code). It is always sent and has no unsubscribe link.
	KindSecurity Kind = "security"
	// KindNotification tells about work in a clinic (review requested,
	// article approved ...). It carries an unsubscribe link and the
	// List-Unsubscribe headers.
	KindNotification Kind = "notification"
)

// Branding is the clinic's look in a mail's HTML part and its sender name.
// It is the clinic's own data, so it never makes a mail fail: a colour
// that is not "#rrggbb" becomes DefaultColor, a logo that is not an
// absolute https:// link is left out (make a site-relative logo absolute
// first), control characters in the name become spaces.
type Branding struct {
	// Name is the clinic's name: the mail's sender name and heading.
	Name string
	// Color is the accent colour, "#rrggbb" (default a neutral blue).
	Color string
	// LogoURL is an https:// image shown above the heading, or empty.
	LogoURL string
}

// Message is one mail to one person, before rendering.
type Message struct {
	// ClinicID is the clinic the mail is about; 0 for platform mail.
	ClinicID int64
	// To is the recipient's address (addr-spec, no display name).
	To string
	// Kind is security or notification.
	Kind Kind
	// Subject says in a few words what happened and for whom, for example
	// "Review requested: Sun care for children".
	Subject string
	// Brand is the clinic's branding.
	Brand Branding
	// Greeting opens the mail, for example "Hello Dr Tan,". Optional.
	Greeting string
	// Paragraphs are the body, plain text, one paragraph each.
	Paragraphs []string
	// ActionLabel names the link, for example "Open the review screen".
	ActionLabel string
	// ActionURL is the absolute link to the exact admin screen.
	ActionURL string
	// UnsubscribeURL turns this kind of notification off (notification
	// mails only; it must accept a POST without a session, RFC 8058).
	UnsubscribeURL string
}

// Rendered is a Message ready to store and send.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

//go:embed templates/*
var templateFS embed.FS

var (
	textTpl = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/message.txt"))
	htmlTpl = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/message.html"))
)

// DefaultColor is the accent colour when a clinic has none.
const DefaultColor = "#1f5f99"

// Limits on what a Message may carry.
const (
	MaxSubject = 160
	maxURL     = 2000
)

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate reports every problem with m as a validation_failed error.
func (m Message) Validate() error {
	var v errs.Validation
	if _, err := ParseAddress(m.To); err != nil {
		v.Add("to", "must be one email address")
	}
	switch m.Kind {
	case KindSecurity:
		if m.UnsubscribeURL != "" {
			v.Add("unsubscribe_url", "security mails cannot be unsubscribed from")
		}
	case KindNotification:
		if !validLink(m.UnsubscribeURL) {
			v.Add("unsubscribe_url", "notification mails need an absolute http(s) unsubscribe link")
		}
	default:
		v.Add("kind", "must be security or notification")
	}
	if msg := checkHeaderText(m.Subject, MaxSubject); msg != "" {
		v.Add("subject", "%s", msg)
	}
	if !validLink(m.ActionURL) {
		v.Add("action_url", "must be an absolute http(s) link to the admin screen")
	}
	if hasControl(m.ActionLabel) || hasControl(m.Greeting) {
		v.Add("action_label", "must not contain control characters")
	}
	if len(m.Paragraphs) == 0 {
		v.Add("paragraphs", "must say what happened")
	}
	return v.Err()
}

// Render validates m and renders its subject, plain-text and HTML parts.
func Render(m Message) (Rendered, error) {
	if err := m.Validate(); err != nil {
		return Rendered{}, err
	}
	m.Brand = m.Brand.normalized()
	data := struct {
		Message
		Color, Label string
		Notification bool
	}{Message: m, Color: m.Brand.Color, Label: m.ActionLabel, Notification: m.Kind == KindNotification}
	if data.Color == "" {
		data.Color = DefaultColor
	}
	if data.Label == "" {
		data.Label = "Open in ClinicPress"
	}
	if data.Brand.Name == "" {
		data.Brand.Name = "ClinicPress"
	}
	var t, h bytes.Buffer
	if err := textTpl.Execute(&t, data); err != nil {
		return Rendered{}, err
	}
	if err := htmlTpl.Execute(&h, data); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: m.Subject, Text: t.String(), HTML: h.String()}, nil
}

// normalized is b made safe to render and to use as a sender name.
func (b Branding) normalized() Branding {
	name := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(b.Name, ""))
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	out := Branding{Name: name, Color: b.Color}
	if !colorRE.MatchString(out.Color) {
		out.Color = ""
	}
	if u, err := url.Parse(b.LogoURL); err == nil && u.Scheme == "https" && u.Host != "" && validLink(b.LogoURL) {
		out.LogoURL = b.LogoURL
	}
	return out
}

// ParseAddress checks that s is one bare email address (no display name,
// no CR/LF) and returns it.
func ParseAddress(s string) (string, error) {
	if s == "" || len(s) > 254 || hasControl(s) || strings.ContainsAny(s, "<>,; \"") {
		return "", errs.New(422, "invalid_address", "not a single email address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", errs.New(422, "invalid_address", "not a single email address")
	}
	return a.Address, nil
}

// checkHeaderText says what is wrong with a header value, or "".
func checkHeaderText(s string, max int) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "must not be empty"
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	case hasControl(s):
		return "must be one line without control characters"
	case utf8.RuneCountInString(s) > max:
		return "is too long"
	}
	return ""
}

// hasControl reports whether s holds CR, LF or any other control character.
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// validLink reports whether s is an absolute http(s) URL fit for a header.
func validLink(s string) bool {
	if s == "" || len(s) > maxURL || hasControl(s) || strings.ContainsAny(s, " <>\"") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false // headers carry links as ASCII; escape the rest
		}
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
