-- 毕业 (issue 12): a school marks each student branch with the month its class graduates
-- (teachers' and mixed branches are marked without one); the daily run turns a student
-- branch whose month has come into a 毕业生团组织 (kind 06BYBTZB) and records when.
CREATE TABLE graduation_marks (
    org_id       BIGINT PRIMARY KEY REFERENCES orgs(id),
    -- students | teachers | mixed
    kind         TEXT NOT NULL,
    -- YYYY-MM, students only.
    month        TEXT,
    marked_by    BIGINT REFERENCES people(id),
    marked_at    BIGINT NOT NULL,
    converted_at BIGINT
);
-- The daily run's question: student branches whose month has come, not yet converted.
CREATE INDEX graduation_marks_due ON graduation_marks(month) WHERE kind = 'students' AND converted_at IS NULL;

-- Members who graduate later than their class: kept off the graduates' transfer list until
-- `month` (their own month, or January of the next year for "not this year"). The mark holds
-- in the branch it was made in only: a member who moves on leaves it behind.
CREATE TABLE late_graduates (
    person_id BIGINT PRIMARY KEY REFERENCES people(id),
    org_id    BIGINT NOT NULL REFERENCES orgs(id),
    -- month | not_this_year
    kind      TEXT NOT NULL,
    month     TEXT NOT NULL,
    marked_by BIGINT REFERENCES people(id),
    marked_at BIGINT NOT NULL
);
