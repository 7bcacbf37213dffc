package redirect_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/redirect"
)

// TestPath: same-site paths are rebuilt with proper escaping; anything that
// could leave the site or split a header is refused.
func TestPath(t *testing.T) {
	ok := map[string]string{
		"/admin/": "/admin/",
		"/admin/c/clinic-a/articles?status=draft": "/admin/c/clinic-a/articles?status=draft",
		"/admin/c/a/articles?b=2&a=1":             "/admin/c/a/articles?a=1&b=2",
		"/admin/x y":                              "/admin/x%20y",
		"/admin/caf%C3%A9":                        "/admin/caf%C3%A9",
		"/admin/a/../b/":                          "/admin/b/",
		"/admin/a/./b":                            "/admin/a/b",
		"/admin/?q=a+b":                           "/admin/?q=a+b",
		"/admin/#frag":                            "/admin/",
		"/admin/?q=%3Cscript%3E":                  "/admin/?q=%3Cscript%3E",
		"/../../evil":                             "/evil",
		"/admin/%E2%80%A8":                        "/admin/%E2%80%A8",
	}
	for in, want := range ok {
		got, good := redirect.Path(in)
		if !good || got != want {
			t.Errorf("Path(%q) = %q, %v; want %q", in, got, good, want)
		}
	}
	bad := []string{
		"", "admin/", "https://evil.test/admin/", "//evil.test/admin/", "/\\evil.test/", "\\\\evil.test",
		"/admin\\..\\x", "/admin/%5Cx", "javascript:alert(1)", "http:/admin/", "/admin/\r\nSet-Cookie: planted=1",
		"/admin/%0D%0ASet-Cookie:%20planted=1", "/admin/?x=%0d%0aSet-Cookie:planted=1", "/admin/\nx", "/admin/\x00",
		"/admin/%00", "/admin/\x7f", "/admin/%7F", "/admin/\tx", "//", "/%2F/evil.test", "/admin//evil.test",
		"/admin/%zz", "/admin/?x=%zz", "/admin/?a;b", "/\t/evil.test", "/admin/\u2028", "/admin/%C2%85",
		"/admin/\xff", "/admin/%FF", "/" + strings.Repeat("a", 3000),
	}
	for _, in := range bad {
		if got, good := redirect.Path(in); good {
			t.Errorf("Path(%q) = %q accepted", in, got)
		}
	}
}

// FuzzPath: whatever goes in, an accepted result is a same-site path of
// printable ASCII with no CR/LF, no backslash, no scheme or host, that
// parses back to itself.
func FuzzPath(f *testing.F) {
	for _, s := range []string{"/admin/", "/admin/c/a/articles?status=draft", "//evil.test", "/\\evil", "/admin/%0d%0a",
		"https://evil.test/", "/admin/a/../b", "/admin/?q=a+b&z=%20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := redirect.Path(in)
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", in, got)
			}
			return
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.Contains(got, "\\") {
			t.Fatalf("Path(%q) = %q is not a same-site path", in, got)
		}
		for i := 0; i < len(got); i++ {
			if got[i] <= 0x20 || got[i] >= 0x7f {
				t.Fatalf("Path(%q) = %q has byte %#x", in, got, got[i])
			}
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("Path(%q) = %q parses as %#v (%v)", in, got, u, err)
		}
		if strings.Contains(u.Path, "//") || strings.ContainsAny(u.Path, "\r\n\\") {
			t.Fatalf("Path(%q) = %q decodes to %q", in, got, u.Path)
		}
		again, ok := redirect.Path(got)
		if !ok || again != got {
			t.Fatalf("Path(%q) = %q, but Path(%q) = %q, %v", in, got, got, again, ok)
		}
	})
}

// TestUnder: only targets inside the prefix survive; dot segments cannot
// climb out of it.
func TestUnder(t *testing.T) {
	cases := map[string]string{
		"/admin":              "/admin",
		"/admin/c/a":          "/admin/c/a",
		"/admin?x=1":          "/admin?x=1",
		"/administrator":      "/admin/",
		"/admin/../api/v1/me": "/admin/",
		"/api/v1/me":          "/admin/",
		"//evil.test/admin/":  "/admin/",
		"/admin/%0d%0aX-Y: z": "/admin/",
	}
	for in, want := range cases {
		if got := redirect.Under(in, "/admin", "/admin/"); got != want {
			t.Errorf("Under(%q) = %q, want %q", in, got, want)
		}
	}
}
