package main

// clinicpress import wordpress / import clinic / export clinic.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/clinicarchive"
	"github.com/clinicpress/clinicpress/internal/importer"
	"github.com/clinicpress/clinicpress/internal/media"
	"github.com/clinicpress/clinicpress/internal/mediastore"
	"github.com/clinicpress/clinicpress/internal/wxr"
)

// parseInterleaved parses flags that may come before or after the
// positional arguments ("--clinic c export.xml --uploads u.zip").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// mediaStoreURL is the media store the CLI writes to: --media, else
// CLINICPRESS_MEDIA, else ./media next to the working directory.
func mediaStoreURL(flagVal string) (string, error) {
	if flagVal != "" {
		return flagVal, nil
	}
	if v := env("media", ""); v != "" {
		return v, nil
	}
	abs, err := filepath.Abs("media")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return "", err
	}
	return "file://" + abs, nil
}

// importScope is the scope the import writes in: the member named by
// email, else the clinic's first clinic admin (articles are created in
// their name, as drafts).
func importScope(ctx context.Context, a *app.App, slug, email string) (clinic.Scope, error) {
	c, err := a.Clinics.BySlug(ctx, slug)
	if err != nil {
		return clinic.Scope{}, describe(err)
	}
	var uid int64
	if email != "" {
		u, err := a.Accounts.ByEmail(ctx, email)
		if err != nil {
			return clinic.Scope{}, describe(err)
		}
		uid = u.ID
	} else {
		admins, err := a.Clinics.Members(ctx, c.ID, authz.RoleClinicAdmin)
		if err != nil {
			return clinic.Scope{}, err
		}
		if len(admins) == 0 {
			return clinic.Scope{}, fmt.Errorf("clinic %s has no clinic admin; name the importing member with --as EMAIL", slug)
		}
		uid = admins[0].UserID
	}
	sc, err := a.Clinics.Resolve(ctx, authz.Actor{UserID: uid, RequestID: "cli-import"}, slug)
	if err != nil {
		return clinic.Scope{}, describe(err)
	}
	if err := sc.Require(authz.ObjArticle, authz.ActWrite); err != nil {
		return clinic.Scope{}, fmt.Errorf("the importing member may not write articles in %s", slug)
	}
	return sc, nil
}

func importCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "clinic" {
		return importClinic(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "wordpress" {
		return errors.New("usage: clinicpress import wordpress --clinic SLUG EXPORT.xml [--uploads DIR|uploads.zip] | import clinic FILE.tar")
	}
	fs, dsn := newFlags("import wordpress")
	slug := fs.String("clinic", "", "clinic slug")
	uploads := fs.String("uploads", "", "wp-content/uploads as a folder or .zip")
	as := fs.String("as", "", "email of the member the drafts are created by (default: the first clinic admin)")
	mediaURL := fs.String("media", "", "media store URL, file:///dir or s3://... (CLINICPRESS_MEDIA; default ./media)")
	reportPath := fs.String("report", "", "also write the report as JSON to this file")
	quiet := fs.Bool("quiet", false, "no progress lines")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if *slug == "" || len(pos) != 1 {
		return errors.New("usage: clinicpress import wordpress --clinic SLUG EXPORT.xml [--uploads DIR|uploads.zip] [--as EMAIL] [--report FILE.json]")
	}
	exportPath := pos[0]
	if _, err := os.Stat(exportPath); err != nil {
		return err
	}
	a, err := open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	sc, err := importScope(ctx, a, *slug, *as)
	if err != nil {
		return err
	}
	su, err := mediaStoreURL(*mediaURL)
	if err != nil {
		return err
	}
	store, err := mediastore.Open(ctx, su)
	if err != nil {
		return err
	}
	in := importer.Input{Open: func() (io.ReadCloser, error) { return os.Open(exportPath) }}
	if *uploads != "" {
		up, err := wxr.OpenUploads(*uploads)
		if err != nil {
			return describe(err)
		}
		defer up.Close()
		in.Uploads = up
	}
	if !*quiet {
		in.Progress = func(done, total int, it importer.ItemReport) {
			fmt.Fprintf(stdout, "[%d/%d] %-9s %s %d %q\n", done, total, it.Action, it.Type, it.WPID, it.Title)
		}
	}
	im := &importer.Importer{DB: a.DB, Articles: a.Articles, Media: media.New(a.DB, store, media.Options{}), Redirects: a.Redirects}
	rep, err := im.Run(ctx, sc, in)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout)
	rep.Text(stdout)
	if *reportPath != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*reportPath, append(b, '\n'), 0o640); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nJSON report written to %s\n", *reportPath)
	}
	return nil
}

func exportCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "clinic" {
		return errors.New("usage: clinicpress export clinic SLUG FILE.tar")
	}
	fs, dsn := newFlags("export clinic")
	mediaURL := fs.String("media", "", "media store URL (CLINICPRESS_MEDIA; default ./media)")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return errors.New("usage: clinicpress export clinic SLUG FILE.tar [--db DSN] [--media URL]")
	}
	a, err := open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	st, err := cliStore(ctx, *mediaURL)
	if err != nil {
		return err
	}
	tmp := pos[1] + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	svc := &clinicarchive.Service{DB: a.DB, Store: st}
	man, err := svc.Export(ctx, pos[0], f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return describe(err)
	}
	if err := os.Rename(tmp, pos[1]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported clinic %s (id %d) to %s: %d files, audit head %s\n", man.Clinic, man.ClinicID, pos[1], len(man.Files)+1, man.AuditHead)
	return nil
}

// cliStore opens the media store the CLI uses.
func cliStore(ctx context.Context, flagVal string) (mediastore.Store, error) {
	su, err := mediaStoreURL(flagVal)
	if err != nil {
		return nil, err
	}
	return mediastore.Open(ctx, su)
}

func importClinic(ctx context.Context, args []string, stdout io.Writer) error {
	fs, dsn := newFlags("import clinic")
	mediaURL := fs.String("media", "", "media store URL (CLINICPRESS_MEDIA; default ./media)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: clinicpress import clinic FILE.tar [--db DSN] [--media URL]")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	a, err := open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	st, err := cliStore(ctx, *mediaURL)
	if err != nil {
		return err
	}
	svc := &clinicarchive.Service{DB: a.DB, Store: st}
	res, err := svc.Import(ctx, f)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "imported clinic %s (id %d): %d articles (%d live), %d media files, %d audit entries verified\n",
		res.Clinic, res.ClinicID, res.Articles, res.Live, res.Media, res.Audit)
	if len(res.Invite) > 0 {
		fmt.Fprintf(stdout, "members to invite (no password came with the archive):\n")
		for _, e := range res.Invite {
			fmt.Fprintf(stdout, "  %s\n", e)
		}
	}
	return nil
}
