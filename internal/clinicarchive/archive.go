// Package clinicarchive exports one whole clinic to a tar archive and
// imports such an archive into another installation: every article with all
// its revisions, reviews and approvals, review comments, finding
// acknowledgements, working drafts, the clinic's audit chain, its media
// files, settings and hostnames, redirects, import bookkeeping and members.
//
// The archive holds one JSON-lines file per table under tables/, the media
// blobs under media/ (by storage key), and manifest.json (last) with the
// sha256 and size of every other file. Import reads the whole archive into
// a temporary folder, refuses it unless every file matches the manifest,
// inserts the rows with their original ids (the audit chain hashes ids, so
// ids are what keeps it verifiable), recomputes the clinic's audit chain
// inside the transaction and refuses the archive if it is broken, and
// rebuilds the public projection through internal/projection. Members come
// in as people to invite: their accounts get an unknowable password
// (credentials are never exported). Preview links and queued mail are not
// exported.
package clinicarchive

import (
	"archive/tar"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/media"
	"github.com/clinicpress/clinicpress/internal/projection"
)

// Format names the archive layout in the manifest.
const Format = "clinicpress.clinic-archive.v1"

// ManifestName is the manifest's name in the archive.
const ManifestName = "manifest.json"

// Manifest describes an archive.
type Manifest struct {
	Format     string    `json:"format"`
	Clinic     string    `json:"clinic"`
	ClinicID   int64     `json:"clinic_id"`
	ExportedAt time.Time `json:"exported_at"`
	AuditHead  string    `json:"audit_head"`
	Files      []File    `json:"files"`
}

// File is one archive member with its hash.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Service exports and imports clinics.
type Service struct {
	DB    *db.DB
	Store media.Store
	// Argon2 hashes the unknowable passwords of imported members (zero:
	// account.DefaultArgon2).
	Argon2 account.Argon2Params
	Now    func() time.Time
}

// table is one exported table: where selects the clinic's rows (one ?
// for the clinic id), order keeps the dump stable.
type table struct {
	name, where, order string
	// serial tables get their id sequence moved past the imported ids on
	// PostgreSQL.
	serial bool
}

// tables are in insert order (parents before children). articles are
// inserted without their revision/approval pointers, set after reviews.
var tables = []table{
	{"clinics", "id = ?", "id", true},
	{"clinic_hostnames", "clinic_id = ?", "hostname", false},
	{"memberships", "clinic_id = ?", "user_id", false},
	{"articles", "clinic_id = ?", "id", true},
	{"revisions", "clinic_id = ?", "id", true},
	{"reviews", "clinic_id = ?", "id", true},
	{"finding_acks", "clinic_id = ?", "id", true},
	{"review_comments", "clinic_id = ?", "id", true},
	{"working_drafts", "clinic_id = ?", "article_id, user_id", false},
	{"live_articles", "clinic_id = ?", "article_id", false},
	{"media", "clinic_id = ?", "id", true},
	{"media_variants", "clinic_id = ?", "media_id, width", false},
	{"redirects", "clinic_id = ?", "id", true},
	{"imported_items", "clinic_id = ?", "id", true},
	{"audit_entries", "clinic_id = ?", "id", true},
}

// userRefs are the columns naming users in the clinic's rows.
var userRefs = []string{
	"SELECT user_id FROM memberships WHERE clinic_id = ?",
	"SELECT author_id FROM articles WHERE clinic_id = ?",
	"SELECT author_id FROM revisions WHERE clinic_id = ?",
	"SELECT doctor_id FROM reviews WHERE clinic_id = ?",
	"SELECT doctor_id FROM finding_acks WHERE clinic_id = ?",
	"SELECT author_id FROM review_comments WHERE clinic_id = ?",
	"SELECT user_id FROM working_drafts WHERE clinic_id = ?",
	"SELECT reviewer_id FROM live_articles WHERE clinic_id = ?",
	"SELECT uploaded_by FROM media WHERE clinic_id = ? AND uploaded_by IS NOT NULL",
	"SELECT actor_id FROM audit_entries WHERE clinic_id = ? AND actor_id IS NOT NULL",
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

// tarWriter writes members and remembers their hashes.
type tarWriter struct {
	tw    *tar.Writer
	files []File
	at    time.Time
}

func (t *tarWriter) add(name string, body []byte) error {
	sum := sha256.Sum256(body)
	if err := t.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), ModTime: t.at, Format: tar.FormatPAX}); err != nil {
		return err
	}
	if _, err := t.tw.Write(body); err != nil {
		return err
	}
	t.files = append(t.files, File{Name: name, SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(body))})
	return nil
}

// dump reads rows as column → value maps.
func dump(tx *gorm.DB, q string, args ...any) ([]map[string]any, error) {
	rows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			v := vals[i]
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if t, ok := v.(time.Time); ok {
				v = t.UTC().Format(time.RFC3339Nano)
			}
			m[c] = v
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func jsonl(rows []map[string]any) ([]byte, error) {
	var b strings.Builder
	for _, r := range rows {
		j, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}

// Export writes the clinic slug to w as a tar archive and returns its
// manifest. It reads in one transaction, so the archive is consistent.
func (s *Service) Export(ctx context.Context, slug string, w io.Writer) (Manifest, error) {
	var cid int64
	var ids []int64
	if err := s.DB.WithContext(ctx).Raw(`SELECT id FROM clinics WHERE slug = ?`, slug).Scan(&ids).Error; err != nil {
		return Manifest{}, err
	}
	if len(ids) != 1 {
		return Manifest{}, errs.NotFound("clinic")
	}
	cid = ids[0]
	man := Manifest{Format: Format, Clinic: slug, ClinicID: cid, ExportedAt: s.now()}
	tw := &tarWriter{tw: tar.NewWriter(w), at: man.ExportedAt}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw(`SELECT audit_head FROM clinics WHERE id = ?`, cid).Scan(&man.AuditHead).Error; err != nil {
			return err
		}
		users := map[int64]bool{}
		for _, q := range userRefs {
			var us []int64
			if err := tx.Raw(q, cid).Scan(&us).Error; err != nil {
				return err
			}
			for _, u := range us {
				users[u] = true
			}
		}
		uids := make([]int64, 0, len(users))
		for u := range users {
			uids = append(uids, u)
		}
		sort.Slice(uids, func(i, j int) bool { return uids[i] < uids[j] })
		var urows []map[string]any
		if len(uids) > 0 {
			var err error
			// Credentials are never exported.
			urows, err = dump(tx, `SELECT id, email, name, created_at, updated_at FROM users WHERE id IN ? ORDER BY id`, uids)
			if err != nil {
				return err
			}
		}
		b, err := jsonl(urows)
		if err != nil {
			return err
		}
		if err := tw.add("tables/users.jsonl", b); err != nil {
			return err
		}
		// Doctor profiles travel with their people, without the
		// verification: the receiving installation's credential verifier
		// checks the doctors again before they can sign off there.
		var drows []map[string]any
		if len(uids) > 0 {
			var err error
			drows, err = dump(tx, `SELECT user_id, registration_number, register_country, specialty, credentials_expire_on, languages, created_at, updated_at
FROM doctor_profiles WHERE user_id IN ? ORDER BY user_id`, uids)
			if err != nil {
				return err
			}
		}
		if b, err = jsonl(drows); err != nil {
			return err
		}
		if err := tw.add("tables/doctor_profiles.jsonl", b); err != nil {
			return err
		}
		for _, t := range tables {
			rows, err := dump(tx, fmt.Sprintf(`SELECT * FROM %s WHERE %s ORDER BY %s`, t.name, t.where, t.order), cid)
			if err != nil {
				return fmt.Errorf("clinicarchive: read %s: %w", t.name, err)
			}
			if t.name == "live_articles" {
				for _, r := range rows {
					delete(r, "search") // PostgreSQL's tsvector: rebuilt on import
				}
			}
			b, err := jsonl(rows)
			if err != nil {
				return err
			}
			if err := tw.add("tables/"+t.name+".jsonl", b); err != nil {
				return err
			}
		}
		var keys []string
		if err := tx.Raw(`SELECT storage_key FROM media WHERE clinic_id = ? UNION SELECT storage_key FROM media_variants WHERE clinic_id = ? ORDER BY 1`, cid, cid).Scan(&keys).Error; err != nil {
			return err
		}
		for _, k := range keys {
			if s.Store == nil {
				return errors.New("clinicarchive: the clinic has media but no media store was given")
			}
			rc, err := s.Store.Open(ctx, k)
			if err != nil {
				return fmt.Errorf("clinicarchive: media %s: %w", k, err)
			}
			body, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
			if err := tw.add("media/"+k, body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Manifest{}, err
	}
	man.Files = tw.files
	mb, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if err := tw.tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o644, Size: int64(len(mb)), ModTime: man.ExportedAt, Format: tar.FormatPAX}); err != nil {
		return Manifest{}, err
	}
	if _, err := tw.tw.Write(mb); err != nil {
		return Manifest{}, err
	}
	return man, tw.tw.Close()
}

// Result is what Import did.
type Result struct {
	Clinic   string `json:"clinic"`
	ClinicID int64  `json:"clinic_id"`
	Articles int    `json:"articles"`
	Live     int    `json:"live"`
	Media    int    `json:"media_files"`
	Audit    int    `json:"audit_entries"`
	// Invite lists the members who came in without a usable password: people
	// to invite (or to reset their password).
	Invite []string `json:"members_to_invite"`
}

func tampered(format string, args ...any) error {
	return errs.BadRequest("archive_tampered", format, args...)
}

// Import verifies the archive read from r and loads its clinic. The
// clinic's slug, hostnames and ids must be free; a user already present
// with the same id and email is reused.
func (s *Service) Import(ctx context.Context, r io.Reader) (Result, error) {
	dir, err := os.MkdirTemp("", "clinicpress-archive-*")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	man, err := unpack(r, dir)
	if err != nil {
		return Result{}, err
	}
	read := func(name string) ([]map[string]any, error) {
		return readJSONL(filepath.Join(dir, filepath.FromSlash(name)))
	}
	res := Result{Clinic: man.Clinic, ClinicID: man.ClinicID}
	p := s.Argon2
	if p == (account.Argon2Params{}) {
		p = account.DefaultArgon2
	}
	users, err := read("tables/users.jsonl")
	if err != nil {
		return Result{}, err
	}
	members, err := read("tables/memberships.jsonl")
	if err != nil {
		return Result{}, err
	}
	isMember := map[string]bool{}
	for _, m := range members {
		isMember[fmt.Sprint(num(m["user_id"]))] = true
	}
	doctors, err := read("tables/doctor_profiles.jsonl")
	if err != nil {
		return Result{}, err
	}
	// Hash outside the transaction: slow on purpose.
	hashes := make([]string, len(users))
	for i := range users {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return Result{}, err
		}
		if hashes[i], err = account.HashPassword(hex.EncodeToString(secret), p); err != nil {
			return Result{}, err
		}
	}
	pw := projection.New(s.DB.Dialect)
	ctx = projection.Track(ctx)
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		projection.Reset(ctx)
		var n int64
		if err := tx.Raw(`SELECT COUNT(*) FROM clinics WHERE id = ? OR slug = ?`, man.ClinicID, man.Clinic).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("clinic_exists", "this installation already has clinic %q or its id %d", man.Clinic, man.ClinicID)
		}
		for i, u := range users {
			var ex []struct {
				ID    int64
				Email string
			}
			if err := tx.Raw(`SELECT id, email FROM users WHERE id = ? OR email = ?`, u["id"], u["email"]).Scan(&ex).Error; err != nil {
				return err
			}
			if len(ex) == 1 && fmt.Sprint(ex[0].ID) == fmt.Sprint(num(u["id"])) && ex[0].Email == u["email"] {
				continue // the same person, already here
			}
			if len(ex) > 0 {
				return errs.Conflict("user_conflict", "user %v <%v> clashes with an existing account", u["id"], u["email"])
			}
			u["password_hash"] = hashes[i]
			u["platform_admin"] = false
			u["password_changed_at"] = u["created_at"]
			if err := insert(tx, "users", u); err != nil {
				return err
			}
			if isMember[fmt.Sprint(num(u["id"]))] {
				res.Invite = append(res.Invite, fmt.Sprint(u["email"]))
			}
			for _, d := range doctors {
				if fmt.Sprint(num(d["user_id"])) == fmt.Sprint(num(u["id"])) {
					// An archive cannot vouch for a doctor: the profile
					// comes back unverified, for a verifier to check again.
					d["verified_at"], d["verified_by"] = nil, nil
					d["verification_reference"], d["verification_note"] = "", ""
					if err := insert(tx, "doctor_profiles", d); err != nil {
						return err
					}
				}
			}
		}
		var arts, lives []map[string]any
		for _, t := range tables {
			rows, err := read("tables/" + t.name + ".jsonl")
			if err != nil {
				return err
			}
			switch t.name {
			case "articles":
				arts = rows
				for _, r := range rows {
					c := clone(r)
					c["live_revision"], c["approval_id"], c["live_approval_id"] = nil, nil, nil
					if err := insert(tx, t.name, c); err != nil {
						return err
					}
				}
				res.Articles = len(rows)
				continue
			case "live_articles":
				lives = rows
				continue
			case "audit_entries":
				res.Audit = len(rows)
			case "clinics":
				if len(rows) != 1 || fmt.Sprint(num(rows[0]["id"])) != fmt.Sprint(man.ClinicID) || rows[0]["audit_head"] != man.AuditHead {
					return tampered("the clinic row does not match the manifest")
				}
			}
			for _, r := range rows {
				if err := insert(tx, t.name, r); err != nil {
					return fmt.Errorf("clinicarchive: insert %s: %w", t.name, err)
				}
			}
			if t.name == "reviews" {
				for _, a := range arts {
					if err := tx.Exec(`UPDATE articles SET live_revision = ?, approval_id = ?, live_approval_id = ? WHERE clinic_id = ? AND id = ?`,
						num(a["live_revision"]), num(a["approval_id"]), num(a["live_approval_id"]), man.ClinicID, num(a["id"])).Error; err != nil {
						return err
					}
				}
			}
		}
		broken, _, err := audit.Verify(ctx, tx)
		if err != nil {
			return err
		}
		for _, b := range broken {
			if b.ClinicID == man.ClinicID {
				return tampered("the audit chain is broken at entry %d: %s", b.EntryID, b.Reason)
			}
		}
		for _, l := range lives {
			if err := s.putLive(tx, pw, man.ClinicID, l); err != nil {
				return err
			}
		}
		res.Live = len(lives)
		if err := pw.Bump(tx, man.ClinicID); err != nil {
			return err
		}
		if s.DB.Dialect == db.Postgres {
			for _, t := range append([]table{{name: "users", serial: true}}, tables...) {
				if t.serial {
					if err := tx.Exec(fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM %s), 1))`, t.name, t.name)).Error; err != nil {
						return err
					}
				}
			}
		}
		// Blobs last: a refused archive leaves nothing behind in the store
		// that a row would name.
		for _, f := range man.Files {
			if !strings.HasPrefix(f.Name, "media/") {
				continue
			}
			if s.Store == nil {
				return errors.New("clinicarchive: the archive has media but no media store was given")
			}
			fh, err := os.Open(filepath.Join(dir, filepath.FromSlash(f.Name)))
			if err != nil {
				return err
			}
			err = s.Store.Put(ctx, strings.TrimPrefix(f.Name, "media/"), fh, f.Bytes, "application/octet-stream")
			fh.Close()
			if err != nil {
				return err
			}
			res.Media++
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// putLive rebuilds one live page through the projection writer.
func (s *Service) putLive(tx *gorm.DB, pw projection.Writer, clinicID int64, l map[string]any) error {
	var rev []struct {
		Title, Summary, Body, Tags string
	}
	if err := tx.Raw(`SELECT title, summary, body, tags FROM revisions WHERE clinic_id = ? AND article_id = ? AND number = ?`,
		clinicID, num(l["article_id"]), num(l["revision"])).Scan(&rev).Error; err != nil {
		return err
	}
	if len(rev) != 1 {
		return tampered("a live page names a revision that is not in the archive")
	}
	var tags []string
	if err := json.Unmarshal([]byte(rev[0].Tags), &tags); err != nil {
		return tampered("revision tags are not JSON")
	}
	tm := func(k string) time.Time { t, _ := toTime(l[k]); return t }
	err := pw.Put(tx, projection.Live{ClinicID: clinicID, ArticleID: num(l["article_id"]).(int64), Slug: fmt.Sprint(l["slug"]),
		Revision: int(num(l["revision"]).(int64)), ReviewID: num(l["review_id"]).(int64), ReviewerID: num(l["reviewer_id"]).(int64),
		FirstPublishedAt: tm("first_published_at"), PublishedAt: tm("published_at"), ReviewDueAt: tm("review_due_at"),
		Title: rev[0].Title, Summary: rev[0].Summary, Body: rev[0].Body, Tags: tags})
	if err != nil {
		return err
	}
	if l["overdue_since"] != nil {
		return tx.Exec(`UPDATE live_articles SET overdue_since = ? WHERE clinic_id = ? AND article_id = ?`, tm("overdue_since"), clinicID, num(l["article_id"])).Error
	}
	return nil
}

// unpack reads the tar into dir, checking every member against the
// manifest (which comes last).
func unpack(r io.Reader, dir string) (Manifest, error) {
	tr := tar.NewReader(r)
	got := map[string]File{}
	var man *Manifest
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, tampered("the archive is not a readable tar file")
		}
		if h.Typeflag != tar.TypeReg {
			return Manifest{}, tampered("the archive holds %q, which is not a regular file", h.Name)
		}
		name := path.Clean(h.Name)
		if name != h.Name || strings.HasPrefix(name, "/") || strings.HasPrefix(name, "../") || name == ".." {
			return Manifest{}, tampered("the archive holds an unsafe name %q", h.Name)
		}
		if _, dup := got[name]; dup || (man != nil) {
			return Manifest{}, tampered("the archive holds %q twice or after its manifest", name)
		}
		if name == ManifestName {
			var m Manifest
			if err := json.NewDecoder(io.LimitReader(tr, 64<<20)).Decode(&m); err != nil {
				return Manifest{}, tampered("the manifest is not JSON")
			}
			man = &m
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return Manifest{}, err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return Manifest{}, err
		}
		hsh := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, hsh), tr)
		f.Close()
		if err != nil {
			return Manifest{}, tampered("the archive is truncated")
		}
		got[name] = File{Name: name, SHA256: hex.EncodeToString(hsh.Sum(nil)), Bytes: n}
	}
	if man == nil || man.Format != Format {
		return Manifest{}, tampered("the archive has no %s manifest", Format)
	}
	if len(man.Files) != len(got) {
		return Manifest{}, tampered("the archive has %d files, its manifest lists %d", len(got), len(man.Files))
	}
	for _, f := range man.Files {
		g, ok := got[f.Name]
		if !ok {
			return Manifest{}, tampered("%s is listed in the manifest but missing", f.Name)
		}
		if g.SHA256 != f.SHA256 || g.Bytes != f.Bytes {
			return Manifest{}, tampered("%s does not match its sha256 in the manifest", f.Name)
		}
	}
	return *man, nil
}

func readJSONL(p string) ([]map[string]any, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, tampered("%s is missing", filepath.Base(p))
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var out []map[string]any
	for {
		var m map[string]any
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, tampered("%s is not JSON lines", filepath.Base(p))
		}
		out = append(out, m)
	}
	return out, nil
}

func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// num turns a JSON number into int64 (or float64); other values pass.
func num(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, _ := n.Float64()
	return f
}

func toTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// isTimeColumn tells the columns whose text is a timestamp.
func isTimeColumn(c string) bool { return strings.HasSuffix(c, "_at") || c == "variants_at" }

// insert writes one row; column names come from the fixed table list's
// own dump and are checked to be plain identifiers.
func insert(tx *gorm.DB, table string, row map[string]any) error {
	cols := make([]string, 0, len(row))
	for c := range row {
		for _, r := range c {
			if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				return tampered("column %q of %s is not a plain name", c, table)
			}
		}
		cols = append(cols, c)
	}
	sort.Strings(cols)
	vals := make([]any, len(cols))
	for i, c := range cols {
		v := num(row[c])
		if isTimeColumn(c) {
			if t, ok := toTime(v); ok {
				v = t
			}
		}
		if v == nil {
			v = nil
		}
		vals[i] = v
	}
	q := fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, table, strings.Join(cols, ", "), strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", "))
	return tx.Exec(q, vals...).Error
}
