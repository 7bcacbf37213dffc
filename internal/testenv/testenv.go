// Package testenv builds the real product for tests: a real database
// (SQLite always; PostgreSQL too when CLINICPRESS_TEST_POSTGRES holds a DSN),
// the real services and the real Fiber app, a controllable clock, and
// fixtures for a clinic with its people.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/mail"
	"github.com/clinicpress/clinicpress/internal/metrics"
)

// PostgresEnv names the variable holding the test PostgreSQL DSN.
const PostgresEnv = "CLINICPRESS_TEST_POSTGRES"

// FastArgon2 keeps password hashing cheap in tests.
var FastArgon2 = account.Argon2Params{Memory: 1024, Time: 1, Threads: 1}

// ForEachDB runs fn once per database: "sqlite" always and "postgres" when
// CLINICPRESS_TEST_POSTGRES is set. Under CI (CI=true) a missing PostgreSQL
// DSN fails the test instead of skipping it.
func ForEachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		d := OpenPostgres(t)
		fn(t, d)
	})
}

// OpenSQLite opens a fresh SQLite database file in a temp dir.
func OpenSQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open("sqlite:" + filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// OpenPostgres opens a fresh schema in the test PostgreSQL database and
// drops it afterwards. It skips when no DSN is set, and fails under CI.
func OpenPostgres(t testing.TB) *db.DB {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set under CI: PostgreSQL tests must run", PostgresEnv)
		}
		t.Skipf("%s not set: PostgreSQL tests skipped", PostgresEnv)
	}
	admin, err := db.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	d, err := db.Open(dsn + sep + "search_path=" + schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	return d
}

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the current fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Env is a built product plus helpers.
type Env struct {
	T     testing.TB
	App   *app.App
	Clock *Clock
	// Platform is the platform admin's token.
	Platform string
	// Mailbox is the real SMTP server the product sends its mail to.
	Mailbox *Mailbox
	// Metrics is this instance's metrics registry (as --metrics-addr serves it).
	Metrics *metrics.Registry
	// Verifier is a credential verifier's token (a platform-level role,
	// member of no clinic).
	Verifier   string
	VerifierID int64
}

// BaseURL is the public base URL of the product under test (links in mails).
const BaseURL = "http://clinicpress.test"

var quiet sync.Once

// Start is the fake clock's starting time.
var Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// New builds the product on d with a fake clock and a platform admin.
func New(t testing.TB, d *db.DB) *Env {
	t.Helper()
	quiet.Do(func() {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	})
	clk := NewClock(Start)
	mb := StartMailbox(t)
	reg := metrics.New()
	a, err := app.Build(context.Background(), config(d, clk, mb, reg))
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{T: t, App: a, Clock: clk, Mailbox: mb, Metrics: reg}
	e.CreateUser("root@platform.test", "Platform Root", true)
	e.Platform = e.Login("root@platform.test")
	e.VerifierID = e.CreateUser("verifier@platform.test", "Vera Verifier", false).ID
	if err := a.Clinics.GrantVerifierAsOperator(context.Background(), "verifier@platform.test"); err != nil {
		t.Fatal(err)
	}
	e.Verifier = e.Login("verifier@platform.test")
	return e
}

// Sign is the password signature a test user (with no second factor)
// sends with a review or acknowledgement.
var Sign = map[string]any{"method": "password", "password": Password}

// VerifyDoctor has the credential verifier record a register check of
// doctor userID.
func (e *Env) VerifyDoctor(userID int64) {
	e.T.Helper()
	// Through the service as the verifier, so a fake clock that moved past
	// the verifier's session does not matter.
	if _, err := e.App.Clinics.VerifyDoctor(context.Background(), authz.Actor{UserID: e.VerifierID, Name: "Vera Verifier", RequestID: "test"},
		userID, clinic.Verification{Reference: "register entry checked", Note: "test fixture"}); err != nil {
		e.T.Fatal(err)
	}
}

// Password is every test user's password.
const Password = "correct horse battery"

// CreateUser makes a user directly through the account service.
func (e *Env) CreateUser(email, name string, platform bool) account.User {
	e.T.Helper()
	u, err := e.App.Accounts.Create(context.Background(), account.NewUser{Email: email, Name: name, Password: Password, PlatformAdmin: platform})
	if err != nil {
		e.T.Fatal(err)
	}
	return u
}

// Login signs in through the API and returns the bearer token.
func (e *Env) Login(email string) string {
	e.T.Helper()
	var out struct{ Token string }
	e.MustDo("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": Password}, 200, &out)
	return out.Token
}

// Response is an answered request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Code returns the problem+json code of an error answer.
func (r Response) Code() string {
	var p struct{ Code string }
	json.Unmarshal(r.Body, &p)
	return p.Code
}

// Do sends a request through the real Fiber app. body may be nil, a
// string or []byte (sent as is) or any value (sent as JSON).
func (e *Env) Do(method, path, token string, body any) Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.App.HTTP.Test(req, -1)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// MustDo is Do that fails the test unless the status is want; out, if not
// nil, receives the decoded JSON body.
func (e *Env) MustDo(method, path, token string, body any, want int, out any) Response {
	e.T.Helper()
	r := e.Do(method, path, token, body)
	if r.Status != want {
		e.T.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		r.JSON(e.T, out)
	}
	return r
}

// Clinic is a fixture clinic with one member of each kind.
type Clinic struct {
	Slug                  string
	ID                    int64
	Admin, Writer, Doctor string // tokens
	Doctor2, WriterDoctor string // a second doctor; a doctor who writes
	AdminID, WriterID     int64
	DoctorID, Doctor2ID   int64
	WriterDoctorID        int64
}

// NewClinic creates clinic slug through the API with an admin, a writer and
// three doctors (all with valid credentials checked by the credential
// verifier), each signed in.
func (e *Env) NewClinic(slug string) Clinic {
	e.T.Helper()
	var c struct{ ID int64 }
	e.MustDo("POST", "/api/v1/clinics", e.Platform, map[string]any{"slug": slug, "name": "Clinic " + slug, "hostnames": []string{slug + ".test"}}, 201, &c)
	fx := Clinic{Slug: slug, ID: c.ID}
	add := func(who string, role authz.Role, doctor bool) (string, int64) {
		email := fmt.Sprintf("%s@%s.test", who, slug)
		tok, id := e.AddMember(fx, e.Platform, email, strings.ToUpper(who[:1])+who[1:]+" "+slug, role)
		if doctor {
			e.MustDo("PATCH", fmt.Sprintf("/api/v1/clinics/%s/members/%d", slug, id), e.Platform, map[string]any{"doctor": map[string]string{
				"registration_number": "M" + fmt.Sprint(10000+len(who)*7) + "Z", "specialty": "Dermatology", "credentials_expire_on": "2030-12-31"}}, 200, nil)
		}
		if doctor {
			e.VerifyDoctor(id)
		}
		return tok, id
	}
	fx.Admin, fx.AdminID = add("admin", authz.RoleClinicAdmin, false)
	fx.Writer, fx.WriterID = add("writer", authz.RoleWriter, false)
	fx.Doctor, fx.DoctorID = add("doctor", authz.RoleDoctor, true)
	fx.Doctor2, fx.Doctor2ID = add("doctortwo", authz.RoleDoctor, true)
	fx.WriterDoctor, fx.WriterDoctorID = add("drwriter", authz.RoleDoctor, true)
	return fx
}

// Article is the article JSON as tests read it.
type Article struct {
	ID           int64    `json:"id"`
	Slug         string   `json:"slug"`
	Status       string   `json:"status"`
	Version      int      `json:"version"`
	Revision     int      `json:"revision"`
	ContentHash  string   `json:"content_hash"`
	LiveRevision *int     `json:"live_revision"`
	Title        string   `json:"title"`
	Body         string   `json:"body"`
	Tags         []string `json:"tags"`
	Approval     *struct {
		Doctor      int64  `json:"doctor"`
		Revision    int    `json:"revision"`
		ContentHash string `json:"content_hash"`
	} `json:"approval"`
}

// ArticlePath is the API path of an article (or of the list when id is 0).
func ArticlePath(slug string, id int64, tail string) string {
	p := "/api/v1/clinics/" + slug + "/articles"
	if id != 0 {
		p += fmt.Sprintf("/%d", id)
	}
	return p + tail
}

// Draft creates an article as token and returns it.
func (e *Env) Draft(c Clinic, token, title string) Article {
	e.T.Helper()
	var a Article
	e.MustDo("POST", ArticlePath(c.Slug, 0, ""), token, map[string]any{"title": title, "summary": "A short summary.",
		"body": "## About\n\nSome careful text about " + title + ".", "tags": []string{"skin"}}, 201, &a)
	return a
}

// Approved takes a new article by the writer through submit and approval
// by the first doctor.
func (e *Env) Approved(c Clinic, title string) Article {
	e.T.Helper()
	a := e.Draft(c, c.Writer, title)
	e.MustDo("POST", ArticlePath(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
	e.MustDo("POST", ArticlePath(c.Slug, a.ID, "/reviews"), c.Doctor, map[string]any{"decision": "approve",
		"revision": a.Revision, "content_hash": a.ContentHash, "attest": true, "signature": Sign}, 200, &a)
	return a
}

// Published is Approved and then published by the clinic admin.
func (e *Env) Published(c Clinic, title string) Article {
	e.T.Helper()
	a := e.Approved(c, title)
	e.MustDo("POST", ArticlePath(c.Slug, a.ID, "/publish"), c.Admin, nil, 200, &a)
	return a
}

// Membership returns a member record straight from the service.
func (e *Env) Membership(c Clinic, userID int64) clinic.Member {
	e.T.Helper()
	m, err := e.App.Clinics.Membership(context.Background(), c.ID, userID)
	if err != nil {
		e.T.Fatal(err)
	}
	return m
}

// SignInAgain replaces every token of c with a fresh session (after the
// fake clock moved past the session lifetime).
func (e *Env) SignInAgain(c *Clinic) {
	e.T.Helper()
	c.Admin = e.Login("admin@" + c.Slug + ".test")
	c.Writer = e.Login("writer@" + c.Slug + ".test")
	c.Doctor = e.Login("doctor@" + c.Slug + ".test")
	c.Doctor2 = e.Login("doctortwo@" + c.Slug + ".test")
	c.WriterDoctor = e.Login("drwriter@" + c.Slug + ".test")
	e.Platform = e.Login("root@platform.test")
	e.Verifier = e.Login("verifier@platform.test")
}

// Reopen opens a second handle (its own connection pool) on the database
// behind d, as another instance of the product would.
func Reopen(t testing.TB, d *db.DB) *db.DB {
	t.Helper()
	var dsn string
	switch d.Dialect {
	case db.SQLite:
		var rows []struct {
			Name string
			File string
		}
		if err := d.Raw(`PRAGMA database_list`).Scan(&rows).Error; err != nil || len(rows) == 0 {
			t.Fatalf("database_list: %v", err)
		}
		dsn = "sqlite:" + rows[0].File
	case db.Postgres:
		var schema string
		if err := d.Raw(`SELECT current_schema()`).Scan(&schema).Error; err != nil {
			t.Fatal(err)
		}
		base := os.Getenv(PostgresEnv)
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		dsn = base + sep + "search_path=" + schema
	}
	d2, err := db.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return d2
}

// Instance builds a second, independent instance of the product (its own
// services, caches and connection pool) on the same database and clock.
func (e *Env) Instance() *Env {
	e.T.Helper()
	reg := metrics.New()
	a, err := app.Build(context.Background(), config(Reopen(e.T, e.App.DB), e.Clock, e.Mailbox, reg))
	if err != nil {
		e.T.Fatal(err)
	}
	return &Env{T: e.T, App: a, Clock: e.Clock, Platform: e.Platform, Mailbox: e.Mailbox, Metrics: reg, Verifier: e.Verifier, VerifierID: e.VerifierID}
}

func config(d *db.DB, clk *Clock, mb *Mailbox, reg *metrics.Registry) app.Config {
	return app.Config{DB: d, Now: clk.Now, Argon2: FastArgon2, BaseURL: BaseURL, Metrics: reg,
		Mail: mail.Config{URL: mb.URL, From: "ClinicPress <noreply@clinicpress.test>"}}
}
