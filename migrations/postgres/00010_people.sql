-- +goose Up
-- Invitations replace passwords typed by a clinic admin: the invitee gets a
-- single-use link (only the SHA-256 of its token is stored), valid 72 hours,
-- and sets their own password; the membership is created only when they
-- accept. A resend replaces the token (the old link stops working).
CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    clinic_id BIGINT NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('writer', 'doctor', 'clinic_admin')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    accepted_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX invitations_clinic ON invitations(clinic_id, id);
CREATE INDEX invitations_email ON invitations(clinic_id, email);

-- One-time tokens mailed to a user: password resets (30 minutes) and the
-- sign-in codes asked for when an account is under attack (10 minutes).
-- Only a hash is stored; used_at makes each single-use; attempts counts
-- wrong codes.
CREATE TABLE account_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'login_code')),
    token_hash TEXT NOT NULL UNIQUE,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX account_tokens_user ON account_tokens(user_id, purpose);

-- +goose Down
DROP INDEX account_tokens_user;
DROP TABLE account_tokens;
DROP INDEX invitations_email;
DROP INDEX invitations_clinic;
DROP TABLE invitations;
