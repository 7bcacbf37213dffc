-- +goose Up
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL
);

CREATE TABLE clinics (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT 'clinical',
    branding TEXT NOT NULL DEFAULT '{}',
    review_interval_days BIGINT NOT NULL DEFAULT 365,
    version BIGINT NOT NULL DEFAULT 1,
    audit_head TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE clinic_hostnames (
    hostname TEXT PRIMARY KEY,
    clinic_id BIGINT NOT NULL REFERENCES clinics(id) ON DELETE CASCADE
);
CREATE INDEX clinic_hostnames_clinic ON clinic_hostnames(clinic_id);

CREATE TABLE memberships (
    clinic_id BIGINT NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('writer', 'doctor', 'clinic_admin')),
    registration_number TEXT NOT NULL DEFAULT '',
    specialty TEXT NOT NULL DEFAULT '',
    credentials_expire_on TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (clinic_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE articles (
    id BIGSERIAL PRIMARY KEY,
    clinic_id BIGINT NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    current_revision BIGINT NOT NULL DEFAULT 0,
    live_revision BIGINT,
    approval_id BIGINT,
    live_approval_id BIGINT,
    author_id BIGINT NOT NULL REFERENCES users(id),
    first_published_at TIMESTAMPTZ,
    published_at TIMESTAMPTZ,
    scheduled_at TIMESTAMPTZ,
    review_due_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (clinic_id, slug)
);
CREATE INDEX articles_clinic_status ON articles(clinic_id, status, id);
CREATE INDEX articles_scheduled ON articles(status, scheduled_at);

CREATE TABLE revisions (
    id BIGSERIAL PRIMARY KEY,
    clinic_id BIGINT NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    restored_from BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (article_id, number)
);

CREATE TABLE reviews (
    id BIGSERIAL PRIMARY KEY,
    clinic_id BIGINT NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision_number BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    doctor_id BIGINT NOT NULL REFERENCES users(id),
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'request_changes')),
    note TEXT NOT NULL DEFAULT '',
    registration_number TEXT NOT NULL DEFAULT '',
    specialty TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX reviews_article ON reviews(article_id, id);

CREATE TABLE audit_entries (
    id BIGSERIAL PRIMARY KEY,
    clinic_id BIGINT REFERENCES clinics(id) ON DELETE CASCADE,
    actor_id BIGINT,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    article_id BIGINT,
    from_revision BIGINT,
    to_revision BIGINT,
    before_json TEXT NOT NULL DEFAULT '',
    after_json TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    prev_hash TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_clinic ON audit_entries(clinic_id, id);
CREATE INDEX audit_article ON audit_entries(article_id, id);

CREATE TABLE casbin_rule (
    id BIGSERIAL PRIMARY KEY,
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
