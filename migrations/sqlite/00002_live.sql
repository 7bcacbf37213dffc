-- +goose Up
-- live_articles holds exactly the revisions that are live, written by the
-- workflow in the same transaction as publish/unpublish/archive. Public
-- sites read only this table (joined to the revision and approval it names),
-- so nothing unapproved can reach a public page by a forgotten WHERE.
CREATE TABLE live_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    revision INTEGER NOT NULL,
    review_id INTEGER NOT NULL REFERENCES reviews(id),
    reviewer_id INTEGER NOT NULL REFERENCES users(id),
    first_published_at DATETIME NOT NULL,
    published_at DATETIME NOT NULL,
    review_due_at DATETIME NOT NULL,
    UNIQUE (clinic_id, slug)
);
CREATE INDEX live_articles_recent ON live_articles(clinic_id, first_published_at DESC, article_id DESC);
CREATE INDEX live_articles_reviewer ON live_articles(clinic_id, reviewer_id, first_published_at DESC, article_id DESC);

CREATE TABLE live_tags (
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES live_articles(article_id) ON DELETE CASCADE,
    first_published_at DATETIME NOT NULL,
    PRIMARY KEY (clinic_id, tag, article_id)
);
CREATE INDEX live_tags_recent ON live_tags(clinic_id, tag, first_published_at DESC, article_id DESC);

CREATE VIRTUAL TABLE live_search USING fts5(title, summary, body, tags, tokenize = 'porter unicode61');

-- +goose Down
DROP TABLE live_search;
DROP TABLE live_tags;
DROP TABLE live_articles;
