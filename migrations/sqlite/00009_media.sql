-- +goose Up
-- The media library: one row per uploaded image (the stored, re-encoded,
-- metadata-free original, content-addressed by the sha256 of its bytes) and
-- one row per responsive variant. Blobs live in the media store under
-- storage_key; rows are the only way to reach them.
CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    upload_sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    source_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    original_name TEXT NOT NULL,
    alt TEXT NOT NULL DEFAULT '',
    caption TEXT NOT NULL DEFAULT '',
    uploaded_by INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    variants_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    CONSTRAINT media_clinic_fk FOREIGN KEY (clinic_id) REFERENCES clinics(id) ON DELETE CASCADE,
    CONSTRAINT media_uploaded_by_fk FOREIGN KEY (uploaded_by) REFERENCES users(id) ON DELETE SET NULL,
    CONSTRAINT media_clinic_id_key UNIQUE (clinic_id, id),
    CONSTRAINT media_storage_key_key UNIQUE (storage_key)
);
CREATE INDEX media_clinic_sha ON media(clinic_id, sha256);

CREATE TABLE media_variants (
    clinic_id INTEGER NOT NULL,
    media_id INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    CONSTRAINT media_variants_pkey PRIMARY KEY (media_id, width),
    CONSTRAINT media_variants_media_fk FOREIGN KEY (clinic_id, media_id) REFERENCES media(clinic_id, id) ON DELETE CASCADE,
    CONSTRAINT media_variants_storage_key_key UNIQUE (storage_key)
);
CREATE INDEX media_variants_clinic_sha ON media_variants(clinic_id, sha256);

-- +goose Down
DROP INDEX media_variants_clinic_sha;
DROP TABLE media_variants;
DROP INDEX media_clinic_sha;
DROP TABLE media;
