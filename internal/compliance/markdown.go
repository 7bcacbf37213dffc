package compliance

import (
	"sort"
	"strings"
)

// mdImage is an image found in Markdown or HTML, with byte ranges into the
// source. alt is empty (start == end) when there is none.
type mdImage struct {
	alt, src, title span
	// altIsText: the alt text is also ordinary (unmasked) text of the part,
	// so the general text rules already see it.
	altIsText bool
}

// mdDoc is what the Markdown pre-pass found in one text part.
type mdDoc struct {
	mask   []span // byte ranges that are not prose: code, URLs, tags
	images []mdImage
	links  []span // link destinations
	titles []span // link titles (prose, but outside the sentence)
}

// ExtractImagesAndLinks returns the images (Markdown `![alt](src "title")`
// and HTML <img>) and links (inline, reference definitions, autolinks, bare
// http(s) URLs, HTML <a href>) found in md, in document order. Code spans and
// fenced code blocks are skipped. The image title is returned as its Caption.
func ExtractImagesAndLinks(md string) (images []Image, links []string) {
	d := parseMarkdown(md)
	for _, im := range d.images {
		images = append(images, Image{Src: md[im.src.start:im.src.end], Alt: md[im.alt.start:im.alt.end], Caption: md[im.title.start:im.title.end]})
	}
	for _, l := range d.links {
		links = append(links, md[l.start:l.end])
	}
	return images, links
}

func parseMarkdown(s string) *mdDoc {
	d := &mdDoc{}
	skip := map[int]int{} // mask start -> end, for jumping over destinations while scanning
	addMask := func(a, b int) {
		if b > a {
			d.mask = append(d.mask, span{a, b})
			skip[a] = b
		}
	}
	inFence := false
	fenceChar := byte(0)
	fenceStart := 0
	for ls := 0; ls < len(s); {
		le := strings.IndexByte(s[ls:], '\n')
		if le < 0 {
			le = len(s)
		} else {
			le += ls
		}
		line := s[ls:le]
		trim := strings.TrimLeft(line, " ")
		indent := len(line) - len(trim)
		if indent <= 3 && (strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~")) {
			if !inFence {
				inFence, fenceChar, fenceStart = true, trim[0], ls
			} else if trim[0] == fenceChar {
				inFence = false
				addMask(fenceStart, le)
			}
		} else if !inFence {
			if indent <= 3 && strings.HasPrefix(trim, "[") {
				// Reference definition: [label]: url "title"
				if rb := strings.Index(trim, "]:"); rb > 1 {
					rest := trim[rb+2:]
					off := ls + indent + rb + 2
					k := 0
					for k < len(rest) && (rest[k] == ' ' || rest[k] == '\t') {
						k++
					}
					e := k
					for e < len(rest) && rest[e] != ' ' && rest[e] != '\t' {
						e++
					}
					if e > k {
						us, ue := off+k, off+e
						if s[us] == '<' && s[ue-1] == '>' {
							us, ue = us+1, ue-1
						}
						d.links = append(d.links, span{us, ue})
						addMask(ls, le)
					}
				}
			}
		}
		ls = le + 1
	}
	if inFence {
		addMask(fenceStart, len(s))
	}
	pre := append([]span(nil), d.mask...) // fenced code and reference definitions, in order
	pi := 0
	for i := 0; i < len(s); {
		for pi < len(pre) && pre[pi].end <= i {
			pi++
		}
		if pi < len(pre) && i >= pre[pi].start {
			i = pre[pi].end
			continue
		}
		c := s[i]
		if c == '(' {
			if e, ok := skip[i]; ok {
				i = e
				continue
			}
		}
		switch {
		case c == '\\':
			i += 2
			continue
		case c == '`':
			n := 0
			for i+n < len(s) && s[i+n] == '`' {
				n++
			}
			if end := findBackticks(s, i+n, n); end >= 0 {
				addMask(i, end+n)
				i = end + n
				continue
			}
			i += n
			continue
		case c == '!' && i+1 < len(s) && s[i+1] == '[':
			if textEnd, dest, title, closeParen, ok := parseInlineLink(s, i+1); ok {
				d.images = append(d.images, mdImage{alt: span{i + 2, textEnd}, src: dest, title: title, altIsText: true})
				if title.end > title.start {
					d.titles = append(d.titles, title)
				}
				addMask(textEnd+1, closeParen+1)
				i += 2
				continue
			}
		case c == '[':
			if textEnd, dest, title, closeParen, ok := parseInlineLink(s, i); ok {
				d.links = append(d.links, dest)
				if title.end > title.start {
					d.titles = append(d.titles, title)
				}
				addMask(textEnd+1, closeParen+1)
				i++
				continue
			}
		case c == '<':
			if end := autolinkEnd(s, i); end > 0 {
				d.links = append(d.links, span{i + 1, end})
				addMask(i, end+1)
				i = end + 1
				continue
			}
			if end := htmlTagEnd(s, i); end > 0 {
				parseHTMLTag(s, i, end, d)
				addMask(i, end)
				i = end
				continue
			}
		case (c == 'h' || c == 'H' || c == 'w' || c == 'W') && (i == 0 || !isWordByte(s[i-1])):
			if end := bareURLEnd(s, i); end > 0 {
				d.links = append(d.links, span{i, end})
				addMask(i, end)
				i = end
				continue
			}
		}
		i++
	}
	sort.Slice(d.mask, func(a, b int) bool { return d.mask[a].start < d.mask[b].start })
	// Merge overlaps so the tokenizer can walk them in order.
	merged := d.mask[:0]
	for _, m := range d.mask {
		if n := len(merged); n > 0 && m.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, m.end)
			continue
		}
		merged = append(merged, m)
	}
	d.mask = merged
	sort.Slice(d.links, func(a, b int) bool { return d.links[a].start < d.links[b].start })
	sort.Slice(d.images, func(a, b int) bool { return d.images[a].src.start < d.images[b].src.start })
	return d
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '/' || c == '.' || c >= 0x80
}

func findBackticks(s string, from, n int) int {
	for i := from; i < len(s); {
		if s[i] != '`' {
			if s[i] == '\n' && i+1 < len(s) && s[i+1] == '\n' {
				return -1 // code spans do not cross paragraphs
			}
			i++
			continue
		}
		k := 0
		for i+k < len(s) && s[i+k] == '`' {
			k++
		}
		if k == n {
			return i
		}
		i += k
	}
	return -1
}

// parseInlineLink parses `[text](dest "title")` starting at the '['. It
// returns the index of the closing ']', the destination and title ranges and
// the index of the closing ')'.
func parseInlineLink(s string, open int) (textEnd int, dest, title span, closeParen int, ok bool) {
	// Bounded look-ahead keeps pathological input ("[[[[...") linear.
	const maxLinkText, maxDest = 1000, 2048
	depth := 0
	i := open
	for ; i < len(s) && i-open < maxLinkText; i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
		case '\n':
			if i+1 < len(s) && s[i+1] == '\n' {
				return
			}
		}
		if depth == 0 {
			break
		}
	}
	if i >= len(s) || depth != 0 || i+1 >= len(s) || s[i+1] != '(' {
		return
	}
	textEnd = i
	j := i + 2
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j < len(s) && s[j] == '<' {
		e := strings.IndexAny(s[j+1:min(len(s), j+1+maxDest)], ">\n")
		if e < 0 || s[j+1+e] != '>' {
			return
		}
		dest = span{j + 1, j + 1 + e}
		j = j + 2 + e
	} else {
		st := j
		parens := 0
		for j < len(s) && j-st < maxDest && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' {
			if s[j] == '(' {
				parens++
			} else if s[j] == ')' {
				if parens == 0 {
					break
				}
				parens--
			}
			j++
		}
		dest = span{st, j}
	}
	for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
		j++
	}
	if j < len(s) && (s[j] == '"' || s[j] == '\'' || s[j] == '(') {
		q := s[j]
		if q == '(' {
			q = ')'
		}
		e := strings.IndexByte(s[j+1:min(len(s), j+1+maxDest)], q)
		if e < 0 {
			return
		}
		title = span{j + 1, j + 1 + e}
		j = j + 2 + e
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
	}
	if j >= len(s) || s[j] != ')' {
		return
	}
	return textEnd, dest, title, j, true
}

// autolinkEnd returns the index of '>' closing an autolink <scheme:...> at i.
func autolinkEnd(s string, i int) int {
	j := i + 1
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] == '+' || s[j] == '.' || s[j] == '-') {
		j++
	}
	if j-(i+1) < 2 || j >= len(s) || s[j] != ':' {
		return -1
	}
	for ; j < len(s); j++ {
		switch s[j] {
		case '>':
			return j
		case ' ', '\n', '\t', '<':
			return -1
		}
	}
	return -1
}

// htmlTagEnd returns the index after the '>' of an HTML tag or comment at i.
func htmlTagEnd(s string, i int) int {
	if i+1 >= len(s) {
		return -1
	}
	if strings.HasPrefix(s[i:], "<!--") {
		if e := strings.Index(s[i+4:], "-->"); e >= 0 {
			return i + 4 + e + 3
		}
		return -1
	}
	c := s[i+1]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!') {
		return -1
	}
	inQ := byte(0)
	for j := i + 1; j < len(s); j++ {
		switch {
		case inQ != 0:
			if s[j] == inQ {
				inQ = 0
			}
		case s[j] == '"' || s[j] == '\'':
			inQ = s[j]
		case s[j] == '>':
			return j + 1
		case s[j] == '<':
			return -1
		}
	}
	return -1
}

// parseHTMLTag records <img src alt title> and <a href> from the tag s[i:end].
func parseHTMLTag(s string, i, end int, d *mdDoc) {
	j := i + 1
	for j < end && s[j] != ' ' && s[j] != '>' && s[j] != '/' && s[j] != '\n' {
		j++
	}
	name := strings.ToLower(s[i+1 : j])
	if name != "img" && name != "a" {
		return
	}
	attrs := map[string]span{}
	for j < end {
		for j < end && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '/') {
			j++
		}
		ns := j
		for j < end && s[j] != '=' && s[j] != ' ' && s[j] != '>' {
			j++
		}
		an := strings.ToLower(s[ns:j])
		if j >= end || s[j] != '=' {
			j++
			continue
		}
		j++
		if j < end && (s[j] == '"' || s[j] == '\'') {
			q := s[j]
			e := strings.IndexByte(s[j+1:end], q)
			if e < 0 {
				return
			}
			attrs[an] = span{j + 1, j + 1 + e}
			j = j + 2 + e
		} else {
			vs := j
			for j < end && s[j] != ' ' && s[j] != '>' {
				j++
			}
			attrs[an] = span{vs, j}
		}
	}
	if name == "a" {
		if h, ok := attrs["href"]; ok {
			d.links = append(d.links, h)
		}
		return
	}
	if src, ok := attrs["src"]; ok {
		d.images = append(d.images, mdImage{alt: attrs["alt"], src: src, title: attrs["title"]})
		if t := attrs["title"]; t.end > t.start {
			d.titles = append(d.titles, t)
		}
	}
}

// bareURLEnd returns the end of a bare http(s):// or www. URL at i, or -1.
func bareURLEnd(s string, i int) int {
	rest := s[i:]
	n := 0
	switch {
	case hasPrefixFold(rest, "https://"):
		n = 8
	case hasPrefixFold(rest, "http://"):
		n = 7
	case hasPrefixFold(rest, "www."):
		n = 4
	default:
		return -1
	}
	j := i + n
	for j < len(s) {
		c := s[j]
		if c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' {
			break
		}
		j++
	}
	// Trailing punctuation belongs to the sentence, not the URL.
	for j > i+n {
		c := s[j-1]
		if c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '*' || c == '_' {
			j--
			continue
		}
		if c == ')' && strings.Count(s[i:j], "(") < strings.Count(s[i:j], ")") {
			j--
			continue
		}
		break
	}
	if j <= i+n {
		return -1
	}
	return j
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
