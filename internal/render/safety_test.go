package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// hostileCase is one attack on the renderer. want lists fragments the output
// must still contain, so a case cannot pass just because everything vanished.
type hostileCase struct {
	name    string
	src     string
	want    []string
	wantErr error // for shapes the renderer refuses instead of rendering
}

var hostileCorpus = []hostileCase{
	{name: "script_block", src: "<script>alert(1)</script>\n\nSunscreen matters."},
	{name: "script_inline", src: "Apply sunscreen <script>alert(1)</script> daily.", want: []string{"daily."}},
	{name: "script_upper_src", src: "<SCRIPT SRC=//evil.example/x.js></SCRIPT>"},
	{name: "img_onerror_block", src: "<img src=x onerror=alert(1)>"},
	{name: "img_onerror_inline", src: "Pores <img src=\"x\" onerror=\"alert(1)\"> are normal.", want: []string{"are normal."}},
	{name: "html_a_javascript", src: `<a href="javascript:alert(1)">click</a>`},
	{name: "html_a_entity_javascript", src: `<a href="&#x6A;&#x61;vascript:alert(1)">click</a>`},
	{name: "html_a_newline_entity", src: `Read <a href="jav&#x0A;ascript:alert(1)">this</a>.`},
	{name: "html_a_leading_space", src: `<a href=" javascript:alert(1)">x</a>`},
	{name: "md_link_javascript", src: "[read more](javascript:alert(1))", want: []string{"read more"}},
	{name: "md_link_mixed_case", src: "[read more](JaVaScRiPt:alert(1))", want: []string{"read more"}},
	{name: "md_link_tab_entity", src: "[read more](java&#x09;script:alert(1))", want: []string{"read more"}},
	{name: "md_link_decimal_entity", src: "[read more](&#106;avascript:alert(1))", want: []string{"read more"}},
	{name: "md_link_named_colon", src: "[read more](javascript&colon;alert(1))", want: []string{"read more"}},
	{name: "md_link_newline_entity", src: "[read more](java&#10;script:alert(1))", want: []string{"read more"}},
	{name: "md_link_angle_leading_space", src: "[read more](< javascript:alert(1)>)", want: []string{"read more"}},
	{name: "md_link_nul", src: "[read more](java\x00script:alert(1))", want: []string{"read more"}},
	{name: "md_link_scheme_nul", src: "[read more](javascript\x00:alert(1))", want: []string{"read more"}},
	{name: "md_link_vbscript", src: "[read more](vbscript:msgbox(1))", want: []string{"read more"}},
	{name: "md_link_data_html", src: "[read more](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", want: []string{"read more"}},
	{name: "md_link_file", src: "[read more](file:///etc/passwd)", want: []string{"read more"}},
	{name: "md_link_fullwidth", src: "[read more](ｊａｖａｓｃｒｉｐｔ:alert(1))"},
	{name: "md_link_percent_scheme", src: "[read more](%6Aavascript:alert(1))"},
	{name: "md_link_unicode_escape", src: `[read more](\u006aavascript:alert(1))`},
	{name: "md_image_data_svg", src: "![scar chart](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", want: []string{"scar chart"}},
	{name: "md_image_data_png", src: "![pore close-up](data:image/png;base64,iVBORw0KGgo=)", want: []string{"pore close-up"}},
	{name: "md_image_javascript", src: "![x](javascript:alert(1))"},
	{name: "md_image_mailto", src: "![x](mailto:someone@example.org)"},
	{name: "md_image_alt_breakout", src: `![" onerror="alert(1)](https://cdn.example/pores.png)`, want: []string{"<img"}},
	{name: "md_link_title_breakout", src: `[x](https://ok.example "\" onmouseover=\"alert(1)")`, want: []string{`rel="noopener nofollow"`}},
	{name: "svg_onload", src: "<svg onload=alert(1)><circle r=5/></svg>"},
	{name: "svg_script_inline", src: "Before <svg><script>alert(1)</script></svg> after", want: []string{"after"}},
	{name: "iframe", src: `<iframe src="https://evil.example"></iframe>`},
	{name: "iframe_srcdoc", src: `<iframe srcdoc="<script>alert(1)</script>"></iframe>`},
	{name: "object", src: `<object data="javascript:alert(1)"></object>`},
	{name: "embed", src: `<embed src="javascript:alert(1)">`},
	{name: "form", src: `<form action="https://evil.example"><input name=p><button formaction=javascript:alert(1)>Go</button></form>`},
	{name: "style_block", src: "<style>body{background:url(javascript:alert(1))}</style>"},
	{name: "meta_refresh", src: `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`},
	{name: "base_href", src: `<base href="https://evil.example/">`},
	{name: "link_stylesheet", src: `<link rel=stylesheet href="https://evil.example/x.css">`},
	{name: "comment_open_close", src: "<!--><script>alert(1)</script>-->"},
	{name: "comment_bang_close", src: "<!-- --!><script>alert(1)</script> -->"},
	{name: "comment_inline", src: "Text <!--><img src=x onerror=alert(1)>--> more", want: []string{"more"}},
	{name: "cdata", src: "<![CDATA[<script>alert(1)</script>]]>"},
	{name: "math_mxss", src: "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"},
	{name: "noscript_mxss", src: `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`},
	{name: "template_script", src: "<template><script>alert(1)</script></template>"},
	{name: "xmp_plaintext", src: "<xmp><script>alert(1)</script></xmp><plaintext><script>"},
	{name: "textarea_title", src: "<textarea><script>alert(1)</script></textarea><title><script>"},
	{name: "html_protocol_relative", src: `<a href="//evil.example">x</a>`},
	{name: "md_protocol_relative", src: "[derm clinic](//evil.example/path)", want: []string{`href="//evil.example/path" rel="noopener nofollow"`}},
	{name: "md_https_no_slashes", src: "[x](https:evil.example)", want: []string{`rel="noopener nofollow"`}},
	{name: "md_entity_https", src: "[x](&#104;ttps://evil.example)", want: []string{`rel="noopener nofollow"`}},
	{name: "md_entity_slashes", src: "[x](&#x2F;&#x2F;evil.example)", want: []string{`rel="noopener nofollow"`}},
	{name: "ref_def_entity_https", src: "[x][e]\n\n[e]: &#x68;ttps://evil.example/a", want: []string{`rel="noopener nofollow"`}},
	{name: "md_https_upper", src: "[x](HTTPS://EVIL.EXAMPLE/)", want: []string{`rel="noopener nofollow"`}},
	{name: "md_backslash_host", src: `[x](/\evil.example) [y](\\evil.example)`},
	{name: "md_tab_slash", src: "[x](</\t/evil.example>)"},
	{name: "ref_def_javascript", src: "See [the guide][g].\n\n[g]: javascript:alert(1)", want: []string{"the guide"}},
	{name: "ref_def_entity", src: "See [the guide][g].\n\n[g]: &#x6A;avascript:alert(1) \"t\"", want: []string{"the guide"}},
	{name: "ref_def_data_image", src: "![chart][c]\n\n[c]: data:image/gif;base64,R0lGODlhAQABAAAAACw=", want: []string{"chart"}},
	{name: "autolink_javascript", src: "<javascript:alert(1)>"},
	{name: "autolink_vbscript_upper", src: "<VBSCRIPT:msgbox(1)>"},
	{name: "autolink_data", src: "<data:text/html,alert(1)>"},
	{name: "autolink_https", src: "<https://sun.example/uv>", want: []string{`rel="noopener nofollow"`}},
	{name: "linkify_www", src: "Visit www.evil.example/\"onmouseover=alert(1) today", want: []string{`rel="noopener nofollow"`}},
	{name: "linkify_bare_javascript", src: "javascript:alert(1) is not a link"},
	{name: "srcset", src: `<img srcset="javascript:alert(1) 1x" src=x>`},
	{name: "style_attr_expression", src: `<p style="width:expression(alert(1))">x</p>`},
	{name: "style_attr_url", src: `<div style="background:url(javascript:alert(1))">x</div>`},
	{name: "details_ontoggle", src: "<details open ontoggle=alert(1)><summary>x</summary></details>"},
	{name: "nested_script", src: "<<script>script>alert(1)<</script>/script>"},
	{name: "attr_no_space", src: `<a href="https://ok.example"onclick="alert(1)">x</a>`},
	{name: "unclosed_img", src: `<img src=x onerror="alert(1)"`},
	{name: "nul_in_tag", src: "<scr\x00ipt>alert(1)</scr\x00ipt>"},
	{name: "heading_breakout", src: `## "><script>alert(1)</script>`, want: []string{"<h2 id="}},
	{name: "table_cell_html", src: "| Type | Note |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |", want: []string{"<table>"}},
	{name: "task_list_input", src: "- [x] <input onfocus=alert(1) autofocus>\n- [ ] reapply", want: []string{"reapply"}},
	{name: "fence_info_breakout", src: "```\"><script>alert(1)</script>\nspf 50\n```", want: []string{"spf 50"}},
	{name: "fence_info_class", src: "```go onclick=alert(1)\nx := 1\n```", want: []string{"x := 1"}},
	{name: "faq_hostile_answers", src: "## FAQ\n\n- **Is it safe?** <script>alert(1)</script> [x](javascript:alert(1))\n- **Links?** See [us](https://evil.example)"},
	{name: "mailto_tel_ok", src: "[mail](mailto:desk@clinic.example) [call](tel:+441234567890)", want: []string{`href="mailto:desk@clinic.example"`, `href="tel:+441234567890"`}},
	{name: "image_protocol_relative", src: "![pores](//cdn.example/pores.jpg)", want: []string{`src="//cdn.example/pores.jpg"`}},
	{name: "invalid_utf8", src: "Acne \xff\xfe scars [x](java\xffscript:alert(1))"},
	{name: "deep_blockquote", src: strings.Repeat(">", 5000) + " deep", wantErr: ErrTooComplex},
	{name: "deep_list", src: strings.Repeat("- ", 2000) + "deep", wantErr: ErrTooComplex},
	{name: "nested_at_limit", src: strings.Repeat("> - ", 16) + "Leaf [x](javascript:1) <script>alert(1)</script>", want: []string{"<blockquote>", "<li>Leaf x alert(1)</li>"}},
	{name: "indented_nesting", src: nestedList(200, "[x](JAVASCRIPT:alert(1)) <img src=x onerror=alert(1)>")},
	{name: "wide_table", src: strings.Repeat("|a", 65) + "|\n" + strings.Repeat("|-", 65) + "|\n" + strings.Repeat("|x\n", 10), wantErr: ErrTooComplex},
	{name: "table_amplification", src: strings.Repeat("|a", 64) + "|\n" + strings.Repeat("|-", 64) + "|\n" + strings.Repeat("x\n", 5000), wantErr: ErrTooComplex},
	{name: "table_at_limit", src: strings.Repeat("|<b onclick=x>a</b>", 64) + "|\n" + strings.Repeat("|-", 64) + "|\n" + strings.Repeat("|[x](javascript:1)\n", 100), want: []string{"<table>"}},
	{name: "many_brackets", src: strings.Repeat("[", 20000) + "x" + strings.Repeat("](javascript:a)", 2000)},
	{name: "many_emphasis", src: strings.Repeat("*_", 20000) + "x"},
	{name: "very_long_mixed", src: strings.Repeat("[x](javascript:alert(1)) <script>alert(1)</script> ![y](data:image/png;base64,AA) ", 3000)},
}

// nestedList builds a list nested depth levels deep by indentation, the way
// an editor would, with leaf at the bottom.
func nestedList(depth int, leaf string) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i) + "- level\n")
	}
	b.WriteString(strings.Repeat("  ", depth) + "- " + leaf + "\n")
	return b.String()
}

// Independent of the package's own classifier: what a browser would do with
// a URL attribute value (already entity-decoded by the tokenizer).
var reBrowserScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.\-]*):`)

func browserURL(v string) (scheme string, outbound bool) {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= 0x20 })
	v = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v)
	if m := reBrowserScheme.FindStringSubmatch(v); m != nil {
		scheme = strings.ToLower(m[1])
		return scheme, scheme == "http" || scheme == "https"
	}
	return "", strings.HasPrefix(strings.ReplaceAll(v, `\`, "/"), "//")
}

// allowedElements is every element the output may contain.
var allowedElements = map[string]bool{
	"p": true, "br": true, "hr": true, "blockquote": true, "pre": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "em": true, "strong": true, "del": true, "code": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"a": true, "img": true,
}

// forbiddenElements are named separately so a failure says what got through.
var forbiddenElements = []string{
	"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
	"svg", "math", "form", "input", "button", "select", "textarea", "option",
	"meta", "base", "link", "template", "noscript", "xmp", "plaintext", "title",
	"h1", "details", "video", "audio", "source", "portal",
}

var urlAttrs = map[string]bool{
	"href": true, "src": true, "srcset": true, "action": true, "formaction": true,
	"xlink:href": true, "poster": true, "background": true, "cite": true, "data": true,
	"codebase": true, "ping": true, "lowsrc": true, "dynsrc": true,
}

// checkSafe asserts the safety properties on one HTML fragment, first as a
// token stream, then as the tree a browser would build.
func checkSafe(t testing.TB, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("tokenizer: %v", z.Err())
			}
			break
		}
		switch tt {
		case html.CommentToken, html.DoctypeToken:
			t.Errorf("comment or doctype in output: %q\n%s", z.Token().Data, out)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			checkElement(t, tok.Data, tok.Attr, out)
		}
	}

	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "article", DataAtom: atom.Article})
	if err != nil {
		// x/net/html refuses trees deeper than 512 elements (browsers cap
		// nesting near there too); the token pass above has still seen
		// every tag.
		if strings.Contains(err.Error(), "open stack of elements exceeds") {
			return
		}
		t.Fatalf("parse: %v", err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			if n.Namespace != "" {
				t.Errorf("foreign element %s:%s in tree\n%s", n.Namespace, n.Data, out)
			}
			checkElement(t, n.Data, n.Attr, out)
		case html.CommentNode:
			t.Errorf("comment in tree: %q", n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func checkElement(t testing.TB, name string, attrs []html.Attribute, out string) {
	t.Helper()
	name = strings.ToLower(name)
	if slices.Contains(forbiddenElements, name) || !allowedElements[name] {
		t.Errorf("element <%s> in output\n%s", name, out)
	}
	var href, rel string
	var hasHref, hasTarget bool
	for _, a := range attrs {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		switch {
		case strings.HasPrefix(key, "on"):
			t.Errorf("event handler %s=%q on <%s>\n%s", key, a.Val, name, out)
		case key == "style" || key == "srcset":
			t.Errorf("attribute %s on <%s>\n%s", key, name, out)
		case key == "target":
			hasTarget = true
		case key == "rel":
			rel = a.Val
		}
		if !urlAttrs[key] {
			continue
		}
		scheme, _ := browserURL(a.Val)
		ok := scheme == "" || scheme == "http" || scheme == "https"
		if key == "href" {
			ok = ok || scheme == "mailto" || scheme == "tel"
			href, hasHref = a.Val, true
		}
		if !ok {
			t.Errorf("%s=%q on <%s>: scheme %q not allowed\n%s", key, a.Val, name, scheme, out)
		}
	}
	if name == "a" && hasHref {
		if _, outbound := browserURL(href); outbound {
			f := strings.Fields(rel)
			if !slices.Contains(f, "noopener") || !slices.Contains(f, "nofollow") {
				t.Errorf("outbound link %q has rel=%q, want noopener nofollow\n%s", href, rel, out)
			}
		}
		if hasTarget {
			t.Errorf("link %q has a target attribute\n%s", href, out)
		}
	}
}

// checkDocument applies checkSafe to every HTML part of a Document plus the
// structural promises that must hold for any input.
func checkDocument(t testing.TB, d Document) {
	t.Helper()
	checkSafe(t, string(d.HTML))
	for _, qa := range d.FAQ {
		checkSafe(t, string(qa.AnswerHTML))
		if qa.Question == "" || qa.AnswerText == "" {
			t.Errorf("FAQ pair with an empty side: %+v", qa)
		}
	}
	seen := map[string]bool{}
	for _, h := range d.Headings {
		if h.Level < 2 || h.Level > 4 {
			t.Errorf("heading level %d in Headings", h.Level)
		}
		if seen[h.ID] {
			t.Errorf("duplicate heading id %q", h.ID)
		}
		seen[h.ID] = true
		if !reAnchorID.MatchString(h.ID) {
			t.Errorf("heading id %q would not survive the sanitiser", h.ID)
		}
		if !strings.Contains(string(d.HTML), `id="`+h.ID+`"`) {
			t.Errorf("heading id %q missing from HTML", h.ID)
		}
	}
	if d.Words != len(strings.Fields(d.Text)) {
		t.Errorf("Words = %d, Text has %d", d.Words, len(strings.Fields(d.Text)))
	}
	if ld := FAQPageJSONLD("https://clinic.example/a", d.FAQ); ld != "" {
		if !json.Valid([]byte(ld)) || strings.ContainsAny(string(ld), "<>") {
			t.Errorf("FAQ JSON-LD invalid or unescaped: %s", ld)
		}
	}
}

func TestHostileCorpus(t *testing.T) {
	if len(hostileCorpus) < 40 {
		t.Fatalf("corpus has %d cases, want at least 40", len(hostileCorpus))
	}
	r := New()
	names := map[string]bool{}
	for _, tc := range hostileCorpus {
		if names[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		names[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			d, err := r.Markdown(tc.src)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Markdown: %v", err)
			}
			checkDocument(t, d)
			for _, w := range tc.want {
				if !strings.Contains(string(d.HTML), w) {
					t.Errorf("output lacks %q\n%s", w, d.HTML)
				}
			}
		})
	}
}

// TestCheckerCatchesUnsafeHTML proves the oracle can fail: each fragment
// here must be reported.
func TestCheckerCatchesUnsafeHTML(t *testing.T) {
	for _, bad := range []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="&#x6A;avascript:alert(1)">x</a>`,
		`<a href=" java&#x09;script:alert(1)">x</a>`,
		`<img src="data:image/png;base64,AA">`,
		`<img src="mailto:a@b.example">`,
		`<a href="https://evil.example">x</a>`,
		`<a href="//evil.example" rel="nofollow">x</a>`,
		`<a href="/\evil.example">x</a>`,
		`<a href="/ok" target="_blank">x</a>`,
		`<p style="color:red">x</p>`,
		`<h1>x</h1>`,
		`<svg></svg>`,
		`<!-- x -->`,
		`<p><math><mi>x</mi></math></p>`,
	} {
		ft := &fakeT{}
		checkSafe(ft, bad)
		if !ft.failed {
			t.Errorf("checker accepted %q", bad)
		}
	}
	ft := &fakeT{}
	checkSafe(ft, `<p><a href="https://ok.example" rel="noopener nofollow">x</a> <a href="/in">y</a> <img src="/i.png" alt=""></p>`)
	if ft.failed {
		t.Errorf("checker rejected safe HTML: %v", ft.msgs)
	}
}

// fakeT records failures instead of failing the real test.
type fakeT struct {
	testing.TB
	failed bool
	msgs   []string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

func (f *fakeT) Fatalf(format string, args ...any) { f.Errorf(format, args...) }

// FuzzMarkdown renders arbitrary input and asserts the same safety
// properties as TestHostileCorpus on every output.
func FuzzMarkdown(f *testing.F) {
	for _, tc := range hostileCorpus {
		if len(tc.src) <= 4096 {
			f.Add(tc.src)
		}
	}
	f.Add("## FAQ\n\n### Can pores shrink?\n\nNot really.\n\n### Does SPF stack?\n\nNo.")
	f.Add("# Acne scars\n\n| Scar | Treatment |\n|---|---|\n| Ice pick | Punch excision |\n")
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		d, err := r.Markdown(src)
		if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTooComplex) {
			return
		}
		if err != nil {
			t.Fatalf("Markdown: %v", err)
		}
		checkDocument(t, d)
		if !utf8.ValidString(string(d.HTML)) || !utf8.ValidString(d.Text) {
			t.Errorf("invalid UTF-8 in output")
		}
		if strings.Contains(string(d.HTML), "<h1") {
			t.Errorf("h1 in body:\n%s", d.HTML)
		}
	})
}
