package importer_test

import (
	"os"
	"testing"

	"github.com/clinicpress/clinicpress/internal/testenv"
)

func TestExplore(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	f := newFixture(t, testenv.OpenSQLite(t))
	rep := f.run(t)
	rep.Text(os.Stdout)
	for _, it := range rep.Items {
		if it.ArticleID == 0 {
			continue
		}
		a := f.article(t, it.ArticleID)
		t.Logf("=== %d %s\n%s\n", it.WPID, a.Slug, a.Body)
	}
}
