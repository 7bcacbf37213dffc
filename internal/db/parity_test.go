package db_test

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
	"github.com/clinicpress/clinicpress/migrations"
)

// The only places where the two dialects may differ: full-text search.
// SQLite keeps it in an FTS5 virtual table (plus the shadow tables FTS5
// creates for it); PostgreSQL in a tsvector column on live_articles with
// a GIN index. Each entry must really be present in its dialect, so the
// list cannot outlive what it excuses.
var (
	sqliteOnlyTables = []string{"live_search", "live_search_config", "live_search_content",
		"live_search_data", "live_search_docsize", "live_search_idx"}
	postgresOnlyColumns = []string{"live_articles.search"}
	postgresOnlyIndexes = []string{"live_articles_search"}
)

// gooseTable is goose's bookkeeping table; goose defines it per dialect.
const gooseTable = "goose_db_version"

type column struct {
	Name, Type, Default string
	NotNull             bool
}

// index is one index. Indexes made by CREATE INDEX are compared by name;
// those behind a UNIQUE constraint have engine-chosen names
// (sqlite_autoindex_…, …_key) and are compared by table and columns.
type index struct {
	Name, Table string
	Unique      bool
	Columns     []string // "col" or "col DESC"
}

type foreignKey struct {
	Table    string
	Columns  []string
	Ref      string
	RefCols  []string
	OnDelete string
}

func (f foreignKey) String() string {
	return fmt.Sprintf("%s(%s) -> %s(%s) ON DELETE %s", f.Table, strings.Join(f.Columns, ", "), f.Ref,
		strings.Join(f.RefCols, ", "), f.OnDelete)
}

// schema is a dialect-neutral description of a migrated database.
type schema struct {
	Columns     map[string][]column // table → columns in order
	PrimaryKeys map[string][]string // table → primary key columns in order
	Indexes     map[string]index    // "name" or "table unique(cols)"
	ForeignKeys map[string]foreignKey
}

func (s schema) indexKey(ix index, named bool) string {
	if named {
		return ix.Name
	}
	return fmt.Sprintf("%s unique(%s)", ix.Table, strings.Join(ix.Columns, ", "))
}

// normType maps a declared type to a loose class: both dialects store the
// same kind of value under different spellings.
func normType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	switch {
	case strings.Contains(t, "int") || t == "bigserial" || t == "serial":
		return "integer"
	case t == "text" || strings.HasPrefix(t, "character varying") || strings.HasPrefix(t, "varchar"):
		return "text"
	case t == "boolean" || t == "bool":
		return "boolean"
	case t == "datetime" || strings.HasPrefix(t, "timestamp"):
		return "timestamp"
	}
	return t
}

var castSuffix = regexp.MustCompile(`::[a-z ]+(\[\])?$`)

// normDefault removes PostgreSQL's casts ('x'::text) and spelling
// differences (FALSE/false/0 for a boolean) from a column default.
func normDefault(d, typ string) string {
	d = strings.TrimSpace(d)
	if strings.HasPrefix(d, "nextval(") {
		return "" // BIGSERIAL; SQLite's INTEGER PRIMARY KEY is the same thing
	}
	d = castSuffix.ReplaceAllString(d, "")
	if strings.HasPrefix(d, "(") && strings.HasSuffix(d, ")") {
		d = strings.TrimSuffix(strings.TrimPrefix(d, "("), ")")
	}
	if typ == "boolean" {
		switch strings.ToLower(d) {
		case "false", "0":
			return "false"
		case "true", "1":
			return "true"
		}
	}
	return d
}

func rows(t *testing.T, d *db.DB, q string, args ...any) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := d.Raw(q, args...).Scan(&out).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func num(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case bool:
		if x {
			return 1
		}
		return 0
	}
	var n int64
	fmt.Sscan(str(v), &n)
	return n
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x == "t" || x == "true" || x == "1"
	}
	return num(v) != 0
}

// readSchema describes d's tables, columns, primary keys, indexes and
// foreign keys, leaving out goose's own table.
// readSchema reads our schema. River's tables (river_*) are left out:
// River's own migrator owns them, one schema per driver, so they differ
// between the dialects by design and are not ours to compare.
func readSchema(t *testing.T, d *db.DB) schema {
	t.Helper()
	var s schema
	if d.Dialect == db.Postgres {
		s = readPostgres(t, d)
	} else {
		s = readSQLite(t, d)
	}
	river := func(table string) bool { return strings.HasPrefix(table, "river_") }
	for tb := range s.Columns {
		if river(tb) {
			delete(s.Columns, tb)
			delete(s.PrimaryKeys, tb)
		}
	}
	for k, ix := range s.Indexes {
		if river(ix.Table) {
			delete(s.Indexes, k)
		}
	}
	for k, fk := range s.ForeignKeys {
		if river(fk.Table) {
			delete(s.ForeignKeys, k)
		}
	}
	return s
}

func readSQLite(t *testing.T, d *db.DB) schema {
	s := schema{Columns: map[string][]column{}, PrimaryKeys: map[string][]string{}, Indexes: map[string]index{}, ForeignKeys: map[string]foreignKey{}}
	for _, tr := range rows(t, d, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> ? ORDER BY name`, gooseTable) {
		tb := str(tr["name"])
		type pkcol struct {
			pos  int64
			name string
		}
		var pk []pkcol
		cols := []column{}
		for _, c := range rows(t, d, `SELECT name, type, "notnull" AS nn, dflt_value, pk FROM pragma_table_info(?) ORDER BY cid`, tb) {
			typ := normType(str(c["type"]))
			col := column{Name: str(c["name"]), Type: typ, Default: normDefault(str(c["dflt_value"]), typ), NotNull: truthy(c["nn"])}
			if p := num(c["pk"]); p > 0 {
				pk = append(pk, pkcol{p, col.Name})
				col.NotNull = true // PostgreSQL makes every primary key column NOT NULL
			}
			cols = append(cols, col)
		}
		s.Columns[tb] = cols
		sort.Slice(pk, func(i, j int) bool { return pk[i].pos < pk[j].pos })
		for _, p := range pk {
			s.PrimaryKeys[tb] = append(s.PrimaryKeys[tb], p.name)
		}
		for _, ir := range rows(t, d, `SELECT name, "unique" AS u, origin FROM pragma_index_list(?)`, tb) {
			origin := str(ir["origin"])
			if origin == "pk" {
				continue // compared as PrimaryKeys
			}
			ix := index{Name: str(ir["name"]), Table: tb, Unique: truthy(ir["u"])}
			for _, c := range rows(t, d, `SELECT name, "desc" AS dsc FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`, ix.Name) {
				name := str(c["name"])
				if truthy(c["dsc"]) {
					name += " DESC"
				}
				ix.Columns = append(ix.Columns, name)
			}
			s.Indexes[s.indexKey(ix, origin == "c")] = ix
		}
		byID := map[int64]*foreignKey{}
		var ids []int64
		for _, f := range rows(t, d, `SELECT id, seq, "table" AS ref, "from" AS src, "to" AS dst, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, tb) {
			id := num(f["id"])
			fk := byID[id]
			if fk == nil {
				fk = &foreignKey{Table: tb, Ref: str(f["ref"]), OnDelete: strings.ToUpper(str(f["on_delete"]))}
				byID[id] = fk
				ids = append(ids, id)
			}
			fk.Columns = append(fk.Columns, str(f["src"]))
			fk.RefCols = append(fk.RefCols, str(f["dst"]))
		}
		for _, id := range ids {
			s.ForeignKeys[byID[id].String()] = *byID[id]
		}
	}
	return s
}

func readPostgres(t *testing.T, d *db.DB) schema {
	s := schema{Columns: map[string][]column{}, PrimaryKeys: map[string][]string{}, Indexes: map[string]index{}, ForeignKeys: map[string]foreignKey{}}
	for _, c := range rows(t, d, `SELECT table_name, column_name, data_type, is_nullable, column_default
FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> ?
ORDER BY table_name, ordinal_position`, gooseTable) {
		tb := str(c["table_name"])
		typ := normType(str(c["data_type"]))
		s.Columns[tb] = append(s.Columns[tb], column{Name: str(c["column_name"]), Type: typ,
			Default: normDefault(str(c["column_default"]), typ), NotNull: str(c["is_nullable"]) == "NO"})
	}
	// One row per index column, in index order; DESC from indoption bit 0.
	for _, r := range rows(t, d, `SELECT ic.relname AS index_name, tc.relname AS table_name, ix.indisunique AS is_unique,
  ix.indisprimary AS is_primary,
  EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype = 'u') AS from_constraint,
  a.attname AS column_name, (ix.indoption[k.ord - 1] & 1) = 1 AS is_desc
FROM pg_index ix
JOIN pg_class ic ON ic.oid = ix.indexrelid
JOIN pg_class tc ON tc.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace
CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum
WHERE n.nspname = current_schema() AND tc.relname <> ?
ORDER BY ic.relname, k.ord`, gooseTable) {
		name, tb, col := str(r["index_name"]), str(r["table_name"]), str(r["column_name"])
		if truthy(r["is_primary"]) {
			s.PrimaryKeys[tb] = append(s.PrimaryKeys[tb], col)
			continue
		}
		if truthy(r["is_desc"]) {
			col += " DESC"
		}
		// Columns are accumulated under the index's own name first and
		// re-keyed below, once all columns are known.
		ix := s.Indexes["\x00"+name]
		ix.Name, ix.Table, ix.Unique = name, tb, truthy(r["is_unique"])
		ix.Columns = append(ix.Columns, col)
		if truthy(r["from_constraint"]) {
			ix.Name = "\x01" + name
		}
		s.Indexes["\x00"+name] = ix
	}
	for k, ix := range s.Indexes {
		if !strings.HasPrefix(k, "\x00") {
			continue
		}
		delete(s.Indexes, k)
		named := !strings.HasPrefix(ix.Name, "\x01")
		ix.Name = strings.TrimPrefix(ix.Name, "\x01")
		s.Indexes[s.indexKey(ix, named)] = ix
	}
	byName := map[string]*foreignKey{}
	var names []string
	for _, r := range rows(t, d, `SELECT con.conname, tc.relname AS table_name, rc.relname AS ref_table,
  a.attname AS src, ra.attname AS dst, con.confdeltype::text AS on_delete
FROM pg_constraint con
JOIN pg_class tc ON tc.oid = con.conrelid
JOIN pg_class rc ON rc.oid = con.confrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(src, dst, ord)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.src
JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.dst
WHERE con.contype = 'f' AND n.nspname = current_schema()
ORDER BY con.conname, k.ord`) {
		name := str(r["conname"])
		fk := byName[name]
		if fk == nil {
			action := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}[str(r["on_delete"])]
			fk = &foreignKey{Table: str(r["table_name"]), Ref: str(r["ref_table"]), OnDelete: action}
			byName[name] = fk
			names = append(names, name)
		}
		fk.Columns = append(fk.Columns, str(r["src"]))
		fk.RefCols = append(fk.RefCols, str(r["dst"]))
	}
	for _, n := range names {
		s.ForeignKeys[byName[n].String()] = *byName[n]
	}
	return s
}

// allowance lists what one side may have that the other lacks.
type allowance struct {
	Tables, Columns, Indexes []string // "table", "table.column", index name
}

// diffSchemas lists every difference between a (dialect an) and b
// (dialect bn), except what onlyA and onlyB excuse. It also reports an
// excuse whose object does not exist, so the allowances stay true.
func diffSchemas(a, b schema, an, bn string, onlyA, onlyB allowance) []string {
	var out []string
	add := func(f string, args ...any) { out = append(out, fmt.Sprintf(f, args...)) }
	excusedTable := func(al allowance, tb string) bool { return slices.Contains(al.Tables, tb) }
	for _, side := range []struct {
		name  string
		have  schema
		other schema
		oname string
		al    allowance
	}{{an, a, b, bn, onlyA}, {bn, b, a, an, onlyB}} {
		for _, tb := range side.al.Tables {
			if _, ok := side.have.Columns[tb]; !ok {
				add("allowed %s-only table %s does not exist in %s", side.name, tb, side.name)
			}
		}
		for _, tc := range side.al.Columns {
			tb, col, _ := strings.Cut(tc, ".")
			if !slices.ContainsFunc(side.have.Columns[tb], func(c column) bool { return c.Name == col }) {
				add("allowed %s-only column %s does not exist in %s", side.name, tc, side.name)
			}
		}
		for _, ix := range side.al.Indexes {
			if _, ok := side.have.Indexes[ix]; !ok {
				add("allowed %s-only index %s does not exist in %s", side.name, ix, side.name)
			}
		}
		for tb := range side.have.Columns {
			if _, ok := side.other.Columns[tb]; !ok && !excusedTable(side.al, tb) {
				add("table %s exists only in %s", tb, side.name)
			}
		}
		for k, ix := range side.have.Indexes {
			if _, ok := side.other.Indexes[k]; !ok && !slices.Contains(side.al.Indexes, k) && !excusedTable(side.al, ix.Table) {
				add("index %s on %s(%s) exists only in %s", k, ix.Table, strings.Join(ix.Columns, ", "), side.name)
			}
		}
		for k, fk := range side.have.ForeignKeys {
			if _, ok := side.other.ForeignKeys[k]; !ok && !excusedTable(side.al, fk.Table) {
				add("foreign key %s exists only in %s", k, side.name)
			}
		}
	}
	strip := func(tb string, cols []column, al allowance) []column {
		var kept []column
		for _, c := range cols {
			if !slices.Contains(al.Columns, tb+"."+c.Name) {
				kept = append(kept, c)
			}
		}
		return kept
	}
	for tb, acols := range a.Columns {
		bcols, ok := b.Columns[tb]
		if !ok {
			continue
		}
		ac, bc := strip(tb, acols, onlyA), strip(tb, bcols, onlyB)
		if !slices.Equal(ac, bc) {
			add("table %s has columns\n\t%s: %v\n\t%s: %v", tb, an, ac, bn, bc)
		}
		if !slices.Equal(a.PrimaryKeys[tb], b.PrimaryKeys[tb]) {
			add("table %s has primary key %s: %v, %s: %v", tb, an, a.PrimaryKeys[tb], bn, b.PrimaryKeys[tb])
		}
	}
	for k, ai := range a.Indexes {
		if bi, ok := b.Indexes[k]; ok && (ai.Table != bi.Table || ai.Unique != bi.Unique || !slices.Equal(ai.Columns, bi.Columns)) {
			add("index %s differs: %s %+v, %s %+v", k, an, ai, bn, bi)
		}
	}
	sort.Strings(out)
	return out
}

var (
	sqliteAllowance   = allowance{Tables: sqliteOnlyTables}
	postgresAllowance = allowance{Columns: postgresOnlyColumns, Indexes: postgresOnlyIndexes}
)

// TestMigrationTreesHaveTheSameFiles: every migration exists in both
// dialects under the same name, so versions line up.
func TestMigrationTreesHaveTheSameFiles(t *testing.T) {
	names := func(dialect string) []string {
		files, err := fs.Glob(migrations.FS, dialect+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range files {
			files[i] = path.Base(f)
		}
		return files
	}
	lite, pg := names("sqlite"), names("postgres")
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("migration files differ:\n sqlite:   %v\n postgres: %v", lite, pg)
	}
}

// TestSchemaParity migrates both dialects and compares tables, columns
// (names, order, loose type, NOT NULL, default), primary keys, indexes and
// foreign keys (columns → referenced table and columns, ON DELETE). Only
// full-text search may differ, as listed at the top of this file.
func TestSchemaParity(t *testing.T) {
	ctx := context.Background()
	lite := testenv.OpenSQLite(t)
	pg := testenv.OpenPostgres(t)
	for _, d := range []*db.DB{lite, pg} {
		if err := d.MigrateUp(ctx); err != nil {
			t.Fatalf("%s: %v", d.Dialect, err)
		}
	}
	ls, ps := readSchema(t, lite), readSchema(t, pg)
	if len(ls.Columns) < 10 || len(ls.Indexes) < 10 || len(ls.ForeignKeys) < 10 {
		t.Fatalf("sqlite schema read back implausibly small: %d tables, %d indexes, %d foreign keys",
			len(ls.Columns), len(ls.Indexes), len(ls.ForeignKeys))
	}
	for _, diff := range diffSchemas(ls, ps, "sqlite", "postgres", sqliteAllowance, postgresAllowance) {
		t.Error(diff)
	}
}

// TestSchemaParityNoticesDrift proves the comparison can fail: a SQLite
// database with one extra index, one extra column and one changed foreign
// key action differs from a freshly migrated one in those ways.
func TestSchemaParityNoticesDrift(t *testing.T) {
	ctx := context.Background()
	a, b := testenv.OpenSQLite(t), testenv.OpenSQLite(t)
	for _, d := range []*db.DB{a, b} {
		if err := d.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if diffs := diffSchemas(readSchema(t, a), readSchema(t, b), "a", "b", sqliteAllowance, sqliteAllowance); len(diffs) != 0 {
		t.Fatalf("two fresh SQLite databases differ: %v", diffs)
	}
	for _, q := range []string{
		`CREATE INDEX parity_probe ON users(name)`,
		`ALTER TABLE users ADD COLUMN parity_probe TEXT`,
		`DROP TABLE site_epochs`,
		`CREATE TABLE site_epochs (clinic_id INTEGER PRIMARY KEY REFERENCES clinics(id) ON DELETE RESTRICT, epoch INTEGER NOT NULL DEFAULT 0)`,
	} {
		if err := b.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	diffs := diffSchemas(readSchema(t, a), readSchema(t, b), "a", "b", sqliteAllowance, sqliteAllowance)
	joined := strings.Join(diffs, "\n")
	for _, want := range []string{
		"index parity_probe on users(name) exists only in b",
		"table users has columns",
		"foreign key site_epochs(clinic_id) -> clinics(id) ON DELETE CASCADE exists only in a",
		"foreign key site_epochs(clinic_id) -> clinics(id) ON DELETE RESTRICT exists only in b",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("drift not reported: %q\ngot:\n%s", want, joined)
		}
	}
	// An allowance for something that does not exist is itself reported.
	stale := diffSchemas(readSchema(t, a), readSchema(t, a), "a", "b", allowance{Indexes: []string{"no_such_index"}}, allowance{})
	if len(stale) != 1 || !strings.Contains(stale[0], "no_such_index") {
		t.Errorf("stale allowance not reported: %v", stale)
	}
}
