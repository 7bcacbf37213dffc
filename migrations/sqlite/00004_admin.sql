-- +goose Up
-- working_drafts holds the admin editor's autosaved, not yet saved text: one
-- private scratch copy per person and article, based on an article version.
-- Saving it for real makes a revision through the workflow and removes it.
CREATE TABLE working_drafts (
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    base_version INTEGER NOT NULL,
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    saved_at DATETIME NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

-- review_comments are doctors' comments and writers' answers, anchored to a
-- paragraph (0-based block index) of one revision.
CREATE TABLE review_comments (
    id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision_number INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    parent_id INTEGER REFERENCES review_comments(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX review_comments_article ON review_comments(clinic_id, article_id, id);

-- +goose Down
DROP TABLE review_comments;
DROP TABLE working_drafts;
