package article

import (
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// Action is a workflow step a screen may offer on an article.
type Action string

// The workflow steps screens offer.
const (
	ActionEdit           Action = "edit"
	ActionSubmit         Action = "submit"
	ActionPublish        Action = "publish"
	ActionCancelSchedule Action = "cancel_schedule"
	ActionUnpublish      Action = "unpublish"
	ActionArchive        Action = "archive"
	ActionRestore        Action = "restore"
)

// Can reports whether the caller in sc may take step act on a in its
// current state: the caller's permission (from the policy and the clinic's
// settings) and the state rules of the method that performs it. Screens
// use it to decide what to offer; the methods decide again when called.
func Can(sc clinic.Scope, a Article, act Action) bool {
	perm := map[Action]string{ActionEdit: authz.ActWrite, ActionSubmit: authz.ActWrite, ActionRestore: authz.ActWrite,
		ActionPublish: authz.ActPublish, ActionCancelSchedule: authz.ActPublish, ActionUnpublish: authz.ActPublish,
		ActionArchive: authz.ActPublish}[act]
	if perm == "" || !sc.Can(authz.ObjArticle, perm) {
		return false
	}
	switch act {
	case ActionEdit, ActionRestore:
		return a.Status != StatusArchived
	case ActionSubmit:
		return a.Status == StatusDraft || a.Status == StatusChangesRequested
	case ActionPublish:
		return a.Status == StatusApproved || a.Status == StatusScheduled
	case ActionCancelSchedule:
		return a.Status == StatusScheduled
	case ActionUnpublish:
		return a.LiveRevision != nil
	case ActionArchive:
		return a.Status != StatusArchived
	}
	return false
}
