package live

import (
	"strings"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	c := Cursor{At: time.Date(2026, 3, 2, 9, 0, 1, 500, time.UTC), ID: 42}
	got, ok := ParseCursor(c.String())
	if !ok || !got.At.Equal(c.At) || got.ID != c.ID {
		t.Fatalf("round trip: %v %v", got, ok)
	}
	for _, bad := range []string{"", "x", "1-0", "-1-2", "1.2", "1.2000000000-3", "1-2-3", strings.Repeat("9", 70)} {
		if _, ok := ParseCursor(bad); ok {
			t.Errorf("ParseCursor(%q) accepted", bad)
		}
	}
}

func TestSearchQueriesAreQuoted(t *testing.T) {
	cases := map[string]string{
		`sun cream`:                     `"sun" "cream"`,
		`title:secret OR body:x`:        `"title" "secret" "OR" "body" "x"`,
		`NEAR(a b) "quoted" * ^ - + ()`: `"NEAR" "a" "b" "quoted"`,
		`  `:                            ``,
		`café naïve`:                    `"café" "naïve"`,
	}
	for in, want := range cases {
		if got := FTS5Query(Terms(in)); got != want {
			t.Errorf("FTS5Query(Terms(%q)) = %q, want %q", in, got, want)
		}
	}
	if n := len(Terms(strings.Repeat("word ", 100))); n != maxTerms {
		t.Fatalf("terms not capped: %d", n)
	}
	if n := len(Terms(strings.Repeat("x", 1000))[0]); n != MaxQueryRunes {
		t.Fatalf("query not cut: %d", n)
	}
}
