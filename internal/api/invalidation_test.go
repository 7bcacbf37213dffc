package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/testenv"
)

// revisePublish edits a live article's body on instance e and publishes
// the new revision; it returns when the publish has been answered.
func revisePublish(e *testenv.Env, c testenv.Clinic, a art, body string) art {
	e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "summary": "A short summary.", "body": body, "version": a.Version}, 200, &a)
	e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
	review(e, c, c.Doctor, a, "approve", "").JSON(e.T, &a)
	e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil, 200, &a)
	return a
}

// servesWithin polls url on e until its body contains want or the bound
// (a behavioural bound counted from the publish, not a micro-timing).
func servesWithin(t *testing.T, e *testenv.Env, url, want string, from time.Time, bound time.Duration) {
	t.Helper()
	for {
		r := e.Do("GET", url, "", nil)
		if r.Status == 200 && strings.Contains(string(r.Body), want) {
			return
		}
		if time.Since(from) > bound {
			t.Fatalf("instance B still served the old page %s after %s", url, bound)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPublishOnAServedByBWithinASecond: two instances on one PostgreSQL;
// a publish on A reaches B's page cache over LISTEN/NOTIFY (the epoch poll
// is at its slow 30 s safety interval while the listener is up), for that
// clinic only; after the listener's connection is killed it reconnects by
// itself and delivers again.
func TestPublishOnAServedByBWithinASecond(t *testing.T) {
	d := testenv.OpenPostgres(t)
	a := testenv.New(t, d)
	b := a.Instance()
	c := a.NewClinic("listen")
	o := a.NewClinic("listen-other")
	art := a.Published(c, "Listened for")
	other := a.Published(o, "Left alone")
	startJobs(t, a)
	startJobs(t, b)
	waitUntil(t, "B's listener", b.App.Listener.Up)
	url := "/sites/" + c.Slug + "/articles/" + art.Slug
	otherURL := "/sites/" + o.Slug + "/articles/" + other.Slug
	for _, u := range []string{url, url, otherURL, otherURL} { // cached on B
		if r := b.Do("GET", u, "", nil); r.Status != 200 {
			t.Fatalf("GET %s on B: %d", u, r.Status)
		}
	}

	art = revisePublish(a, c, art, "The first fresh text from instance A.")
	servesWithin(t, b, url, "The first fresh text from instance A.", time.Now(), time.Second)

	// Per clinic: the other clinic's page is still a cache hit on B.
	_, _, hits, _, _ := b.App.Site.CacheStats()
	b.Do("GET", otherURL, "", nil)
	if _, _, h, _, _ := b.App.Site.CacheStats(); h != hits+1 {
		t.Fatalf("the other clinic's page was dropped too (hits %d -> %d)", hits, h)
	}

	// Kill the listening connection: it comes back by itself.
	pid := b.App.Listener.PID()
	var killed bool
	if err := d.Raw(`SELECT pg_terminate_backend(?)`, pid).Scan(&killed).Error; err != nil || !killed {
		t.Fatalf("terminate %d: %v %v", pid, killed, err)
	}
	waitUntil(t, "B's listener to reconnect", func() bool {
		return b.App.Listener.Up() && b.App.Listener.PID() != pid
	})
	b.Do("GET", url, "", nil) // cached again
	revisePublish(a, c, art, "The second fresh text from instance A.")
	servesWithin(t, b, url, "The second fresh text from instance A.", time.Now(), time.Second)
}
