-- +goose Up
-- A live article may carry a scheduled unpublish: the time its live
-- revision comes down (the River job unpublish_article fires it; this
-- column is what the screens show and what the job re-checks).
ALTER TABLE articles ADD COLUMN unpublish_at TIMESTAMPTZ;
CREATE INDEX articles_unpublish_at ON articles(unpublish_at);

-- +goose Down
DROP INDEX articles_unpublish_at;
ALTER TABLE articles DROP COLUMN unpublish_at;
