package render

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func mustRender(t testing.TB, r *Renderer, src string) Document {
	t.Helper()
	d, err := r.Markdown(src)
	if err != nil {
		t.Fatalf("Markdown: %v", err)
	}
	checkDocument(t, d)
	return d
}

func TestTableRenders(t *testing.T) {
	src := "| Scar type | Looks like | Often treated with |\n" +
		"|:--|:-:|--:|\n" +
		"| Ice pick | Narrow, deep pits | Punch excision |\n" +
		"| Boxcar | Wide, sharp edges | Subcision, lasers |\n"
	d := mustRender(t, New(), src)
	want := "<table>\n<thead>\n<tr>\n<th align=\"left\">Scar type</th>\n<th align=\"center\">Looks like</th>\n<th align=\"right\">Often treated with</th>\n</tr>\n</thead>\n" +
		"<tbody>\n<tr>\n<td align=\"left\">Ice pick</td>\n<td align=\"center\">Narrow, deep pits</td>\n<td align=\"right\">Punch excision</td>\n</tr>\n" +
		"<tr>\n<td align=\"left\">Boxcar</td>\n<td align=\"center\">Wide, sharp edges</td>\n<td align=\"right\">Subcision, lasers</td>\n</tr>\n</tbody>\n</table>\n"
	if string(d.HTML) != want {
		t.Errorf("HTML =\n%s\nwant\n%s", d.HTML, want)
	}
}

func TestHeadings(t *testing.T) {
	tests := map[string]struct {
		src      string
		headings []Heading
		html     []string
	}{
		"ids from text": {
			src:      "## What are pores?\n\n### Why do they look bigger in summer?\n\n#### Sebum, heat & you",
			headings: []Heading{{2, "what-are-pores", "What are pores?"}, {3, "why-do-they-look-bigger-in-summer", "Why do they look bigger in summer?"}, {4, "sebum-heat-you", "Sebum, heat & you"}},
			html:     []string{`<h2 id="what-are-pores">What are pores?</h2>`, `<h4 id="sebum-heat-you">Sebum, heat &amp; you</h4>`},
		},
		"duplicates numbered": {
			src:      "## Causes\n\n## Causes\n\n## causes!\n\n## Causes-2",
			headings: []Heading{{2, "causes", "Causes"}, {2, "causes-2", "Causes"}, {2, "causes-3", "causes!"}, {2, "causes-2-2", "Causes-2"}},
		},
		"h1 demoted and outline shifted": {
			src:      "# Sunscreen basics\n\n## SPF\n\n### UVA",
			headings: []Heading{{2, "sunscreen-basics", "Sunscreen basics"}, {3, "spf", "SPF"}, {4, "uva", "UVA"}},
			html:     []string{`<h2 id="sunscreen-basics">Sunscreen basics</h2>`, `<h3 id="spf">SPF</h3>`},
		},
		"setext h1 demoted": {
			src:      "Acne scars\n==========\n\nText.",
			headings: []Heading{{2, "acne-scars", "Acne scars"}},
		},
		"no h1 keeps levels": {
			src:      "## SPF\n\n### UVA",
			headings: []Heading{{2, "spf", "SPF"}, {3, "uva", "UVA"}},
		},
		"h5 and h6 get no anchor": {
			src:      "## A\n\n##### Fine print\n\n###### Finer",
			headings: []Heading{{2, "a", "A"}},
			html:     []string{"<h5>Fine print</h5>", "<h6>Finer</h6>"},
		},
		"unicode kept": {
			src:      "## Crème solaire für Kinder\n\n## 日焼け止め",
			headings: []Heading{{2, "crème-solaire-für-kinder", "Crème solaire für Kinder"}, {2, "日焼け止め", "日焼け止め"}},
		},
		"inline markup flattened": {
			src:      "## Is *SPF 50* really [twice](https://x.example) `SPF 25`?",
			headings: []Heading{{2, "is-spf-50-really-twice-spf-25", "Is SPF 50 really twice SPF 25?"}},
		},
		"punctuation only": {
			src:      "## ???\n\n## !!!",
			headings: []Heading{{2, "section", "???"}, {2, "section-2", "!!!"}},
		},
		"attribute syntax is text": {
			src:      "## Pores {#evil onclick=x}",
			headings: []Heading{{2, "pores-evil-onclick-x", "Pores {#evil onclick=x}"}},
		},
	}
	r := New()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := mustRender(t, r, tc.src)
			if len(d.Headings) != len(tc.headings) {
				t.Fatalf("Headings = %+v, want %+v", d.Headings, tc.headings)
			}
			for i := range tc.headings {
				if d.Headings[i] != tc.headings[i] {
					t.Errorf("Headings[%d] = %+v, want %+v", i, d.Headings[i], tc.headings[i])
				}
			}
			for _, w := range tc.html {
				if !strings.Contains(string(d.HTML), w) {
					t.Errorf("HTML lacks %q:\n%s", w, d.HTML)
				}
			}
			if strings.Contains(string(d.HTML), "<h1") {
				t.Errorf("h1 in body:\n%s", d.HTML)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	src := "Read [our guide](/articles/sunscreen), [the section](#spf), [a page](other-page), " +
		"[the WHO](https://www.who.int/), [a CDN](//cdn.example/x), <https://sun.example>, www.skin.example, " +
		"[email us](mailto:desk@clinic.example), [call](tel:+44123), <desk@clinic.example>."
	want := `<p>Read <a href="/articles/sunscreen">our guide</a>, <a href="#spf">the section</a>, <a href="other-page">a page</a>, ` +
		`<a href="https://www.who.int/" rel="noopener nofollow">the WHO</a>, <a href="//cdn.example/x" rel="noopener nofollow">a CDN</a>, ` +
		`<a href="https://sun.example" rel="noopener nofollow">https://sun.example</a>, <a href="http://www.skin.example" rel="noopener nofollow">www.skin.example</a>, ` +
		`<a href="mailto:desk@clinic.example">email us</a>, <a href="tel:+44123">call</a>, <a href="mailto:desk@clinic.example">desk@clinic.example</a>.</p>` + "\n"
	d := mustRender(t, New(), src)
	if string(d.HTML) != want {
		t.Errorf("HTML =\n%s\nwant\n%s", d.HTML, want)
	}
}

func TestRawHTMLDropped(t *testing.T) {
	d := mustRender(t, New(), "Before\n\n<div class=\"callout\">Hidden box</div>\n\nInline <b>bold</b> tag.")
	want := "<p>Before</p>\n\n<p>Inline bold tag.</p>\n"
	if string(d.HTML) != want {
		t.Errorf("HTML = %q, want %q", d.HTML, want)
	}
	if strings.Contains(d.Text, "Hidden") || strings.Contains(d.Text, "<") {
		t.Errorf("raw HTML leaked into Text: %q", d.Text)
	}
}

func TestMarkdownFeatures(t *testing.T) {
	src := "Use **SPF 30** or *higher*, ~~once a day~~ every two hours.\n\n" +
		"- [x] Apply before going out\n- [ ] Reapply after swimming\n\n" +
		"1. Cleanse\n2. Treat\n\n" +
		"Then wait.\n\n3. Moisturise\n\n" +
		"> Pores do not open and close.\n\n" +
		"```text\nSPF 50 blocks ~98% of UVB\n```\n\n" +
		"![Pore close-up](/media/pores.jpg \"Magnified skin\")\n\n---\n"
	d := mustRender(t, New(), src)
	for _, w := range []string{
		"<strong>SPF 30</strong>", "<em>higher</em>", "<del>once a day</del>",
		"<li>\u2611 Apply before going out</li>", "<li>\u2610 Reapply after swimming</li>",
		"<ol>", `<ol start="3">`, "<blockquote>", `<pre><code class="language-text">SPF 50 blocks ~98% of UVB`,
		`<img src="/media/pores.jpg" alt="Pore close-up" title="Magnified skin">`, "<hr>",
	} {
		if !strings.Contains(string(d.HTML), w) {
			t.Errorf("HTML lacks %q:\n%s", w, d.HTML)
		}
	}
	if strings.Contains(string(d.HTML), "<input") {
		t.Errorf("task list rendered form controls:\n%s", d.HTML)
	}
}

func TestTextAndWords(t *testing.T) {
	src := "## Sunscreen\n\nApply it **every** morning.\nReapply at noon.\n\n| SPF | Blocks |\n|---|---|\n| 30 | 97% |\n\n<script>x()</script>\n\n![alt text](/i.png)"
	d := mustRender(t, New(), src)
	want := "Sunscreen\nApply it every morning. Reapply at noon.\nSPF Blocks\n30 97%"
	if d.Text != want {
		t.Errorf("Text = %q, want %q", d.Text, want)
	}
	if d.Words != 12 {
		t.Errorf("Words = %d, want 12", d.Words)
	}
}

func TestEmptyInput(t *testing.T) {
	d := mustRender(t, New(), "")
	if d.HTML != "" || d.Text != "" || d.Words != 0 || len(d.Headings) != 0 || len(d.FAQ) != 0 {
		t.Errorf("empty input gave %+v", d)
	}
}

func TestTooLarge(t *testing.T) {
	r := New()
	if _, err := r.Markdown(strings.Repeat("a", MaxSourceBytes)); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	_, err := r.Markdown(strings.Repeat("a", MaxSourceBytes+1))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: err = %v, want ErrTooLarge", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	r := New()
	src := "## FAQ\n\n- **Can pores shrink?** No, but they can look smaller.\n- **Does SPF stack?** No.\n\n## Sources\n\nSee [the WHO](https://www.who.int/)."
	want, err := r.Markdown(src)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				got, err := r.Markdown(src)
				if err != nil || got.HTML != want.HTML || len(got.FAQ) != len(want.FAQ) || got.Text != want.Text {
					t.Errorf("concurrent render differs: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestClassifyURL(t *testing.T) {
	tests := map[string]urlKind{
		"/a": urlRelative, "a/b": urlRelative, "#x": urlRelative, "?q=1": urlRelative, "": urlRelative,
		"a:b": urlForbidden, "javascript:x": urlForbidden, " JavaScript:x": urlForbidden, "java\tscript:x": urlForbidden,
		"data:image/png;base64,AA": urlForbidden, "vbscript:x": urlForbidden, "\x01javascript:x": urlForbidden,
		"http://x": urlOutbound, "HTTPS://x": urlOutbound, "https:x": urlOutbound, "//x": urlOutbound,
		`\\x`: urlOutbound, `/\x`: urlOutbound, "/\t/x": urlOutbound,
		"mailto:a@b": urlContact, "TEL:+1": urlContact,
		"%6Aavascript:x": urlRelative, "1http://x": urlRelative,
	}
	for in, want := range tests {
		if got := classifyURL(in); got != want {
			t.Errorf("classifyURL(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestTidyText(t *testing.T) {
	tests := map[string]struct {
		in, want string
		words    int
	}{
		"empty":           {"", "", 0},
		"spaces":          {"  a \t b  ", "a b", 2},
		"lines":           {"\n\na  b\n \n c\n", "a b\nc", 3},
		"line wins":       {"a \n b", "a\nb", 2},
		"unicode space":   {"a\u00a0\u2003b", "a b", 2},
		"nul and invalid": {"a\x00b \xff", "a\uFFFDb \uFFFD", 2},
	}
	for name, tc := range tests {
		got, words := tidyText(tc.in)
		if got != tc.want || words != tc.words {
			t.Errorf("%s: tidyText(%q) = %q, %d; want %q, %d", name, tc.in, got, words, tc.want, tc.words)
		}
		if words != len(strings.Fields(got)) {
			t.Errorf("%s: %d words but Fields finds %d", name, words, len(strings.Fields(got)))
		}
	}
}
