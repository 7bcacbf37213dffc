package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/jobs"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// deadline bounds every wait: generous, never an assertion on speed.
const deadline = 60 * time.Second

// migrated runs fn on a fresh, fully migrated database of each dialect.
func migrated(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		if err := d.MigrateUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, d)
	})
}

// migratedPostgres is a fresh, fully migrated PostgreSQL schema.
func migratedPostgres(t *testing.T) *db.DB {
	d := testenv.OpenPostgres(t)
	if err := d.MigrateUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// instance opens another connection pool on d's database, as a second
// process would.
func instance(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	o, err := db.Open(d.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// quickRetry retries a failed job almost at once.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(20 * time.Millisecond)
}

// newQueue builds a queue with short test intervals; started ones stop at
// the end of the test.
func newQueue(t *testing.T, d *db.DB, cfg jobs.Config, start bool) *jobs.Queue {
	t.Helper()
	cfg.DB = d
	cfg.TestOnly = true
	if cfg.FetchPollInterval == 0 {
		cfg.FetchPollInterval = 50 * time.Millisecond
	}
	cfg.FetchCooldown = 5 * time.Millisecond
	if cfg.RetryPolicy == nil {
		cfg.RetryPolicy = quickRetry{}
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if start {
		if err := q.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			if err := q.Stop(ctx); err != nil {
				t.Errorf("stop: %v", err)
			}
		})
	}
	return q
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s after %s", what, deadline)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func listJobs(t *testing.T, q *jobs.Queue, kind string, states ...rivertype.JobState) []*rivertype.JobRow {
	t.Helper()
	p := river.NewJobListParams().Kinds(kind).First(10_000)
	if len(states) > 0 {
		p = p.States(states...)
	}
	res, err := q.Client().JobList(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res.Jobs
}

// articleOf decodes an article job's arguments.
func articleOf(t *testing.T, args []byte) (clinicID, articleID int64) {
	t.Helper()
	var a jobs.PublishArticleArgs
	if err := json.Unmarshal(args, &a); err != nil {
		t.Fatalf("args %s: %v", args, err)
	}
	return a.ClinicID, a.ArticleID
}

// calls records what an ArticleFunc was called with.
type calls struct {
	mu sync.Mutex
	n  map[[2]int64]int
	by map[[2]int64][]string
}

func newCalls() *calls { return &calls{n: map[[2]int64]int{}, by: map[[2]int64][]string{}} }

func (c *calls) fn(name string, fail func(clinicID, articleID int64) error) jobs.ArticleFunc {
	return func(ctx context.Context, clinicID, articleID int64) error {
		c.mu.Lock()
		k := [2]int64{clinicID, articleID}
		c.n[k]++
		c.by[k] = append(c.by[k], name)
		c.mu.Unlock()
		if fail != nil {
			return fail(clinicID, articleID)
		}
		return nil
	}
}

func (c *calls) count(clinicID, articleID int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[[2]int64{clinicID, articleID}]
}

func (c *calls) distinct() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.n)
}

// TestInsertTxFollowsTheTransaction: a job inserted in a domain
// transaction that rolls back does not exist; one whose transaction
// commits does, together with the domain row. Outside a transaction
// InsertTx refuses.
func TestInsertTxFollowsTheTransaction(t *testing.T) {
	migrated(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Exec(`CREATE TABLE jobs_test_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`).Error; err != nil {
			t.Fatal(err)
		}
		q := newQueue(t, d, jobs.Config{}, false)
		far := time.Now().Add(time.Hour)
		boom := errors.New("domain says no")
		err := d.Tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO jobs_test_notes (id, body) VALUES (1, 'rolled back')`).Error; err != nil {
				return err
			}
			if _, err := q.InsertTx(ctx, tx, jobs.PublishArticleArgs{ClinicID: 1, ArticleID: 1}, &river.InsertOpts{ScheduledAt: far}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx: %v", err)
		}
		if n := len(listJobs(t, q, jobs.KindPublishArticle)); n != 0 {
			t.Fatalf("%d jobs after the transaction rolled back", n)
		}
		var notes int64
		d.Raw(`SELECT COUNT(*) FROM jobs_test_notes`).Scan(&notes)
		if notes != 0 {
			t.Fatalf("%d notes after rollback", notes)
		}

		err = d.Tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO jobs_test_notes (id, body) VALUES (2, 'kept')`).Error; err != nil {
				return err
			}
			return q.SchedulePublishTx(ctx, tx, 1, 2, far)
		})
		if err != nil {
			t.Fatal(err)
		}
		got := listJobs(t, q, jobs.KindPublishArticle)
		if len(got) != 1 || got[0].State != rivertype.JobStateScheduled || !got[0].ScheduledAt.Round(time.Second).Equal(far.Round(time.Second)) {
			t.Fatalf("after commit: %+v", got)
		}
		if c, a := articleOf(t, got[0].EncodedArgs); c != 1 || a != 2 {
			t.Fatalf("args %s", got[0].EncodedArgs)
		}

		if _, err := q.InsertTx(ctx, d.DB, jobs.PublishArticleArgs{ClinicID: 1, ArticleID: 3}, nil); err == nil {
			t.Fatal("InsertTx outside a transaction accepted")
		}
		if _, err := q.CancelTx(ctx, d.DB, jobs.KindPublishArticle, 1, 2); err == nil {
			t.Fatal("CancelTx outside a transaction accepted")
		}
	})
}

// TestUniquePerArticleAndCancel: one waiting publish job per article
// (another article, another clinic's article with the same id and the
// unpublish kind are separate); CancelTx cancels only that article's job
// and lets a new one in; rescheduling replaces; a cancel rolled back
// leaves the job waiting.
func TestUniquePerArticleAndCancel(t *testing.T) {
	migrated(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := newQueue(t, d, jobs.Config{}, false)
		at := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		insert := func(args river.JobArgs) *rivertype.JobInsertResult {
			t.Helper()
			var res *rivertype.JobInsertResult
			if err := d.Tx(ctx, func(tx *gorm.DB) (err error) {
				res, err = q.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: at})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return res
		}
		first := insert(jobs.PublishArticleArgs{ClinicID: 1, ArticleID: 10})
		if first.UniqueSkippedAsDuplicate {
			t.Fatal("first insert skipped")
		}
		if !insert(jobs.PublishArticleArgs{ClinicID: 1, ArticleID: 10}).UniqueSkippedAsDuplicate {
			t.Fatal("second publish job for the same article inserted")
		}
		for _, a := range []river.JobArgs{
			jobs.PublishArticleArgs{ClinicID: 1, ArticleID: 11},
			jobs.PublishArticleArgs{ClinicID: 2, ArticleID: 10},
			jobs.UnpublishArticleArgs{ClinicID: 1, ArticleID: 10},
		} {
			if insert(a).UniqueSkippedAsDuplicate {
				t.Fatalf("%T %+v wrongly taken for a duplicate", a, a)
			}
		}

		// A cancel rolled back changes nothing.
		rollback := errors.New("rollback")
		if err := d.Tx(ctx, func(tx *gorm.DB) error {
			n, err := q.CancelTx(ctx, tx, jobs.KindPublishArticle, 1, 10)
			if err != nil || n != 1 {
				t.Errorf("cancel in tx: %d %v", n, err)
			}
			return rollback
		}); !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if j, err := q.Client().JobGet(ctx, first.Job.ID); err != nil || j.State != rivertype.JobStateScheduled {
			t.Fatalf("after rolled back cancel: %v %v", j.State, err)
		}

		var n int
		if err := d.Tx(ctx, func(tx *gorm.DB) (err error) {
			n, err = q.CancelTx(ctx, tx, jobs.KindPublishArticle, 1, 10)
			return err
		}); err != nil || n != 1 {
			t.Fatalf("cancel: %d %v", n, err)
		}
		if j, _ := q.Client().JobGet(ctx, first.Job.ID); j.State != rivertype.JobStateCancelled {
			t.Fatalf("cancelled job is %s", j.State)
		}
		waiting := func(kind string) []*rivertype.JobRow {
			return listJobs(t, q, kind, rivertype.JobStateScheduled, rivertype.JobStateAvailable)
		}
		// The other clinic's article 10, article 11 and the unpublish job still wait.
		if w := waiting(jobs.KindPublishArticle); len(w) != 2 {
			t.Fatalf("%d publish jobs waiting after cancelling one of three", len(w))
		}
		if w := waiting(jobs.KindUnpublishArticle); len(w) != 1 {
			t.Fatalf("unpublish job touched by the publish cancel: %d waiting", len(w))
		}
		if insert(jobs.PublishArticleArgs{ClinicID: 1, ArticleID: 10}).UniqueSkippedAsDuplicate {
			t.Fatal("publish job after cancel taken for a duplicate")
		}

		// Rescheduling replaces: one waiting job, at the new time.
		later := at.Add(time.Hour)
		if err := d.Tx(ctx, func(tx *gorm.DB) error { return q.SchedulePublishTx(ctx, tx, 1, 10, later) }); err != nil {
			t.Fatal(err)
		}
		var mine []*rivertype.JobRow
		for _, j := range waiting(jobs.KindPublishArticle) {
			if c, a := articleOf(t, j.EncodedArgs); c == 1 && a == 10 {
				mine = append(mine, j)
			}
		}
		if len(mine) != 1 || !mine[0].ScheduledAt.Equal(later) {
			t.Fatalf("after reschedule: %d waiting jobs for the article (%v)", len(mine), mine)
		}
	})
}

// TestArticleJobFiresWhenDue: a publish and an unpublish job scheduled a
// moment ahead each call their function once with their article.
func TestArticleJobFiresWhenDue(t *testing.T) {
	migrated(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		pub, unpub := newCalls(), newCalls()
		q := newQueue(t, d, jobs.Config{PublishArticle: pub.fn("a", nil), UnpublishArticle: unpub.fn("a", nil)}, true)
		at := time.Now().Add(time.Second)
		if err := d.Tx(ctx, func(tx *gorm.DB) error {
			if err := q.SchedulePublishTx(ctx, tx, 3, 30, at); err != nil {
				return err
			}
			return q.ScheduleUnpublishTx(ctx, tx, 3, 31, at)
		}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "both jobs completed", func() bool {
			return len(listJobs(t, q, jobs.KindPublishArticle, rivertype.JobStateCompleted)) == 1 &&
				len(listJobs(t, q, jobs.KindUnpublishArticle, rivertype.JobStateCompleted)) == 1
		})
		if pub.count(3, 30) != 1 || pub.distinct() != 1 || unpub.count(3, 31) != 1 || unpub.distinct() != 1 {
			t.Fatalf("publish %v, unpublish %v", pub.n, unpub.n)
		}
	})
}

// countWorks is a worker middleware counting worked jobs by kind and outcome.
type countWorks struct {
	river.MiddlewareDefaults
	mu sync.Mutex
	n  map[string]int
}

func (c *countWorks) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	err := doInner(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	c.n[job.Kind+" "+outcome]++
	return err
}

func (c *countWorks) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

// TestSnoozeAndMiddleware: a function that snoozes runs again later
// without using up an attempt; the configured middleware sees each run.
func TestSnoozeAndMiddleware(t *testing.T) {
	migrated(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		pub := newCalls()
		mw := &countWorks{n: map[string]int{}}
		q := newQueue(t, d, jobs.Config{
			ArticleMaxAttempts: 1,
			Middleware:         []rivertype.Middleware{mw},
			PublishArticle: pub.fn("a", func(clinicID, articleID int64) error {
				if pub.count(clinicID, articleID) < 3 {
					return jobs.Snooze(10 * time.Millisecond)
				}
				return nil
			}),
		}, true)
		if err := d.Tx(ctx, func(tx *gorm.DB) error { return q.SchedulePublishTx(ctx, tx, 4, 40, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the snoozed job to complete", func() bool {
			return len(listJobs(t, q, jobs.KindPublishArticle, rivertype.JobStateCompleted)) == 1
		})
		if n := pub.count(4, 40); n != 3 {
			t.Fatalf("ran %d times, want 3 (two snoozes, one success) within one attempt", n)
		}
		if got := mw.get(jobs.KindPublishArticle + " ok"); got != 1 {
			t.Fatalf("middleware saw %d successful runs (%v)", got, mw.n)
		}
		if got := mw.get(jobs.KindPublishArticle + " error"); got != 2 {
			t.Fatalf("middleware saw %d snoozes (%v)", got, mw.n)
		}
	})
}

// TestFailingJobRetriesThenGivesUp: a job whose function keeps failing is
// tried ArticleMaxAttempts times, then discarded: the hook fires once
// with its clinic and error, and Failed lists it (for its clinic only).
// Another article's job is not held up; a periodic task that fails gives
// up the same way.
func TestFailingJobRetriesThenGivesUp(t *testing.T) {
	migrated(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		pub := newCalls()
		var mu sync.Mutex
		var discarded []jobs.Failure
		q := newQueue(t, d, jobs.Config{
			ArticleMaxAttempts:  3,
			PeriodicMaxAttempts: 2,
			PublishArticle: pub.fn("a", func(_, articleID int64) error {
				if articleID == 1 {
					return fmt.Errorf("article %d: store unreachable", articleID)
				}
				return nil
			}),
			Periodic: []jobs.Periodic{{Kind: "always_broken", Interval: time.Hour, Run: func(context.Context) (int, error) {
				return 0, errors.New("broken periodic")
			}}},
			OnDiscard: func(_ context.Context, f jobs.Failure) {
				mu.Lock()
				discarded = append(discarded, f)
				mu.Unlock()
			},
		}, true)
		if err := d.Tx(ctx, func(tx *gorm.DB) error {
			if err := q.SchedulePublishTx(ctx, tx, 7, 1, time.Now()); err != nil {
				return err
			}
			return q.SchedulePublishTx(ctx, tx, 7, 2, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		hook := func() []jobs.Failure {
			mu.Lock()
			defer mu.Unlock()
			return append([]jobs.Failure(nil), discarded...)
		}
		waitFor(t, "both jobs given up and recorded", func() bool {
			return len(hook()) == 2 && len(listJobs(t, q, jobs.KindPublishArticle, rivertype.JobStateDiscarded)) == 1 &&
				len(listJobs(t, q, "always_broken", rivertype.JobStateDiscarded)) == 1
		})
		if n := pub.count(7, 1); n != 3 {
			t.Fatalf("failing job tried %d times, want 3", n)
		}
		if n := pub.count(7, 2); n != 1 {
			t.Fatalf("healthy job ran %d times", n)
		}
		byKind := map[string]jobs.Failure{}
		for _, f := range hook() {
			byKind[f.Kind] = f
		}
		f := byKind[jobs.KindPublishArticle]
		if f.ClinicID != 7 || f.Attempt != 3 || !strings.Contains(f.Error, "store unreachable") || func() bool { _, a := articleOf(t, f.Args); return a != 1 }() {
			t.Fatalf("article failure %+v", f)
		}
		if p := byKind["always_broken"]; p.Attempt != 2 || p.ClinicID != 0 || !strings.Contains(p.Error, "broken periodic") {
			t.Fatalf("periodic failure %+v", p)
		}

		all, err := q.Failed(ctx, 10)
		if err != nil || len(all) != 2 {
			t.Fatalf("Failed: %v %v", all, err)
		}
		mine, err := q.FailedForClinic(ctx, 7, 10)
		if err != nil || len(mine) != 1 || mine[0].JobID != f.JobID || !strings.Contains(mine[0].Error, "store unreachable") || mine[0].At.IsZero() {
			t.Fatalf("FailedForClinic(7): %+v %v", mine, err)
		}
		if other, err := q.FailedForClinic(ctx, 8, 10); err != nil || len(other) != 0 {
			t.Fatalf("FailedForClinic(8): %+v %v", other, err)
		}
	})
}

// TestPeriodicAndLocal: a periodic task runs once at start and again each
// period; a local ticker runs on this instance until Stop, which waits
// for it.
func TestPeriodicAndLocal(t *testing.T) {
	migrated(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		periodic, local := 0, 0
		var localCtx context.Context
		q := newQueue(t, d, jobs.Config{
			Periodic: []jobs.Periodic{{Kind: "tick", Interval: time.Second, Run: func(context.Context) (int, error) {
				mu.Lock()
				periodic++
				mu.Unlock()
				return 1, nil
			}}},
			Local: []jobs.Local{{Name: "poll", Interval: 10 * time.Millisecond, Run: func(ctx context.Context) (int, error) {
				mu.Lock()
				local++
				localCtx = ctx
				mu.Unlock()
				return 0, nil
			}}},
		}, false)
		if err := q.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(context.Background()); err == nil {
			t.Fatal("second Start accepted")
		}
		waitFor(t, "three periodic runs and local ticks", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return periodic >= 3 && local >= 3
		})
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if localCtx.Err() == nil {
			t.Fatal("local ticker's context still live after Stop")
		}
		if err := q.Stop(ctx); err != nil {
			t.Fatalf("second Stop: %v", err)
		}
		if n := len(listJobs(t, q, "tick", rivertype.JobStateCompleted)); n != periodic {
			t.Fatalf("%d periodic runs, %d completed jobs", periodic, n)
		}
	})
}

// TestStopLetsRunningJobFinish: Stop waits for a running job, which
// completes with its context intact.
func TestStopLetsRunningJobFinish(t *testing.T) {
	migrated(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		started, release := make(chan struct{}), make(chan struct{})
		var jobErr error
		q := newQueue(t, d, jobs.Config{PublishArticle: func(ctx context.Context, _, _ int64) error {
			close(started)
			<-release
			jobErr = ctx.Err()
			return nil
		}}, false)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Insert(ctx, jobs.PublishArticleArgs{ClinicID: 1, ArticleID: 1}, nil); err != nil {
			t.Fatal(err)
		}
		select {
		case <-started:
		case <-time.After(deadline):
			t.Fatal("job never started")
		}
		stopped := make(chan error, 1)
		go func() {
			sctx, cancel := context.WithTimeout(ctx, deadline)
			defer cancel()
			stopped <- q.Stop(sctx)
		}()
		close(release)
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		if jobErr != nil {
			t.Fatalf("running job's context cancelled by a graceful stop: %v", jobErr)
		}
		if n := len(listJobs(t, q, jobs.KindPublishArticle, rivertype.JobStateCompleted)); n != 1 {
			t.Fatalf("%d completed after Stop", n)
		}
	})
}

// TestConfigRefused: what cannot work is refused at New.
func TestConfigRefused(t *testing.T) {
	d := testenv.OpenSQLite(t)
	for name, cfg := range map[string]jobs.Config{
		"no db":          {},
		"short interval": {DB: d, Periodic: []jobs.Periodic{{Kind: "x", Interval: time.Millisecond, Run: func(context.Context) (int, error) { return 0, nil }}}},
		"no run":         {DB: d, Periodic: []jobs.Periodic{{Kind: "x", Interval: time.Minute}}},
		"same kind twice": {DB: d, Periodic: []jobs.Periodic{
			{Kind: "x", Interval: time.Minute, Run: func(context.Context) (int, error) { return 0, nil }},
			{Kind: "x", Interval: time.Minute, Run: func(context.Context) (int, error) { return 0, nil }},
		}},
		"article kind reused": {DB: d, Periodic: []jobs.Periodic{{Kind: jobs.KindPublishArticle, Interval: time.Minute, Run: func(context.Context) (int, error) { return 0, nil }}}},
	} {
		if _, err := jobs.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestUnwiredArticleJobGivesUp: until the domain wires its function, an
// article job does not silently succeed: it fails and is reported.
func TestUnwiredArticleJobGivesUp(t *testing.T) {
	migrated(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := newQueue(t, d, jobs.Config{ArticleMaxAttempts: 1}, true)
		if _, err := q.Insert(ctx, jobs.UnpublishArticleArgs{ClinicID: 2, ArticleID: 3}, nil); err != nil {
			t.Fatal(err)
		}
		var f []jobs.Failure
		waitFor(t, "the unwired job to be discarded", func() bool {
			var err error
			f, err = q.FailedForClinic(ctx, 2, 10)
			if err != nil {
				t.Fatal(err)
			}
			return len(f) == 1
		})
		if f[0].Kind != jobs.KindUnpublishArticle || !strings.Contains(f[0].Error, "no unpublish function wired") {
			t.Fatalf("failure %+v", f[0])
		}
	})
}
