package compliance

import (
	"fmt"
	"strings"
)

// Severity says how serious a finding is.
type Severity string

// Severities. SeverityOff is only meaningful in Config.Overrides, where it
// switches a rule off.
const (
	SeverityBlock Severity = "block"
	SeverityWarn  Severity = "warn"
	SeverityOff   Severity = "off"
)

// Field names the part of an article a finding was found in.
type Field string

// Fields, in the order findings are sorted.
const (
	FieldTitle   Field = "title"
	FieldSummary Field = "summary"
	FieldBody    Field = "body"
	FieldFAQ     Field = "faq"
	FieldImage   Field = "image"
	FieldLink    Field = "link"
)

// Finding is one rule match. Start and End are byte offsets into the raw text
// of the field part the match was found in; Line and Column are 1-based, and
// Column counts characters (runes), not bytes.
//
// For the list-valued fields (faq, image, link) Index is the position of the
// item in Input and Part says which of its strings the offsets refer to:
// "question" or "answer" for faq, "alt", "caption" or "src" for image, "url"
// for link. Images and links found inside Markdown are reported on the field
// that contains them (body, summary, ...) with offsets into that field.
type Finding struct {
	Rule       string   `json:"rule"`
	Severity   Severity `json:"severity"`
	Message    string   `json:"message"`
	Field      Field    `json:"field"`
	Index      int      `json:"index,omitempty"`
	Part       string   `json:"part,omitempty"`
	Start      int      `json:"start"`
	End        int      `json:"end"`
	Line       int      `json:"line"`
	Column     int      `json:"column"`
	Match      string   `json:"match"`
	Suggestion string   `json:"suggestion,omitempty"`
}

// QA is one frequently-asked question and its answer.
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Image is an image attached to an article: its source URL or file name, its
// alt text and its caption.
type Image struct {
	Src     string `json:"src"`
	Alt     string `json:"alt"`
	Caption string `json:"caption"`
}

// Input is the public content of an article to check. Body, Summary and FAQ
// answers may contain Markdown; images and links inside them are found and
// checked too.
type Input struct {
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Body    string   `json:"body"`
	FAQ     []QA     `json:"faq"`
	Images  []Image  `json:"images"`
	Links   []string `json:"links"`
}

// Phrase is a clinic-specific phrase to flag. Matching is case-insensitive,
// accepts simple inflections of each word and honours negation like the
// built-in rules. An empty Severity means warn.
type Phrase struct {
	Text     string   `json:"text"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// Config selects what Check looks for.
type Config struct {
	// Packs are rule pack ids; empty means ["general"].
	Packs []string `json:"packs"`
	// Overrides change a rule's severity by rule id; SeverityOff disables it.
	// Overriding a rule that no selected pack contains switches it on.
	Overrides map[string]Severity `json:"overrides"`
	// ExtraPhrases are reported under rule id "extra-phrase".
	ExtraPhrases []Phrase `json:"extra_phrases"`
	// LinkAllowlist lists further domains links may point to, on top of the
	// clinic's own hostnames and DefaultLinkAllowlist; subdomains are allowed.
	LinkAllowlist []string `json:"link_allowlist"`
	// OwnHostnames are the clinic's own hostnames (filled in by the caller
	// from the clinic, never stored with the config): links to them, to the
	// domain without "www." and to its subdomains are not outbound.
	OwnHostnames []string `json:"-"`
}

// DefaultLinkAllowlist returns the public health authorities that articles
// may always link to: Singapore's Ministry of Health and its agencies
// (HealthHub, Health Promotion Board, Singapore Medical Council, Health
// Sciences Authority, gov.sg itself), the WHO, the UK's NHS and NICE, the US
// CDC, NIH (PubMed, MedlinePlus), FDA, and the EU's medicines agency. Any
// other outbound link is a finding of rule external-link (warn in every
// pack; a clinic can change that with Overrides or extend the list with
// LinkAllowlist).
func DefaultLinkAllowlist() []string {
	return append([]string(nil), defaultLinkAllowlist...)
}

var defaultLinkAllowlist = []string{
	"gov.sg", "moh.gov.sg", "healthhub.sg", "hpb.gov.sg", "smc.gov.sg", "hsa.gov.sg", "ncid.sg",
	"who.int", "nhs.uk", "nice.org.uk", "cdc.gov", "nih.gov", "medlineplus.gov", "fda.gov", "cancer.gov", "ema.europa.eu",
}

// PackInfo describes a rule pack.
type PackInfo struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Rules       []RuleInfo `json:"rules"`
}

// RuleInfo describes one rule as it is configured in a pack.
type RuleInfo struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Severity    Severity `json:"severity"`
}

// ConfigError is one problem with a Config; Field is a path such as
// "packs[1]" or "overrides.guarantee".
type ConfigError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ConfigErrors is every problem Validate found, in field order.
type ConfigErrors []ConfigError

// Error joins the problems into one line.
func (e ConfigErrors) Error() string {
	parts := make([]string, len(e))
	for i, ce := range e {
		parts[i] = ce.Field + ": " + ce.Message
	}
	return "invalid compliance config: " + strings.Join(parts, "; ")
}

// Validate reports unknown packs, unknown rule ids or bad severities in
// overrides, empty or badly-severitied extra phrases and allowlist entries
// that are not plain domain names. The error, when not nil, is a ConfigErrors.
func (c Config) Validate() error {
	var errs ConfigErrors
	for i, p := range c.Packs {
		if _, ok := packByID[p]; !ok {
			errs = append(errs, ConfigError{fmt.Sprintf("packs[%d]", i), fmt.Sprintf("unknown pack %q", p)})
		}
	}
	for _, id := range sortedKeys(c.Overrides) {
		sev := c.Overrides[id]
		if _, ok := ruleByID[id]; !ok && id != extraPhraseRule {
			errs = append(errs, ConfigError{"overrides." + id, fmt.Sprintf("unknown rule %q", id)})
		}
		if sev != SeverityBlock && sev != SeverityWarn && sev != SeverityOff {
			errs = append(errs, ConfigError{"overrides." + id, fmt.Sprintf("invalid severity %q (want block, warn or off)", sev)})
		}
	}
	for i, p := range c.ExtraPhrases {
		if !hasWord(p.Text) {
			errs = append(errs, ConfigError{fmt.Sprintf("extra_phrases[%d].text", i), "must contain at least one word"})
		}
		if p.Severity != "" && p.Severity != SeverityBlock && p.Severity != SeverityWarn {
			errs = append(errs, ConfigError{fmt.Sprintf("extra_phrases[%d].severity", i), fmt.Sprintf("invalid severity %q (want block or warn)", p.Severity)})
		}
	}
	for i, d := range c.LinkAllowlist {
		if !validDomain(normDomain(d)) {
			errs = append(errs, ConfigError{fmt.Sprintf("link_allowlist[%d]", i), fmt.Sprintf("%q is not a domain name like clinic.example", d)})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func hasWord(s string) bool {
	for _, t := range tokenize(s, 0, len(s), nil) {
		if t.kind == kWord {
			return true
		}
	}
	return false
}
