package wxr

import "strings"

// autopBlockTags are the elements wpautop never wraps in <p>.
var autopBlockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "caption": true,
	"col": true, "colgroup": true, "dd": true, "details": true, "div": true, "dl": true,
	"dt": true, "fieldset": true, "figcaption": true, "figure": true, "footer": true,
	"form": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"header": true, "hgroup": true, "hr": true, "li": true, "main": true, "map": true,
	"math": true, "menu": true, "nav": true, "ol": true, "option": true, "p": true,
	"pre": true, "section": true, "select": true, "summary": true, "table": true,
	"tbody": true, "td": true, "tfoot": true, "th": true, "thead": true, "tr": true,
	"ul": true, "iframe": true, "script": true, "style": true, "noscript": true,
	"object": true, "video": true, "audio": true, "embed": true,
}

// startsWithBlockTag tells whether a trimmed line opens or closes a block
// element.
func startsWithBlockTag(line string) bool {
	if !strings.HasPrefix(line, "<") {
		return false
	}
	s := strings.TrimPrefix(line[1:], "/")
	n := 0
	for n < len(s) && (isASCIILetter(s[n]) || s[n] >= '0' && s[n] <= '9') {
		n++
	}
	return autopBlockTags[strings.ToLower(s[:n])]
}

// autop does what WordPress's wpautop does to classic-editor content: text
// separated by a blank line becomes separate paragraphs, a single newline
// inside a paragraph becomes <br>, and lines that are block elements are
// left alone. Content inside <pre> is not touched.
func autop(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var out strings.Builder
	var para []string
	flush := func() {
		if len(para) > 0 {
			out.WriteString("<p>")
			out.WriteString(strings.Join(para, "<br>\n"))
			out.WriteString("</p>\n")
			para = para[:0]
		}
	}
	inPre := 0
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		lower := strings.ToLower(t)
		if inPre > 0 {
			out.WriteString(line)
			out.WriteByte('\n')
			inPre += strings.Count(lower, "<pre") - strings.Count(lower, "</pre>")
			continue
		}
		switch {
		case t == "":
			flush()
		case startsWithBlockTag(t):
			flush()
			out.WriteString(t)
			out.WriteByte('\n')
			inPre += strings.Count(lower, "<pre") - strings.Count(lower, "</pre>")
			if inPre < 0 {
				inPre = 0
			}
		default:
			para = append(para, t)
		}
	}
	flush()
	return out.String()
}
