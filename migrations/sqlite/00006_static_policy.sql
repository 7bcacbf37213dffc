-- +goose Up
-- The role -> action policy is static and the same for every clinic. Who
-- holds which role is read from memberships (and users.platform_admin) in
-- each request's own transaction, so the grouping rows that copied them into
-- casbin_rule go, and so does the clinic domain.
DELETE FROM casbin_rule;
INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES
    ('p', 'platform_admin', 'clinic', 'create'),
    ('p', 'platform_admin', 'clinic', 'list'),
    ('p', 'platform_admin', 'clinic', 'read'),
    ('p', 'platform_admin', 'clinic', 'update'),
    ('p', 'platform_admin', 'member', 'manage'),
    ('p', 'clinic_admin', 'clinic', 'read'),
    ('p', 'clinic_admin', 'clinic', 'update'),
    ('p', 'clinic_admin', 'member', 'manage'),
    ('p', 'clinic_admin', 'article', 'read'),
    ('p', 'clinic_admin', 'article', 'write'),
    ('p', 'clinic_admin', 'article', 'publish'),
    ('p', 'clinic_admin', 'audit', 'read'),
    ('p', 'writer', 'clinic', 'read'),
    ('p', 'writer', 'article', 'read'),
    ('p', 'writer', 'article', 'write'),
    ('p', 'writer', 'audit', 'read'),
    ('p', 'doctor', 'clinic', 'read'),
    ('p', 'doctor', 'article', 'read'),
    ('p', 'doctor', 'article', 'write'),
    ('p', 'doctor', 'article', 'review'),
    ('p', 'doctor', 'audit', 'read'),
    ('p', 'clinic_admin', 'media', 'read'),
    ('p', 'clinic_admin', 'media', 'write'),
    ('p', 'writer', 'media', 'read'),
    ('p', 'writer', 'media', 'write'),
    ('p', 'doctor', 'media', 'read'),
    ('p', 'doctor', 'media', 'write');

-- Who publishes is a clinic decision: clinic admins always; writers too
-- when the clinic allows it (off by default).
ALTER TABLE clinics ADD COLUMN writers_may_publish BOOLEAN NOT NULL DEFAULT FALSE;

-- A sign-off is a signature: the review stores the statement the doctor
-- signed (naming revision and content hash).
ALTER TABLE reviews ADD COLUMN attestation TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reviews DROP COLUMN attestation;
ALTER TABLE clinics DROP COLUMN writers_may_publish;
DELETE FROM casbin_rule;
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
INSERT INTO casbin_rule (ptype, v0, v1, v2)
    SELECT 'g', 'user:' || user_id, 'role:' || role, 'clinic:' || clinic_id FROM memberships;
INSERT INTO casbin_rule (ptype, v0, v1, v2)
    SELECT 'g', 'user:' || id, 'role:platform_admin', 'platform' FROM users WHERE platform_admin;
