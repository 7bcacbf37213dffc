package render

import "strings"

// urlKind is what a link or image destination means to a browser.
type urlKind int

const (
	// urlRelative stays on the current site: a path, query or fragment.
	urlRelative urlKind = iota
	// urlOutbound leaves the site: http(s) with any spelling, or "//host".
	urlOutbound
	// urlContact is mailto: or tel:.
	urlContact
	// urlForbidden is any other scheme (javascript:, data:, vbscript:, ...).
	urlForbidden
)

// classifyURL reads a destination the way the WHATWG URL parser does before
// it decides on a scheme: leading and trailing C0 controls and spaces are
// ignored, tabs and newlines anywhere are removed, and a backslash counts as a
// slash. Classifying the browser's view rather than the literal text is what
// defeats "java\tscript:", " javascript:" and "/\evil.example" tricks.
func classifyURL(raw string) urlKind {
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(s, "\t\n\r\\") {
		s = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(s)
	}
	if strings.HasPrefix(s, "//") {
		return urlOutbound
	}
	scheme, ok := urlScheme(s)
	if !ok {
		return urlRelative
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		return urlOutbound
	case "mailto", "tel":
		return urlContact
	default:
		return urlForbidden
	}
}

// urlScheme returns the scheme of s if s starts with one
// (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").
func urlScheme(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return s[:i], true
		default:
			return "", false
		}
	}
	return "", false
}
