// Package jobs runs the background work: scheduled publishing (and, as it
// grows, re-review checks). Each job is safe to run on several instances at
// once because the work it does is guarded by the database.
package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Job is one periodic task; it returns how many items it handled.
type Job struct {
	Name     string
	Interval time.Duration
	Run      func(ctx context.Context) (int, error)
}

// Start runs every job at start and then every Interval until ctx ends.
// done is closed when all jobs have stopped.
func Start(ctx context.Context, jobs ...Job) (done <-chan struct{}) {
	ch := make(chan struct{})
	remaining := make(chan struct{}, len(jobs))
	for _, j := range jobs {
		go func() {
			defer func() { remaining <- struct{}{} }()
			t := time.NewTicker(j.Interval)
			defer t.Stop()
			for {
				n, err := j.Run(ctx)
				if err != nil && ctx.Err() == nil {
					slog.Error("job failed", "job", j.Name, "err", err)
				} else if n > 0 {
					slog.Info("job ran", "job", j.Name, "handled", n)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	go func() {
		for range jobs {
			<-remaining
		}
		close(ch)
	}()
	return ch
}
