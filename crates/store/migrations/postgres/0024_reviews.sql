-- 两制 (issue 15): the yearly 团员教育评议 of each branch and the 团籍注册 that follows.

-- One round per branch and year: recording → submitted → certified, or returned (with the
-- superior's comment) and recorded again. A branch without a row for the year has not started.
CREATE TABLE review_rounds (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES orgs(id),
    year         BIGINT NOT NULL,
    -- recording | submitted | returned | certified (domain::review::RoundState)
    status       TEXT NOT NULL,
    -- Grades recorded so far (kept with every save, so progress lists need no count).
    graded       BIGINT NOT NULL DEFAULT 0,
    -- The branch's members when it was last submitted.
    members      BIGINT NOT NULL DEFAULT 0,
    -- The superior's comment of the last return.
    comment      TEXT,
    created_by   BIGINT NOT NULL REFERENCES people(id),
    created_at   BIGINT NOT NULL,
    submitted_by BIGINT REFERENCES people(id),
    submitted_at BIGINT,
    decided_by   BIGINT REFERENCES people(id),
    decided_at   BIGINT,
    updated_at   BIGINT NOT NULL,
    UNIQUE (org_id, year)
);
-- The progress lists read a year's rounds by organisation.
CREATE INDEX review_rounds_year ON review_rounds(year, org_id);

-- A member's grade in a round; for 不合格 the branch's choice (deferred | refused) and reason.
CREATE TABLE review_grades (
    round_id    BIGINT NOT NULL REFERENCES review_rounds(id) ON DELETE CASCADE,
    person_id   BIGINT NOT NULL REFERENCES people(id),
    -- excellent | qualified | basic | unqualified (domain::review::Grade)
    grade       TEXT NOT NULL,
    choice      TEXT,
    reason      TEXT,
    recorded_by BIGINT NOT NULL REFERENCES people(id),
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, person_id)
);

-- 团籍注册: one row per member and year, written when the round is certified. The branch's
-- name is kept so the history outlives the branch.
CREATE TABLE registrations (
    person_id    BIGINT NOT NULL REFERENCES people(id),
    year         BIGINT NOT NULL,
    org_id       BIGINT REFERENCES orgs(id),
    org_name     TEXT NOT NULL,
    round_id     BIGINT,
    grade        TEXT NOT NULL,
    -- registered | deferred | refused (domain::review::Registration)
    result       TEXT NOT NULL,
    reason       TEXT,
    certified_by BIGINT NOT NULL REFERENCES people(id),
    certified_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, year)
);
