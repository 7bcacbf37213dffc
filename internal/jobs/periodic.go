package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// periodicArgs is the (empty) argument of a periodic job; its kind is the
// Periodic's Kind, so each periodic task has a kind of its own in River's
// tables, logs and metrics.
type periodicArgs struct {
	kind string
}

// Kind is the Periodic's kind.
func (a periodicArgs) Kind() string { return a.kind }

// periodicWorker runs one Periodic.
type periodicWorker struct {
	river.WorkerDefaults[periodicArgs]
	p Periodic
}

// Work runs the periodic task once; an error retries it (within its
// period's attempts) and after the last attempt reports it.
func (w *periodicWorker) Work(ctx context.Context, _ *river.Job[periodicArgs]) error {
	_, err := w.p.Run(ctx)
	return err
}

// Timeout is the Periodic's own timeout, if it has one.
func (w *periodicWorker) Timeout(*river.Job[periodicArgs]) time.Duration { return w.p.Timeout }

func addPeriodicWorker(workers *river.Workers, p Periodic) (err error) {
	// AddWorkerArgs panics on a duplicate kind; answer an error instead.
	defer func() {
		if r := recover(); r != nil {
			err = periodicErr(p.Kind, r)
		}
	}()
	river.AddWorkerArgs(workers, periodicArgs{kind: p.Kind}, &periodicWorker{p: p})
	return nil
}

func periodicErr(kind string, r any) error {
	return fmt.Errorf("jobs: periodic %q: %v", kind, r)
}
