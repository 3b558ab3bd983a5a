-- One index serves a page of children in id order and their count and completion (covering).
DROP INDEX orgs_parent_complete;
DROP INDEX orgs_children;
CREATE INDEX orgs_children ON orgs(parent_id, id, info_complete);
