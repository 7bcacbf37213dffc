package jobs_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/jobs"
)

// childEnv holds the DSN when this test binary runs as the instance that
// gets killed.
const childEnv = "CLINICPRESS_JOBS_TEST_CHILD_DSN"

// TestKilledInstanceChild is the instance TestScheduledJobSurvivesKilledInstance
// kills: it starts a queue (it is the only one, so it leads), schedules a
// publish job a few seconds ahead, says so on stdout and waits to be
// killed. It does nothing in a normal test run.
func TestKilledInstanceChild(t *testing.T) {
	dsn := os.Getenv(childEnv)
	if dsn == "" {
		t.Skip("only runs as the child of TestScheduledJobSurvivesKilledInstance")
	}
	d, err := db.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := newQueue(t, d, jobs.Config{ID: "doomed", PublishArticle: func(context.Context, int64, int64) error {
		return fmt.Errorf("the doomed instance must not run the job")
	}}, false)
	ctx := context.Background()
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "leadership", func() bool { return leader(t, d) == "doomed" })
	at := time.Now().Add(4 * time.Second)
	if err := d.Tx(ctx, func(tx *gorm.DB) error { return q.SchedulePublishTx(ctx, tx, 9, 90, at) }); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("scheduled %d\n", at.UnixNano())
	time.Sleep(time.Hour) // until killed
}

// TestScheduledJobSurvivesKilledInstance: the instance that scheduled a
// job and led the cluster is killed (SIGKILL: no resignation, no clean
// stop); the other instance takes the leadership over once the dead
// leader's term expires, and runs the job.
func TestScheduledJobSurvivesKilledInstance(t *testing.T) {
	d := migratedPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKilledInstanceChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+d.DSN())
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	var at time.Time
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "scheduled "); ok {
			ns, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			at = time.Unix(0, ns)
			break
		}
	}
	if at.IsZero() {
		t.Fatal("child instance never scheduled its job")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if !time.Now().Before(at) {
		t.Fatal("the child was killed only after the job was due; the test proves nothing")
	}

	pub := newCalls()
	q := newQueue(t, instance(t, d), jobs.Config{ID: "survivor", PublishArticle: pub.fn("survivor", nil)}, true)
	waitFor(t, "the job to complete on the survivor", func() bool {
		return len(listJobs(t, q, jobs.KindPublishArticle, rivertype.JobStateCompleted)) == 1
	})
	if n := pub.count(9, 90); n != 1 {
		t.Fatalf("job ran %d times on the survivor", n)
	}
	// Any instance works due jobs; leadership (periodic jobs) passes to the
	// survivor only when the dead leader's term runs out, which may be
	// after the job completed.
	waitFor(t, "the survivor to take over leadership", func() bool { return leader(t, d) == "survivor" })
}
