-- Members and cadres (issue 4): personal fields on people (members and cadres share them),
-- membership fields on members, cadre post fields, development-number ranges (号段),
-- self-service applications, password reset codes and name/ID correction requests.

-- Personal fields. Sex and birth date are never stored: they come from the ID number.
ALTER TABLE people ADD COLUMN ethnicity TEXT;
ALTER TABLE people ADD COLUMN political_status TEXT;
ALTER TABLE people ADD COLUMN email TEXT;
ALTER TABLE people ADD COLUMN qq TEXT;
ALTER TABLE people ADD COLUMN wechat TEXT;
ALTER TABLE people ADD COLUMN education_full_time TEXT;
ALTER TABLE people ADD COLUMN education_highest TEXT;
ALTER TABLE people ADD COLUMN occupation TEXT;
ALTER TABLE people ADD COLUMN work_unit TEXT;
ALTER TABLE people ADD COLUMN household_place TEXT;
-- 未认证 / 认证通过 / 认证不通过: unverified, verified, failed.
ALTER TABLE people ADD COLUMN identity_status TEXT NOT NULL DEFAULT 'unverified';

-- The branch's path, kept in step by organisation moves, so a scope's members are one index
-- range (first page, counts and filters without touching orgs).
ALTER TABLE members ADD COLUMN org_path TEXT NOT NULL DEFAULT '';
UPDATE members SET org_path = (SELECT path FROM orgs WHERE orgs.id = members.org_id);
ALTER TABLE members ADD COLUMN join_unit TEXT;
ALTER TABLE members ADD COLUMN party_applied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN party_applied_month TEXT;
ALTER TABLE members ADD COLUMN party_join_month TEXT;
ALTER TABLE members ADD COLUMN income TEXT;
ALTER TABLE members ADD COLUMN card_number TEXT;
-- The code of the first entry rule the stored record breaks (a rule or a 号段 changed after it
-- was entered), NULL when it keeps them all. Recomputed whenever a record or a range changes.
ALTER TABLE members ADD COLUMN entry_fault TEXT;
ALTER TABLE members ADD COLUMN updated_at BIGINT;
-- The person's name and ID number, copied so that a scope's filters and name order read one
-- covering index instead of looking up each member's person (a province holds ~90,000).
-- Triggers keep the copies in step whatever code writes the rows.
ALTER TABLE members ADD COLUMN person_name TEXT;
ALTER TABLE members ADD COLUMN person_id_number TEXT;
UPDATE members SET person_name = (SELECT name FROM people WHERE people.id = members.person_id),
    person_id_number = (SELECT id_number FROM people WHERE people.id = members.person_id);
CREATE TRIGGER members_copy_person AFTER INSERT ON members
    WHEN NEW.person_name IS NULL OR NEW.person_id_number IS NULL
BEGIN
    UPDATE members SET person_name = (SELECT name FROM people WHERE id = NEW.person_id),
        person_id_number = (SELECT id_number FROM people WHERE id = NEW.person_id)
    WHERE person_id = NEW.person_id;
END;
CREATE TRIGGER people_copy_to_members AFTER UPDATE OF name, id_number ON people
BEGIN
    UPDATE members SET person_name = NEW.name, person_id_number = NEW.id_number WHERE person_id = NEW.id;
END;
-- One index serves a scope's lists, counts and filters without reading the table: the
-- subtree range, in the list's default order (organisation, then name), covering every
-- filtered column.
CREATE INDEX members_scope ON members(org_path, person_name, person_id, person_id_number, join_month,
    status, entry_fault);
CREATE UNIQUE INDEX members_dev_number ON members(dev_number);
CREATE INDEX members_faulty ON members(org_path) WHERE entry_fault IS NOT NULL;

ALTER TABLE cadre_posts ADD COLUMN post_since TEXT;
-- 专职 / 兼职 / 挂职 (CadreNature codes).
ALTER TABLE cadre_posts ADD COLUMN nature TEXT;
ALTER TABLE cadre_posts ADD COLUMN party_committee INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cadre_posts_person ON cadre_posts(person_id);

-- 号段: a range of development numbers an organisation holds for one year, handed down by its
-- superior (a province's own ranges are handed to it by its own admins or 团中央).
CREATE TABLE dev_ranges (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    year        INTEGER NOT NULL,
    start_value BIGINT NOT NULL,
    end_value   BIGINT NOT NULL,
    created_by  BIGINT REFERENCES people(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX dev_ranges_org ON dev_ranges(org_id, year);

-- Self-service ways in: register (团员团干部注册), join (我要入团), report (流动团员报到).
CREATE TABLE applications (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    person_id    BIGINT NOT NULL REFERENCES people(id),
    org_id       BIGINT NOT NULL REFERENCES orgs(id),
    -- 我要入团 only: applied, activist, candidate, member.
    stage        TEXT,
    -- pending, returned, approved, withdrawn
    status       TEXT NOT NULL,
    details_json TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    decided_by   BIGINT REFERENCES people(id),
    decided_at   BIGINT,
    comment      TEXT
);
CREATE INDEX applications_inbox ON applications(org_id, status, submitted_at);
CREATE INDEX applications_person ON applications(person_id, submitted_at);

-- Password reset codes: one person, 2 days, single use; only the hash is kept.
CREATE TABLE reset_codes (
    id         INTEGER PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people(id),
    code_hash  TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES people(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX reset_codes_person ON reset_codes(person_id, created_at);

-- Name and ID number corrections, decided by the provincial committee.
CREATE TABLE corrections (
    id              INTEGER PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people(id),
    org_id          BIGINT NOT NULL REFERENCES orgs(id),
    approver_org_id BIGINT NOT NULL REFERENCES orgs(id),
    requested_by    BIGINT NOT NULL REFERENCES people(id),
    requested_at    BIGINT NOT NULL,
    before_json     TEXT NOT NULL,
    changes_json    TEXT NOT NULL,
    reason          TEXT NOT NULL,
    -- pending, approved, returned, withdrawn
    status          TEXT NOT NULL,
    decided_by      BIGINT REFERENCES people(id),
    decided_at      BIGINT,
    comment         TEXT
);
CREATE INDEX corrections_inbox ON corrections(approver_org_id, status, requested_at);
CREATE INDEX corrections_person ON corrections(person_id, requested_at);
