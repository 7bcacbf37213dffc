// Package jobs owns the background work and the River job queue it runs on
// (github.com/riverqueue/river, with its tables in our database: see
// internal/db). It owns the River client of this instance (started and
// stopped with the app), the workers registered by kind, the periodic jobs
// (enqueued by the elected leader only, so once per period across every
// instance on one database), the per-article publish/unpublish jobs the
// domain inserts inside its own transaction, and what happens to a job
// that gives up: the OnDiscard hook and the Failed listing.
//
// The same code runs on both databases. On PostgreSQL the client works
// through the app's database/sql pool (River's riverdatabasesql driver)
// plus one pgx LISTEN connection, so a job inserted in a GORM transaction
// commits or rolls back with it; on SQLite it uses River's riversqlite
// driver on the same pool. Per-instance work that must run on every
// instance (refreshing a local cache) is a Local ticker, not a River job.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/db"
)

// Defaults for Config fields left zero.
const (
	DefaultWorkers             = 10
	DefaultArticleMaxAttempts  = 10
	DefaultPeriodicMaxAttempts = 3
	DefaultStopTimeout         = 20 * time.Second
	DefaultJobTimeout          = 2 * time.Minute
	DefaultDiscardedRetention  = 30 * 24 * time.Hour
)

// Periodic is work the cluster does once per Interval: only the elected
// leader enqueues it, and a unique-per-period key keeps a new leader from
// enqueuing the same period again. Run returns how many items it handled.
type Periodic struct {
	Kind     string // River job kind, e.g. "review_overdue"
	Interval time.Duration
	Run      func(ctx context.Context) (int, error)
	// Timeout bounds one run (0: Config.JobTimeout).
	Timeout time.Duration
}

// Local is work every instance does for itself on a plain ticker (for
// example refreshing an in-memory cache); it is not a River job.
type Local struct {
	Name     string
	Interval time.Duration
	Run      func(ctx context.Context) (int, error)
}

// ArticleFunc does one article's scheduled transition. It returns nil once
// the job is done, including when the domain refused (it records that
// itself); an error means "try again later": the job is retried with
// backoff and, after its last attempt, discarded and reported.
type ArticleFunc func(ctx context.Context, clinicID, articleID int64) error

// Snooze, returned by a job's function, runs the job again after d
// without counting an attempt (for example while the article is locked).
func Snooze(d time.Duration) error { return river.JobSnooze(d) }

// Failure is a job that gave up (River's "discarded" state).
type Failure struct {
	JobID    int64
	Kind     string
	Args     json.RawMessage
	ClinicID int64 // from the job's clinic_id argument; 0 when it has none
	Attempt  int
	Error    string // the last attempt's error
	At       time.Time
}

// ArticleID is the article_id argument of a per-article job (0 for others).
func (f Failure) ArticleID() int64 {
	var a struct {
		ArticleID int64 `json:"article_id"`
	}
	if json.Unmarshal(f.Args, &a) != nil {
		return 0
	}
	return a.ArticleID
}

// Config builds a Queue.
type Config struct {
	DB *db.DB

	// PublishArticle and UnpublishArticle work the per-article jobs; nil
	// ones fail (and retry) until wired.
	PublishArticle   ArticleFunc
	UnpublishArticle ArticleFunc
	Periodic         []Periodic
	Local            []Local
	// Daemons run on every instance from Start until Stop (for example
	// the LISTEN loop that invalidates this instance's page cache); each
	// returns when its context ends.
	Daemons []func(ctx context.Context)

	// OnDiscard is called once when a job gives up after its last attempt
	// (nil: it is logged at error level). It runs on the instance that
	// worked the last attempt, before River marks the job discarded.
	OnDiscard func(ctx context.Context, f Failure)

	Logger *slog.Logger // nil: slog.Default(); River's own logs at warn and above

	// Middleware wraps every job's work (rivertype.WorkerMiddleware) or
	// insert (rivertype.JobInsertMiddleware): the place for metrics by
	// kind and outcome.
	Middleware []rivertype.Middleware

	// Tuning; zero values take the defaults above or River's.
	ID                  string        // client ID, unique per instance (default random)
	Workers             int           // jobs worked at once by this instance
	ArticleMaxAttempts  int           // attempts of a publish/unpublish job
	PeriodicMaxAttempts int           // attempts of one period's run
	JobTimeout          time.Duration // a run's context is cancelled after this
	StopTimeout         time.Duration // Stop waits this long for running jobs, then cancels them
	FetchPollInterval   time.Duration // fallback poll when no LISTEN notification comes
	FetchCooldown       time.Duration // minimum time between fetches
	RetryPolicy         river.ClientRetryPolicy
	// TestOnly turns off River's start-up jitter (tests only).
	TestOnly bool
}

// Queue is this instance's River client plus its local tickers.
type Queue struct {
	cfg    Config
	client *river.Client[*sql.Tx]
	log    *slog.Logger

	mu      sync.Mutex
	started bool
	cancel  context.CancelFunc
	locals  sync.WaitGroup
}

// New builds the queue; nothing touches the database before Start except
// what the caller inserts.
func New(cfg Config) (*Queue, error) {
	if cfg.DB == nil {
		return nil, errors.New("jobs: no database")
	}
	cfg.Workers = cmp.Or(cfg.Workers, DefaultWorkers)
	cfg.ArticleMaxAttempts = cmp.Or(cfg.ArticleMaxAttempts, DefaultArticleMaxAttempts)
	cfg.PeriodicMaxAttempts = cmp.Or(cfg.PeriodicMaxAttempts, DefaultPeriodicMaxAttempts)
	cfg.JobTimeout = cmp.Or(cfg.JobTimeout, DefaultJobTimeout)
	cfg.StopTimeout = cmp.Or(cfg.StopTimeout, DefaultStopTimeout)
	q := &Queue{cfg: cfg, log: cmp.Or(cfg.Logger, slog.Default())}

	workers := river.NewWorkers()
	article := func(name string, fn ArticleFunc) ArticleFunc {
		if fn == nil {
			return func(context.Context, int64, int64) error {
				return fmt.Errorf("jobs: no %s function wired", name)
			}
		}
		return fn
	}
	pub, unpub := article("publish", cfg.PublishArticle), article("unpublish", cfg.UnpublishArticle)
	if err := river.AddWorkerSafely(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[PublishArticleArgs]) error {
		return pub(ctx, j.Args.ClinicID, j.Args.ArticleID)
	})); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[UnpublishArticleArgs]) error {
		return unpub(ctx, j.Args.ClinicID, j.Args.ArticleID)
	})); err != nil {
		return nil, err
	}
	var periodic []*river.PeriodicJob
	for _, p := range cfg.Periodic {
		if p.Kind == "" || p.Run == nil || p.Interval < time.Second {
			return nil, fmt.Errorf("jobs: periodic %q needs a kind, a Run and an interval of at least 1s", p.Kind)
		}
		if err := addPeriodicWorker(workers, p); err != nil {
			return nil, err
		}
		opts := &river.InsertOpts{
			MaxAttempts: cfg.PeriodicMaxAttempts,
			// At most one run per period, whoever is leader.
			UniqueOpts: river.UniqueOpts{ByPeriod: p.Interval},
		}
		kind := p.Kind
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(p.Interval),
			func() (river.JobArgs, *river.InsertOpts) { return periodicArgs{kind: kind}, opts },
			&river.PeriodicJobOpts{ID: kind, RunOnStart: true}))
	}

	var driver riverdriver.Driver[*sql.Tx]
	if cfg.DB.Dialect == db.Postgres {
		// The app's database/sql pool for everything, so River works in
		// GORM's transactions, plus a pgx connection for LISTEN.
		listen, err := cfg.DB.PgxPool()
		if err != nil {
			return nil, err
		}
		driver = riverdatabasesql.NewWithPgxListener(cfg.DB.SQL, listen)
	} else {
		driver = cfg.DB.RiverDriver()
	}
	client, err := river.NewClient(driver, &river.Config{
		ID:                          cfg.ID,
		Logger:                      slog.New(minLevel{slog.LevelWarn, q.log.Handler()}),
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:                     workers,
		PeriodicJobs:                periodic,
		ErrorHandler:                errorHandler{q},
		Middleware:                  cfg.Middleware,
		MaxAttempts:                 cfg.ArticleMaxAttempts,
		RetryPolicy:                 cfg.RetryPolicy,
		JobTimeout:                  cfg.JobTimeout,
		RescueStuckJobsAfter:        cfg.JobTimeout + 5*time.Minute,
		SoftStopTimeout:             cfg.StopTimeout,
		FetchPollInterval:           cfg.FetchPollInterval,
		FetchCooldown:               cfg.FetchCooldown,
		DiscardedJobRetentionPeriod: DefaultDiscardedRetention,
		TestOnly:                    cfg.TestOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	q.client = client
	return q, nil
}

// Client is the River client, for what this package does not wrap
// (listing jobs, subscribing to events in tests, metrics hooks).
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// Start starts working jobs (and, when elected leader, enqueuing the
// periodic ones and moving scheduled jobs due) and the local tickers.
// They run until Stop; cancelling ctx does not stop them.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return errors.New("jobs: already started")
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if err := q.client.Start(ctx); err != nil {
		cancel()
		return fmt.Errorf("jobs: start: %w", err)
	}
	q.started, q.cancel = true, cancel
	for _, d := range q.cfg.Daemons {
		q.locals.Add(1)
		go func() {
			defer q.locals.Done()
			d(ctx)
		}()
	}
	for _, l := range q.cfg.Local {
		q.locals.Add(1)
		go func() {
			defer q.locals.Done()
			q.tick(ctx, l)
		}()
	}
	return nil
}

// Stop stops fetching new jobs, lets running ones finish (cancelling them
// after StopTimeout; a cancelled job goes back to the queue for another
// instance), stops the local tickers and waits for all of it, or until ctx
// ends. Stop on a queue never started does nothing.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	started, cancel := q.started, q.cancel
	q.started = false
	q.mu.Unlock()
	if !started {
		return nil
	}
	err := q.client.Stop(ctx)
	cancel()
	done := make(chan struct{})
	go func() { q.locals.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return err
}

func (q *Queue) tick(ctx context.Context, l Local) {
	t := time.NewTicker(l.Interval)
	defer t.Stop()
	for {
		n, err := l.Run(ctx)
		if err != nil && ctx.Err() == nil {
			q.log.Error("local job failed", "job", l.Name, "err", err)
		} else if n > 0 {
			q.log.Debug("local job ran", "job", l.Name, "handled", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sqlTx is the database/sql transaction under a GORM transaction.
func sqlTx(tx *gorm.DB) (*sql.Tx, error) {
	if tx != nil && tx.Statement != nil {
		if t, ok := tx.Statement.ConnPool.(*sql.Tx); ok {
			return t, nil
		}
	}
	return nil, errors.New("jobs: not inside a transaction (use the tx given by db.Tx)")
}

// InsertTx inserts a job inside the caller's GORM transaction (the one
// db.Tx hands out): it exists if and only if that transaction commits,
// and workers see it only then. A unique job that already exists is not
// inserted again (UniqueSkippedAsDuplicate in the result).
func (q *Queue) InsertTx(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	t, err := sqlTx(tx)
	if err != nil {
		return nil, err
	}
	res, err := q.client.InsertTx(ctx, t, args, opts)
	if err != nil {
		return nil, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res, nil
}

// Insert inserts a job on its own (outside any transaction).
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	res, err := q.client.Insert(ctx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res, nil
}

// Failed lists the jobs that gave up, newest first (at most limit).
func (q *Queue) Failed(ctx context.Context, limit int) ([]Failure, error) {
	return q.failed(ctx, river.NewJobListParams(), limit)
}

// FailedForClinic lists one clinic's jobs that gave up, newest first.
func (q *Queue) FailedForClinic(ctx context.Context, clinicID int64, limit int) ([]Failure, error) {
	return q.failed(ctx, river.NewJobListParams().TagsAll(clinicTag(clinicID)), limit)
}

func (q *Queue) failed(ctx context.Context, p *river.JobListParams, limit int) ([]Failure, error) {
	limit = min(max(limit, 1), 10_000)
	res, err := q.client.JobList(ctx, p.States(rivertype.JobStateDiscarded).
		OrderBy(river.JobListOrderByFinalizedAt, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("jobs: list failed: %w", err)
	}
	out := make([]Failure, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		out = append(out, failure(j, ""))
	}
	return out, nil
}

// failure describes job; lastErr overrides its recorded last error (the
// error handler sees the error before River records it).
func failure(j *rivertype.JobRow, lastErr string) Failure {
	f := Failure{JobID: j.ID, Kind: j.Kind, Args: json.RawMessage(j.EncodedArgs), Attempt: j.Attempt, Error: lastErr}
	if f.Error == "" && len(j.Errors) > 0 {
		f.Error = j.Errors[len(j.Errors)-1].Error
	}
	if j.FinalizedAt != nil {
		f.At = *j.FinalizedAt
	} else {
		f.At = time.Now().UTC()
	}
	var c struct {
		ClinicID int64 `json:"clinic_id"`
	}
	if json.Unmarshal(j.EncodedArgs, &c) == nil {
		f.ClinicID = c.ClinicID
	}
	return f
}

// errorHandler sees every failed attempt; the one that was the last is a
// job giving up.
type errorHandler struct{ q *Queue }

// HandleError reports a job's last failed attempt.
func (h errorHandler) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.q.attemptFailed(ctx, job, err.Error())
	return nil
}

// HandlePanic reports a job's last attempt that panicked.
func (h errorHandler) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.q.log.Error("job panicked", "kind", job.Kind, "job_id", job.ID, "panic", panicVal, "trace", trace)
	h.q.attemptFailed(ctx, job, fmt.Sprintf("panic: %v", panicVal))
	return nil
}

func (q *Queue) attemptFailed(ctx context.Context, job *rivertype.JobRow, msg string) {
	if job.Attempt < job.MaxAttempts {
		q.log.Warn("job failed; will retry", "kind", job.Kind, "job_id", job.ID, "attempt", job.Attempt, "max_attempts", job.MaxAttempts, "err", msg)
		return
	}
	f := failure(job, msg)
	q.log.Error("job gave up", "kind", f.Kind, "job_id", f.JobID, "clinic_id", f.ClinicID, "attempts", f.Attempt, "err", msg)
	if q.cfg.OnDiscard != nil {
		q.cfg.OnDiscard(ctx, f)
	}
}

// minLevel passes on records at or above a level (River is chatty at info).
type minLevel struct {
	min slog.Level
	h   slog.Handler
}

// Enabled reports whether l is at or above the minimum and the wrapped
// handler takes it.
func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}

// Handle passes r on.
func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }

// WithAttrs keeps the minimum.
func (m minLevel) WithAttrs(a []slog.Attr) slog.Handler { return minLevel{m.min, m.h.WithAttrs(a)} }

// WithGroup keeps the minimum.
func (m minLevel) WithGroup(n string) slog.Handler { return minLevel{m.min, m.h.WithGroup(n)} }
