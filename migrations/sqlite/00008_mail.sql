-- +goose Up
-- Outgoing mail. A row is written in the same transaction as the change
-- that causes it (an invitation commits together with its mail) and is
-- delivered later by the mail worker, never inside a request. status:
-- queued (waiting, or waiting for a retry at next_attempt_at), sending (a
-- worker holds it until next_attempt_at, its lease), sent, failed (gave up
-- or rejected for good), stored (no SMTP server configured: kept for the
-- platform admins' Outbox screen).
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER REFERENCES clinics(id) ON DELETE SET NULL,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('security', 'notification')),
    from_name TEXT NOT NULL DEFAULT '',
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    unsubscribe_url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'stored')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    sent_at DATETIME
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);
CREATE INDEX mail_outbox_clinic ON mail_outbox(clinic_id, id);

-- +goose Down
DROP INDEX mail_outbox_clinic;
DROP INDEX mail_outbox_due;
DROP TABLE mail_outbox;
