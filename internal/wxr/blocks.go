package wxr

import (
	"encoding/json"
	"strings"
)

// block is one Gutenberg block: <!-- wp:name {attrs} --> inner <!-- /wp:name -->.
// A block with an empty name is freeform HTML (classic content between or
// outside blocks).
type block struct {
	name  string
	attrs map[string]any
	// parts is the block's inner content in order: HTML strings and nested
	// blocks.
	parts []any
	// raw is the original delimiter, for reports.
	raw string
}

// hasBlocks tells block-editor content from classic content.
func hasBlocks(content string) bool {
	return strings.Contains(content, "<!-- wp:")
}

// blockDelim is one parsed delimiter comment.
type blockDelim struct {
	closing, void bool
	name          string
	attrs         map[string]any
	start, end    int
	raw           string
}

// nextDelim finds the next block delimiter comment at or after from.
func nextDelim(s string, from int) (blockDelim, bool) {
	for {
		i := strings.Index(s[from:], "<!--")
		if i < 0 {
			return blockDelim{}, false
		}
		start := from + i
		j := strings.Index(s[start:], "-->")
		if j < 0 {
			return blockDelim{}, false
		}
		end := start + j + 3
		body := strings.TrimSpace(s[start+4 : start+j])
		d := blockDelim{start: start, end: end, raw: s[start:end]}
		if strings.HasPrefix(body, "/wp:") {
			d.closing = true
			body = body[4:]
		} else if strings.HasPrefix(body, "wp:") {
			body = body[3:]
		} else {
			from = end
			continue
		}
		if strings.HasSuffix(body, "/") {
			d.void = true
			body = strings.TrimSpace(strings.TrimSuffix(body, "/"))
		}
		n := 0
		for n < len(body) && isBlockNameChar(body[n]) {
			n++
		}
		if n == 0 {
			from = end
			continue
		}
		d.name = body[:n]
		if !strings.Contains(d.name, "/") {
			d.name = "core/" + d.name
		}
		if rest := strings.TrimSpace(body[n:]); strings.HasPrefix(rest, "{") {
			_ = json.Unmarshal([]byte(rest), &d.attrs)
		}
		return d, true
	}
}

func isBlockNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '/'
}

// parseBlocks splits block-editor content into a list of top-level blocks.
// Unbalanced delimiters end their block at the end of the content, as
// WordPress's own parser does.
func parseBlocks(s string) []*block {
	root := &block{}
	stack := []*block{root}
	pos := 0
	for {
		d, ok := nextDelim(s, pos)
		top := stack[len(stack)-1]
		if !ok {
			appendHTML(top, s[pos:], len(stack) == 1)
			break
		}
		appendHTML(top, s[pos:d.start], len(stack) == 1)
		pos = d.end
		switch {
		case d.void:
			top.parts = append(top.parts, &block{name: d.name, attrs: d.attrs, raw: d.raw})
		case d.closing:
			// Close up to the matching open block.
			for k := len(stack) - 1; k > 0; k-- {
				if stack[k].name == d.name {
					stack = stack[:k]
					break
				}
			}
		default:
			b := &block{name: d.name, attrs: d.attrs, raw: d.raw}
			top.parts = append(top.parts, b)
			stack = append(stack, b)
		}
	}
	var out []*block
	for _, p := range root.parts {
		switch v := p.(type) {
		case *block:
			out = append(out, v)
		case string:
			out = append(out, &block{parts: []any{v}})
		}
	}
	return out
}

// appendHTML adds HTML to a block; at the top level, whitespace between
// blocks is dropped and other text becomes freeform.
func appendHTML(b *block, h string, top bool) {
	if h == "" || top && strings.TrimSpace(h) == "" {
		return
	}
	b.parts = append(b.parts, h)
}

// attrInt reads a numeric block attribute.
func (b *block) attrInt(key string) int64 {
	switch v := b.attrs[key].(type) {
	case float64:
		return int64(v)
	case string:
		var n int64
		for _, c := range v {
			if c < '0' || c > '9' {
				return 0
			}
			n = n*10 + int64(c-'0')
		}
		return n
	}
	return 0
}

// attrString reads a string block attribute.
func (b *block) attrString(key string) string {
	s, _ := b.attrs[key].(string)
	return s
}
