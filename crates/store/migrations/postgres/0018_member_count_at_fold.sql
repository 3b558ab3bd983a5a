-- A branch's member count moves once per transaction, at the fold, instead of once per member
-- (issue 14). The row triggers of 0015 updated the branch's `orgs.member_count` for every
-- member written: an import of 2,000 members into one branch updated that one row 2,000 times
-- in one transaction, and PostgreSQL walks the row's whole chain of versions (none of which it
-- may prune before the commit) on each update and on each foreign-key check of the members
-- written after, so the cost grew with the square of the branch's size (a 100,000-row import
-- into a school of 50 branches took 240 s). The log now carries the member's organisation and
-- the fold (crates/store/src/counters/fold.rs) adds each branch's change once. The members'
-- triggers log once per statement from transition tables.

ALTER TABLE member_count_log ADD COLUMN org_id BIGINT NOT NULL DEFAULT 0;

DROP TRIGGER members_count_insert ON members;
DROP TRIGGER members_count_delete ON members;
DROP TRIGGER members_count_update ON members;
DROP FUNCTION members_count();
DROP FUNCTION tj_log_member(members, BIGINT);

CREATE FUNCTION members_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_count_log
    SELECT m.org_path, 1, m.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, m.join_month, CASE WHEN m.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN m.entry_fault IS NULL THEN 0 ELSE 1 END, m.status_since, m.org_id
    FROM new_rows m JOIN people p ON p.id = m.person_id;
    RETURN NULL;
END $$;

CREATE FUNCTION members_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_count_log
    SELECT m.org_path, -1, m.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, m.join_month, CASE WHEN m.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN m.entry_fault IS NULL THEN 0 ELSE 1 END, m.status_since, m.org_id
    FROM old_rows m JOIN people p ON p.id = m.person_id;
    RETURN NULL;
END $$;

-- An update logs the rows whose counted columns changed (as the row trigger's WHEN did): the
-- row as it was (-1) and as it is (+1). A member's key (person_id) never changes.
CREATE FUNCTION tj_member_count_changed(o members, n members) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT o.org_path IS DISTINCT FROM n.org_path OR o.org_id <> n.org_id
        OR o.status <> n.status OR o.join_month IS DISTINCT FROM n.join_month
        OR (o.dev_number IS NULL) <> (n.dev_number IS NULL)
        OR (o.entry_fault IS NULL) <> (n.entry_fault IS NULL)
        OR o.status_since IS DISTINCT FROM n.status_since
$$;

CREATE FUNCTION members_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_count_log
    SELECT o.org_path, -1, o.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, o.join_month, CASE WHEN o.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN o.entry_fault IS NULL THEN 0 ELSE 1 END, o.status_since, o.org_id
    FROM old_rows o JOIN new_rows n ON n.person_id = o.person_id JOIN people p ON p.id = o.person_id
    WHERE tj_member_count_changed(o, n)
    UNION ALL
    SELECT n.org_path, 1, n.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, n.join_month, CASE WHEN n.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN n.entry_fault IS NULL THEN 0 ELSE 1 END, n.status_since, n.org_id
    FROM old_rows o JOIN new_rows n ON n.person_id = o.person_id JOIN people p ON p.id = n.person_id
    WHERE tj_member_count_changed(o, n);
    RETURN NULL;
END $$;

CREATE TRIGGER members_count_insert AFTER INSERT ON members
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_count_inserted();
CREATE TRIGGER members_count_delete AFTER DELETE ON members
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_count_deleted();
CREATE TRIGGER members_count_update AFTER UPDATE ON members
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION members_count_updated();

-- people: the same columns, with the member's organisation.
CREATE OR REPLACE FUNCTION people_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_count_log
    SELECT m.org_path, -1, m.status, OLD.id_number, OLD.ethnicity, OLD.education_highest,
           OLD.occupation, OLD.political_status, m.join_month,
           CASE WHEN m.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN m.entry_fault IS NULL THEN 0 ELSE 1 END, m.status_since, m.org_id
    FROM members m WHERE m.person_id = NEW.id
    UNION ALL
    SELECT m.org_path, 1, m.status, NEW.id_number, NEW.ethnicity, NEW.education_highest,
           NEW.occupation, NEW.political_status, m.join_month,
           CASE WHEN m.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN m.entry_fault IS NULL THEN 0 ELSE 1 END, m.status_since, m.org_id
    FROM members m WHERE m.person_id = NEW.id;
    RETURN NULL;
END $$;
