package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/clinicpress/clinicpress/internal/db"
)

// backupCmd writes an online, consistent copy of the SQLite database to
// FILE with VACUUM INTO (the server may keep running and writing: the copy
// is one read transaction's snapshot) and checks the copy's integrity. On
// PostgreSQL it prints the pg_dump command to use and fails.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs, dsn := newFlags("backup")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: clinicpress backup [--db DSN] FILE")
	}
	file := fs.Arg(0)
	if !strings.HasPrefix(*dsn, "sqlite:") {
		fmt.Fprintf(stdout, "pg_dump --format=custom --no-owner --file=%q \"$CLINICPRESS_DB\"\n", file)
		return errors.New("backup copies SQLite databases only; for PostgreSQL run the pg_dump command above (restore with pg_restore --no-owner --dbname=...)")
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s exists; backup never overwrites a file", file)
	}
	d, err := db.Open(*dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.WithContext(ctx).Exec(`VACUUM INTO ?`, file).Error; err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := checkSQLite(ctx, file); err != nil {
		os.Remove(file)
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (integrity ok)\n", file)
	return nil
}

// checkSQLite opens file and runs PRAGMA integrity_check.
func checkSQLite(ctx context.Context, file string) error {
	d, err := db.Open("sqlite:" + file)
	if err != nil {
		return err
	}
	defer d.Close()
	var res []string
	if err := d.WithContext(ctx).Raw(`PRAGMA integrity_check`).Scan(&res).Error; err != nil {
		return fmt.Errorf("integrity check of %s: %w", file, err)
	}
	if len(res) != 1 || res[0] != "ok" {
		return fmt.Errorf("integrity check of %s failed: %s", file, strings.Join(res, "; "))
	}
	st, err := d.MigrateStatus(ctx)
	if err != nil {
		return fmt.Errorf("%s: migrations: %w", file, err)
	}
	applied := 0
	for _, s := range st {
		if s.Applied {
			applied++
		}
	}
	if applied == 0 {
		return fmt.Errorf("%s is not a ClinicPress database (no migrations applied)", file)
	}
	return nil
}

// restoreCmd replaces the SQLite database at --db with the backup FILE,
// after checking the backup's integrity and migrations, then applies any
// newer migrations. Stop the server first: restore refuses a database
// whose write-ahead log is in use, and never runs on PostgreSQL.
func restoreCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs, dsn := newFlags("restore")
	force := fs.Bool("force", false, "replace an existing database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: clinicpress restore [--db sqlite:PATH] [--force] FILE")
	}
	if !strings.HasPrefix(*dsn, "sqlite:") {
		return errors.New("restore is for SQLite; on PostgreSQL use pg_restore")
	}
	file := fs.Arg(0)
	target := strings.TrimPrefix(strings.TrimPrefix(*dsn, "sqlite:"), "//")
	if err := checkSQLite(ctx, file); err != nil {
		return err
	}
	if _, err := os.Stat(target); err == nil {
		if !*force {
			return fmt.Errorf("%s exists; pass --force to replace it (stop the server first)", target)
		}
		if _, err := os.Stat(target + "-shm"); err == nil {
			return fmt.Errorf("%s is open (its -shm file exists): stop the server first", target)
		}
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return err
	}
	tmp := target + ".restore"
	if err := copyFile(file, tmp); err != nil {
		return err
	}
	os.Remove(target + "-wal")
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	d, err := db.Open(*dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.MigrateUp(ctx); err != nil {
		return fmt.Errorf("restored, but migrating it failed: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s into %s\n", file, target)
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
