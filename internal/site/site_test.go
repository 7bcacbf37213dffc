package site_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

type art = testenv.Article

var apath = testenv.ArticlePath

// get sends a GET through the real app with the Host header set.
func get(t *testing.T, e *testenv.Env, host, path string, hdr ...string) testenv.Response {
	t.Helper()
	return getApp(t, e.App, host, path, hdr...)
}

func getApp(t *testing.T, a *app.App, host, path string, hdr ...string) testenv.Response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Host = host
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := a.HTTP.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s %s: %v", host, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return testenv.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func mustGet(t *testing.T, e *testenv.Env, path string, want int) string {
	t.Helper()
	r := get(t, e, "example.com", path)
	if r.Status != want {
		t.Fatalf("GET %s: %d, want %d: %.300s", path, r.Status, want, r.Body)
	}
	return string(r.Body)
}

const body = `## What it is

Calm and careful words about %s for patients.

## Frequently Asked Questions

1. **Is it common?**
   Yes, it is common in adults.
2. **Should I see a doctor?**
   See your doctor if it bothers you.
`

// write creates an article with title, a body mentioning word, and tags.
func write(e *testenv.Env, c testenv.Clinic, title, word string, tags ...string) art {
	e.T.Helper()
	var a art
	e.MustDo("POST", apath(c.Slug, 0, ""), c.Writer, map[string]any{"title": title, "summary": "About " + word + ".",
		"body": fmt.Sprintf(body, word), "tags": tags}, 201, &a)
	return a
}

func submit(e *testenv.Env, c testenv.Clinic, a *art) {
	e.MustDo("POST", apath(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, a)
}

func approve(e *testenv.Env, c testenv.Clinic, a *art) {
	e.MustDo("POST", apath(c.Slug, a.ID, "/reviews"), c.Doctor, map[string]any{"decision": "approve",
		"revision": a.Revision, "content_hash": a.ContentHash, "attest": true, "signature": testenv.Sign}, 200, a)
}

func publish(e *testenv.Env, c testenv.Clinic, a *art) {
	e.MustDo("POST", apath(c.Slug, a.ID, "/publish"), c.Admin, nil, 200, a)
}

func live(e *testenv.Env, c testenv.Clinic, title, word string, tags ...string) art {
	a := write(e, c, title, word, tags...)
	submit(e, c, &a)
	approve(e, c, &a)
	publish(e, c, &a)
	return a
}

func setTheme(e *testenv.Env, c testenv.Clinic, name string) {
	e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"theme": name}, 200, nil)
}

// TestEveryPageBothThemes renders every page type with both embedded
// themes, under /sites/{clinic} and under the clinic's own host.
func TestEveryPageBothThemes(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		a := live(e, c, "Large pores explained", "sebum", "skin", "heart health")
		doctor := e.Membership(c, c.DoctorID)
		docSlug := "doctor-pores-" + fmt.Sprint(c.DoctorID)
		for _, th := range []string{"clinical", "serene"} {
			setTheme(e, c, th)
			marker := map[string]string{"clinical": `<div class="bar">`, "serene": `class="masthead"`}[th]
			for _, pre := range []struct{ host, prefix, base string }{
				{"example.com", "/sites/pores", "http://example.com/sites/pores"},
				{"pores.test", "", "http://pores.test"},
			} {
				pages := map[string]string{
					"/":                    "Large pores explained",
					"/articles/" + a.Slug:  "Medically reviewed by",
					"/tags/skin":           "Large pores explained",
					"/tags/heart%20health": "Large pores explained",
					"/doctors":             doctor.Name,
					"/doctors/" + docSlug:  doctor.RegistrationNumber,
					"/search?q=sebum":      "Large pores explained",
					"/search":              "Search",
					"/search?q=%22NEAR(%20title:x%20*%20OR%27": "Search",
					"/search?q=" + strings.Repeat("x", 600):    "Search",
				}
				for p, want := range pages {
					r := get(t, e, pre.host, pre.prefix+p)
					if r.Status != 200 {
						t.Fatalf("%s %s%s: %d %.200s", th, pre.host, p, r.Status, r.Body)
					}
					s := string(r.Body)
					if !strings.Contains(s, want) || !strings.Contains(s, marker) {
						t.Fatalf("%s %s%s: missing %q or theme marker", th, pre.host, p, want)
					}
					if strings.Count(s, "<h1") != 1 {
						t.Fatalf("%s %s: want exactly one h1", th, p)
					}
					// Every site link stays under the site's own base.
					for _, m := range regexp.MustCompile(`href="(http[^"]*)"`).FindAllStringSubmatch(s, -1) {
						if !strings.HasPrefix(m[1], pre.base+"/") {
							t.Fatalf("%s %s%s: link %s leaves %s", th, pre.host, p, m[1], pre.base)
						}
					}
				}
				r := get(t, e, pre.host, pre.prefix+"/articles/nope")
				if r.Status != 404 || !strings.Contains(string(r.Body), marker) || !strings.Contains(string(r.Body), "noindex") {
					t.Fatalf("%s themed 404: %d", th, r.Status)
				}
				art := string(get(t, e, pre.host, pre.prefix+"/articles/"+a.Slug).Body)
				for _, want := range []string{
					`<link rel="canonical" href="` + pre.base + `/articles/` + a.Slug + `">`,
					`<meta property="og:url" content="` + pre.base + `/articles/` + a.Slug + `">`,
					`<meta property="og:type" content="article">`,
					`<meta name="twitter:card"`,
					"Written by Writer pores",
					"Dr Doctor pores",
					"registration number " + doctor.RegistrationNumber,
					"on 2 March 2026",
					"Calm and careful words about sebum",
				} {
					if !strings.Contains(art, want) {
						t.Fatalf("%s article page lacks %q", th, want)
					}
				}
			}
		}
		// Host routing: an unknown host gets the plain 404 page.
		r := get(t, e, "nobody.example", "/")
		if r.Status != 404 || !strings.Contains(string(r.Body), "Site not found") {
			t.Fatalf("unknown host: %d %s", r.Status, r.Body)
		}
		if r := get(t, e, "example.com", "/sites/nope/"); r.Status != 404 {
			t.Fatalf("unknown clinic slug: %d", r.Status)
		}
		if r := get(t, e, "pores.test:8080", "/articles/"+a.Slug); r.Status != 200 {
			t.Fatalf("host with port: %d", r.Status)
		}
		// API paths are not site paths.
		if r := get(t, e, "pores.test", "/api/v1/nope"); r.Status < 400 || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("api path on a site host: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		robots := mustGet(t, e, "/sites/pores/robots.txt", 200)
		if !strings.Contains(robots, "Sitemap: http://example.com/sites/pores/sitemap.xml") {
			t.Fatalf("robots.txt: %s", robots)
		}
	})
}

type ld struct {
	Type       string `json:"@type"`
	URL        string `json:"url"`
	ReviewedBy struct {
		Name             string `json:"name"`
		Identifier       string `json:"identifier"`
		MedicalSpecialty string `json:"medicalSpecialty"`
	} `json:"reviewedBy"`
	Author        struct{ Name string } `json:"author"`
	LastReviewed  string                `json:"lastReviewed"`
	DatePublished string                `json:"datePublished"`
	DateModified  string                `json:"dateModified"`
	Publisher     struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"publisher"`
	MainEntity []struct {
		Name           string `json:"name"`
		AcceptedAnswer struct {
			Text string `json:"text"`
		} `json:"acceptedAnswer"`
	} `json:"mainEntity"`
}

var ldRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

func jsonLD(t *testing.T, page string) map[string]ld {
	t.Helper()
	out := map[string]ld{}
	for _, m := range ldRE.FindAllStringSubmatch(page, -1) {
		var v ld
		if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
			t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
		}
		out[v.Type] = v
	}
	return out
}

// TestStructuredData checks the article's JSON-LD field by field: the
// reviewer's registration number is the one at approval time, even after
// the doctor's profile changes.
func TestStructuredData(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		regAtApproval := e.Membership(c, c.DoctorID).RegistrationNumber
		a := write(e, c, "Sun and skin", "ultraviolet", "skin")
		submit(e, c, &a)
		approve(e, c, &a)
		approvedAt := e.Clock.Now()
		e.Clock.Advance(26 * time.Hour)
		e.SignInAgain(&c)
		publish(e, c, &a)
		publishedAt := e.Clock.Now()
		// Forward revision: edit, re-approve, re-publish a few days later.
		e.Clock.Advance(72 * time.Hour)
		e.SignInAgain(&c)
		e.MustDo("PUT", apath(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "summary": "About ultraviolet.",
			"body": fmt.Sprintf(body, "ultraviolet light"), "tags": []string{"skin"}, "version": a.Version}, 200, &a)
		submit(e, c, &a)
		approve(e, c, &a)
		reapprovedAt := e.Clock.Now()
		e.Clock.Advance(time.Hour)
		publish(e, c, &a)
		republishedAt := e.Clock.Now()
		// The doctor's profile changes after the approval.
		e.MustDo("PATCH", "/api/v1/me/doctor-profile", c.Doctor,
			map[string]any{"registration_number": "M77777Q", "specialty": "Allergy", "credentials_expire_on": "2031-01-01"}, 200, nil)

		page := mustGet(t, e, "/sites/pores/articles/"+a.Slug, 200)
		docs := jsonLD(t, page)
		mp, ok := docs["MedicalWebPage"]
		if !ok {
			t.Fatalf("no MedicalWebPage in %v", docs)
		}
		url := "http://example.com/sites/pores/articles/" + a.Slug
		checks := map[string][2]string{
			"url":                         {mp.URL, url},
			"reviewedBy.name":             {mp.ReviewedBy.Name, "Dr Doctor pores"},
			"reviewedBy.identifier":       {mp.ReviewedBy.Identifier, regAtApproval},
			"reviewedBy.medicalSpecialty": {mp.ReviewedBy.MedicalSpecialty, "Dermatology"},
			"author.name":                 {mp.Author.Name, "Writer pores"},
			"lastReviewed":                {mp.LastReviewed, reapprovedAt.Format(time.DateOnly)},
			"datePublished":               {mp.DatePublished, publishedAt.Format(time.RFC3339)},
			"dateModified":                {mp.DateModified, republishedAt.Format(time.RFC3339)},
			"publisher.@type":             {mp.Publisher.Type, "MedicalOrganization"},
			"publisher.name":              {mp.Publisher.Name, "Clinic pores"},
			"publisher.url":               {mp.Publisher.URL, "http://example.com/sites/pores/"},
		}
		for f, v := range checks {
			if v[0] != v[1] {
				t.Errorf("JSON-LD %s = %q, want %q", f, v[0], v[1])
			}
		}
		if reapprovedAt.Format(time.DateOnly) == approvedAt.Format(time.DateOnly) {
			t.Fatal("test setup: the two approvals must be on different days")
		}
		faq, ok := docs["FAQPage"]
		if !ok || len(faq.MainEntity) != 2 || faq.MainEntity[0].Name != "Is it common?" || faq.MainEntity[1].AcceptedAnswer.Text != "See your doctor if it bothers you." {
			t.Fatalf("FAQPage: %+v", faq)
		}
		// The byline shows the approval-time number; the profile page the new one.
		if !strings.Contains(page, "registration number "+regAtApproval) || strings.Contains(page, "M77777Q") {
			t.Fatal("article byline must show the registration number at approval")
		}
		prof := mustGet(t, e, fmt.Sprintf("/sites/pores/doctors/doctor-pores-%d", c.DoctorID), 200)
		if !strings.Contains(prof, "M77777Q") || !strings.Contains(prof, "Sun and skin") {
			t.Fatal("doctor page must show the current profile and the reviewed article")
		}
	})
}

type sitemapDoc struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

type feedDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		Title     string `xml:"title"`
		ID        string `xml:"id"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Link      struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary string `xml:"summary"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
	} `xml:"entry"`
}

func sitemapOf(t *testing.T, e *testenv.Env, host, path string) sitemapDoc {
	t.Helper()
	r := get(t, e, host, path)
	var s sitemapDoc
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/xml") {
		t.Fatalf("sitemap: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if err := xml.Unmarshal(r.Body, &s); err != nil {
		t.Fatalf("sitemap does not parse: %v", err)
	}
	return s
}

func feedOf(t *testing.T, e *testenv.Env, host, path string) feedDoc {
	t.Helper()
	r := get(t, e, host, path)
	var f feedDoc
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if err := xml.Unmarshal(r.Body, &f); err != nil {
		t.Fatalf("feed does not parse: %v", err)
	}
	return f
}

// TestSitemapAndFeed parses both documents and checks their fields.
func TestSitemapAndFeed(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		first := live(e, c, "First article", "alpha", "skin")
		e.Clock.Advance(time.Hour)
		second := live(e, c, "Second article", "beta", "skin")
		sm := sitemapOf(t, e, "pores.test", "/sitemap.xml")
		locs := map[string]string{}
		for _, u := range sm.URLs {
			locs[u.Loc] = u.LastMod
		}
		for _, want := range []string{"http://pores.test/", "http://pores.test/doctors", "http://pores.test/articles/" + first.Slug,
			"http://pores.test/articles/" + second.Slug, fmt.Sprintf("http://pores.test/doctors/doctor-pores-%d", c.DoctorID)} {
			if _, ok := locs[want]; !ok {
				t.Fatalf("sitemap lacks %s: %v", want, locs)
			}
		}
		if locs["http://pores.test/articles/"+first.Slug] != testenv.Start.Format(time.DateOnly) {
			t.Fatalf("lastmod: %v", locs)
		}
		f := feedOf(t, e, "pores.test", "/feed.xml")
		if f.Title != "Clinic pores" || f.ID != "http://pores.test/" || len(f.Entries) != 2 {
			t.Fatalf("feed: %+v", f)
		}
		self := false
		for _, l := range f.Links {
			self = self || (l.Rel == "self" && l.Href == "http://pores.test/feed.xml")
		}
		en := f.Entries[0]
		if !self || en.Title != "Second article" || en.Link.Href != "http://pores.test/articles/"+second.Slug || en.ID != en.Link.Href ||
			en.Summary != "About beta." || en.Author.Name != "Writer pores" || en.Published != testenv.Start.Add(time.Hour).Format(time.RFC3339) {
			t.Fatalf("feed entry: %+v (self link %v)", en, self)
		}
		if _, err := time.Parse(time.RFC3339, f.Updated); err != nil || f.Updated != en.Updated {
			t.Fatalf("feed updated %q vs entry %q", f.Updated, en.Updated)
		}
	})
}

// TestNonLiveNeverPublic puts an article in every state that is not live
// and checks it appears on no public page: home, article URL, tag page,
// doctor page, search, sitemap and feed.
func TestNonLiveNeverPublic(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		live(e, c, "Visible article", "visible", "skin", "hidden")
		type hidden struct {
			state, word string
			a           art
		}
		var hs []hidden
		mk := func(state string, steps func(a *art)) {
			word := "zq" + strings.ReplaceAll(state, "_", "")
			a := write(e, c, "Secret "+word, word, "hidden", "only"+strings.ReplaceAll(state, "_", ""))
			steps(&a)
			if a.Status != state {
				t.Fatalf("setup %s: status %s", state, a.Status)
			}
			hs = append(hs, hidden{state, word, a})
		}
		mk("draft", func(a *art) {})
		mk("in_review", func(a *art) { submit(e, c, a) })
		mk("approved", func(a *art) { submit(e, c, a); approve(e, c, a) })
		mk("changes_requested", func(a *art) {
			submit(e, c, a)
			e.MustDo("POST", apath(c.Slug, a.ID, "/reviews"), c.Doctor, map[string]any{"decision": "request_changes",
				"revision": a.Revision, "content_hash": a.ContentHash, "note": "Please add sources.", "attest": true, "signature": testenv.Sign}, 200, a)
		})
		mk("scheduled", func(a *art) {
			submit(e, c, a)
			approve(e, c, a)
			e.MustDo("POST", apath(c.Slug, a.ID, "/publish"), c.Admin, map[string]any{"at": e.Clock.Now().Add(48 * time.Hour)}, 200, a)
		})
		mk("unpublished", func(a *art) {
			submit(e, c, a)
			approve(e, c, a)
			publish(e, c, a)
			e.MustDo("POST", apath(c.Slug, a.ID, "/unpublish"), c.Admin, nil, 200, a)
		})
		mk("archived", func(a *art) {
			submit(e, c, a)
			approve(e, c, a)
			publish(e, c, a)
			e.MustDo("POST", apath(c.Slug, a.ID, "/archive"), c.Admin, nil, 200, a)
		})
		// Edited after publishing: the live text stays, the draft text never shows.
		ed := live(e, c, "Edited article", "zqlivetext", "skin")
		e.MustDo("PUT", apath(c.Slug, ed.ID, ""), c.Writer, map[string]any{"title": "Edited article", "summary": "About zqdrafttext.",
			"body": fmt.Sprintf(body, "zqdrafttext"), "tags": []string{"skin", "onlyedited"}, "version": ed.Version}, 200, &ed)

		doctorPage := fmt.Sprintf("/doctors/doctor-pores-%d", c.DoctorID)
		pages := []string{"/", "/tags/skin", "/tags/hidden", doctorPage, "/sitemap.xml", "/feed.xml"}
		for _, base := range []struct{ host, prefix string }{{"example.com", "/sites/pores"}, {"pores.test", ""}} {
			all := ""
			for _, p := range pages {
				r := get(t, e, base.host, base.prefix+p)
				if r.Status != 200 {
					t.Fatalf("%s: %d", p, r.Status)
				}
				all += string(r.Body)
			}
			for _, h := range hs {
				if strings.Contains(all, h.word) || strings.Contains(all, h.a.Slug) {
					t.Errorf("%s article appears on a public page", h.state)
				}
				// Taken down after being live: 410 Gone; never live: 404.
				want := 404
				if h.state == "unpublished" || h.state == "archived" {
					want = 410
				}
				if r := get(t, e, base.host, base.prefix+"/articles/"+h.a.Slug); r.Status != want || strings.Contains(string(r.Body), h.word) {
					t.Errorf("%s article URL: %d", h.state, r.Status)
				}
				if r := get(t, e, base.host, base.prefix+"/tags/only"+strings.ReplaceAll(h.state, "_", "")); r.Status != 404 {
					t.Errorf("%s article's own tag page: %d", h.state, r.Status)
				}
				if r := get(t, e, base.host, base.prefix+"/search?q="+h.word); r.Status != 200 || strings.Contains(string(r.Body), "Secret") ||
					!strings.Contains(string(r.Body), "0 articles") {
					t.Errorf("%s article found by search: %s", h.state, r.Body)
				}
			}
			if strings.Contains(all, "zqdrafttext") || !strings.Contains(all, "Edited article") {
				t.Error("edited article: draft text shown or live version missing from lists")
			}
			page := string(get(t, e, base.host, base.prefix+"/articles/"+ed.Slug).Body)
			if strings.Contains(page, "zqdrafttext") || !strings.Contains(page, "zqlivetext") {
				t.Error("edited article page must show the live text only")
			}
			if r := get(t, e, base.host, base.prefix+"/tags/onlyedited"); r.Status != 404 {
				t.Errorf("draft-only tag of the edited article: %d", r.Status)
			}
			if s := string(get(t, e, base.host, base.prefix+"/search?q=zqdrafttext").Body); !strings.Contains(s, "0 articles") {
				t.Error("search finds the edited article's draft text")
			}
			if s := string(get(t, e, base.host, base.prefix+"/search?q=zqlivetext").Body); !strings.Contains(s, "1 article") {
				t.Error("search must find the live text")
			}
		}
	})
}

// TestCacheInvalidation: pages are served from the cache, and publish,
// unpublish, scheduled publishing, theme and doctor profile changes are
// visible on the very next request.
func TestCacheInvalidation(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		first := live(e, c, "First article", "alpha", "skin")
		home := mustGet(t, e, "/sites/pores/", 200)
		_, _, hits0, _, _ := e.App.Site.CacheStats()
		if mustGet(t, e, "/sites/pores/", 200) != home {
			t.Fatal("second request differs")
		}
		if _, _, hits, _, _ := e.App.Site.CacheStats(); hits != hits0+1 {
			t.Fatalf("second request was not a cache hit: %d -> %d", hits0, hits)
		}
		artURL := "/sites/pores/articles/" + first.Slug
		mustGet(t, e, artURL, 200)

		// Publish.
		second := live(e, c, "Second article", "beta", "skin")
		if !strings.Contains(mustGet(t, e, "/sites/pores/", 200), "Second article") {
			t.Fatal("publish not visible on the next request")
		}
		// Unpublish.
		e.MustDo("POST", apath(c.Slug, second.ID, "/unpublish"), c.Admin, nil, 200, &second)
		if strings.Contains(mustGet(t, e, "/sites/pores/", 200), "Second article") {
			t.Fatal("unpublish not visible on the next request")
		}
		mustGet(t, e, "/sites/pores/articles/"+second.Slug, 410) // taken down: Gone
		// Scheduled publishing firing.
		third := write(e, c, "Third article", "gamma", "skin")
		submit(e, c, &third)
		approve(e, c, &third)
		e.MustDo("POST", apath(c.Slug, third.ID, "/publish"), c.Admin, map[string]any{"at": e.Clock.Now().Add(time.Hour)}, 200, &third)
		if strings.Contains(mustGet(t, e, "/sites/pores/", 200), "Third article") {
			t.Fatal("scheduled article shown early")
		}
		e.Clock.Advance(2 * time.Hour)
		e.SignInAgain(&c)
		if n, err := e.App.Articles.FireScheduled(context.Background()); err != nil || n != 1 {
			t.Fatalf("fire: %d %v", n, err)
		}
		if !strings.Contains(mustGet(t, e, "/sites/pores/", 200), "Third article") {
			t.Fatal("scheduled publish not visible on the next request")
		}
		// Theme change.
		if !strings.Contains(mustGet(t, e, artURL, 200), `<div class="bar">`) {
			t.Fatal("expected the clinical theme")
		}
		setTheme(e, c, "serene")
		if !strings.Contains(mustGet(t, e, artURL, 200), `class="masthead"`) {
			t.Fatal("theme change not visible on the next request")
		}
		// Branding change.
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"name": "Renamed Clinic"}, 200, nil)
		if !strings.Contains(mustGet(t, e, artURL, 200), "Renamed Clinic") {
			t.Fatal("clinic name change not visible on the next request")
		}
		// Doctor profile change.
		docURL := fmt.Sprintf("/sites/pores/doctors/doctor-pores-%d", c.DoctorID)
		mustGet(t, e, docURL, 200)
		mustGet(t, e, "/sites/pores/doctors", 200)
		e.MustDo("PATCH", "/api/v1/me/doctor-profile", c.Doctor,
			map[string]any{"registration_number": "M55555K", "specialty": "Paediatrics", "credentials_expire_on": "2031-01-01"}, 200, nil)
		if p := mustGet(t, e, docURL, 200); !strings.Contains(p, "Paediatrics") || !strings.Contains(p, "M55555K") {
			t.Fatal("doctor profile change not visible on the next request")
		}
		if !strings.Contains(mustGet(t, e, "/sites/pores/doctors", 200), "Paediatrics") {
			t.Fatal("doctor list not refreshed")
		}
		// Another clinic's change does not drop this clinic's pages.
		mustGet(t, e, artURL, 200)
		other := e.NewClinic("other")
		_, _, h1, _, _ := e.App.Site.CacheStats()
		live(e, other, "Other clinic article", "delta", "skin")
		mustGet(t, e, artURL, 200)
		if _, _, h2, _, _ := e.App.Site.CacheStats(); h2 != h1+1 {
			t.Fatal("another clinic's publish dropped this clinic's pages")
		}
	})
}

// TestHTTPCaching covers ETag/304, gzip and brotli variants and headers.
func TestHTTPCaching(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		a := live(e, c, "Cached article", "alpha", "skin")
		p := "/articles/" + a.Slug
		plain := get(t, e, "pores.test", p)
		tag := plain.Header.Get("ETag")
		if plain.Status != 200 || tag == "" || plain.Header.Get("Cache-Control") != "public, max-age=60, stale-while-revalidate=60" ||
			plain.Header.Get("Vary") != "Accept-Encoding" || plain.Header.Get("Content-Encoding") != "" {
			t.Fatalf("plain: %d %v", plain.Status, plain.Header)
		}
		if r := get(t, e, "pores.test", p, "If-None-Match", tag); r.Status != 304 || len(r.Body) != 0 || r.Header.Get("ETag") != tag {
			t.Fatalf("If-None-Match: %d %v", r.Status, r.Header)
		}
		if r := get(t, e, "pores.test", p, "If-None-Match", `"nope"`); r.Status != 200 {
			t.Fatalf("stale If-None-Match: %d", r.Status)
		}
		gz := get(t, e, "pores.test", p, "Accept-Encoding", "gzip, deflate")
		if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("ETag") == tag {
			t.Fatalf("gzip: %v", gz.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz.Body))
		if err != nil {
			t.Fatal(err)
		}
		if un, _ := io.ReadAll(zr); !bytes.Equal(un, plain.Body) {
			t.Fatal("gzip variant differs from the page")
		}
		br := get(t, e, "pores.test", p, "Accept-Encoding", "gzip, br")
		if br.Header.Get("Content-Encoding") != "br" {
			t.Fatalf("br: %v", br.Header)
		}
		if un, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(br.Body))); !bytes.Equal(un, plain.Body) {
			t.Fatal("brotli variant differs from the page")
		}
		if r := get(t, e, "pores.test", p, "Accept-Encoding", "br;q=0, gzip;q=0"); r.Header.Get("Content-Encoding") != "" {
			t.Fatalf("q=0 ignored: %v", r.Header)
		}
		// A 304 for the gzip variant's ETag too.
		if r := get(t, e, "pores.test", p, "If-None-Match", gz.Header.Get("ETag"), "Accept-Encoding", "gzip"); r.Status != 304 {
			t.Fatalf("gzip If-None-Match: %d", r.Status)
		}
		// A change makes a new ETag.
		setTheme(e, c, "serene")
		if r := get(t, e, "pores.test", p, "If-None-Match", tag); r.Status != 200 || r.Header.Get("ETag") == tag {
			t.Fatalf("after a change: %d %s", r.Status, r.Header.Get("ETag"))
		}
	})
}

// TestKeysetPagination pages the home and tag lists with ?before=.
func TestKeysetPagination(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		for i := 0; i < 23; i++ {
			live(e, c, fmt.Sprintf("Numbered article %02d", i), fmt.Sprintf("n%d", i), "skin")
			if i%2 == 0 {
				e.Clock.Advance(time.Minute) // some share a publication second: the id breaks the tie
			}
		}
		for _, list := range []string{"/sites/pores/", "/sites/pores/tags/skin"} {
			page1 := mustGet(t, e, list, 200)
			next := regexp.MustCompile(`<link rel="next" href="([^"]+)">`).FindStringSubmatch(page1)
			if next == nil {
				t.Fatalf("%s: no next link", list)
			}
			u, _ := url.Parse(strings.ReplaceAll(next[1], "&amp;", "&"))
			page2 := mustGet(t, e, u.RequestURI(), 200)
			seen := map[string]int{}
			for _, p := range []string{page1, page2} {
				for _, m := range regexp.MustCompile(`Numbered article (\d\d)`).FindAllStringSubmatch(p, -1) {
					seen[m[1]]++
				}
			}
			if len(seen) != 23 {
				t.Fatalf("%s: %d distinct articles over two pages, want 23", list, len(seen))
			}
			if strings.Contains(page2, `rel="next"`) {
				t.Fatalf("%s: page 2 should be the last", list)
			}
			if !strings.Contains(page1, "Numbered article 22") || strings.Contains(page2, "Numbered article 22") {
				t.Fatalf("%s: newest first", list)
			}
		}
		mustGet(t, e, "/sites/pores/?before=garbage", 404)
	})
}

// TestThemeSelection: an unknown or broken theme is refused with 422 and
// the old theme stays; an override directory adds themes.
func TestThemeSelection(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		dir := t.TempDir()
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(os.MkdirAll(filepath.Join(dir, "broken"), 0o755))
		must(os.WriteFile(filepath.Join(dir, "broken", "theme.json"), []byte(`{"name":"broken","extends":"clinical"}`), 0o644))
		must(os.WriteFile(filepath.Join(dir, "broken", "home.html"), []byte(`{{define "content"}}{{.Nope.Field}`), 0o644))
		must(os.MkdirAll(filepath.Join(dir, "plain"), 0o755))
		must(os.WriteFile(filepath.Join(dir, "plain", "theme.json"), []byte(`{"name":"plain","extends":"clinical"}`), 0o644))
		must(os.WriteFile(filepath.Join(dir, "plain", "home.html"), []byte(`{{define "content"}}<h1>Plain override home</h1>{{end}}`), 0o644))
		a, err := app.Build(context.Background(), app.Config{DB: d, Now: testenv.NewClock(testenv.Start).Now, Argon2: testenv.FastArgon2, ThemesDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		e := testenv.New(t, d)
		e.App = a
		e.CreateUser("root2@platform.test", "Root Two", true)
		e.Platform = e.Login("root2@platform.test")
		c := e.NewClinic("pores")
		for _, bad := range []string{"nope", "broken", "../clinical"} {
			r := e.Do("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"theme": bad})
			if r.Status != 422 || r.Code() != "validation_failed" {
				t.Fatalf("theme %q: %d %s", bad, r.Status, r.Body)
			}
		}
		var cl struct{ Theme string }
		e.MustDo("GET", "/api/v1/clinics/"+c.Slug, c.Admin, nil, 200, &cl)
		if cl.Theme != "clinical" {
			t.Fatalf("theme after refused changes: %q", cl.Theme)
		}
		setTheme(e, c, "plain")
		if !strings.Contains(mustGet(t, e, "/sites/pores/", 200), "Plain override home") {
			t.Fatal("override theme not used")
		}
	})
}

type preview struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Revision  int       `json:"revision"`
	ExpiresAt time.Time `json:"expires_at"`
}

// TestPreviews: signed, expiring, revocable preview links to any revision.
func TestPreviews(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		other := e.NewClinic("other")
		a := live(e, c, "Preview article", "zqlive", "skin")
		e.MustDo("PUT", apath(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": "Preview article", "summary": "Draft summary.",
			"body": fmt.Sprintf(body, "zqdraft"), "tags": []string{"skin"}, "version": a.Version}, 200, &a)
		prevPath := apath(c.Slug, a.ID, "/previews")

		var p preview
		e.MustDo("POST", prevPath, c.Writer, map[string]any{"ttl_minutes": 60}, 201, &p)
		if p.Revision != 2 || !p.ExpiresAt.Equal(e.Clock.Now().Add(time.Hour)) || !strings.HasPrefix(p.URL, "http://example.com/sites/pores/preview/") {
			t.Fatalf("minted: %+v", p)
		}
		u, _ := url.Parse(p.URL)
		r := get(t, e, "example.com", u.Path)
		s := string(r.Body)
		if r.Status != 200 || !strings.Contains(s, "zqdraft") || strings.Contains(s, "zqlive") || !strings.Contains(s, `<meta name="robots" content="noindex">`) ||
			!strings.Contains(s, "Preview</strong> of revision 2") || r.Header.Get("Cache-Control") != "private, no-store" || r.Header.Get("X-Robots-Tag") != "noindex" {
			t.Fatalf("preview: %d %v %.400s", r.Status, r.Header, s)
		}
		// The public page still shows the live revision.
		if pub := mustGet(t, e, "/sites/pores/articles/"+a.Slug, 200); strings.Contains(pub, "zqdraft") {
			t.Fatal("draft text on the public page")
		}
		// Same token on the clinic's own host works; under another clinic it does not exist.
		if r := get(t, e, "pores.test", u.Path[len("/sites/pores"):]); r.Status != 200 {
			t.Fatalf("preview on host: %d", r.Status)
		}
		if r := get(t, e, "example.com", strings.Replace(u.Path, "/sites/pores/", "/sites/other/", 1)); r.Status != 404 || strings.Contains(string(r.Body), "zqdraft") {
			t.Fatalf("other clinic's token: %d", r.Status)
		}
		if r := get(t, e, "example.com", "/sites/pores/preview/"+strings.Repeat("A", 43)); r.Status != 404 {
			t.Fatalf("unknown token: %d", r.Status)
		}
		// An earlier revision, by a doctor; another clinic's members get 404.
		var p1 preview
		e.MustDo("POST", prevPath, c.Doctor, map[string]any{"revision": 1}, 201, &p1)
		u1, _ := url.Parse(p1.URL)
		if s := string(get(t, e, "example.com", u1.Path).Body); !strings.Contains(s, "zqlive") || !strings.Contains(s, "Dr Doctor pores") {
			t.Fatal("revision 1 preview")
		}
		if r := e.Do("POST", prevPath, other.Admin, map[string]any{}); r.Status != 404 {
			t.Fatalf("other clinic mints: %d", r.Status)
		}
		if r := e.Do("POST", apath(other.Slug, a.ID, "/previews"), other.Admin, map[string]any{}); r.Status != 404 {
			t.Fatalf("article through another clinic: %d", r.Status)
		}
		if r := e.Do("POST", prevPath, "", nil); r.Status != 401 {
			t.Fatalf("anonymous mint: %d", r.Status)
		}
		for _, bad := range []map[string]any{{"revision": 9}, {"ttl_minutes": 99999}, {"ttl_minutes": -1}, {"status": "published"}} {
			if r := e.Do("POST", prevPath, c.Writer, bad); r.Status < 400 || r.Status >= 500 {
				t.Fatalf("bad request %v: %d", bad, r.Status)
			}
		}
		// Revoke one.
		e.MustDo("DELETE", fmt.Sprintf("%s/%d", prevPath, p1.ID), c.Writer, nil, 204, nil)
		if r := get(t, e, "example.com", u1.Path); r.Status != 410 || strings.Contains(string(r.Body), "zqlive") || r.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("revoked: %d", r.Status)
		}
		if r := e.Do("DELETE", fmt.Sprintf("%s/%d", apath(other.Slug, a.ID, "/previews"), p.ID), other.Admin, nil); r.Status != 404 {
			t.Fatalf("other clinic revokes: %d", r.Status)
		}
		var list struct{ Previews []map[string]any }
		e.MustDo("GET", prevPath, c.Admin, nil, 200, &list)
		if len(list.Previews) != 2 || list.Previews[0]["url"] != nil {
			t.Fatalf("list: %+v", list)
		}
		// Expiry on the fake clock.
		e.Clock.Advance(61 * time.Minute)
		e.SignInAgain(&c)
		if r := get(t, e, "example.com", u.Path); r.Status != 410 || strings.Contains(string(r.Body), "zqdraft") {
			t.Fatalf("expired: %d", r.Status)
		}
		// Revoke all.
		var p3 preview
		e.MustDo("POST", prevPath, c.Admin, nil, 201, &p3)
		u3, _ := url.Parse(p3.URL)
		if r := get(t, e, "example.com", u3.Path); r.Status != 200 {
			t.Fatalf("fresh preview: %d", r.Status)
		}
		e.MustDo("DELETE", prevPath, c.Admin, nil, 204, nil)
		if r := get(t, e, "example.com", u3.Path); r.Status != 410 {
			t.Fatalf("revoked by revoke-all: %d", r.Status)
		}
		// Who exposed unpublished text, and who withdrew it, is on record.
		var trail struct{ Entries []struct{ Action string } }
		e.MustDo("GET", apath(c.Slug, a.ID, "/audit"), c.Admin, nil, 200, &trail)
		minted, revoked := 0, 0
		for _, en := range trail.Entries {
			switch en.Action {
			case "preview.minted":
				minted++
			case "preview.revoked":
				revoked++
			}
		}
		if minted != 3 || revoked != 2 {
			t.Fatalf("audit: %d preview.minted, %d preview.revoked; want 3 and 2", minted, revoked)
		}
	})
}

// TestInstancesShareInvalidation: two app instances on one database; a
// publish on one drops the other's cached pages at its next epoch poll.
func TestInstancesShareInvalidation(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		live(e, c, "First article", "alpha", "skin")
		b, err := app.Build(context.Background(), app.Config{DB: d, Now: e.Clock.Now, Argon2: testenv.FastArgon2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Site.PollEpochs(context.Background()); err != nil {
			t.Fatal(err)
		}
		if r := getApp(t, b, "pores.test", "/"); r.Status != 200 || strings.Contains(string(r.Body), "Second article") {
			t.Fatal("instance b: first page")
		}
		live(e, c, "Second article", "beta", "skin") // on instance e
		if r := getApp(t, b, "pores.test", "/"); strings.Contains(string(r.Body), "Second article") {
			t.Fatal("instance b: expected its cached page before polling (test setup)")
		}
		if n, err := b.Site.PollEpochs(context.Background()); err != nil || n != 1 {
			t.Fatalf("poll: %d %v", n, err)
		}
		if r := getApp(t, b, "pores.test", "/"); !strings.Contains(string(r.Body), "Second article") {
			t.Fatal("instance b did not drop its stale page after polling")
		}
		// Its own changes do not make it drop its pages twice.
		if n, _ := e.App.Site.PollEpochs(context.Background()); n != 0 {
			t.Fatalf("instance e re-invalidated its own change: %d", n)
		}
	})
}
