-- A branch's member count moves once per transaction, at the fold, instead of once per member
-- (issue 14; see the PostgreSQL migration of the same number for why). The log now carries the
-- member's organisation and the fold (crates/store/src/counters/fold.rs) adds each branch's
-- change once.

ALTER TABLE member_count_log ADD COLUMN org_id INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER members_count_insert;
DROP TRIGGER members_count_delete;
DROP TRIGGER members_count_update;
DROP TRIGGER people_count;

CREATE TRIGGER members_count_insert AFTER INSERT ON members
BEGIN
    INSERT INTO member_count_log
    SELECT NEW.org_path, 1, NEW.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, NEW.join_month, NEW.dev_number IS NOT NULL,
           NEW.entry_fault IS NOT NULL, NEW.status_since, NEW.org_id
    FROM people p WHERE p.id = NEW.person_id;
END;
CREATE TRIGGER members_count_delete AFTER DELETE ON members
BEGIN
    INSERT INTO member_count_log
    SELECT OLD.org_path, -1, OLD.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, OLD.join_month, OLD.dev_number IS NOT NULL,
           OLD.entry_fault IS NOT NULL, OLD.status_since, OLD.org_id
    FROM people p WHERE p.id = OLD.person_id;
END;
CREATE TRIGGER members_count_update AFTER UPDATE ON members
    WHEN OLD.org_path IS NOT NEW.org_path OR OLD.org_id <> NEW.org_id
        OR OLD.status <> NEW.status OR OLD.join_month IS NOT NEW.join_month
        OR (OLD.dev_number IS NULL) <> (NEW.dev_number IS NULL)
        OR (OLD.entry_fault IS NULL) <> (NEW.entry_fault IS NULL)
        OR OLD.status_since IS NOT NEW.status_since
BEGIN
    INSERT INTO member_count_log
    SELECT OLD.org_path, -1, OLD.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, OLD.join_month, OLD.dev_number IS NOT NULL,
           OLD.entry_fault IS NOT NULL, OLD.status_since, OLD.org_id
    FROM people p WHERE p.id = OLD.person_id
    UNION ALL
    SELECT NEW.org_path, 1, NEW.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, NEW.join_month, NEW.dev_number IS NOT NULL,
           NEW.entry_fault IS NOT NULL, NEW.status_since, NEW.org_id
    FROM people p WHERE p.id = NEW.person_id;
END;

CREATE TRIGGER people_count AFTER UPDATE OF id_number, ethnicity, education_highest, occupation,
    political_status ON people
    WHEN OLD.id_number <> NEW.id_number OR OLD.ethnicity IS NOT NEW.ethnicity
        OR OLD.education_highest IS NOT NEW.education_highest
        OR OLD.occupation IS NOT NEW.occupation
        OR OLD.political_status IS NOT NEW.political_status
BEGIN
    INSERT INTO member_count_log
    SELECT m.org_path, -1, m.status, OLD.id_number, OLD.ethnicity, OLD.education_highest,
           OLD.occupation, OLD.political_status, m.join_month, m.dev_number IS NOT NULL,
           m.entry_fault IS NOT NULL, m.status_since, m.org_id
    FROM members m WHERE m.person_id = NEW.id
    UNION ALL
    SELECT m.org_path, 1, m.status, NEW.id_number, NEW.ethnicity, NEW.education_highest,
           NEW.occupation, NEW.political_status, m.join_month, m.dev_number IS NOT NULL,
           m.entry_fault IS NOT NULL, m.status_since, m.org_id
    FROM members m WHERE m.person_id = NEW.id;
END;
