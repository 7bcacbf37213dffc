// Package clinic owns clinics, their hostnames and settings, and their
// members with roles and doctor profiles. Every method checks the caller's
// permission (through authz) and scopes by clinic: a clinic the caller does
// not belong to answers 404.
package clinic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/compliance"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/projection"
)

// Clinic is one tenant with its public site settings.
type Clinic struct {
	ID                 int64    `json:"id"`
	Slug               string   `json:"slug"`
	Name               string   `json:"name"`
	Theme              string   `json:"theme"`
	Branding           Branding `json:"branding" gorm:"serializer:json"`
	ReviewIntervalDays int      `json:"review_interval_days"`
	// OverduePolicy is what happens when a live article's re-review is
	// overdue.
	OverduePolicy OverduePolicy `json:"overdue_policy"`
	// WritersMayPublish lets writers publish, schedule, unpublish and
	// archive approved articles; off by default (clinic admins publish).
	WritersMayPublish bool `json:"writers_may_publish"`
	// RequireSecondFactor makes doctors and clinic admins enrol a passkey
	// or an authenticator app before they use the clinic's screens.
	RequireSecondFactor bool `json:"require_second_factor"`
	// RegistrationCountry picks the doctor registration number format
	// ("SG": Singapore MCR; anything else: a general pattern).
	RegistrationCountry string            `json:"registration_country"`
	Compliance          compliance.Config `json:"compliance" gorm:"serializer:json"`
	Version             int               `json:"version"`
	Hostnames           []string          `json:"hostnames" gorm:"-"`
	CreatedAt           time.Time         `json:"created_at"`
	UpdatedAt           time.Time         `json:"updated_at"`
}

// Branding is what a clinic's public site shows about the clinic.
type Branding struct {
	Tagline      string `json:"tagline,omitempty"`
	LogoURL      string `json:"logo_url,omitempty"`
	PrimaryColor string `json:"primary_color,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	Address      string `json:"address,omitempty"`
	FooterNotice string `json:"footer_notice,omitempty"`
}

// BrandingPatch changes the branding fields it names; nil fields stay.
type BrandingPatch struct {
	Tagline      *string `json:"tagline"`
	LogoURL      *string `json:"logo_url"`
	PrimaryColor *string `json:"primary_color"`
	Phone        *string `json:"phone"`
	Email        *string `json:"email"`
	Address      *string `json:"address"`
	FooterNotice *string `json:"footer_notice"`
}

// Apply returns b with the named fields changed.
func (p BrandingPatch) Apply(b Branding) Branding {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&b.Tagline, p.Tagline)
	set(&b.LogoURL, p.LogoURL)
	set(&b.PrimaryColor, p.PrimaryColor)
	set(&b.Phone, p.Phone)
	set(&b.Email, p.Email)
	set(&b.Address, p.Address)
	set(&b.FooterNotice, p.FooterNotice)
	return b
}

// CompliancePatch changes the advertising-rule settings it names; nil
// fields stay.
type CompliancePatch struct {
	Packs         *[]string                       `json:"packs"`
	Overrides     *map[string]compliance.Severity `json:"overrides"`
	ExtraPhrases  *[]compliance.Phrase            `json:"extra_phrases"`
	LinkAllowlist *[]string                       `json:"link_allowlist"`
}

// Apply returns c with the named fields changed.
func (p CompliancePatch) Apply(c compliance.Config) compliance.Config {
	if p.Packs != nil {
		c.Packs = *p.Packs
	}
	if p.Overrides != nil {
		c.Overrides = *p.Overrides
	}
	if p.ExtraPhrases != nil {
		c.ExtraPhrases = *p.ExtraPhrases
	}
	if p.LinkAllowlist != nil {
		c.LinkAllowlist = *p.LinkAllowlist
	}
	return c
}

// DoctorProfile is what makes a doctor member able to sign off.
type DoctorProfile struct {
	RegistrationNumber  string `json:"registration_number"`
	Specialty           string `json:"specialty"`
	CredentialsExpireOn string `json:"credentials_expire_on"` // YYYY-MM-DD
	// Verified reports a credential verifier's check (read-only: set only
	// by Verify, voided by a change of registration or expiry).
	Verified bool `json:"verified"`
}

// Member is a user's membership of a clinic.
type Member struct {
	ClinicID            int64      `json:"-"`
	UserID              int64      `json:"user_id"`
	Email               string     `json:"email" gorm:"->"`
	Name                string     `json:"name" gorm:"->"`
	Role                authz.Role `json:"role"`
	RegistrationNumber  string     `json:"-" gorm:"->"` // from doctor_profiles
	Specialty           string     `json:"-" gorm:"->"`
	CredentialsExpireOn string     `json:"-" gorm:"->"`
	// VerifiedAt is when a credential verifier checked the doctor's
	// profile; nil when unchecked or voided by a change.
	VerifiedAt *time.Time `json:"-" gorm:"->"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TableName is the memberships table.
func (Member) TableName() string { return "memberships" }

// Doctor returns the member's doctor profile, or nil when not a doctor.
func (m Member) Doctor() *DoctorProfile {
	if m.Role != authz.RoleDoctor {
		return nil
	}
	return &DoctorProfile{RegistrationNumber: m.RegistrationNumber, Specialty: m.Specialty, CredentialsExpireOn: m.CredentialsExpireOn, Verified: m.VerifiedAt != nil}
}

// CredentialsValidOn reports whether the doctor's credentials are unexpired
// on day (only the date part counts: they expire at the end of that day).
func (m Member) CredentialsValidOn(day time.Time) bool {
	exp, err := time.Parse(time.DateOnly, m.CredentialsExpireOn)
	if err != nil {
		return false
	}
	return !day.UTC().Truncate(24 * time.Hour).After(exp)
}

// ThemeChecker validates a theme name before a clinic selects it.
type ThemeChecker interface {
	Validate(name string) error
}

// Service manages clinics and members.
type Service struct {
	db       *db.DB
	authz    *authz.Authorizer
	accounts *account.Service
	themes   ThemeChecker
	now      func() time.Time
	changed  func(clinicID int64)
	// mail and baseURL send invitations (see UseMail).
	mail    account.Mailer
	baseURL string
}

// New returns a Service. themes may be nil (any theme name is taken);
// changed, if set, is called after a clinic's settings or doctors change.
func New(d *db.DB, z *authz.Authorizer, accounts *account.Service, themes ThemeChecker, now func() time.Time, changed func(clinicID int64)) *Service {
	if now == nil {
		now = time.Now
	}
	if changed == nil {
		changed = func(int64) {}
	}
	return &Service{db: d, authz: z, accounts: accounts, themes: themes, now: now, changed: changed}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

var (
	slugRE     = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	hostRE     = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	colourRE   = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	dateOnlyRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// ValidSlug reports whether s is a lower-case URL slug of 2 to 80 characters.
func ValidSlug(s string) bool { return len(s) >= 2 && len(s) <= 80 && slugRE.MatchString(s) }

// NewClinic is the input for creating a clinic.
type NewClinic struct {
	Slug      string
	Name      string
	Hostnames []string
}

// Create makes a clinic; platform admins only.
func (s *Service) Create(ctx context.Context, actor authz.Actor, in NewClinic) (Clinic, error) {
	if !s.authz.AllowedOnPlatform(actor, authz.ObjClinic, authz.ActCreate) {
		return Clinic{}, errs.Forbidden("forbidden", "only a platform admin can create clinics")
	}
	var v errs.Validation
	in.Slug = strings.TrimSpace(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	if !ValidSlug(in.Slug) || len(in.Slug) > 63 {
		v.Add("slug", "must be 2 to 63 lower-case letters, digits and single hyphens")
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 120 {
		v.Add("name", "must be 1 to 120 characters")
	}
	hosts, herr := normalizeHosts(in.Hostnames)
	if herr != "" {
		v.Add("hostnames", "%s", herr)
	}
	if err := v.Err(); err != nil {
		return Clinic{}, err
	}
	now := s.clock()
	c := Clinic{Slug: in.Slug, Name: in.Name, Theme: "clinical", ReviewIntervalDays: 365, Version: 1,
		OverduePolicy: OverdueNotice, RegistrationCountry: "SG", Compliance: compliance.Config{Packs: []string{"sg-healthcare-ads"}},
		CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Clinic{}).Where("slug = ?", c.Slug).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("slug_taken", "a clinic with this slug already exists")
		}
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("clinic: insert: %w", err)
		}
		if err := setHostsTx(tx, c.ID, hosts); err != nil {
			return err
		}
		c.Hostnames = hosts
		return audit.Record(tx, audit.Change{ClinicID: c.ID, ActorID: actor.UserID, Action: "clinic.created",
			TargetType: "clinic", TargetID: c.ID, After: c, RequestID: actor.RequestID, At: now})
	})
	return c, err
}

func normalizeHosts(in []string) ([]string, string) {
	seen := map[string]bool{}
	out := []string{}
	if len(in) > 20 {
		return nil, "at most 20 hostnames"
	}
	for _, h := range in {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
		if len(h) > 253 || !hostRE.MatchString(h) {
			return nil, fmt.Sprintf("%q is not a valid hostname (no scheme, port or path)", h)
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out, ""
}

func setHostsTx(tx *gorm.DB, clinicID int64, hosts []string) error {
	if err := tx.Exec(`DELETE FROM clinic_hostnames WHERE clinic_id = ?`, clinicID).Error; err != nil {
		return err
	}
	for _, h := range hosts {
		var owner int64
		res := tx.Raw(`SELECT clinic_id FROM clinic_hostnames WHERE hostname = ?`, h).Scan(&owner)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			return errs.Conflict("hostname_taken", "hostname %s is already used by another clinic", h)
		}
		if err := tx.Exec(`INSERT INTO clinic_hostnames (hostname, clinic_id) VALUES (?, ?)`, h, clinicID).Error; err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) loadHosts(ctx context.Context, c *Clinic) error {
	c.Hostnames = []string{}
	return s.db.WithContext(ctx).Raw(`SELECT hostname FROM clinic_hostnames WHERE clinic_id = ? ORDER BY hostname`, c.ID).
		Scan(&c.Hostnames).Error
}

// BySlug loads a clinic without any access check (public sites, jobs).
func (s *Service) BySlug(ctx context.Context, slug string) (Clinic, error) {
	var c Clinic
	err := s.db.WithContext(ctx).Where("slug = ?", slug).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, errs.NotFound("clinic")
	}
	if err != nil {
		return c, err
	}
	return c, s.loadHosts(ctx, &c)
}

// ByID loads a clinic without any access check.
func (s *Service) ByID(ctx context.Context, id int64) (Clinic, error) {
	var c Clinic
	err := s.db.WithContext(ctx).Take(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, errs.NotFound("clinic")
	}
	if err != nil {
		return c, err
	}
	return c, s.loadHosts(ctx, &c)
}

// ByHost finds the clinic serving hostname (port ignored).
func (s *Service) ByHost(ctx context.Context, host string) (Clinic, error) {
	host = strings.ToLower(host)
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	var id int64
	res := s.db.WithContext(ctx).Raw(`SELECT clinic_id FROM clinic_hostnames WHERE hostname = ?`, host).Scan(&id)
	if res.Error != nil {
		return Clinic{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Clinic{}, errs.NotFound("clinic")
	}
	return s.ByID(ctx, id)
}

// Membership returns user's membership of clinic, or 404.
func (s *Service) Membership(ctx context.Context, clinicID, userID int64) (Member, error) {
	return MembershipTx(s.db.WithContext(ctx), clinicID, userID)
}

// MembershipTx is Membership inside a transaction.
func MembershipTx(tx *gorm.DB, clinicID, userID int64) (Member, error) {
	var m Member
	err := memberQuery(tx).Where("m.clinic_id = ? AND m.user_id = ?", clinicID, userID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, errs.NotFound("member")
	}
	return m, err
}

// List returns the clinics actor can see: all of them for a platform admin,
// otherwise those the actor is a member of.
func (s *Service) List(ctx context.Context, actor authz.Actor) ([]Clinic, error) {
	var out []Clinic
	q := s.db.WithContext(ctx).Order("slug")
	if !s.authz.AllowedOnPlatform(actor, authz.ObjClinic, authz.ActList) {
		q = q.Where("id IN (SELECT clinic_id FROM memberships WHERE user_id = ?)", actor.UserID)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.loadHosts(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Patch changes a clinic's settings; nil fields stay as they are.
type Patch struct {
	Name                *string
	Hostnames           *[]string
	Theme               *string
	Branding            *BrandingPatch
	ReviewIntervalDays  *int
	OverduePolicy       *OverduePolicy
	WritersMayPublish   *bool
	RequireSecondFactor *bool
	RegistrationCountry *string
	Compliance          *CompliancePatch
	Version             *int
}

// Update applies p; clinic admins (and platform admins) only. A stale
// Version answers 409 version_conflict; an unknown or broken theme answers
// 422 and the old theme stays.
func (s *Service) Update(ctx context.Context, sc Scope, p Patch) (Clinic, error) {
	if err := sc.Require(authz.ObjClinic, authz.ActUpdate); err != nil {
		return Clinic{}, err
	}
	actor := sc.actor
	c := sc.clinic
	before := c
	var v errs.Validation
	if p.Name != nil {
		n := strings.TrimSpace(*p.Name)
		if n == "" || utf8.RuneCountInString(n) > 120 {
			v.Add("name", "must be 1 to 120 characters")
		}
		c.Name = n
	}
	var hosts []string
	if p.Hostnames != nil {
		var herr string
		if hosts, herr = normalizeHosts(*p.Hostnames); herr != "" {
			v.Add("hostnames", "%s", herr)
		}
		c.Hostnames = hosts
	}
	if p.Theme != nil {
		if s.themes != nil {
			if err := s.themes.Validate(*p.Theme); err != nil {
				v.Add("theme", "%s", err.Error())
			}
		}
		c.Theme = *p.Theme
	}
	if p.Branding != nil {
		c.Branding = p.Branding.Apply(c.Branding)
		validateBranding(&v, c.Branding)
	}
	if p.ReviewIntervalDays != nil {
		if *p.ReviewIntervalDays < 1 || *p.ReviewIntervalDays > 3650 {
			v.Add("review_interval_days", "must be between 1 and 3650")
		}
		c.ReviewIntervalDays = *p.ReviewIntervalDays
	}
	if p.OverduePolicy != nil {
		if !p.OverduePolicy.Valid() {
			v.Add("overdue_policy", "must be one of %s", OverduePolicyList())
		}
		c.OverduePolicy = *p.OverduePolicy
	}
	if p.WritersMayPublish != nil {
		c.WritersMayPublish = *p.WritersMayPublish
	}
	if p.RequireSecondFactor != nil {
		c.RequireSecondFactor = *p.RequireSecondFactor
	}
	if p.RegistrationCountry != nil {
		rc := strings.ToUpper(strings.TrimSpace(*p.RegistrationCountry))
		if len(rc) != 2 || strings.Trim(rc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			v.Add("registration_country", "must be a two-letter country code such as SG")
		}
		c.RegistrationCountry = rc
	}
	if p.Compliance != nil {
		c.Compliance = p.Compliance.Apply(c.Compliance)
		if err := c.Compliance.Validate(); err != nil {
			if ces, ok := err.(compliance.ConfigErrors); ok {
				for _, ce := range ces {
					v.Add("compliance."+ce.Field, "%s", ce.Message)
				}
			} else {
				v.Add("compliance", "%s", err.Error())
			}
		}
	}
	if err := v.Err(); err != nil {
		return before, err
	}
	now := s.clock()
	c.UpdatedAt = now
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.ResolveTx(tx, sc, authz.ObjClinic, authz.ActUpdate); err != nil {
			return err
		}
		q := tx.Model(&Clinic{}).Where("id = ?", c.ID)
		if p.Version != nil {
			q = q.Where("version = ?", *p.Version)
		}
		branding, err := json.Marshal(c.Branding)
		if err != nil {
			return err
		}
		comp, err := json.Marshal(c.Compliance)
		if err != nil {
			return err
		}
		res := q.Updates(map[string]any{"name": c.Name, "theme": c.Theme, "branding": string(branding),
			"compliance": string(comp), "overdue_policy": string(c.OverduePolicy), "writers_may_publish": c.WritersMayPublish, "require_second_factor": c.RequireSecondFactor, "registration_country": c.RegistrationCountry,
			"review_interval_days": c.ReviewIntervalDays, "version": gorm.Expr("version + 1"), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.Conflict("version_conflict", "the clinic settings changed since version %d; reload and try again", *p.Version)
		}
		c.Version++
		if p.Hostnames != nil {
			if err := setHostsTx(tx, c.ID, hosts); err != nil {
				return err
			}
		}
		if err := projection.New(s.db.Dialect).Bump(tx, c.ID); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: c.ID, ActorID: actor.UserID, Action: "clinic.updated",
			TargetType: "clinic", TargetID: c.ID, Before: before, After: c, RequestID: actor.RequestID, At: now})
	})
	if err != nil {
		return before, err
	}
	s.changed(c.ID)
	return s.ByID(ctx, c.ID)
}

func validateBranding(v *errs.Validation, b Branding) {
	long := func(field, val string, max int) {
		if utf8.RuneCountInString(val) > max {
			v.Add("branding."+field, "must be at most %d characters", max)
		}
	}
	long("tagline", b.Tagline, 200)
	long("logo_url", b.LogoURL, 500)
	long("phone", b.Phone, 40)
	long("email", b.Email, 254)
	long("address", b.Address, 300)
	long("footer_notice", b.FooterNotice, 1000)
	if b.PrimaryColor != "" && !colourRE.MatchString(b.PrimaryColor) {
		v.Add("branding.primary_color", "must be a colour like #1a5f7a")
	}
	// "//host/x" is protocol-relative: another site's image, not a path.
	if b.LogoURL != "" && (!strings.HasPrefix(b.LogoURL, "https://") && !strings.HasPrefix(b.LogoURL, "/") ||
		strings.HasPrefix(b.LogoURL, "//") || strings.HasPrefix(b.LogoURL, "/\\") || strings.ContainsAny(b.LogoURL, "\"\\<> \t\r\n")) {
		v.Add("branding.logo_url", "must be an https:// URL or a path starting with /")
	}
}

func validateDoctor(v *errs.Validation, country string, d *DoctorProfile) {
	if d == nil {
		return
	}
	if r := strings.TrimSpace(d.RegistrationNumber); r != "" && !compliance.ValidRegistration(country, r) {
		if strings.EqualFold(country, "SG") {
			v.Add("doctor.registration_number", "must be a Singapore MCR number such as M12345A")
		} else {
			v.Add("doctor.registration_number", "must be 3 to 32 letters, digits, '-' or '/'")
		}
	}
	if utf8.RuneCountInString(d.Specialty) > 120 {
		v.Add("doctor.specialty", "must be at most 120 characters")
	}
	if d.CredentialsExpireOn != "" {
		if _, err := time.Parse(time.DateOnly, d.CredentialsExpireOn); err != nil || !dateOnlyRE.MatchString(d.CredentialsExpireOn) {
			v.Add("doctor.credentials_expire_on", "must be a date like 2027-12-31")
		}
	}
}

// ErrLastAdmin refuses removing or demoting a clinic's last admin.
var ErrLastAdmin = errs.New(http.StatusConflict, "last_admin", "a clinic needs at least one clinic_admin")

// AuditLog lists the clinic's audit entries for actor, newest first;
// members only (404 for anyone else).
func (s *Service) AuditLog(ctx context.Context, sc Scope, f audit.Filter) ([]audit.Entry, error) {
	if err := sc.Require(authz.ObjAudit, authz.ActRead); err != nil {
		return nil, err
	}
	es, err := audit.List(ctx, s.db.DB, sc.ClinicID(), f)
	if err != nil || sc.Can(authz.ObjMember, authz.ActManage) {
		return es, err
	}
	// Writers and doctors may read the log but not the member list, so
	// the member data the members route refuses them (emails, doctor
	// registration numbers, profiles) is cut from what entries carry.
	for i := range es {
		es[i].BeforeJSON = RedactMemberData(es[i].BeforeJSON)
		es[i].AfterJSON = RedactMemberData(es[i].AfterJSON)
	}
	return es, nil
}

// memberDataKeys are the JSON keys of member data only member managers
// may read.
var memberDataKeys = map[string]bool{"email": true, "registration_number": true, "doctor": true,
	"credentials_expire_on": true, "invited_email": true}

// RedactMemberData returns the JSON document js with every member-data key
// (at any depth) removed; text that is not a JSON object or array is
// returned as is. The clinic's public contact email lives under
// "branding" and stays.
func RedactMemberData(js string) string {
	if js == "" || (js[0] != '{' && js[0] != '[') {
		return js
	}
	var v any
	if json.Unmarshal([]byte(js), &v) != nil {
		return js
	}
	b, err := json.Marshal(redact(v, ""))
	if err != nil {
		return js
	}
	return string(b)
}

func redact(v any, parent string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if memberDataKeys[k] && parent != "branding" {
				delete(t, k)
				continue
			}
			t[k] = redact(val, k)
		}
	case []any:
		for i := range t {
			t[i] = redact(t[i], parent)
		}
	}
	return v
}

// AuditActions lists the actions that occur in the clinic's audit log, for
// filters; members only.
func (s *Service) AuditActions(ctx context.Context, sc Scope) ([]string, error) {
	if err := sc.Require(authz.ObjAudit, authz.ActRead); err != nil {
		return nil, err
	}
	var out []string
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT action FROM audit_entries WHERE clinic_id = ? ORDER BY action`, sc.ClinicID()).Scan(&out).Error
	return out, err
}
