package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportWordPressAndClinicArchive: the import prints progress (N of M)
// and the report, writes the JSON report, re-runs as unchanged; export
// clinic writes an archive that import clinic loads into a fresh database
// whose audit chains verify; a tampered archive is refused.
func TestImportWordPressAndClinicArchive(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "a.db")
	mediaURL := "file://" + filepath.Join(dir, "media")
	os.MkdirAll(filepath.Join(dir, "media"), 0o700)
	mustCLI(t, "", "demo", "--db", dsn)
	report := filepath.Join(dir, "report.json")
	out := mustCLI(t, "", "import", "wordpress", "--db", dsn, "--clinic", "lumen-skin", "--media", mediaURL,
		"../../testdata/wordpress/export.xml", "--uploads", "../../testdata/wordpress/uploads.zip", "--report", report)
	for _, want := range []string{"[1/9] created", "[9/9] created", "9 created", "missing image:", "comments not imported", "Authors to invite"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(report); err != nil || !strings.Contains(string(b), `"not_converted"`) {
		t.Errorf("JSON report: %v", err)
	}
	out = mustCLI(t, "", "import", "wordpress", "--db", dsn, "--clinic", "lumen-skin", "--media", mediaURL, "--quiet",
		"../../testdata/wordpress/export.xml", "--uploads", "../../testdata/wordpress/uploads.zip")
	if !strings.Contains(out, "0 created, 0 updated (new draft revision), 9 unchanged") {
		t.Errorf("re-run output:\n%s", out)
	}

	tarPath := filepath.Join(dir, "lumen.tar")
	mustCLI(t, "", "export", "clinic", "lumen-skin", tarPath, "--db", dsn, "--media", mediaURL)
	dsn2 := "sqlite:" + filepath.Join(dir, "b.db")
	os.MkdirAll(filepath.Join(dir, "media2"), 0o700)
	media2 := "file://" + filepath.Join(dir, "media2")

	raw, err := os.ReadFile(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.tar")
	i := strings.Index(string(raw), "Are large pores permanent?")
	raw[i] ^= 0x01
	os.WriteFile(bad, raw, 0o600)
	if out, err := cli(t, "", "import", "clinic", bad, "--db", dsn2, "--media", media2); err == nil {
		t.Fatalf("tampered archive imported:\n%s", out)
	}
	out = mustCLI(t, "", "import", "clinic", tarPath, "--db", dsn2, "--media", media2)
	if !strings.Contains(out, "imported clinic lumen-skin") || !strings.Contains(out, "members to invite") {
		t.Errorf("import clinic output:\n%s", out)
	}
	if out := mustCLI(t, "", "audit", "verify", "--db", dsn2); !strings.Contains(out, "intact") {
		t.Errorf("audit verify after import: %s", out)
	}
	if n := count(t, dsn2, "articles"); n != count(t, dsn, "articles WHERE clinic_id = (SELECT id FROM clinics WHERE slug = 'lumen-skin')") {
		t.Errorf("%d articles imported", n)
	}
}
