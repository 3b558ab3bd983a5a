-- The cadre list in its order (the post's organisation path, then the post) read from an
-- index (issue 14): a page is one seek at any depth of a scope, where ORDER BY over the joined
-- organisations sorted every post of the scope (团中央: a million at national size). Its first
-- column serves every read cadre_posts_path served.
CREATE INDEX cadre_posts_list ON cadre_posts(org_path, id);
DROP INDEX cadre_posts_path;
