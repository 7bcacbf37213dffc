-- +goose Up
-- Medical-advertising checks, re-review schedule and doctor credentials.
ALTER TABLE clinics ADD COLUMN compliance TEXT NOT NULL DEFAULT '{"packs":["sg-healthcare-ads"]}';
ALTER TABLE clinics ADD COLUMN overdue_policy TEXT NOT NULL DEFAULT 'notice';
ALTER TABLE clinics ADD COLUMN registration_country TEXT NOT NULL DEFAULT 'SG';
-- Findings are computed once, when the immutable revision is written.
ALTER TABLE revisions ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE live_articles ADD COLUMN overdue_since DATETIME;

CREATE TABLE finding_acks (
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
CREATE INDEX live_articles_due ON live_articles(review_due_at);

-- +goose Down
DROP INDEX live_articles_due;
DROP TABLE finding_acks;
ALTER TABLE live_articles DROP COLUMN overdue_since;
ALTER TABLE revisions DROP COLUMN findings;
ALTER TABLE clinics DROP COLUMN registration_country;
ALTER TABLE clinics DROP COLUMN overdue_policy;
ALTER TABLE clinics DROP COLUMN compliance;
