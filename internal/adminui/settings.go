package adminui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/compliance"
	"github.com/clinicpress/clinicpress/internal/errs"
)

type settingsView struct {
	Base      string
	C         clinic.Clinic
	Hostnames string
	Errors    map[string]string
	Themes    []string
	// Compliance settings as the form shows them.
	PackInfos []compliance.PackInfo
	Packs     map[string]bool
	Allowlist string // one domain per line
	Phrases   string // "phrase | severity" per line
	Policies  []policyOption
}

type policyOption struct {
	Value       clinic.OverduePolicy
	Label, Hint string
}

// policyWords says each overdue policy in a clinic admin's words.
var policyWords = map[clinic.OverduePolicy][2]string{
	clinic.OverdueNotice:    {"Show a notice", "The page stays live and indexed, with a visible “medical review overdue” notice."},
	clinic.OverdueNoindex:   {"Hide from search engines", "The page stays live but asks search engines not to index it until it is re-reviewed."},
	clinic.OverdueUnpublish: {"Unpublish", "The page is taken off the public site until a doctor re-approves and it is published again."},
}

// overduePolicies lists the policies the settings form offers, in the
// domain's order.
func overduePolicies() []policyOption {
	out := make([]policyOption, len(clinic.OverduePolicies))
	for i, p := range clinic.OverduePolicies {
		w := policyWords[p]
		out[i] = policyOption{Value: p, Label: w[0], Hint: w[1]}
	}
	return out
}

// settingsPage shows the clinic's settings (clinic admins).
func (u *UI) settingsPage(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	if err := sc.Require(authz.ObjClinic, authz.ActUpdate); err != nil {
		return err
	}
	return u.settingsViewFlash(c, fiber.StatusOK, sc.Clinic(), nil, "", nil)
}

// phraseLines formats extra phrases one a line as "text | severity".
func phraseLines(ps []compliance.Phrase) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Text)
		if p.Severity != "" {
			b.WriteString(" | " + string(p.Severity))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// parsePhrases reads "text | severity" lines (severity optional: warn).
// A message set through the API is kept for a phrase whose text is
// unchanged.
func parsePhrases(s string, old []compliance.Phrase) []compliance.Phrase {
	msgs := map[string]string{}
	for _, p := range old {
		msgs[p.Text] = p.Message
	}
	out := []compliance.Phrase{}
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		text, sev := l, ""
		if i := strings.LastIndex(l, "|"); i >= 0 {
			text, sev = l[:i], strings.ToLower(strings.TrimSpace(l[i+1:]))
		}
		text = strings.TrimSpace(text)
		out = append(out, compliance.Phrase{Text: text, Severity: compliance.Severity(sev), Message: msgs[text]})
	}
	return out
}

// settingsSave applies the settings form; a stale version answers the
// service's version_conflict. Invalid input changes nothing and shows the
// form again with each problem next to its field.
func (u *UI) settingsSave(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	name, theme := c.FormValue("name"), c.FormValue("theme")
	hosts := lines(c.FormValue("hostnames"))
	interval := formInt(c, "review_interval_days")
	ver := formInt(c, "version")
	policy := clinic.OverduePolicy(c.FormValue("overdue_policy"))
	writersPublish := c.FormValue("writers_may_publish") == "yes"
	require2FA := c.FormValue("require_second_factor") == "yes"
	country := strings.TrimSpace(c.FormValue("registration_country"))
	form := func(k string) *string { v := c.FormValue(k); return &v }
	bp := clinic.BrandingPatch{Tagline: form("tagline"), LogoURL: form("logo_url"), PrimaryColor: form("primary_color"),
		Phone: form("phone"), Email: form("brand_email"), Address: form("address"), FooterNotice: form("footer_notice")}
	b := bp.Apply(cl.Branding)
	packs := []string{}
	for _, p := range c.Request().PostArgs().PeekMulti("packs") {
		packs = append(packs, string(p)) // a copy: fiber reuses its buffers
	}
	allow, phrases := c.FormValue("link_allowlist"), c.FormValue("extra_phrases")
	allowList, phraseList := lines(allow), parsePhrases(phrases, cl.Compliance.ExtraPhrases)
	cp := clinic.CompliancePatch{Packs: &packs, LinkAllowlist: &allowList, ExtraPhrases: &phraseList}
	comp := cp.Apply(cl.Compliance)
	_, err = u.clinics.Update(c.UserContext(), sc, clinic.Patch{Name: &name, Hostnames: &hosts, Theme: &theme,
		Branding: &bp, ReviewIntervalDays: &interval, OverduePolicy: &policy, WritersMayPublish: &writersPublish, RequireSecondFactor: &require2FA,
		RegistrationCountry: &country, Compliance: &cp, Version: &ver})
	if err != nil {
		e, ok := isUserError(err)
		if !ok || e.Code == "forbidden" {
			return err
		}
		typed := cl
		typed.Name, typed.Hostnames, typed.Theme, typed.Branding, typed.ReviewIntervalDays = name, hosts, theme, b, interval
		typed.OverduePolicy, typed.RegistrationCountry, typed.Compliance = policy, country, comp
		typed.WritersMayPublish, typed.RequireSecondFactor = writersPublish, require2FA
		return u.settingsViewFlash(c, e.Status, typed, settingsErrors(e), Message(e), &[2]string{allow, phrases})
	}
	return u.done(c, base(c)+"/settings", "Settings saved. The public site shows the changes from the next page view; new advertising-rule settings apply to revisions saved from now on.")
}

var indexed = regexp.MustCompile(`^compliance\.(packs|link_allowlist|extra_phrases)\[(\d+)\](?:\.(\w+))?$`)

// settingsErrors puts each validation problem next to its form field; the
// compliance lists name the line (or pack) at fault.
func settingsErrors(e *errs.Error) map[string]string {
	out := map[string]string{}
	add := func(k, msg string) {
		if out[k] != "" {
			out[k] += "; "
		}
		out[k] += msg
	}
	for _, f := range e.Fields {
		m := indexed.FindStringSubmatch(f.Field)
		switch {
		case m != nil && m[1] == "packs":
			add("packs", f.Message)
		case m != nil:
			n, _ := strconv.Atoi(m[2])
			msg := fmt.Sprintf("line %d: %s", n+1, f.Message)
			if m[3] != "" && m[3] != "text" {
				msg = fmt.Sprintf("line %d, %s: %s", n+1, m[3], f.Message)
			}
			add(m[1], msg)
		case strings.HasPrefix(f.Field, "compliance"):
			add("compliance", f.Message)
		default:
			add(f.Field, f.Message)
		}
	}
	return out
}

// settingsViewFlash renders the settings form for cl; raw, when set, is the
// allowlist and phrases text exactly as typed.
func (u *UI) settingsViewFlash(c *fiber.Ctx, status int, cl clinic.Clinic, errsBy map[string]string, msg string, raw *[2]string) error {
	if errsBy == nil {
		errsBy = map[string]string{}
	}
	var f *Flash
	if msg != "" {
		f = &Flash{Kind: "error", Text: msg}
	}
	v := settingsView{Base: base(c), C: cl, Hostnames: strings.Join(cl.Hostnames, "\n"), Errors: errsBy, Themes: u.themeNames(),
		PackInfos: compliance.Packs(), Packs: map[string]bool{}, Policies: overduePolicies(),
		Allowlist: strings.Join(cl.Compliance.LinkAllowlist, "\n"), Phrases: phraseLines(cl.Compliance.ExtraPhrases)}
	if raw != nil {
		v.Allowlist, v.Phrases = raw[0], raw[1]
	}
	for _, p := range cl.Compliance.Packs {
		v.Packs[p] = true
	}
	return u.view(c, status, "settings", &Page{Title: "Settings · " + cl.Name, Nav: "settings", Flash: f, D: v})
}
