package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSMode says how the connection to the SMTP server is protected.
type TLSMode string

// The TLS modes an SMTP URL can ask for.
const (
	// TLSStartTLS (smtp://, the default): the server must offer STARTTLS
	// and the connection is upgraded before anything else is sent.
	TLSStartTLS TLSMode = "starttls"
	// TLSOpportunistic (smtp://...?starttls=opportunistic): STARTTLS when
	// the server offers it, plain text otherwise.
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSNone (smtp://...?starttls=none): never encrypt. Only for a relay
	// on the same machine; a password is refused unless the host is local.
	TLSNone TLSMode = "none"
	// TLSImplicit (smtps://): TLS from the first byte, port 465 by default.
	TLSImplicit TLSMode = "implicit"
)

// SMTPSettings is a parsed --smtp-url. String never shows the password.
type SMTPSettings struct {
	Host     string
	Port     int
	Username string
	password string
	TLS      TLSMode
	// Auth is the SASL mechanism: "auto" (the strongest both sides
	// support), "plain", "login", "cram-md5" or "scram-sha-256".
	Auth string
}

// HasPassword reports whether the URL carried a password.
func (s SMTPSettings) HasPassword() bool { return s.password != "" }

// String describes the settings without the password.
func (s SMTPSettings) String() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(s.Host, strconv.Itoa(s.Port))}
	if s.TLS == TLSImplicit {
		u.Scheme = "smtps"
	}
	if s.Username != "" {
		if s.password != "" {
			u.User = url.UserPassword(s.Username, "xxxxx")
		} else {
			u.User = url.User(s.Username)
		}
	}
	if s.TLS == TLSOpportunistic || s.TLS == TLSNone {
		u.RawQuery = "starttls=" + string(s.TLS)
	}
	return u.String()
}

var authTypes = map[string]gomail.SMTPAuthType{
	"auto":          gomail.SMTPAuthAutoDiscover,
	"plain":         gomail.SMTPAuthPlain,
	"login":         gomail.SMTPAuthLogin,
	"cram-md5":      gomail.SMTPAuthCramMD5,
	"scram-sha-256": gomail.SMTPAuthSCRAMSHA256,
}

// ParseURL reads an SMTP URL:
//
//	smtp://[user[:password]@]host[:port][?starttls=required|opportunistic|none][&auth=...]
//	smtps://[user[:password]@]host[:port][?auth=...]
//
// smtp:// defaults to port 587 and requires STARTTLS; smtps:// defaults to
// port 465 with TLS from the start. The user name and password are
// URL-encoded (a "@" in a user name is "%40"). Errors never repeat the URL,
// so they cannot leak the password.
func ParseURL(raw string) (SMTPSettings, error) {
	bad := func(format string, args ...any) (SMTPSettings, error) {
		return SMTPSettings{}, fmt.Errorf("smtp url: "+format, args...)
	}
	if strings.TrimSpace(raw) == "" {
		return bad("empty")
	}
	if hasControl(raw) {
		return bad("contains control characters")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return bad("cannot be read: %v (passwords with special characters must be URL-encoded)", ue.Err)
		}
		return bad("cannot be read")
	}
	s := SMTPSettings{Host: u.Hostname(), Auth: "auto"}
	switch u.Scheme {
	case "smtp":
		s.TLS, s.Port = TLSStartTLS, 587
	case "smtps":
		s.TLS, s.Port = TLSImplicit, 465
	default:
		return bad("scheme must be smtp:// (STARTTLS) or smtps:// (implicit TLS), not %q", u.Scheme)
	}
	if u.Opaque != "" || s.Host == "" {
		return bad("needs a host, as in smtp://user:password@mail.example.com:587")
	}
	if u.Path != "" && u.Path != "/" {
		return bad("must not have a path")
	}
	if u.Fragment != "" {
		return bad("must not have a fragment")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("port must be a number from 1 to 65535")
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.password, _ = u.User.Password()
		if s.Username == "" {
			return bad("has a password but no user name")
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("query cannot be read")
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return bad("parameter %q given more than once", k)
		}
		v := vs[0]
		switch k {
		case "starttls":
			if s.TLS == TLSImplicit {
				return bad("starttls does not apply to smtps:// (TLS from the start)")
			}
			switch v {
			case "required", "":
				s.TLS = TLSStartTLS
			case "opportunistic":
				s.TLS = TLSOpportunistic
			case "none":
				s.TLS = TLSNone
			default:
				return bad("starttls must be required, opportunistic or none, not %q", v)
			}
		case "auth":
			if _, ok := authTypes[v]; !ok {
				return bad("auth must be auto, plain, login, cram-md5 or scram-sha-256, not %q", v)
			}
			s.Auth = v
		default:
			return bad("unknown parameter %q (known: starttls, auth)", k)
		}
	}
	if s.password != "" && s.TLS != TLSStartTLS && s.TLS != TLSImplicit && !loopback(s.Host) {
		return bad("a password would travel unencrypted to %s: use starttls=required (the default) or smtps://", s.Host)
	}
	return s, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Config configures the mail service. Zero values are sensible defaults.
type Config struct {
	// URL is --smtp-url (CLINICPRESS_SMTP_URL). Empty: no server, mail is
	// stored for the Outbox screen.
	URL string
	// From is --mail-from (CLINICPRESS_MAIL_FROM), e.g. "ClinicPress
	// <noreply@clinic.example>". Required with URL. A mail about a clinic
	// goes out with the clinic's name as the sender name.
	From string
	// TLSConfig, when set, is used for STARTTLS and smtps:// (for example
	// a private CA in RootCAs); ServerName is always the URL's host.
	TLSConfig *tls.Config
	// Timeout bounds one delivery: dial, TLS, auth and the message (default 30s).
	Timeout time.Duration
	// MaxAttempts is how often a mail is tried before it fails (default 10).
	MaxAttempts int
	// FirstRetry is the wait after the first failure; it doubles with each
	// failure up to MaxRetry (defaults 1 minute and 6 hours).
	FirstRetry, MaxRetry time.Duration
	// Batch is the most mails one DeliverDue call handles (default 50).
	Batch int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// sender delivers one message over SMTP.
type sender struct {
	settings SMTPSettings
	from     string // bare address
	fromName string // display name from --mail-from
	client   *gomail.Client
}

func newSender(cfg Config) (*sender, error) {
	st, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.From) == "" {
		return nil, errors.New("mail: --mail-from is required with --smtp-url, e.g. \"ClinicPress <noreply@clinic.example>\"")
	}
	from, name, err := ParseFrom(cfg.From)
	if err != nil {
		return nil, err
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
	}
	tc.ServerName = st.Host
	opts := []gomail.Option{
		gomail.WithPort(st.Port),
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithTLSConfig(tc),
	}
	switch st.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if st.Username != "" {
		auth := authTypes[st.Auth]
		if st.TLS == TLSNone || st.TLS == TLSOpportunistic {
			// Only reachable for a loopback host (ParseURL refuses a
			// password sent in clear to anyone else).
			switch auth {
			case gomail.SMTPAuthPlain:
				auth = gomail.SMTPAuthPlainNoEnc
			case gomail.SMTPAuthLogin:
				auth = gomail.SMTPAuthLoginNoEnc
			}
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(st.Username), gomail.WithPassword(st.password))
	}
	c, err := gomail.NewClient(st.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp client: %w", err)
	}
	return &sender{settings: st, from: from, fromName: name, client: c}, nil
}

// ParseFrom reads --mail-from: "addr@example.com" or "Name <addr@example.com>".
func ParseFrom(s string) (addr, name string, err error) {
	if hasControl(s) {
		return "", "", errors.New("mail: --mail-from must be one line")
	}
	a, perr := mail.ParseAddress(s)
	if perr != nil {
		return "", "", fmt.Errorf("mail: --mail-from %q is not an email address (use \"Name <addr@example.com>\")", s)
	}
	return a.Address, a.Name, nil
}

// send delivers one outbox row; the row's fields were validated when the
// mail was queued and go-mail encodes every header (no CR/LF gets through).
func (s *sender) send(ctx context.Context, r outboxRow) error {
	m := gomail.NewMsg()
	name := r.FromName
	if name == "" {
		name = s.fromName
	}
	if err := m.FromFormat(name, s.from); err != nil {
		return permanent{fmt.Errorf("from address: %w", err)}
	}
	if _, err := ParseAddress(r.To); err != nil {
		return permanent{errors.New("recipient address is invalid")}
	}
	if err := m.To(r.To); err != nil {
		return permanent{fmt.Errorf("recipient address: %w", err)}
	}
	if hasControl(r.Subject) || (r.UnsubscribeURL != "" && !validLink(r.UnsubscribeURL)) {
		return permanent{errors.New("a header value holds control characters")}
	}
	m.Subject(r.Subject)
	m.SetMessageIDWithValue(r.MessageID)
	m.SetDateWithValue(r.CreatedAt)
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	if r.Kind == string(KindNotification) && r.UnsubscribeURL != "" {
		m.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+r.UnsubscribeURL+">")
		m.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	m.SetBodyString(gomail.TypeTextPlain, r.TextBody)
	m.AddAlternativeString(gomail.TypeTextHTML, r.HTMLBody)
	return s.client.DialAndSendWithContext(ctx, m)
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// classify says whether err is a permanent rejection of this one message
// (fail now) and whether the server itself is in trouble (stop the round:
// the next mails would fail the same way).
func classify(err error) (permanentFailure, serverTrouble bool) {
	var p permanent
	if errors.As(err, &p) {
		return true, false
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		switch se.Reason {
		case gomail.ErrSMTPMailFrom, gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
			if !se.IsTemp() && se.ErrorCode() >= 500 {
				return true, false
			}
		}
		return false, true
	}
	// Dial, TLS, authentication, timeouts: the server, not the message.
	return false, true
}
