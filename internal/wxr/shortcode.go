package wxr

import (
	"strconv"
	"strings"
)

// shortcode is one [name attrs]…[/name] found in text.
type shortcode struct {
	name    string
	attrs   map[string]string
	content string
	closed  bool
	escaped bool
	start   int
	end     int
}

// raw returns the shortcode's original text.
func (sc shortcode) raw(s string) string { return s[sc.start:sc.end] }

// nextShortcode finds the next shortcode at or after from. "[[x]]" is
// WordPress's escape for a literal "[x]" and is skipped.
func nextShortcode(s string, from int) (shortcode, bool) {
	for from < len(s) {
		i := strings.IndexByte(s[from:], '[')
		if i < 0 {
			return shortcode{}, false
		}
		start := from + i
		if start+1 < len(s) && s[start+1] == '[' {
			if j := strings.Index(s[start:], "]]"); j >= 0 && start+2 < len(s) && isASCIILetter(s[start+2]) {
				// "[[gallery]]" stands for the literal text "[gallery]".
				return shortcode{escaped: true, start: start, end: start + j + 2, content: s[start+1 : start+j+1]}, true
			}
			from = start + 2
			continue
		}
		n := start + 1
		if n >= len(s) || !isASCIILetter(s[n]) {
			from = start + 1
			continue
		}
		for n < len(s) && (isASCIILetter(s[n]) || s[n] >= '0' && s[n] <= '9' || s[n] == '_' || s[n] == '-') {
			n++
		}
		if n >= len(s) || !(s[n] == ']' || s[n] == ' ' || s[n] == '/' || s[n] == '\t' || s[n] == '\n') {
			from = start + 1
			continue
		}
		name := s[start+1 : n]
		close := closingBracket(s, n)
		if close < 0 {
			from = start + 1
			continue
		}
		body := s[n:close]
		sc := shortcode{name: name, start: start, end: close + 1}
		selfClosing := strings.HasSuffix(strings.TrimSpace(body), "/")
		sc.attrs = parseShortcodeAttrs(strings.TrimSuffix(strings.TrimSpace(body), "/"))
		if !selfClosing {
			endTag := "[/" + name + "]"
			if j := strings.Index(s[sc.end:], endTag); j >= 0 {
				// Only if no other opening of the same name comes first.
				sc.content = s[sc.end : sc.end+j]
				sc.end = sc.end + j + len(endTag)
				sc.closed = true
			}
		}
		return sc, true
	}
	return shortcode{}, false
}

// closingBracket finds the ']' that ends a shortcode's opening tag, skipping
// quoted attribute values.
func closingBracket(s string, from int) int {
	var quote byte
	for i := from; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			return -1
		case c == ']':
			return i
		}
	}
	return -1
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// parseShortcodeAttrs reads key="v", key='v', key=v and bare values (the
// latter under "0", "1", ...), as shortcode_parse_atts does.
func parseShortcodeAttrs(s string) map[string]string {
	out := map[string]string{}
	pos := 0
	bare := 0
	for {
		for pos < len(s) && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r') {
			pos++
		}
		if pos >= len(s) {
			return out
		}
		k := pos
		for pos < len(s) && s[pos] != '=' && s[pos] != ' ' && s[pos] != '\t' && s[pos] != '\n' {
			pos++
		}
		key := strings.ToLower(s[k:pos])
		if pos < len(s) && s[pos] == '=' {
			pos++
			out[key] = readAttrValue(s, &pos)
			continue
		}
		v := strings.Trim(key, `"'`)
		out[strconv.Itoa(bare)] = v
		bare++
	}
}

func readAttrValue(s string, pos *int) string {
	if *pos >= len(s) {
		return ""
	}
	if q := s[*pos]; q == '"' || q == '\'' {
		end := strings.IndexByte(s[*pos+1:], q)
		if end < 0 {
			v := s[*pos+1:]
			*pos = len(s)
			return v
		}
		v := s[*pos+1 : *pos+1+end]
		*pos += end + 2
		return v
	}
	start := *pos
	for *pos < len(s) && s[*pos] != ' ' && s[*pos] != '\t' && s[*pos] != '\n' {
		*pos++
	}
	return s[start:*pos]
}
