package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesBadMailSettings: a base URL that is not absolute http(s)
// and a malformed SMTP URL stop serve before it listens, and the error
// never shows the SMTP password.
func TestServeRefusesBadMailSettings(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "mail.db")
	_, err := cli(t, "", "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--base-url", "ftp://admin.example")
	if err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Fatalf("bad --base-url: %v", err)
	}
	t.Setenv("CLINICPRESS_SMTP_URL", "smtp://mailer:hunter2-secret@mail.example:notaport")
	_, err = cli(t, "", "serve", "--addr", "127.0.0.1:0", "--db", dsn)
	if err == nil {
		t.Fatal("serve started with a malformed CLINICPRESS_SMTP_URL")
	}
	if strings.Contains(err.Error(), "hunter2-secret") {
		t.Fatalf("the error shows the SMTP password: %v", err)
	}
}
