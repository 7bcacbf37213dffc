// Package redirect owns the parsing of redirect targets that come from a
// request (a "next" parameter, a hidden form field): a target is parsed and
// rebuilt as a same-site path, never copied, so it can neither leave the
// site nor carry CR/LF into a Location header.
package redirect

import (
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen is the longest target accepted, in bytes.
const MaxLen = 2048

// Path parses raw as a same-site path with an optional query and returns it
// rebuilt from its decoded parts with proper escaping (dot segments
// resolved, query parameters re-encoded in key order, any fragment
// dropped). It refuses (returning "", false) anything with a scheme, a host,
// user info, a leading "//" or "/\", a backslash, an empty segment ("//"),
// raw non-ASCII or control bytes, and control characters (CR, LF, NUL, ...)
// once percent-decoded, and malformed escapes.
func Path(raw string) (string, bool) {
	if raw == "" || len(raw) > MaxLen || raw[0] != '/' {
		return "", false
	}
	for i := 0; i < len(raw); i++ {
		if b := raw[i]; b < 0x20 || b >= 0x7f || b == '\\' {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") || strings.Contains(p, "//") || !clean(p) {
		return "", false
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", false
	}
	for k, vs := range q {
		if !clean(k) {
			return "", false
		}
		for _, v := range vs {
			if !clean(v) {
				return "", false
			}
		}
	}
	cp := path.Clean(p)
	if strings.HasSuffix(p, "/") && cp != "/" {
		cp += "/"
	}
	out := (&url.URL{Path: cp, RawQuery: q.Encode()}).String()
	if len(out) > MaxLen || !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return "", false
	}
	for i := 0; i < len(out); i++ {
		if b := out[i]; b <= 0x20 || b >= 0x7f || b == '\\' {
			return "", false
		}
	}
	return out, true
}

// clean reports whether decoded text is valid UTF-8 without control
// characters or backslashes.
func clean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// Under returns the rebuilt form of raw when it is a same-site path inside
// prefix (prefix itself or below it, e.g. "/admin"), else fallback.
func Under(raw, prefix, fallback string) string {
	p, ok := Path(raw)
	if !ok {
		return fallback
	}
	if p == prefix || strings.HasPrefix(p, prefix+"/") || strings.HasPrefix(p, prefix+"?") {
		return p
	}
	return fallback
}
