-- +goose Up
-- A doctor is one person across clinics: one profile per user, verified by
-- a credential verifier (a platform-level role, never the clinic admin).
-- Existing per-membership profiles move here (the most recently updated
-- doctor membership of each user wins) and start unverified: nobody
-- independent has checked them yet.
CREATE TABLE doctor_profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    registration_number TEXT NOT NULL DEFAULT '',
    register_country TEXT NOT NULL DEFAULT '',
    specialty TEXT NOT NULL DEFAULT '',
    credentials_expire_on TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '["en"]',
    verified_at DATETIME,
    verified_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    verification_reference TEXT NOT NULL DEFAULT '',
    verification_note TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
INSERT INTO doctor_profiles (user_id, registration_number, register_country, specialty, credentials_expire_on, created_at, updated_at)
    SELECT m.user_id, m.registration_number, c.registration_country, m.specialty, m.credentials_expire_on, m.created_at, m.updated_at
    FROM memberships m JOIN clinics c ON c.id = m.clinic_id
    WHERE m.role = 'doctor' AND m.clinic_id = (SELECT m2.clinic_id FROM memberships m2
        WHERE m2.user_id = m.user_id AND m2.role = 'doctor' ORDER BY m2.updated_at DESC, m2.clinic_id DESC LIMIT 1);
ALTER TABLE memberships DROP COLUMN registration_number;
ALTER TABLE memberships DROP COLUMN specialty;
ALTER TABLE memberships DROP COLUMN credentials_expire_on;

-- Who may verify doctors' credentials: granted by the platform operator
-- (CLI, granted_by NULL) or a platform admin.
CREATE TABLE credential_verifiers (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    granted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    granted_at DATETIME NOT NULL
);

-- Second factors. totp_secrets: one authenticator app per user, usable
-- once confirmed; last_step refuses a code twice.
CREATE TABLE totp_secrets (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    confirmed_at DATETIME,
    last_step INTEGER NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL
);

-- Passkeys (WebAuthn credentials); credential holds the library's JSON.
CREATE TABLE webauthn_credentials (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    credential TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    last_used_at DATETIME
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials(user_id);

-- One-time recovery codes, stored hashed.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- Short-lived, single-use challenges: a sign-in waiting for its second
-- factor (purpose login), a passkey registration (register), and a
-- signature bound to one revision and content hash (sign).
CREATE TABLE auth_challenges (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('login', 'register', 'sign')),
    session_data TEXT NOT NULL DEFAULT '',
    clinic_id INTEGER REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER,
    revision_number INTEGER,
    content_hash TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at DATETIME
);
CREATE INDEX auth_challenges_user ON auth_challenges(user_id, expires_at);

-- A clinic can require doctors and clinic admins to enrol a second factor.
ALTER TABLE clinics ADD COLUMN require_second_factor BOOLEAN NOT NULL DEFAULT FALSE;

-- The electronic signature: how the signer re-authenticated.
ALTER TABLE reviews ADD COLUMN signature_method TEXT NOT NULL DEFAULT '';
ALTER TABLE finding_acks ADD COLUMN signature_method TEXT NOT NULL DEFAULT '';
ALTER TABLE finding_acks ADD COLUMN attestation TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE finding_acks DROP COLUMN attestation;
ALTER TABLE finding_acks DROP COLUMN signature_method;
ALTER TABLE reviews DROP COLUMN signature_method;
ALTER TABLE clinics DROP COLUMN require_second_factor;
DROP TABLE auth_challenges;
DROP TABLE recovery_codes;
DROP TABLE webauthn_credentials;
DROP TABLE totp_secrets;
DROP TABLE credential_verifiers;
-- Rebuild memberships with its columns in their original order.
CREATE TABLE new_memberships (
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
INSERT INTO new_memberships (clinic_id, user_id, role, registration_number, specialty, credentials_expire_on, created_at, updated_at)
    SELECT m.clinic_id, m.user_id, m.role,
        CASE WHEN m.role = 'doctor' THEN COALESCE(p.registration_number, '') ELSE '' END,
        CASE WHEN m.role = 'doctor' THEN COALESCE(p.specialty, '') ELSE '' END,
        CASE WHEN m.role = 'doctor' THEN COALESCE(p.credentials_expire_on, '') ELSE '' END,
        m.created_at, m.updated_at
    FROM memberships m LEFT JOIN doctor_profiles p ON p.user_id = m.user_id;
DROP TABLE memberships;
ALTER TABLE new_memberships RENAME TO memberships;
CREATE INDEX memberships_user ON memberships(user_id);
DROP TABLE doctor_profiles;
