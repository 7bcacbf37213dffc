package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/jobs"
)

// These tests run two instances on one PostgreSQL database: two
// connection pools and two River clients, as two processes behind a load
// balancer would have.

// leader is the River client ID currently elected leader ("" if none).
func leader(t *testing.T, d *db.DB) string {
	t.Helper()
	var ids []string
	if err := d.Raw(`SELECT leader_id FROM river_leader WHERE expires_at > now()`).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// TestTwoInstancesWorkEachJobOnce: 50 articles scheduled for the same
// second, inserted half through each instance, are each published exactly
// once between the two instances.
func TestTwoInstancesWorkEachJobOnce(t *testing.T) {
	dA := migratedPostgres(t)
	dB := instance(t, dA)
	pub := newCalls()
	qA := newQueue(t, dA, jobs.Config{ID: "a", PublishArticle: pub.fn("a", nil)}, true)
	qB := newQueue(t, dB, jobs.Config{ID: "b", PublishArticle: pub.fn("b", nil)}, true)

	ctx := context.Background()
	const n = 50
	at := time.Now().Add(2 * time.Second).Truncate(time.Second)
	for i := int64(1); i <= n; i++ {
		q, d := qA, dA
		if i%2 == 0 {
			q, d = qB, dB
		}
		if err := d.Tx(ctx, func(tx *gorm.DB) error { return q.SchedulePublishTx(ctx, tx, 1, i, at) }); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "50 publish jobs completed", func() bool {
		return len(listJobs(t, qA, jobs.KindPublishArticle, rivertype.JobStateCompleted)) == n
	})
	if got := pub.distinct(); got != n {
		t.Fatalf("%d articles published, want %d", got, n)
	}
	perInstance := map[string]int{}
	pub.mu.Lock()
	defer pub.mu.Unlock()
	for k, c := range pub.n {
		if c != 1 {
			t.Errorf("article %d published %d times (by %v)", k[1], c, pub.by[k])
		}
		perInstance[pub.by[k][0]]++
	}
	t.Logf("published per instance: %v", perInstance)
	if left := listJobs(t, qB, jobs.KindPublishArticle, rivertype.JobStateAvailable, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateDiscarded); len(left) != 0 {
		t.Fatalf("%d jobs not completed", len(left))
	}
}

// TestPeriodicOncePerPeriodAcrossInstances: both instances carry the same
// periodic job; it is enqueued and run at most once per period, and keeps
// running when the leader stops and the other instance takes over.
func TestPeriodicOncePerPeriodAcrossInstances(t *testing.T) {
	dA := migratedPostgres(t)
	dB := instance(t, dA)
	var mu sync.Mutex
	runs := map[string]int{}
	periodic := func(name string) []jobs.Periodic {
		return []jobs.Periodic{{Kind: "tick", Interval: time.Second, Run: func(context.Context) (int, error) {
			mu.Lock()
			runs[name]++
			mu.Unlock()
			return 1, nil
		}}}
	}
	total := func() int {
		mu.Lock()
		defer mu.Unlock()
		return runs["a"] + runs["b"]
	}
	queues := map[string]*jobs.Queue{
		"a": newQueue(t, dA, jobs.Config{ID: "a", Periodic: periodic("a")}, true),
		"b": newQueue(t, dB, jobs.Config{ID: "b", Periodic: periodic("b")}, true),
	}
	waitFor(t, "three periodic runs", func() bool { return total() >= 3 })
	var first string
	waitFor(t, "a leader", func() bool { first = leader(t, dA); return first != "" })
	other := map[string]string{"a": "b", "b": "a"}[first]
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := queues[first].Stop(ctx); err != nil {
		t.Fatal(err)
	}
	before := total()
	waitFor(t, "the other instance to lead and run the job twice more", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return runs["a"]+runs["b"] >= before+2 && leader(t, dA) == other
	})
	if err := queues[other].Stop(ctx); err != nil {
		t.Fatal(err)
	}

	all := listJobs(t, queues[other], "tick")
	perPeriod := map[time.Time]int{}
	completed := 0
	for _, j := range all {
		perPeriod[j.ScheduledAt.UTC().Truncate(time.Second)]++
		if j.State == rivertype.JobStateCompleted {
			completed++
		}
	}
	for p, c := range perPeriod {
		if c > 1 {
			t.Errorf("%d jobs for the period starting %s", c, p.Format(time.RFC3339Nano))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if runs["a"]+runs["b"] != completed {
		t.Fatalf("%d runs (%v) but %d completed jobs", runs["a"]+runs["b"], runs, completed)
	}
	t.Logf("runs per instance %v over %d periods; first leader %s", runs, len(perPeriod), first)
}

// TestScheduledJobSurvivesItsInserterStopping: a job scheduled through
// instance A, which then stops, is run by instance B when due.
func TestScheduledJobSurvivesItsInserterStopping(t *testing.T) {
	dA := migratedPostgres(t)
	dB := instance(t, dA)
	pub := newCalls()
	qA := newQueue(t, dA, jobs.Config{ID: "a", PublishArticle: pub.fn("a", nil)}, true)
	newQueue(t, dB, jobs.Config{ID: "b", PublishArticle: pub.fn("b", nil)}, true)

	ctx := context.Background()
	at := time.Now().Add(3 * time.Second)
	if err := dA.Tx(ctx, func(tx *gorm.DB) error { return qA.SchedulePublishTx(ctx, tx, 5, 50, at) }); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	if err := qA.Stop(sctx); err != nil {
		t.Fatal(err)
	}
	if !time.Now().Before(at) {
		t.Fatal("instance A took until the job was due to stop; the test proves nothing")
	}
	waitFor(t, "the job to run on instance B", func() bool { return pub.count(5, 50) > 0 })
	waitFor(t, "the job to complete", func() bool {
		return len(listJobs(t, qA, jobs.KindPublishArticle, rivertype.JobStateCompleted)) == 1
	})
	pub.mu.Lock()
	defer pub.mu.Unlock()
	if by := pub.by[[2]int64{5, 50}]; len(by) != 1 || by[0] != "b" {
		t.Fatalf("job run by %v, want once by b", by)
	}
}
