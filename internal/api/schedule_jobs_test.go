package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/jobs"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// jobsDeadline bounds every wait on the job queue: generous, never an
// assertion on speed.
const jobsDeadline = 90 * time.Second

// wallClock moves the fake clock to the wall clock (River schedules by the
// wall clock) and signs the platform admin in again.
func wallClock(e *testenv.Env) {
	e.Clock.Advance(time.Since(e.Clock.Now()))
	e.Platform = e.Login("root@platform.test")
}

// startJobs starts an instance's queue and stops it when the test ends.
func startJobs(t *testing.T, e *testenv.Env) {
	t.Helper()
	if err := e.App.Jobs.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = e.App.Jobs.Stop(ctx)
	})
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	end := time.Now().Add(jobsDeadline)
	for !ok() {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func jobStates(t *testing.T, e *testenv.Env, kind string) map[rivertype.JobState]int {
	t.Helper()
	res, err := e.App.Jobs.Client().JobList(context.Background(), river.NewJobListParams().Kinds(kind).First(10_000))
	if err != nil {
		t.Fatal(err)
	}
	out := map[rivertype.JobState]int{}
	for _, j := range res.Jobs {
		out[j.State]++
	}
	return out
}

// TestFiftySchedulesOnTwoInstances: two instances on one PostgreSQL, 50
// articles scheduled for the same second (half through each instance):
// 50 publishes, 50 article.published entries, each article published
// once, no failed or retried job.
func TestFiftySchedulesOnTwoInstances(t *testing.T) {
	d := testenv.OpenPostgres(t)
	a := testenv.New(t, d)
	wallClock(a)
	b := a.Instance()
	c := a.NewClinic("fifty")
	const n = 50
	ids := make([]int64, n)
	versions := make([]int, n)
	for i := range n {
		art := a.Approved(c, fmt.Sprintf("Scheduled together %d", i))
		ids[i], versions[i] = art.ID, art.Version
	}
	startJobs(t, a)
	startJobs(t, b)
	at := time.Now().Add(20 * time.Second).Truncate(time.Second) // room for a loaded CI machine
	for i, id := range ids {
		e := a
		if i%2 == 1 {
			e = b
		}
		var art testenv.Article
		e.MustDo("POST", path(c.Slug, id, "/publish"), c.Admin, map[string]any{"at": at, "version": versions[i]}, 200, &art)
		if art.Status != "scheduled" {
			t.Fatalf("article %d: %s", id, art.Status)
		}
	}
	if time.Now().After(at) {
		t.Fatal("scheduling took until the publish time; the test proves nothing")
	}
	a.Clock.Advance(at.Sub(a.Clock.Now())) // the services' clock reaches the time with River's
	waitUntil(t, "50 articles published", func() bool {
		return count(t, d, `SELECT COUNT(*) FROM articles WHERE clinic_id = ? AND status = 'published'`, c.ID) == n
	})
	waitUntil(t, "50 completed jobs", func() bool { return jobStates(t, a, jobs.KindPublishArticle)[rivertype.JobStateCompleted] == n })
	for _, id := range ids {
		if got := count(t, d, `SELECT COUNT(*) FROM audit_entries WHERE clinic_id = ? AND article_id = ? AND action = 'article.published' AND request_id = 'job:publish_article'`, c.ID, id); got != 1 {
			t.Errorf("article %d: %d article.published entries, want 1", id, got)
		}
	}
	if got := count(t, d, `SELECT COUNT(*) FROM audit_entries WHERE clinic_id = ? AND action IN ('article.schedule_refused', 'article.job_failed')`, c.ID); got != 0 {
		t.Errorf("%d refusals or failures", got)
	}
	st := jobStates(t, a, jobs.KindPublishArticle)
	if len(st) != 1 {
		t.Errorf("job states %v, want only %d completed", st, n)
	}
	var errored int
	if err := d.Raw(`SELECT COUNT(*) FROM river_job WHERE kind = ? AND (attempt > 1 OR array_length(errors, 1) > 0)`, jobs.KindPublishArticle).Scan(&errored).Error; err != nil {
		t.Fatal(err)
	}
	if errored != 0 {
		t.Errorf("%d jobs needed another attempt", errored)
	}
}

// TestScheduleSurvivesItsInstanceStopping: an article scheduled through
// instance A, whose queue then stops, is published by instance B.
func TestScheduleSurvivesItsInstanceStopping(t *testing.T) {
	d := testenv.OpenPostgres(t)
	a := testenv.New(t, d)
	wallClock(a)
	b := a.Instance()
	c := a.NewClinic("survive")
	art := a.Approved(c, "Outlives its instance")
	startJobs(t, a)
	startJobs(t, b)
	at := time.Now().Add(4 * time.Second).Truncate(time.Second)
	a.MustDo("POST", path(c.Slug, art.ID, "/publish"), c.Admin, map[string]any{"at": at}, 200, &art)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.App.Jobs.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if time.Now().After(at) {
		t.Fatal("instance A took until the publish time to stop; the test proves nothing")
	}
	a.Clock.Advance(at.Sub(a.Clock.Now()))
	waitUntil(t, "the article published by B's job", func() bool {
		return count(t, d, `SELECT COUNT(*) FROM articles WHERE clinic_id = ? AND id = ? AND status = 'published'`, c.ID, art.ID) == 1
	})
	if got := count(t, d, `SELECT COUNT(*) FROM audit_entries WHERE article_id = ? AND action = 'article.published' AND request_id = 'job:publish_article'`, art.ID); got != 1 {
		t.Fatalf("%d article.published entries by the job (the safety-net scan fired it?)", got)
	}
	waitUntil(t, "the job completed", func() bool { return jobStates(t, b, jobs.KindPublishArticle)[rivertype.JobStateCompleted] == 1 })
	res, err := b.App.Jobs.Client().JobList(context.Background(), river.NewJobListParams().Kinds(jobs.KindPublishArticle))
	if err != nil || len(res.Jobs) != 1 {
		t.Fatalf("jobs %v %v", res, err)
	}
	if j := res.Jobs[0]; j.State != rivertype.JobStateCompleted || j.Attempt != 1 {
		t.Fatalf("job %s after %d attempts", j.State, j.Attempt)
	} else if len(j.AttemptedBy) > 0 && j.AttemptedBy[len(j.AttemptedBy)-1] == a.App.Jobs.Client().ID() {
		t.Fatalf("the stopped instance worked the job (%v)", j.AttemptedBy)
	}
}

// TestScheduleJobsFollowTheWorkflow: scheduling inserts one job per
// article; cancelling, editing, rescheduling and unpublishing cancel or
// replace it; a scheduled unpublish takes the article down when due.
func TestScheduleJobsFollowTheWorkflow(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		wallClock(e)
		c := e.NewClinic("jobflow")
		waiting := func(kind string, id int64) int {
			return count(t, d, `SELECT COUNT(*) FROM river_job WHERE kind = ? AND state IN ('scheduled', 'available') AND json_extract(args, '$.article_id') = ?`, kind, id)
		}
		if d.Dialect == db.Postgres {
			waiting = func(kind string, id int64) int {
				return count(t, d, `SELECT COUNT(*) FROM river_job WHERE kind = ? AND state IN ('scheduled', 'available') AND (args->>'article_id')::bigint = ?`, kind, id)
			}
		}
		later := e.Clock.Now().Add(time.Hour)
		a := e.Approved(c, "Scheduled and called off")
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, map[string]any{"at": later}, 200, &a)
		if got := waiting(jobs.KindPublishArticle, a.ID); got != 1 {
			t.Fatalf("%d waiting publish jobs after scheduling, want 1", got)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, map[string]any{"at": later.Add(time.Hour)}, 200, &a)
		if got := waiting(jobs.KindPublishArticle, a.ID); got != 1 {
			t.Fatalf("%d waiting publish jobs after rescheduling, want 1", got)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/cancel-schedule"), c.Admin, nil, 200, &a)
		if got := waiting(jobs.KindPublishArticle, a.ID); got != 0 {
			t.Fatalf("%d waiting publish jobs after cancelling, want 0", got)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, map[string]any{"at": later}, 200, &a)
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "summary": "S.", "body": "Edited after scheduling.", "version": a.Version}, 200, &a)
		if got := waiting(jobs.KindPublishArticle, a.ID); got != 0 || a.Status != "draft" {
			t.Fatalf("after an edit: %d waiting publish jobs, status %s", got, a.Status)
		}

		// Scheduled unpublish: stays live until due, then comes down.
		p := e.Published(c, "Comes down later")
		e.MustDo("POST", path(c.Slug, p.ID, "/unpublish"), c.Admin, map[string]any{"at": later}, 200, &p)
		if p.Status != "published" || waiting(jobs.KindUnpublishArticle, p.ID) != 1 {
			t.Fatalf("scheduled unpublish: %s, %d jobs", p.Status, waiting(jobs.KindUnpublishArticle, p.ID))
		}
		e.MustDo("POST", path(c.Slug, p.ID, "/cancel-unpublish"), c.Admin, nil, 200, &p)
		if waiting(jobs.KindUnpublishArticle, p.ID) != 0 {
			t.Fatal("cancelled unpublish left its job")
		}
		if r := e.Do("POST", path(c.Slug, p.ID, "/cancel-unpublish"), c.Admin, nil); r.Status != 409 || r.Code() != "not_scheduled" {
			t.Fatalf("second cancel: %d %s", r.Status, r.Code())
		}
		startJobs(t, e)
		at := time.Now().Add(2 * time.Second).Truncate(time.Second)
		e.MustDo("POST", path(c.Slug, p.ID, "/unpublish"), c.Admin, map[string]any{"at": at}, 200, &p)
		e.Clock.Advance(at.Sub(e.Clock.Now()))
		waitUntil(t, "the scheduled unpublish", func() bool {
			return count(t, d, `SELECT COUNT(*) FROM articles WHERE clinic_id = ? AND id = ? AND status = 'unpublished' AND live_revision IS NULL`, c.ID, p.ID) == 1
		})
		var entries struct{ Entries []struct{ Action string } }
		e.MustDo("GET", path(c.Slug, p.ID, "/audit"), c.Admin, nil, 200, &entries)
		want := []string{"article.unpublished", "article.unpublish_scheduled", "article.unpublish_cancelled", "article.unpublish_scheduled"}
		for i, w := range want {
			if i >= len(entries.Entries) || entries.Entries[i].Action != w {
				t.Fatalf("audit trail %+v, want it to start with %v", entries.Entries, want)
			}
		}
		if got := count(t, d, `SELECT COUNT(*) FROM live_articles WHERE clinic_id = ? AND article_id = ?`, c.ID, p.ID); got != 0 {
			t.Fatalf("still %d live rows", got)
		}
	})
}

// TestFailedJobIsReported: a publish job that gives up leaves an
// article.job_failed entry and is listed for the clinic admin only.
func TestFailedJobIsReported(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		wallClock(e)
		c := e.NewClinic("failing")
		a := e.Approved(c, "Its job fails")
		other := e.NewClinic("failing-other")
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, map[string]any{"at": e.Clock.Now().Add(time.Hour)}, 200, &a)
		var jobID int64
		if err := d.Raw(`SELECT id FROM river_job WHERE kind = ?`, jobs.KindPublishArticle).Scan(&jobID).Error; err != nil || jobID == 0 {
			t.Fatalf("job: %d %v", jobID, err)
		}
		// Its last attempt, due now, and the article's row cannot be
		// saved (a column renamed away): FirePublish fails with an
		// internal error and the job gives up.
		if err := d.Exec(`UPDATE river_job SET max_attempts = 1, scheduled_at = ? WHERE id = ?`, time.Now().Add(-time.Second).UTC(), jobID).Error; err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(2 * time.Hour) // the article's schedule is due
		if err := d.Exec(`ALTER TABLE articles RENAME COLUMN unpublish_at TO unpublish_at_gone`).Error; err != nil {
			t.Fatal(err)
		}
		startJobs(t, e)
		waitUntil(t, "the job to be discarded", func() bool {
			return jobStates(t, e, jobs.KindPublishArticle)[rivertype.JobStateDiscarded] == 1
		})
		if err := d.Exec(`ALTER TABLE articles RENAME COLUMN unpublish_at_gone TO unpublish_at`).Error; err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the article.job_failed entry", func() bool {
			return count(t, d, `SELECT COUNT(*) FROM audit_entries WHERE clinic_id = ? AND article_id = ? AND action = 'article.job_failed'`, c.ID, a.ID) == 1
		})
		e.SignInAgain(&c)
		e.SignInAgain(&other)
		var list struct {
			Jobs []struct {
				Kind      string `json:"kind"`
				ArticleID int64  `json:"article_id"`
			} `json:"jobs"`
		}
		e.MustDo("GET", "/api/v1/clinics/"+c.Slug+"/jobs/failed", c.Admin, nil, 200, &list)
		if len(list.Jobs) != 1 || list.Jobs[0].ArticleID != a.ID || list.Jobs[0].Kind != jobs.KindPublishArticle {
			t.Fatalf("failed jobs %+v", list.Jobs)
		}
		e.MustDo("GET", "/api/v1/clinics/"+other.Slug+"/jobs/failed", other.Admin, nil, 200, &list)
		if len(list.Jobs) != 0 {
			t.Fatalf("another clinic sees %+v", list.Jobs)
		}
		e.MustDo("GET", "/api/v1/clinics/"+c.Slug+"/jobs/failed", c.Writer, nil, 403, nil)
	})
}
