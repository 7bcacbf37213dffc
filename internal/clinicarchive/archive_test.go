package clinicarchive_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinicarchive"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/importer"
	"github.com/clinicpress/clinicpress/internal/media"
	"github.com/clinicpress/clinicpress/internal/mediastore"
	"github.com/clinicpress/clinicpress/internal/testenv"
	"github.com/clinicpress/clinicpress/internal/wxr"
)

func freshDB(t *testing.T, like *db.DB) *db.DB {
	if like.Dialect == db.Postgres {
		return testenv.OpenPostgres(t)
	}
	return testenv.OpenSQLite(t)
}

func store(t *testing.T) *mediastore.Local {
	s, err := mediastore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// demoClinic builds a clinic with published, re-edited, archived and draft
// articles, comments, an acknowledgement, branding, media and redirects
// (a WordPress import), and returns the public paths worth comparing.
func demoClinic(t *testing.T, e *testenv.Env, st media.Store) (testenv.Clinic, []string) {
	ctx := context.Background()
	c := e.NewClinic("north")
	e.MustDo("PATCH", "/api/v1/clinics/north", c.Admin, map[string]any{"branding": map[string]any{"tagline": "Skin care you can trust", "phone": "+44 20 7946 0000"}}, 200, nil)
	p1 := e.Published(c, "Eczema in winter")
	p2 := e.Published(c, "Sunscreen basics")
	e.MustDo("PUT", testenv.ArticlePath(c.Slug, p2.ID, ""), c.Writer, map[string]any{"title": p2.Title, "summary": "Edited.", "body": "## New\n\nNew text.", "tags": []string{"sun"}, "version": p2.Version}, 200, nil)
	p3 := e.Published(c, "Old offer")
	e.MustDo("POST", testenv.ArticlePath(c.Slug, p3.ID, "/archive"), c.Admin, nil, 200, nil)
	e.Draft(c, c.Writer, "Unfinished draft")

	docScope, err := e.App.Clinics.Resolve(ctx, authz.Actor{UserID: c.DoctorID, RequestID: "t"}, c.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Articles.AddComment(ctx, docScope, p1.ID, article.NewComment{Revision: 1, Paragraph: 1, Body: "Please cite the guideline."}); err != nil {
		t.Fatal(err)
	}

	// Imported WordPress content with media, signed off and live.
	ms := media.New(e.App.DB, st, media.Options{Now: e.Clock.Now})
	sc, err := e.App.Clinics.Resolve(ctx, authz.Actor{UserID: c.AdminID, RequestID: "t"}, c.Slug)
	if err != nil {
		t.Fatal(err)
	}
	up, err := wxr.OpenUploads("../../testdata/wordpress/uploads.zip")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	im := &importer.Importer{DB: e.App.DB, Articles: e.App.Articles, Media: ms, Redirects: e.App.Redirects, Now: e.Clock.Now}
	rep, err := im.Run(ctx, sc, importer.Input{Open: func() (io.ReadCloser, error) { return os.Open("../../testdata/wordpress/export.xml") }, Uploads: up})
	if err != nil {
		t.Fatal(err)
	}
	var treatments int64
	for _, it := range rep.Items {
		if it.WPID == 8 {
			treatments = it.ArticleID
		}
	}
	var a testenv.Article
	e.MustDo("POST", testenv.ArticlePath(c.Slug, treatments, "/submit"), c.Writer, nil, 200, &a)
	e.MustDo("POST", testenv.ArticlePath(c.Slug, treatments, "/reviews"), c.Doctor, map[string]any{"decision": "approve", "revision": a.Revision, "content_hash": a.ContentHash, "attest": true, "signature": testenv.Sign}, 200, &a)
	e.MustDo("POST", testenv.ArticlePath(c.Slug, treatments, "/publish"), c.Admin, nil, 200, nil)

	return c, []string{"/", "/articles/" + p1.Slug, "/articles/" + p2.Slug, "/articles/" + p3.Slug, "/articles/treatments",
		"/articles/unfinished-draft", "/tags/skin", "/doctors", "/feed.xml", "/sitemap.xml", "/treatments/", "/?page_id=8", "/?p=4"}
}

type page struct {
	status   int
	location string
	body     string
}

func fetch(e *testenv.Env, paths []string) map[string]page {
	out := map[string]page{}
	for _, p := range paths {
		r := e.Do("GET", "/sites/north"+p, "", nil)
		out[p] = page{r.Status, r.Header.Get("Location"), string(r.Body)}
	}
	return out
}

func TestExportImportRoundTrip(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := testenv.New(t, d)
		st := store(t)
		c, paths := demoClinic(t, e, st)
		before := fetch(e, paths)
		if before["/articles/treatments"].status != 200 || before["/treatments/"].status != 301 || before["/articles/old-offer"].status != 410 {
			t.Fatalf("source pages: %d %d %d", before["/articles/treatments"].status, before["/treatments/"].status, before["/articles/old-offer"].status)
		}

		var buf bytes.Buffer
		ex := &clinicarchive.Service{DB: d, Store: st, Argon2: testenv.FastArgon2, Now: e.Clock.Now}
		man, err := ex.Export(ctx, c.Slug, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if man.AuditHead == "" || len(man.Files) < 10 {
			t.Fatalf("manifest %+v", man)
		}
		var sawMedia bool
		for _, f := range man.Files {
			sawMedia = sawMedia || strings.HasPrefix(f.Name, "media/")
		}
		if !sawMedia {
			t.Error("no media in the archive")
		}
		archive := buf.Bytes()

		// A fresh installation.
		d2 := freshDB(t, d)
		e2 := testenv.New(t, d2)
		st2 := store(t)
		im := &clinicarchive.Service{DB: d2, Store: st2, Argon2: testenv.FastArgon2, Now: e2.Clock.Now}

		// Tampered archives are refused and leave nothing behind.
		flipped := bytes.Clone(archive)
		i := bytes.Index(flipped, []byte("Eczema in winter"))
		flipped[i] ^= 0x20
		if _, err := im.Import(ctx, bytes.NewReader(flipped)); err == nil || !strings.Contains(err.Error(), "archive_tampered") {
			t.Errorf("flipped byte: %v", err)
		}
		edited := editAudit(t, archive)
		if _, err := im.Import(ctx, bytes.NewReader(edited)); err == nil || !strings.Contains(err.Error(), "audit chain is broken") {
			t.Errorf("edited audit row: %v", err)
		}
		var n int64
		d2.Raw(`SELECT COUNT(*) FROM clinics`).Scan(&n)
		if n != 0 {
			t.Fatalf("a refused archive left %d clinics", n)
		}

		res, err := im.Import(ctx, bytes.NewReader(archive))
		if err != nil {
			t.Fatal(err)
		}
		if res.Live != 3 || res.Articles != 13 || res.Media == 0 || len(res.Invite) != 5 {
			t.Errorf("import result %+v", res)
		}
		// Importing twice is refused.
		if _, err := im.Import(ctx, bytes.NewReader(archive)); err == nil || !strings.Contains(err.Error(), "clinic_exists") {
			t.Errorf("second import: %v", err)
		}

		after := fetch(e2, paths)
		for _, p := range paths {
			if before[p] != after[p] {
				t.Errorf("%s differs after import: %d %q (%d bytes) vs %d %q (%d bytes)", p, before[p].status, before[p].location, len(before[p].body),
					after[p].status, after[p].location, len(after[p].body))
			}
		}
		// audit verify passes on the new installation.
		broken, checked, err := audit.Verify(ctx, d2.DB)
		if err != nil || len(broken) != 0 || checked < res.Audit {
			t.Errorf("audit verify: %v %+v (%d checked)", err, broken, checked)
		}
		// Media bytes came along.
		var sha string
		d2.Raw(`SELECT sha256 FROM media WHERE clinic_id = ? ORDER BY id LIMIT 1`, c.ID).Scan(&sha)
		ms2 := media.New(d2, st2, media.Options{})
		rc, _, err := ms2.Open(ctx, c.ID, sha, 0)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		// Members came as people to invite: the archive has no password.
		if r := e2.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": "admin@north.test", "password": testenv.Password}); r.Status != 401 {
			t.Errorf("imported member signs in with the old password: %d", r.Status)
		}
		if bytes.Contains(archive, []byte("argon2")) {
			t.Error("the archive carries password hashes")
		}
		// The new installation works on: a new article gets a fresh id.
		tok := e2.Login("root@platform.test")
		var nc struct{ ID int64 }
		e2.MustDo("POST", "/api/v1/clinics", tok, map[string]any{"slug": "other", "name": "Other", "hostnames": []string{"other.test"}}, 201, &nc)
		if nc.ID == c.ID {
			t.Error("a new clinic reused the imported clinic's id")
		}
	})
}

// editAudit changes one audit row's after_json and rewrites the manifest
// hash to match, as a careful forger would.
func editAudit(t *testing.T, archive []byte) []byte {
	tr := tar.NewReader(bytes.NewReader(archive))
	type member struct {
		h    *tar.Header
		body []byte
	}
	var ms []member
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		ms = append(ms, member{h, b})
	}
	var newSum string
	var newLen int64
	for i := range ms {
		if ms[i].h.Name == "tables/audit_entries.jsonl" {
			b := bytes.Replace(ms[i].body, []byte(`"action":"article.published"`), []byte(`"action":"article.archived"`), 1)
			if bytes.Equal(b, ms[i].body) {
				t.Fatal("no audit row to edit")
			}
			ms[i].body = b
			sum := sha256.Sum256(b)
			newSum, newLen = hex.EncodeToString(sum[:]), int64(len(b))
		}
	}
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for _, m := range ms {
		if m.h.Name == clinicarchive.ManifestName {
			var man clinicarchive.Manifest
			json.Unmarshal(m.body, &man)
			for i := range man.Files {
				if man.Files[i].Name == "tables/audit_entries.jsonl" {
					man.Files[i].SHA256, man.Files[i].Bytes = newSum, newLen
				}
			}
			m.body, _ = json.Marshal(man)
		}
		m.h.Size = int64(len(m.body))
		tw.WriteHeader(m.h)
		tw.Write(m.body)
	}
	tw.Close()
	return out.Bytes()
}
