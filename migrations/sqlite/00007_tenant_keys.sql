-- +goose NO TRANSACTION
-- Tenant keys: the database itself refuses a row that names another
-- clinic's article, revision, approval or comment.
--
-- * Every child of an article references (clinic_id, article_id) →
--   articles(clinic_id, id), so its clinic_id is its article's clinic.
-- * A review, comment, finding acknowledgement or preview link names a
--   revision that exists: (clinic_id, article_id, revision…) →
--   revisions(clinic_id, article_id, number).
-- * articles.approval_id is an approval of this article's current revision,
--   articles.live_approval_id and live_articles.review_id one of its live
--   revision: (clinic_id, article id, revision, approval) →
--   reviews(clinic_id, article_id, revision_number, id). A NULL approval is
--   not checked. The review is inserted before the article points at it.
-- * Audit entries are evidence: nothing deletes them by cascade. Their
--   clinic and article references are ON DELETE RESTRICT (a clinic or
--   article with audit entries cannot be deleted; the application deletes
--   neither).
--
-- SQLite cannot add a constraint to a table, so each table is rebuilt with
-- the documented procedure (https://sqlite.org/lang_altertable.html#otheralter):
-- foreign keys off (which only works outside a transaction, hence NO
-- TRANSACTION; goose runs every statement on one connection), one
-- transaction, create new_X, copy, drop X, rename, recreate X's indexes,
-- check every foreign key, commit, foreign keys on. Columns, their order
-- and defaults are unchanged. live_search (FTS5) is a separate table and is
-- not touched.

-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE new_articles (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    current_revision INTEGER NOT NULL DEFAULT 0,
    live_revision INTEGER,
    approval_id INTEGER,
    live_approval_id INTEGER,
    author_id INTEGER NOT NULL REFERENCES users(id),
    first_published_at DATETIME,
    published_at DATETIME,
    scheduled_at DATETIME,
    review_due_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (clinic_id, slug),
    CONSTRAINT articles_live_revision_fkey FOREIGN KEY (clinic_id, id, live_revision)
        REFERENCES revisions(clinic_id, article_id, number),
    CONSTRAINT articles_approval_fkey FOREIGN KEY (clinic_id, id, current_revision, approval_id)
        REFERENCES reviews(clinic_id, article_id, revision_number, id),
    CONSTRAINT articles_live_approval_fkey FOREIGN KEY (clinic_id, id, live_revision, live_approval_id)
        REFERENCES reviews(clinic_id, article_id, revision_number, id)
);
INSERT INTO new_articles (id, clinic_id, slug, status, version, current_revision, live_revision, approval_id, live_approval_id, author_id, first_published_at, published_at, scheduled_at, review_due_at, created_at, updated_at)
    SELECT id, clinic_id, slug, status, version, current_revision, live_revision, approval_id, live_approval_id, author_id, first_published_at, published_at, scheduled_at, review_due_at, created_at, updated_at FROM articles;
DROP TABLE articles;
ALTER TABLE new_articles RENAME TO articles;
CREATE UNIQUE INDEX articles_tenant_key ON articles(clinic_id, id);
CREATE INDEX articles_clinic_status ON articles(clinic_id, status, id);
CREATE INDEX articles_scheduled ON articles(status, scheduled_at);

CREATE TABLE new_revisions (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users(id),
    restored_from INTEGER,
    created_at DATETIME NOT NULL,
    findings TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT revisions_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES articles(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT revisions_restored_from_fkey FOREIGN KEY (clinic_id, article_id, restored_from)
        REFERENCES revisions(clinic_id, article_id, number)
);
INSERT INTO new_revisions (id, clinic_id, article_id, number, title, summary, body, tags, content_hash, author_id, restored_from, created_at, findings)
    SELECT id, clinic_id, article_id, number, title, summary, body, tags, content_hash, author_id, restored_from, created_at, findings FROM revisions;
DROP TABLE revisions;
ALTER TABLE new_revisions RENAME TO revisions;
CREATE UNIQUE INDEX revisions_tenant_key ON revisions(article_id, number, clinic_id);

CREATE TABLE new_reviews (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    revision_number INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    doctor_id INTEGER NOT NULL REFERENCES users(id),
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'request_changes')),
    note TEXT NOT NULL DEFAULT '',
    registration_number TEXT NOT NULL DEFAULT '',
    specialty TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    attestation TEXT NOT NULL DEFAULT '',
    CONSTRAINT reviews_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES articles(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT reviews_revision_fkey FOREIGN KEY (clinic_id, article_id, revision_number)
        REFERENCES revisions(clinic_id, article_id, number) ON DELETE CASCADE
);
INSERT INTO new_reviews (id, clinic_id, article_id, revision_number, content_hash, doctor_id, decision, note, registration_number, specialty, created_at, attestation)
    SELECT id, clinic_id, article_id, revision_number, content_hash, doctor_id, decision, note, registration_number, specialty, created_at, attestation FROM reviews;
DROP TABLE reviews;
ALTER TABLE new_reviews RENAME TO reviews;
CREATE UNIQUE INDEX reviews_tenant_key ON reviews(clinic_id, article_id, revision_number, id);
CREATE INDEX reviews_article ON reviews(article_id, id);

CREATE TABLE new_live_articles (
    article_id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    revision INTEGER NOT NULL,
    review_id INTEGER NOT NULL,
    reviewer_id INTEGER NOT NULL REFERENCES users(id),
    first_published_at DATETIME NOT NULL,
    published_at DATETIME NOT NULL,
    review_due_at DATETIME NOT NULL,
    overdue_since DATETIME,
    UNIQUE (clinic_id, slug),
    CONSTRAINT live_articles_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES articles(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT live_articles_review_fkey FOREIGN KEY (clinic_id, article_id, revision, review_id)
        REFERENCES reviews(clinic_id, article_id, revision_number, id)
);
INSERT INTO new_live_articles (article_id, clinic_id, slug, revision, review_id, reviewer_id, first_published_at, published_at, review_due_at, overdue_since)
    SELECT article_id, clinic_id, slug, revision, review_id, reviewer_id, first_published_at, published_at, review_due_at, overdue_since FROM live_articles;
DROP TABLE live_articles;
ALTER TABLE new_live_articles RENAME TO live_articles;
CREATE UNIQUE INDEX live_articles_tenant_key ON live_articles(clinic_id, article_id);
CREATE INDEX live_articles_recent ON live_articles(clinic_id, first_published_at DESC, article_id DESC);
CREATE INDEX live_articles_reviewer ON live_articles(clinic_id, reviewer_id, first_published_at DESC, article_id DESC);
CREATE INDEX live_articles_due ON live_articles(review_due_at);

CREATE TABLE new_live_tags (
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    first_published_at DATETIME NOT NULL,
    PRIMARY KEY (clinic_id, tag, article_id),
    CONSTRAINT live_tags_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES live_articles(clinic_id, article_id) ON DELETE CASCADE
);
INSERT INTO new_live_tags (clinic_id, tag, article_id, first_published_at)
    SELECT clinic_id, tag, article_id, first_published_at FROM live_tags;
DROP TABLE live_tags;
ALTER TABLE new_live_tags RENAME TO live_tags;
CREATE INDEX live_tags_recent ON live_tags(clinic_id, tag, first_published_at DESC, article_id DESC);

CREATE TABLE new_preview_tokens (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    revoked_at DATETIME,
    CONSTRAINT preview_tokens_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES articles(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT preview_tokens_revision_fkey FOREIGN KEY (clinic_id, article_id, revision)
        REFERENCES revisions(clinic_id, article_id, number) ON DELETE CASCADE
);
INSERT INTO new_preview_tokens (id, clinic_id, article_id, revision, token_hash, created_by, created_at, expires_at, revoked_at)
    SELECT id, clinic_id, article_id, revision, token_hash, created_by, created_at, expires_at, revoked_at FROM preview_tokens;
DROP TABLE preview_tokens;
ALTER TABLE new_preview_tokens RENAME TO preview_tokens;
CREATE INDEX preview_tokens_article ON preview_tokens(clinic_id, article_id);

CREATE TABLE new_working_drafts (
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    base_version INTEGER NOT NULL,
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    saved_at DATETIME NOT NULL,
    PRIMARY KEY (article_id, user_id),
    CONSTRAINT working_drafts_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES articles(clinic_id, id) ON DELETE CASCADE
);
INSERT INTO new_working_drafts (clinic_id, article_id, user_id, base_version, title, slug, summary, body, tags, saved_at)
    SELECT clinic_id, article_id, user_id, base_version, title, slug, summary, body, tags, saved_at FROM working_drafts;
DROP TABLE working_drafts;
ALTER TABLE new_working_drafts RENAME TO working_drafts;

CREATE TABLE new_review_comments (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    revision_number INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    parent_id INTEGER,
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    CONSTRAINT review_comments_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES articles(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT review_comments_revision_fkey FOREIGN KEY (clinic_id, article_id, revision_number)
        REFERENCES revisions(clinic_id, article_id, number) ON DELETE CASCADE,
    CONSTRAINT review_comments_parent_fkey FOREIGN KEY (clinic_id, article_id, parent_id)
        REFERENCES review_comments(clinic_id, article_id, id) ON DELETE CASCADE
);
INSERT INTO new_review_comments (id, clinic_id, article_id, revision_number, paragraph, parent_id, author_id, body, created_at)
    SELECT id, clinic_id, article_id, revision_number, paragraph, parent_id, author_id, body, created_at FROM review_comments;
DROP TABLE review_comments;
ALTER TABLE new_review_comments RENAME TO review_comments;
CREATE UNIQUE INDEX review_comments_article ON review_comments(clinic_id, article_id, id);

CREATE TABLE new_finding_acks (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    revision_number INTEGER NOT NULL,
    finding_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    doctor_id INTEGER NOT NULL REFERENCES users(id),
    registration_number TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE (article_id, revision_number, finding_key),
    CONSTRAINT finding_acks_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES articles(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT finding_acks_revision_fkey FOREIGN KEY (clinic_id, article_id, revision_number)
        REFERENCES revisions(clinic_id, article_id, number) ON DELETE CASCADE
);
INSERT INTO new_finding_acks (id, clinic_id, article_id, revision_number, finding_key, rule, doctor_id, registration_number, reason, created_at)
    SELECT id, clinic_id, article_id, revision_number, finding_key, rule, doctor_id, registration_number, reason, created_at FROM finding_acks;
DROP TABLE finding_acks;
ALTER TABLE new_finding_acks RENAME TO finding_acks;

CREATE TABLE new_audit_entries (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER REFERENCES clinics(id) ON DELETE RESTRICT,
    actor_id INTEGER,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    article_id INTEGER,
    from_revision INTEGER,
    to_revision INTEGER,
    before_json TEXT NOT NULL DEFAULT '',
    after_json TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    prev_hash TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT '',
    CONSTRAINT audit_entries_article_fkey FOREIGN KEY (clinic_id, article_id)
        REFERENCES articles(clinic_id, id) ON DELETE RESTRICT
);
INSERT INTO new_audit_entries (id, clinic_id, actor_id, action, target_type, target_id, article_id, from_revision, to_revision, before_json, after_json, request_id, created_at, prev_hash, hash)
    SELECT id, clinic_id, actor_id, action, target_type, target_id, article_id, from_revision, to_revision, before_json, after_json, request_id, created_at, prev_hash, hash FROM audit_entries;
DROP TABLE audit_entries;
ALTER TABLE new_audit_entries RENAME TO audit_entries;
CREATE INDEX audit_clinic ON audit_entries(clinic_id, id);
CREATE INDEX audit_article ON audit_entries(article_id, id);

-- Every row must satisfy every foreign key of the rebuilt tables; if one
-- does not, OR ROLLBACK undoes the whole rebuild and the migration fails
-- with "NOT NULL constraint failed: tenant_keys_check.violations_found".
CREATE TEMP TABLE tenant_keys_check (violations_found INTEGER NOT NULL);
INSERT OR ROLLBACK INTO tenant_keys_check (violations_found)
    SELECT CASE WHEN COUNT(*) = 0 THEN 0 END FROM pragma_foreign_key_check;
DROP TABLE tenant_keys_check;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE new_articles (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    current_revision INTEGER NOT NULL DEFAULT 0,
    live_revision INTEGER,
    approval_id INTEGER,
    live_approval_id INTEGER,
    author_id INTEGER NOT NULL REFERENCES users(id),
    first_published_at DATETIME,
    published_at DATETIME,
    scheduled_at DATETIME,
    review_due_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (clinic_id, slug)
);
INSERT INTO new_articles (id, clinic_id, slug, status, version, current_revision, live_revision, approval_id, live_approval_id, author_id, first_published_at, published_at, scheduled_at, review_due_at, created_at, updated_at)
    SELECT id, clinic_id, slug, status, version, current_revision, live_revision, approval_id, live_approval_id, author_id, first_published_at, published_at, scheduled_at, review_due_at, created_at, updated_at FROM articles;
DROP TABLE articles;
ALTER TABLE new_articles RENAME TO articles;
CREATE INDEX articles_clinic_status ON articles(clinic_id, status, id);
CREATE INDEX articles_scheduled ON articles(status, scheduled_at);

CREATE TABLE new_revisions (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users(id),
    restored_from INTEGER,
    created_at DATETIME NOT NULL,
    findings TEXT NOT NULL DEFAULT '[]',
    UNIQUE (article_id, number)
);
INSERT INTO new_revisions (id, clinic_id, article_id, number, title, summary, body, tags, content_hash, author_id, restored_from, created_at, findings)
    SELECT id, clinic_id, article_id, number, title, summary, body, tags, content_hash, author_id, restored_from, created_at, findings FROM revisions;
DROP TABLE revisions;
ALTER TABLE new_revisions RENAME TO revisions;

CREATE TABLE new_reviews (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision_number INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    doctor_id INTEGER NOT NULL REFERENCES users(id),
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'request_changes')),
    note TEXT NOT NULL DEFAULT '',
    registration_number TEXT NOT NULL DEFAULT '',
    specialty TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    attestation TEXT NOT NULL DEFAULT ''
);
INSERT INTO new_reviews (id, clinic_id, article_id, revision_number, content_hash, doctor_id, decision, note, registration_number, specialty, created_at, attestation)
    SELECT id, clinic_id, article_id, revision_number, content_hash, doctor_id, decision, note, registration_number, specialty, created_at, attestation FROM reviews;
DROP TABLE reviews;
ALTER TABLE new_reviews RENAME TO reviews;
CREATE INDEX reviews_article ON reviews(article_id, id);

CREATE TABLE new_live_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    revision INTEGER NOT NULL,
    review_id INTEGER NOT NULL REFERENCES reviews(id),
    reviewer_id INTEGER NOT NULL REFERENCES users(id),
    first_published_at DATETIME NOT NULL,
    published_at DATETIME NOT NULL,
    review_due_at DATETIME NOT NULL,
    overdue_since DATETIME,
    UNIQUE (clinic_id, slug)
);
INSERT INTO new_live_articles (article_id, clinic_id, slug, revision, review_id, reviewer_id, first_published_at, published_at, review_due_at, overdue_since)
    SELECT article_id, clinic_id, slug, revision, review_id, reviewer_id, first_published_at, published_at, review_due_at, overdue_since FROM live_articles;
DROP TABLE live_articles;
ALTER TABLE new_live_articles RENAME TO live_articles;
CREATE INDEX live_articles_recent ON live_articles(clinic_id, first_published_at DESC, article_id DESC);
CREATE INDEX live_articles_reviewer ON live_articles(clinic_id, reviewer_id, first_published_at DESC, article_id DESC);
CREATE INDEX live_articles_due ON live_articles(review_due_at);

CREATE TABLE new_live_tags (
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES live_articles(article_id) ON DELETE CASCADE,
    first_published_at DATETIME NOT NULL,
    PRIMARY KEY (clinic_id, tag, article_id)
);
INSERT INTO new_live_tags (clinic_id, tag, article_id, first_published_at)
    SELECT clinic_id, tag, article_id, first_published_at FROM live_tags;
DROP TABLE live_tags;
ALTER TABLE new_live_tags RENAME TO live_tags;
CREATE INDEX live_tags_recent ON live_tags(clinic_id, tag, first_published_at DESC, article_id DESC);

CREATE TABLE new_preview_tokens (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    revoked_at DATETIME
);
INSERT INTO new_preview_tokens (id, clinic_id, article_id, revision, token_hash, created_by, created_at, expires_at, revoked_at)
    SELECT id, clinic_id, article_id, revision, token_hash, created_by, created_at, expires_at, revoked_at FROM preview_tokens;
DROP TABLE preview_tokens;
ALTER TABLE new_preview_tokens RENAME TO preview_tokens;
CREATE INDEX preview_tokens_article ON preview_tokens(clinic_id, article_id);

CREATE TABLE new_working_drafts (
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    base_version INTEGER NOT NULL,
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    saved_at DATETIME NOT NULL,
    PRIMARY KEY (article_id, user_id)
);
INSERT INTO new_working_drafts (clinic_id, article_id, user_id, base_version, title, slug, summary, body, tags, saved_at)
    SELECT clinic_id, article_id, user_id, base_version, title, slug, summary, body, tags, saved_at FROM working_drafts;
DROP TABLE working_drafts;
ALTER TABLE new_working_drafts RENAME TO working_drafts;

CREATE TABLE new_review_comments (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision_number INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    parent_id INTEGER REFERENCES review_comments(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
INSERT INTO new_review_comments (id, clinic_id, article_id, revision_number, paragraph, parent_id, author_id, body, created_at)
    SELECT id, clinic_id, article_id, revision_number, paragraph, parent_id, author_id, body, created_at FROM review_comments;
DROP TABLE review_comments;
ALTER TABLE new_review_comments RENAME TO review_comments;
CREATE INDEX review_comments_article ON review_comments(clinic_id, article_id, id);

CREATE TABLE new_finding_acks (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision_number INTEGER NOT NULL,
    finding_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    doctor_id INTEGER NOT NULL REFERENCES users(id),
    registration_number TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE (article_id, revision_number, finding_key)
);
INSERT INTO new_finding_acks (id, clinic_id, article_id, revision_number, finding_key, rule, doctor_id, registration_number, reason, created_at)
    SELECT id, clinic_id, article_id, revision_number, finding_key, rule, doctor_id, registration_number, reason, created_at FROM finding_acks;
DROP TABLE finding_acks;
ALTER TABLE new_finding_acks RENAME TO finding_acks;

CREATE TABLE new_audit_entries (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER REFERENCES clinics(id) ON DELETE CASCADE,
    actor_id INTEGER,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    article_id INTEGER,
    from_revision INTEGER,
    to_revision INTEGER,
    before_json TEXT NOT NULL DEFAULT '',
    after_json TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    prev_hash TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT ''
);
INSERT INTO new_audit_entries (id, clinic_id, actor_id, action, target_type, target_id, article_id, from_revision, to_revision, before_json, after_json, request_id, created_at, prev_hash, hash)
    SELECT id, clinic_id, actor_id, action, target_type, target_id, article_id, from_revision, to_revision, before_json, after_json, request_id, created_at, prev_hash, hash FROM audit_entries;
DROP TABLE audit_entries;
ALTER TABLE new_audit_entries RENAME TO audit_entries;
CREATE INDEX audit_clinic ON audit_entries(clinic_id, id);
CREATE INDEX audit_article ON audit_entries(article_id, id);

-- Every row must satisfy every foreign key of the rebuilt tables; if one
-- does not, OR ROLLBACK undoes the whole rebuild and the migration fails
-- with "NOT NULL constraint failed: tenant_keys_check.violations_found".
CREATE TEMP TABLE tenant_keys_check (violations_found INTEGER NOT NULL);
INSERT OR ROLLBACK INTO tenant_keys_check (violations_found)
    SELECT CASE WHEN COUNT(*) = 0 THEN 0 END FROM pragma_foreign_key_check;
DROP TABLE tenant_keys_check;
COMMIT;
PRAGMA foreign_keys = ON;
