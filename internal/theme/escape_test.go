package theme_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/theme"
)

const (
	evilTitle = `<img src=x onerror=alert(1)>`
	evilTag   = `</script>`
)

// hostile fills every text field a clinic or author controls with markup.
func hostile(page string) *theme.View {
	v := theme.Sample(page)
	v.Page.Title = evilTitle
	v.Page.Description = evilTitle
	v.Site.Name = evilTitle
	v.Site.Tagline = evilTag
	v.Site.FooterNotice = evilTitle
	v.Site.Address = evilTag
	v.Site.PrimaryColor = `red;}</style><script>alert(1)</script>`
	v.Nav = append(v.Nav, theme.NavLink{Label: evilTag, URL: "javascript:alert(1)"})
	evil := theme.Tag{Name: evilTag, URL: "/tags/x"}
	if v.Article != nil {
		v.Article.Title = evilTitle
		v.Article.Summary = evilTag
		v.Article.Tags = append([]theme.Tag{evil}, v.Article.Tags...)
		v.Article.Author.Name = evilTitle
		v.Article.Reviewer.Name = evilTitle
		v.Article.FAQ[0].Question = evilTag
		v.Page.JSONLD = theme.ArticleJSONLD(v.Site, v.Article, nil)
	}
	cards := func(cs []theme.ArticleCard) {
		for i := range cs {
			cs[i].Title = evilTitle
			cs[i].Tags = append(cs[i].Tags, evil)
		}
	}
	if v.List != nil {
		v.List.Heading = evilTitle
		cards(v.List.Articles)
	}
	if v.Doctor != nil {
		v.Doctor.Name = evilTitle
		cards(v.Doctor.Reviewed)
	}
	if v.Search != nil {
		v.Search.Query = evilTag
		cards(v.Search.Results)
	}
	return v
}

func TestEscaping(t *testing.T) {
	e := newEngine(t)
	for _, name := range e.Names() {
		for _, page := range allPages {
			v := hostile(page)
			out := render(t, e, name, page, v)
			if bytes.Contains(out, []byte(evilTitle)) {
				t.Errorf("%s/%s: %q appears unescaped", name, page, evilTitle)
			}
			if !bytes.Contains(out, []byte("&lt;img src=x onerror=alert(1)&gt;")) {
				t.Errorf("%s/%s: escaped title missing", name, page)
			}
			if !bytes.Contains(out, []byte("&lt;/script&gt;")) {
				t.Errorf("%s/%s: escaped tag missing", name, page)
			}
			// Every </script> closes one of our JSON-LD scripts.
			if o, c := bytes.Count(out, []byte("<script")), bytes.Count(out, []byte("</script>")); o != c || o != len(v.Page.JSONLD) {
				t.Errorf("%s/%s: %d <script and %d </script> for %d JSON-LD documents", name, page, o, c, len(v.Page.JSONLD))
			}
			if bytes.Contains(out, []byte("javascript:")) {
				t.Errorf("%s/%s: javascript: URL survived", name, page)
			}
			if strings.Contains(string(out), "alert(1)</script>") {
				t.Errorf("%s/%s: colour broke out of the style element", name, page)
			}
			d := parse(t, out)
			if n := len(d.tag("h1")); n != 1 {
				t.Errorf("%s/%s: %d h1 after escaping", name, page, n)
			}
		}
	}
}
