-- +goose Up
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at DATETIME NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    revoked_at DATETIME
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start DATETIME NOT NULL
);

CREATE TABLE clinics (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT 'clinical',
    branding TEXT NOT NULL DEFAULT '{}',
    review_interval_days INTEGER NOT NULL DEFAULT 365,
    version INTEGER NOT NULL DEFAULT 1,
    audit_head TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE clinic_hostnames (
    hostname TEXT PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE
);
CREATE INDEX clinic_hostnames_clinic ON clinic_hostnames(clinic_id);

CREATE TABLE memberships (
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('writer', 'doctor', 'clinic_admin')),
    registration_number TEXT NOT NULL DEFAULT '',
    specialty TEXT NOT NULL DEFAULT '',
    credentials_expire_on TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (clinic_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE articles (
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
CREATE INDEX articles_clinic_status ON articles(clinic_id, status, id);
CREATE INDEX articles_scheduled ON articles(status, scheduled_at);

CREATE TABLE revisions (
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
    UNIQUE (article_id, number)
);

CREATE TABLE reviews (
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
    created_at DATETIME NOT NULL
);
CREATE INDEX reviews_article ON reviews(article_id, id);

CREATE TABLE audit_entries (
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
CREATE INDEX audit_clinic ON audit_entries(clinic_id, id);
CREATE INDEX audit_article ON audit_entries(article_id, id);

CREATE TABLE casbin_rule (
    id INTEGER PRIMARY KEY,
    ptype TEXT NOT NULL DEFAULT '',
    v0 TEXT NOT NULL DEFAULT '',
    v1 TEXT NOT NULL DEFAULT '',
    v2 TEXT NOT NULL DEFAULT '',
    v3 TEXT NOT NULL DEFAULT '',
    v4 TEXT NOT NULL DEFAULT '',
    v5 TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule(ptype, v0, v1, v2, v3, v4, v5);

-- Roles are defined once for every clinic ("*"); grouping rows (g) are the
-- memberships and are written by the application in the same transaction.
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'role:platform_admin', 'platform', 'clinic', 'create'),
    ('p', 'role:platform_admin', 'platform', 'clinic', 'list'),
    ('p', 'role:platform_admin', 'platform', 'clinic', 'read'),
    ('p', 'role:platform_admin', 'platform', 'clinic', 'update'),
    ('p', 'role:platform_admin', 'platform', 'member', 'manage'),
    ('p', 'role:clinic_admin', '*', 'clinic', 'read'),
    ('p', 'role:clinic_admin', '*', 'clinic', 'update'),
    ('p', 'role:clinic_admin', '*', 'member', 'manage'),
    ('p', 'role:clinic_admin', '*', 'article', 'read'),
    ('p', 'role:clinic_admin', '*', 'article', 'write'),
    ('p', 'role:clinic_admin', '*', 'article', 'publish'),
    ('p', 'role:clinic_admin', '*', 'audit', 'read'),
    ('p', 'role:writer', '*', 'clinic', 'read'),
    ('p', 'role:writer', '*', 'article', 'read'),
    ('p', 'role:writer', '*', 'article', 'write'),
    ('p', 'role:writer', '*', 'article', 'publish'),
    ('p', 'role:writer', '*', 'audit', 'read'),
    ('p', 'role:doctor', '*', 'clinic', 'read'),
    ('p', 'role:doctor', '*', 'article', 'read'),
    ('p', 'role:doctor', '*', 'article', 'write'),
    ('p', 'role:doctor', '*', 'article', 'review'),
    ('p', 'role:doctor', '*', 'audit', 'read');

-- +goose Down
DROP TABLE casbin_rule;
DROP TABLE audit_entries;
DROP TABLE reviews;
DROP TABLE revisions;
DROP TABLE articles;
DROP TABLE memberships;
DROP TABLE clinic_hostnames;
DROP TABLE clinics;
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE users;
