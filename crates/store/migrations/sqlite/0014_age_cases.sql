-- Seed, question 4: people refused for their joining age are entered "由团中央统一录入" after
-- the developing branch or a 县级团委 wrote a 说明 and the province gathered (汇总) the cases.

-- The reason recorded when a 团中央 admin entered a member under the joining age; NULL for
-- everyone else. A member with one is not judged by the age rule again (recheck-members).
ALTER TABLE members ADD COLUMN age_exception TEXT;

-- 入团年龄特殊情况: one case each, filed in a province's subtree, gathered by the province,
-- forwarded to 团中央, entered there (or returned with a comment).
CREATE TABLE age_cases (
    id           INTEGER PRIMARY KEY,
    -- The province that gathers the case (the branch's province when filed).
    province_id  BIGINT NOT NULL REFERENCES orgs(id),
    -- The member's current branch.
    branch_id    BIGINT NOT NULL REFERENCES orgs(id),
    name         TEXT NOT NULL,
    id_number    TEXT NOT NULL,
    phone        TEXT NOT NULL,
    -- YYYY-MM
    join_month   TEXT NOT NULL,
    dev_number   TEXT,
    -- 说明: why the member joined under the age, as the filing organisation states it.
    statement    TEXT NOT NULL,
    -- collecting (待汇总) | forwarded (已报团中央) | entered (已录入) | returned (退回)
    status       TEXT NOT NULL,
    filed_by     BIGINT NOT NULL REFERENCES people(id),
    filed_at     BIGINT NOT NULL,
    forwarded_by BIGINT REFERENCES people(id),
    forwarded_at BIGINT,
    decided_by   BIGINT REFERENCES people(id),
    decided_at   BIGINT,
    -- Why it was returned, or the reason recorded on entry.
    comment      TEXT,
    -- The member entered from it.
    person_id    BIGINT REFERENCES people(id)
);
-- A province's list, and 团中央's list of forwarded cases.
CREATE INDEX age_cases_province ON age_cases(province_id, status, id);
CREATE INDEX age_cases_status ON age_cases(status, id);
-- One open case per ID number.
CREATE UNIQUE INDEX age_cases_open ON age_cases(id_number) WHERE status IN ('collecting', 'forwarded');
