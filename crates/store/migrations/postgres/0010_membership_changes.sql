-- 团籍 (issue 12, part 4): the birth date for the 超龄 list, and each member's history of
-- leaving and coming back.

-- The birth date (YYYYMMDD) is characters 7–14 of the ID number; a generated column follows
-- `person_id_number` (itself kept in step with people by triggers) whatever code writes it.
ALTER TABLE members ADD COLUMN birth_ymd TEXT COLLATE "C"
    GENERATED ALWAYS AS (substr(person_id_number, 7, 8)) STORED;
-- The 超龄 list: a scope's index range of normal members, by birth date within each branch.
-- Partial, so counting a province's members who reach 28 reads only this index.
CREATE INDEX members_aging ON members(org_path, birth_ymd) WHERE status = 'normal';

-- One row per step of a member's 团籍 history: the branch's decision, the superior's approval
-- or return, a request to restore. The branch's name is kept with the row so the history
-- survives the branch's deletion (org_id then becomes NULL).
CREATE TABLE membership_changes (
    id             BIGSERIAL PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES people(id),
    org_id         BIGINT REFERENCES orgs(id),
    org_name       TEXT NOT NULL,
    -- aged_out, withdrawn, lapsed, expelled (the way out) or restore (the way back).
    kind           TEXT NOT NULL,
    -- decided, approved, returned, restore_requested (leaving::Step).
    step           TEXT NOT NULL,
    status_before  TEXT NOT NULL,
    status_after   TEXT NOT NULL,
    reason         TEXT,
    -- The date the member left (or is restored), ISO.
    effective_date TEXT,
    comment        TEXT,
    actor_id       BIGINT REFERENCES people(id),
    at             BIGINT NOT NULL,
    -- 1 while the step waits for the superior (a 自行脱团/开除 decision, a restore request).
    pending        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX membership_changes_person ON membership_changes(person_id, id);
CREATE INDEX membership_changes_org ON membership_changes(org_id, id);
CREATE INDEX membership_changes_pending ON membership_changes(person_id) WHERE pending = 1;
