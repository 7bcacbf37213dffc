package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"
)

// Kinds of the per-article jobs.
const (
	KindPublishArticle   = "publish_article"
	KindUnpublishArticle = "unpublish_article"
)

// PublishArticleArgs publishes one article when it fires. There is at most
// one such job per article waiting (unique by clinic and article while
// pending, scheduled, available, retryable or running).
type PublishArticleArgs struct {
	ClinicID  int64 `json:"clinic_id" river:"unique"`
	ArticleID int64 `json:"article_id" river:"unique"`
}

// Kind is KindPublishArticle.
func (PublishArticleArgs) Kind() string { return KindPublishArticle }

// InsertOpts make the job unique per article and tag it with its clinic.
func (a PublishArticleArgs) InsertOpts() river.InsertOpts {
	return articleOpts(a.ClinicID, a.ArticleID)
}

// UnpublishArticleArgs unpublishes one article when it fires; unique per
// article like PublishArticleArgs.
type UnpublishArticleArgs struct {
	ClinicID  int64 `json:"clinic_id" river:"unique"`
	ArticleID int64 `json:"article_id" river:"unique"`
}

// Kind is KindUnpublishArticle.
func (UnpublishArticleArgs) Kind() string { return KindUnpublishArticle }

// InsertOpts make the job unique per article and tag it with its clinic.
func (a UnpublishArticleArgs) InsertOpts() river.InsertOpts {
	return articleOpts(a.ClinicID, a.ArticleID)
}

// waitingStates are the states of a job that has not started yet (or is
// waiting for its next attempt): the ones CancelTx cancels.
var waitingStates = []rivertype.JobState{
	rivertype.JobStatePending, rivertype.JobStateScheduled,
	rivertype.JobStateAvailable, rivertype.JobStateRetryable,
}

func articleOpts(clinicID, articleID int64) river.InsertOpts {
	return river.InsertOpts{
		Tags: []string{clinicTag(clinicID), articleTag(clinicID, articleID)},
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			// River requires running among the unique states; retryable
			// is kept so a failing job is not doubled by a reschedule
			// (the reschedule cancels it instead).
			ByState: append([]rivertype.JobState{rivertype.JobStateRunning}, waitingStates...),
		},
	}
}

func clinicTag(clinicID int64) string { return fmt.Sprintf("clinic-%d", clinicID) }

func articleTag(clinicID, articleID int64) string {
	return fmt.Sprintf("article-%d-%d", clinicID, articleID)
}

// SchedulePublishTx makes the article's publish job fire at at, inside the
// caller's transaction: any waiting publish job of the article is
// cancelled and a new one inserted (so rescheduling replaces).
func (q *Queue) SchedulePublishTx(ctx context.Context, tx *gorm.DB, clinicID, articleID int64, at time.Time) error {
	return q.replaceTx(ctx, tx, PublishArticleArgs{ClinicID: clinicID, ArticleID: articleID}, clinicID, articleID, at)
}

// ScheduleUnpublishTx is SchedulePublishTx for the unpublish job.
func (q *Queue) ScheduleUnpublishTx(ctx context.Context, tx *gorm.DB, clinicID, articleID int64, at time.Time) error {
	return q.replaceTx(ctx, tx, UnpublishArticleArgs{ClinicID: clinicID, ArticleID: articleID}, clinicID, articleID, at)
}

func (q *Queue) replaceTx(ctx context.Context, tx *gorm.DB, args river.JobArgs, clinicID, articleID int64, at time.Time) error {
	if _, err := q.CancelTx(ctx, tx, args.Kind(), clinicID, articleID); err != nil {
		return err
	}
	res, err := q.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: at})
	if err != nil {
		return err
	}
	if res.UniqueSkippedAsDuplicate {
		// Only a running job is left in the way: it is firing right now.
		return fmt.Errorf("jobs: %s of article %d is running; try again", args.Kind(), articleID)
	}
	return nil
}

// CancelTx cancels, inside the caller's transaction, the article's jobs of
// kind that have not started (or wait for a retry) and returns how many
// it cancelled. A job already running is left to finish: its worker
// re-checks the article's state in its own transaction.
func (q *Queue) CancelTx(ctx context.Context, tx *gorm.DB, kind string, clinicID, articleID int64) (int, error) {
	t, err := sqlTx(tx)
	if err != nil {
		return 0, err
	}
	res, err := q.client.JobListTx(ctx, t, river.NewJobListParams().
		Kinds(kind).TagsAll(articleTag(clinicID, articleID)).States(waitingStates...).First(100))
	if err != nil {
		return 0, fmt.Errorf("jobs: find %s of article %d: %w", kind, articleID, err)
	}
	for _, j := range res.Jobs {
		if _, err := q.client.JobCancelTx(ctx, t, j.ID); err != nil {
			return 0, fmt.Errorf("jobs: cancel job %d: %w", j.ID, err)
		}
	}
	return len(res.Jobs), nil
}
