package wxr

import (
	"io/fs"
	"testing"

	"github.com/clinicpress/clinicpress/internal/render"
)

func fsReadFile(u *Uploads, name string) ([]byte, error) { return fs.ReadFile(u.FS(), name) }

func renderedHTML(t *testing.T, md string) string {
	t.Helper()
	doc, err := render.New().Markdown(md)
	if err != nil {
		t.Fatal(err)
	}
	return string(doc.HTML)
}
