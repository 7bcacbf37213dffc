package importer_test

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/importer"
	"github.com/clinicpress/clinicpress/internal/media"
	"github.com/clinicpress/clinicpress/internal/mediastore"
	"github.com/clinicpress/clinicpress/internal/testenv"
	"github.com/clinicpress/clinicpress/internal/wxr"
)

const (
	exportPath  = "../../testdata/wordpress/export.xml"
	uploadsPath = "../../testdata/wordpress/uploads.zip"
)

type fixture struct {
	e        *testenv.Env
	c        testenv.Clinic
	sc       clinic.Scope
	media    *media.Service
	im       *importer.Importer
	export   string
	progress importer.Progress
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	e := testenv.New(t, d)
	c := e.NewClinic("lumen")
	store, err := mediastore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ms := media.New(d, store, media.Options{Now: e.Clock.Now})
	sc, err := e.App.Clinics.Resolve(context.Background(), authz.Actor{UserID: c.AdminID, RequestID: "import-test"}, c.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{e: e, c: c, sc: sc, media: ms, export: exportPath,
		im: &importer.Importer{DB: d, Articles: e.App.Articles, Media: ms, Redirects: e.App.Redirects, Now: e.Clock.Now}}
}

func (f *fixture) run(t *testing.T) *importer.Report {
	t.Helper()
	up, err := wxr.OpenUploads(uploadsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	rep, err := f.im.Run(context.Background(), f.sc, importer.Input{
		Open:     func() (io.ReadCloser, error) { return os.Open(f.export) },
		Uploads:  up,
		Progress: f.progress,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// zipEntry reads one file of the fixture's uploads archive.
func zipEntry(t *testing.T, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(uploadsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, name) {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("%s not in %s", name, uploadsPath)
	return nil
}

func (f *fixture) article(t *testing.T, id int64) testenv.Article {
	t.Helper()
	var a testenv.Article
	f.e.MustDo("GET", testenv.ArticlePath(f.c.Slug, id, ""), f.c.Admin, nil, 200, &a)
	return a
}
