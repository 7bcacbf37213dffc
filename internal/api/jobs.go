package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// failedJobJSON is one of the clinic's jobs that gave up.
type failedJobJSON struct {
	JobID     int64     `json:"job_id"`
	Kind      string    `json:"kind"`
	ArticleID int64     `json:"article_id,omitempty"`
	Attempts  int       `json:"attempts"`
	At        time.Time `json:"failed_at"`
}

// failedJobs lists the clinic's background jobs that gave up after their
// last attempt (each also left an article.job_failed audit entry). The
// job's error text stays in the operator's log.
func (a *API) failedJobs(c *fiber.Ctx, sc clinic.Scope) error {
	if err := sc.Require(authz.ObjClinic, authz.ActUpdate); err != nil {
		return err
	}
	out := []failedJobJSON{}
	if a.Jobs != nil {
		list, err := a.Jobs.FailedForClinic(c.UserContext(), sc.ClinicID(), 100)
		if err != nil {
			return err
		}
		for _, f := range list {
			out = append(out, failedJobJSON{JobID: f.JobID, Kind: f.Kind, ArticleID: f.ArticleID(), Attempts: f.Attempt, At: f.At})
		}
	}
	return c.JSON(fiber.Map{"jobs": out})
}

// unpublish takes the live revision down now, or at "at" when given
// (the article stays live until then).
func (a *API) unpublish(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		At      *time.Time `json:"at"`
		Version *int       `json:"version"`
	}
	if err := decodeOptional(c, &req); err != nil {
		return err
	}
	var v article.View
	if req.At != nil {
		v, err = a.Articles.ScheduleUnpublish(c.UserContext(), sc, id, *req.At, req.Version)
	} else {
		v, err = a.Articles.Unpublish(c.UserContext(), sc, id, req.Version)
	}
	return a.sendArticle(c, fiber.StatusOK, v, err)
}

func (a *API) cancelUnpublish(c *fiber.Ctx, sc clinic.Scope) error {
	return a.transition(c, func(id int64, ver *int) (article.View, error) {
		return a.Articles.CancelUnpublish(c.UserContext(), sc, id, ver)
	})
}
