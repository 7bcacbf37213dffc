-- +goose Up
-- WordPress import and redirects.
--
-- * articles.original_published_at: when an imported article was first
--   published on the old site ("first published" on the page once live).
-- * imported_items: the importer's bookkeeping, one row per imported
--   WordPress item (post, page, attachment), keyed by (clinic, source,
--   source_key) so re-running an import is idempotent: source_hash is the
--   hash of what was converted; featured_media_id, wp_parent and report are
--   kept for the lead and the import report.
-- * redirects: old paths of a clinic's site answered with 301 to an article
--   (only once it is live), to a plain same-site path, or 410 Gone.
ALTER TABLE articles ADD COLUMN original_published_at TIMESTAMPTZ;

CREATE TABLE imported_items (
    id BIGSERIAL PRIMARY KEY,
    clinic_id BIGINT NOT NULL,
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    wp_id BIGINT NOT NULL,
    wp_type TEXT NOT NULL,
    wp_parent BIGINT NOT NULL DEFAULT 0,
    guid TEXT NOT NULL DEFAULT '',
    article_id BIGINT,
    media_id BIGINT,
    featured_media_id BIGINT,
    source_hash TEXT NOT NULL,
    report TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT imported_items_clinic_fk FOREIGN KEY (clinic_id) REFERENCES clinics(id) ON DELETE CASCADE,
    CONSTRAINT imported_items_article_fk FOREIGN KEY (clinic_id, article_id) REFERENCES articles(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT imported_items_key UNIQUE (clinic_id, source, source_key)
);
CREATE INDEX imported_items_article ON imported_items(clinic_id, article_id);

CREATE TABLE redirects (
    id BIGSERIAL PRIMARY KEY,
    clinic_id BIGINT NOT NULL,
    from_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    article_id BIGINT,
    target_path TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'manual',
    hits BIGINT NOT NULL DEFAULT 0,
    last_hit_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT redirects_clinic_fk FOREIGN KEY (clinic_id) REFERENCES clinics(id) ON DELETE CASCADE,
    CONSTRAINT redirects_article_fk FOREIGN KEY (clinic_id, article_id) REFERENCES articles(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT redirects_clinic_path_key UNIQUE (clinic_id, from_path)
);
CREATE INDEX redirects_article ON redirects(clinic_id, article_id);

-- +goose Down
DROP INDEX redirects_article;
DROP TABLE redirects;
DROP INDEX imported_items_article;
DROP TABLE imported_items;
ALTER TABLE articles DROP COLUMN original_published_at;
