-- +goose Up
-- preview_tokens are signed, expiring links to preview one revision of an
-- article with the clinic's theme. Only the SHA-256 of the random token is
-- stored; the token itself is shown once, in the link.
CREATE TABLE preview_tokens (
    id BIGSERIAL PRIMARY KEY,
    clinic_id BIGINT NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX preview_tokens_article ON preview_tokens(clinic_id, article_id);

-- site_epochs counts changes to what each clinic's public pages show. Every
-- instance bumps it when it changes something and polls it to drop cached
-- pages that another instance made stale.
CREATE TABLE site_epochs (
    clinic_id BIGINT PRIMARY KEY REFERENCES clinics(id) ON DELETE CASCADE,
    epoch BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE site_epochs;
DROP TABLE preview_tokens;
