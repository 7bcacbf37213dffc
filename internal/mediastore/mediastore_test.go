package mediastore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func TestValidKey(t *testing.T) {
	good := []string{"1/abc.jpg", "12/0f3a-1.png", "a", "x/y/z_1.webp"}
	bad := []string{"", "../etc/passwd", "1/../../x", "/abs", "1//x", "1/./x", "a\\b", "1/.tmp-x", "A.JPG", "1/x y", "1/x\x00", strings.Repeat("a", MaxKeyLen+1), "1/"}
	for _, k := range good {
		if err := ValidKey(k); err != nil {
			t.Errorf("ValidKey(%q) = %v, want ok", k, err)
		}
	}
	for _, k := range bad {
		if err := ValidKey(k); err == nil {
			t.Errorf("ValidKey(%q) accepted", k)
		}
	}
}

// roundTrip exercises one Store through its whole contract.
func roundTrip(t *testing.T, s Store) {
	ctx := context.Background()
	key := "7/deadbeef-1.png"
	if ok, err := s.Exists(ctx, key); err != nil || ok {
		t.Fatalf("Exists before Put = %v, %v", ok, err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, ErrNotExist) {
		t.Fatalf("Open before Put = %v, want ErrNotExist", err)
	}
	body := bytes.Repeat([]byte("pixels"), 5000)
	if err := s.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "image/png"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Exists(ctx, key); err != nil || !ok {
		t.Fatalf("Exists after Put = %v, %v", ok, err)
	}
	rc, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("read back %d bytes (err %v), want %d", len(got), err, len(body))
	}
	// Replacing is allowed and complete.
	if err := s.Put(ctx, key, strings.NewReader("v2"), 2, "image/png"); err != nil {
		t.Fatal(err)
	}
	rc, err = s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(rc)
	rc.Close()
	if string(got) != "v2" {
		t.Fatalf("after replace: %q", got)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Exists(ctx, key); ok {
		t.Fatal("exists after Delete")
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	for _, k := range []string{"../escape.png", "/etc/passwd", "1/../../x"} {
		if err := s.Put(ctx, k, strings.NewReader("x"), 1, "image/png"); err == nil {
			t.Errorf("Put(%q) accepted", k)
		}
		if _, err := s.Open(ctx, k); err == nil || errors.Is(err, ErrNotExist) {
			t.Errorf("Open(%q) = %v, want a key error", k, err)
		}
	}
}

func TestLocal(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "media")
	l, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	roundTrip(t, l)

	// Nothing escaped the directory, and no temporary file is left behind.
	if err := l.Put(context.Background(), "1/a.png", strings.NewReader("abc"), 3, "image/png"); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 || entries[0].Name() != "media" {
		t.Fatalf("parent holds %v", entries)
	}
	files, _ := os.ReadDir(filepath.Join(dir, "1"))
	if len(files) != 1 || files[0].Name() != "a.png" {
		t.Fatalf("dir holds %v", files)
	}
	// A short body is refused and leaves nothing.
	if err := l.Put(context.Background(), "1/b.png", strings.NewReader("ab"), 3, "image/png"); err == nil {
		t.Fatal("short body accepted")
	}
	files, _ = os.ReadDir(filepath.Join(dir, "1"))
	if len(files) != 1 {
		t.Fatalf("after failed put dir holds %v", files)
	}
	// A symbolic link planted inside pointing outside is not followed.
	secret := filepath.Join(parent, "secret")
	os.WriteFile(secret, []byte("secret"), 0o600)
	if err := os.Symlink(secret, filepath.Join(dir, "1", "link.png")); err != nil {
		t.Fatal(err)
	}
	if rc, err := l.Open(context.Background(), "1/link.png"); err == nil {
		rc.Close()
		t.Fatal("symlink out of the root was followed")
	}
}

// newFakeS3 starts a real S3-protocol server (gofakes3, in memory) on
// 127.0.0.1 with one bucket.
func newFakeS3(t *testing.T, bucket string) *httptest.Server {
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return srv
}

func TestS3RoundTrip(t *testing.T) {
	srv := newFakeS3(t, "media")
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, prefix := range []string{"", "/site-a"} {
		cfg, err := ParseStorageURL("s3://AKIDTEST:secretsecret@" + host + "/media" + prefix + "?secure=false&region=us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		s, err := cfg.Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, s)
	}
	cfg, _ := ParseStorageURL("s3://AKIDTEST:secretsecret@" + host + "/nosuchbucket?secure=false")
	if _, err := cfg.Open(context.Background()); err == nil {
		t.Fatal("a missing bucket was accepted")
	}
}

func TestParseStorageURL(t *testing.T) {
	c, err := ParseStorageURL("file:///var/lib/clinicpress/media")
	if err != nil || c.Kind != "file" || c.Dir != "/var/lib/clinicpress/media" {
		t.Fatalf("file: %+v %v", c, err)
	}
	c, err = ParseStorageURL("s3://AK:S%2Fx@127.0.0.1:9000/bucket/pre/fix?secure=false&region=ap-southeast-1")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Kind: "s3", Endpoint: "127.0.0.1:9000", Bucket: "bucket", Prefix: "pre/fix", AccessKey: "AK", SecretKey: "S/x", Region: "ap-southeast-1"}
	if c != want {
		t.Fatalf("s3: %+v, want %+v", c, want)
	}
	if strings.Contains(c.String(), "S/x") || strings.Contains(c.String(), url.QueryEscape("S/x")) {
		t.Fatalf("String leaks the secret: %s", c)
	}
	c, _ = ParseStorageURL("s3://h/b")
	if !c.Secure {
		t.Fatal("secure must default to true")
	}
	for _, bad := range []string{"", "http://x/y", "file://host/x", "file:relative", "s3:///bucket", "s3://h", "s3://h/b?secure=maybe", "s3://h/b?bogus=1", "s3://h/b/../x"} {
		if _, err := ParseStorageURL(bad); err == nil {
			t.Errorf("ParseStorageURL(%q) accepted", bad)
		}
	}
}
