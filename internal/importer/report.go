package importer

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/clinicpress/clinicpress/internal/wxr"
)

// Item actions in a report.
const (
	ActionCreated   = "created"
	ActionUpdated   = "updated"
	ActionUnchanged = "unchanged"
	ActionSkipped   = "skipped"
	ActionFailed    = "failed"
)

// CommentsNote is what the report says about comments.
const CommentsNote = "WordPress comments are not imported; each item lists how many it had."

// Report is the account of one import run: per item what was done and what
// could not be converted, the images that were missing, the authors to
// invite and the comments left behind.
type Report struct {
	Clinic     string    `json:"clinic"`
	Site       string    `json:"site"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Total is the number of posts and pages considered.
	Total     int `json:"total"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"`
	Failed    int `json:"failed"`
	// MediaUploaded counts images added to the media library in this run.
	MediaUploaded int `json:"media_uploaded"`
	// Redirects counts redirect rows written in this run.
	Redirects     int            `json:"redirects"`
	Items         []ItemReport   `json:"items"`
	MissingImages []MissingImage `json:"missing_images"`
	// Authors are the WordPress users of the export: people to invite
	// (never accounts with passwords).
	Authors      []Author `json:"authors_to_invite"`
	Comments     int      `json:"comments_not_imported"`
	CommentsNote string   `json:"comments_note"`
}

// Author is a WordPress author listed for invitation.
type Author struct {
	Login       string `json:"login"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Items       int    `json:"items"`
}

// ItemReport is what happened to one post or page.
type ItemReport struct {
	WPID      int64  `json:"wp_id"`
	Type      string `json:"type"`
	Status    string `json:"wp_status"`
	Title     string `json:"title"`
	Slug      string `json:"slug"`
	ArticleID int64  `json:"article_id,omitempty"`
	Revision  int    `json:"revision,omitempty"`
	Action    string `json:"action"`
	Error     string `json:"error,omitempty"`
	// Parent is the WordPress parent page id (pages only).
	Parent int64  `json:"wp_parent,omitempty"`
	Author string `json:"wp_author,omitempty"`
	// OriginalPublishedAt is when WordPress first published it.
	OriginalPublishedAt *time.Time `json:"original_published_at,omitempty"`
	FeaturedMediaID     *int64     `json:"featured_media_id,omitempty"`
	Images              int        `json:"images"`
	Issues              []Issue    `json:"not_converted"`
	MissingImages       []string   `json:"missing_images"`
	Comments            int        `json:"comments_not_imported"`
	Findings            int        `json:"advertising_findings"`
	OldPaths            []string   `json:"old_paths"`
}

// Issue is one part of an item that was not converted as it was.
type Issue struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// MissingImage is an image an item uses that the uploads did not have (or
// that the media library refused).
type MissingImage struct {
	WPID   int64  `json:"wp_id"`
	Src    string `json:"src"`
	Reason string `json:"reason"`
}

func issues(in []wxr.Issue) []Issue {
	out := make([]Issue, len(in))
	for i, is := range in {
		out[i] = Issue{Kind: is.Kind, Detail: is.Detail}
	}
	return out
}

// Text writes the report for people: a summary, then one block per item
// that needs attention.
func (r *Report) Text(w io.Writer) {
	fmt.Fprintf(w, "WordPress import into %s from %s\n", r.Clinic, r.Site)
	fmt.Fprintf(w, "%d items: %d created, %d updated (new draft revision), %d unchanged, %d skipped, %d failed\n",
		r.Total, r.Created, r.Updated, r.Unchanged, r.Skipped, r.Failed)
	fmt.Fprintf(w, "%d images added to the media library, %d redirects written, %d images missing\n",
		r.MediaUploaded, r.Redirects, len(r.MissingImages))
	fmt.Fprintf(w, "Everything imported is a draft: nothing is live until a doctor signs it off.\n")
	fmt.Fprintf(w, "%d comments not imported. %s\n", r.Comments, CommentsNote)
	if len(r.Authors) > 0 {
		fmt.Fprintf(w, "\nAuthors to invite:\n")
		for _, a := range r.Authors {
			fmt.Fprintf(w, "  %-20s %-24s %s (%d items)\n", a.Login, a.DisplayName, a.Email, a.Items)
		}
	}
	fmt.Fprintf(w, "\nItems:\n")
	for _, it := range r.Items {
		fmt.Fprintf(w, "  [%s] %s %d %q -> /articles/%s", it.Action, it.Type, it.WPID, it.Title, it.Slug)
		if it.ArticleID != 0 {
			fmt.Fprintf(w, " (article %d, revision %d)", it.ArticleID, it.Revision)
		}
		fmt.Fprintln(w)
		if it.Error != "" {
			fmt.Fprintf(w, "      error: %s\n", it.Error)
		}
		if it.Findings > 0 {
			fmt.Fprintf(w, "      %d advertising-rule findings to review\n", it.Findings)
		}
		if it.Comments > 0 {
			fmt.Fprintf(w, "      %d comments not imported\n", it.Comments)
		}
		for _, is := range it.Issues {
			fmt.Fprintf(w, "      not converted (%s): %s\n", is.Kind, is.Detail)
		}
		for _, m := range it.MissingImages {
			fmt.Fprintf(w, "      missing image: %s\n", m)
		}
	}
	if len(r.MissingImages) > 0 {
		fmt.Fprintf(w, "\nMissing images:\n")
		for _, m := range r.MissingImages {
			fmt.Fprintf(w, "  item %d: %s (%s)\n", m.WPID, m.Src, strings.TrimSpace(m.Reason))
		}
	}
}
