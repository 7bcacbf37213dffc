-- +goose Up
-- Tenant keys: the database itself refuses a row that names another
-- clinic's article, revision, approval or comment.
--
-- * Every child of an article references (clinic_id, article_id) →
--   articles(clinic_id, id), so its clinic_id is its article's clinic.
-- * A review, comment, finding acknowledgement or preview link names a
--   revision that exists: (clinic_id, article_id, revision…) →
--   revisions(clinic_id, article_id, number).
-- * articles.approval_id is an approval of this article's current revision,
--   articles.live_approval_id and live_articles.review_id one of its live
--   revision: (clinic_id, article id, revision, approval) →
--   reviews(clinic_id, article_id, revision_number, id). A NULL approval is
--   not checked. The review is inserted before the article points at it.
-- * Audit entries are evidence: nothing deletes them by cascade. Their
--   clinic and article references are ON DELETE RESTRICT (a clinic or
--   article with audit entries cannot be deleted; the application deletes
--   neither).
--
-- The SQLite migration of the same number rebuilds the tables to the same
-- constraints; the index and constraint names are the same in both.

-- The keys the composite references point at.
CREATE UNIQUE INDEX articles_tenant_key ON articles(clinic_id, id);
CREATE UNIQUE INDEX revisions_tenant_key ON revisions(article_id, number, clinic_id);
ALTER TABLE revisions DROP CONSTRAINT revisions_article_id_number_key;
CREATE UNIQUE INDEX reviews_tenant_key ON reviews(clinic_id, article_id, revision_number, id);
CREATE UNIQUE INDEX live_articles_tenant_key ON live_articles(clinic_id, article_id);
DROP INDEX review_comments_article;
CREATE UNIQUE INDEX review_comments_article ON review_comments(clinic_id, article_id, id);

ALTER TABLE revisions DROP CONSTRAINT revisions_article_id_fkey;
ALTER TABLE revisions ADD CONSTRAINT revisions_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES articles(clinic_id, id) ON DELETE CASCADE;
ALTER TABLE revisions ADD CONSTRAINT revisions_restored_from_fkey FOREIGN KEY (clinic_id, article_id, restored_from)
    REFERENCES revisions(clinic_id, article_id, number);

ALTER TABLE reviews DROP CONSTRAINT reviews_article_id_fkey;
ALTER TABLE reviews ADD CONSTRAINT reviews_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES articles(clinic_id, id) ON DELETE CASCADE;
ALTER TABLE reviews ADD CONSTRAINT reviews_revision_fkey FOREIGN KEY (clinic_id, article_id, revision_number)
    REFERENCES revisions(clinic_id, article_id, number) ON DELETE CASCADE;

-- articles ↔ reviews is circular; both tables exist now.
ALTER TABLE articles ADD CONSTRAINT articles_live_revision_fkey FOREIGN KEY (clinic_id, id, live_revision)
    REFERENCES revisions(clinic_id, article_id, number);
ALTER TABLE articles ADD CONSTRAINT articles_approval_fkey FOREIGN KEY (clinic_id, id, current_revision, approval_id)
    REFERENCES reviews(clinic_id, article_id, revision_number, id);
ALTER TABLE articles ADD CONSTRAINT articles_live_approval_fkey FOREIGN KEY (clinic_id, id, live_revision, live_approval_id)
    REFERENCES reviews(clinic_id, article_id, revision_number, id);

ALTER TABLE live_articles DROP CONSTRAINT live_articles_article_id_fkey;
ALTER TABLE live_articles DROP CONSTRAINT live_articles_review_id_fkey;
ALTER TABLE live_articles ADD CONSTRAINT live_articles_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES articles(clinic_id, id) ON DELETE CASCADE;
ALTER TABLE live_articles ADD CONSTRAINT live_articles_review_fkey FOREIGN KEY (clinic_id, article_id, revision, review_id)
    REFERENCES reviews(clinic_id, article_id, revision_number, id);

ALTER TABLE live_tags DROP CONSTRAINT live_tags_article_id_fkey;
ALTER TABLE live_tags ADD CONSTRAINT live_tags_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES live_articles(clinic_id, article_id) ON DELETE CASCADE;

ALTER TABLE preview_tokens DROP CONSTRAINT preview_tokens_article_id_fkey;
ALTER TABLE preview_tokens ADD CONSTRAINT preview_tokens_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES articles(clinic_id, id) ON DELETE CASCADE;
ALTER TABLE preview_tokens ADD CONSTRAINT preview_tokens_revision_fkey FOREIGN KEY (clinic_id, article_id, revision)
    REFERENCES revisions(clinic_id, article_id, number) ON DELETE CASCADE;

ALTER TABLE working_drafts DROP CONSTRAINT working_drafts_article_id_fkey;
ALTER TABLE working_drafts ADD CONSTRAINT working_drafts_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES articles(clinic_id, id) ON DELETE CASCADE;

ALTER TABLE review_comments DROP CONSTRAINT review_comments_article_id_fkey;
ALTER TABLE review_comments DROP CONSTRAINT review_comments_parent_id_fkey;
ALTER TABLE review_comments ADD CONSTRAINT review_comments_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES articles(clinic_id, id) ON DELETE CASCADE;
ALTER TABLE review_comments ADD CONSTRAINT review_comments_revision_fkey FOREIGN KEY (clinic_id, article_id, revision_number)
    REFERENCES revisions(clinic_id, article_id, number) ON DELETE CASCADE;
ALTER TABLE review_comments ADD CONSTRAINT review_comments_parent_fkey FOREIGN KEY (clinic_id, article_id, parent_id)
    REFERENCES review_comments(clinic_id, article_id, id) ON DELETE CASCADE;

ALTER TABLE finding_acks DROP CONSTRAINT finding_acks_article_id_fkey;
ALTER TABLE finding_acks ADD CONSTRAINT finding_acks_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES articles(clinic_id, id) ON DELETE CASCADE;
ALTER TABLE finding_acks ADD CONSTRAINT finding_acks_revision_fkey FOREIGN KEY (clinic_id, article_id, revision_number)
    REFERENCES revisions(clinic_id, article_id, number) ON DELETE CASCADE;

ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_clinic_id_fkey;
ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_clinic_id_fkey FOREIGN KEY (clinic_id)
    REFERENCES clinics(id) ON DELETE RESTRICT;
ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_article_fkey FOREIGN KEY (clinic_id, article_id)
    REFERENCES articles(clinic_id, id) ON DELETE RESTRICT;

-- +goose Down
-- Back to the single-column references of 00001-00005, under the names
-- PostgreSQL gave them there.
ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_article_fkey;
ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_clinic_id_fkey;
ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_clinic_id_fkey FOREIGN KEY (clinic_id)
    REFERENCES clinics(id) ON DELETE CASCADE;

ALTER TABLE finding_acks DROP CONSTRAINT finding_acks_revision_fkey;
ALTER TABLE finding_acks DROP CONSTRAINT finding_acks_article_fkey;
ALTER TABLE finding_acks ADD CONSTRAINT finding_acks_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES articles(id) ON DELETE CASCADE;

ALTER TABLE review_comments DROP CONSTRAINT review_comments_parent_fkey;
ALTER TABLE review_comments DROP CONSTRAINT review_comments_revision_fkey;
ALTER TABLE review_comments DROP CONSTRAINT review_comments_article_fkey;
ALTER TABLE review_comments ADD CONSTRAINT review_comments_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES articles(id) ON DELETE CASCADE;
ALTER TABLE review_comments ADD CONSTRAINT review_comments_parent_id_fkey FOREIGN KEY (parent_id)
    REFERENCES review_comments(id) ON DELETE CASCADE;

ALTER TABLE working_drafts DROP CONSTRAINT working_drafts_article_fkey;
ALTER TABLE working_drafts ADD CONSTRAINT working_drafts_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES articles(id) ON DELETE CASCADE;

ALTER TABLE preview_tokens DROP CONSTRAINT preview_tokens_revision_fkey;
ALTER TABLE preview_tokens DROP CONSTRAINT preview_tokens_article_fkey;
ALTER TABLE preview_tokens ADD CONSTRAINT preview_tokens_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES articles(id) ON DELETE CASCADE;

ALTER TABLE live_tags DROP CONSTRAINT live_tags_article_fkey;
ALTER TABLE live_tags ADD CONSTRAINT live_tags_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES live_articles(article_id) ON DELETE CASCADE;

ALTER TABLE live_articles DROP CONSTRAINT live_articles_review_fkey;
ALTER TABLE live_articles DROP CONSTRAINT live_articles_article_fkey;
ALTER TABLE live_articles ADD CONSTRAINT live_articles_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES articles(id) ON DELETE CASCADE;
ALTER TABLE live_articles ADD CONSTRAINT live_articles_review_id_fkey FOREIGN KEY (review_id)
    REFERENCES reviews(id);

ALTER TABLE articles DROP CONSTRAINT articles_live_approval_fkey;
ALTER TABLE articles DROP CONSTRAINT articles_approval_fkey;
ALTER TABLE articles DROP CONSTRAINT articles_live_revision_fkey;

ALTER TABLE reviews DROP CONSTRAINT reviews_revision_fkey;
ALTER TABLE reviews DROP CONSTRAINT reviews_article_fkey;
ALTER TABLE reviews ADD CONSTRAINT reviews_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES articles(id) ON DELETE CASCADE;

ALTER TABLE revisions DROP CONSTRAINT revisions_restored_from_fkey;
ALTER TABLE revisions DROP CONSTRAINT revisions_article_fkey;
ALTER TABLE revisions ADD CONSTRAINT revisions_article_id_fkey FOREIGN KEY (article_id)
    REFERENCES articles(id) ON DELETE CASCADE;

DROP INDEX review_comments_article;
CREATE INDEX review_comments_article ON review_comments(clinic_id, article_id, id);
DROP INDEX live_articles_tenant_key;
DROP INDEX reviews_tenant_key;
ALTER TABLE revisions ADD CONSTRAINT revisions_article_id_number_key UNIQUE (article_id, number);
DROP INDEX revisions_tenant_key;
DROP INDEX articles_tenant_key;
