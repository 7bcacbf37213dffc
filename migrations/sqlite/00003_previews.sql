-- +goose Up
-- preview_tokens are signed, expiring links to preview one revision of an
-- article with the clinic's theme. Only the SHA-256 of the random token is
-- stored; the token itself is shown once, in the link.
CREATE TABLE preview_tokens (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    revoked_at DATETIME
);
CREATE INDEX preview_tokens_article ON preview_tokens(clinic_id, article_id);

-- site_epochs counts changes to what each clinic's public pages show. Every
-- instance bumps it when it changes something and polls it to drop cached
-- pages that another instance made stale.
CREATE TABLE site_epochs (
    clinic_id INTEGER PRIMARY KEY REFERENCES clinics(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE site_epochs;
DROP TABLE preview_tokens;
