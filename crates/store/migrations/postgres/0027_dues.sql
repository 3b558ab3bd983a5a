-- 团费 (issue 16): bands per province, members' declared incomes, payments per member and
-- month with their corrections, totals per branch and month, and each member's standing.
-- Money is integer fen; a month is `year × 12 + month − 1` (domain::dues::Month::index).

-- A province's bands, set by its committee's admin; a province without a row uses the
-- national defaults (domain::dues::DuesBands::default).
CREATE TABLE dues_bands (
    province_id     BIGINT PRIMARY KEY REFERENCES orgs(id),
    threshold       BIGINT NOT NULL,
    below_threshold BIGINT NOT NULL,
    rate_permille   BIGINT NOT NULL,
    cap             BIGINT NOT NULL,
    student         BIGINT NOT NULL,
    farmer          BIGINT NOT NULL,
    updated_by      BIGINT NOT NULL REFERENCES people(id),
    updated_at      BIGINT NOT NULL
);

-- The monthly income a member declared for dues (in fen), recorded by the branch.
CREATE TABLE dues_incomes (
    person_id   BIGINT PRIMARY KEY REFERENCES people(id),
    income      BIGINT NOT NULL,
    declared_by BIGINT NOT NULL REFERENCES people(id),
    declared_at BIGINT NOT NULL
);

-- One row per member and month: what was due (fixed when recorded) and what was paid (0:
-- recorded as unpaid). `org_id` is the branch the dues were paid to; it stays when the member
-- moves on. A paid amount changes only through a correction with its reason.
CREATE TABLE dues_payments (
    person_id   BIGINT NOT NULL REFERENCES people(id),
    month       BIGINT NOT NULL,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    due         BIGINT NOT NULL,
    paid        BIGINT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES people(id),
    recorded_at BIGINT NOT NULL,
    paid_at     BIGINT,
    PRIMARY KEY (person_id, month)
);
CREATE INDEX dues_payments_org ON dues_payments(org_id, month);

-- Every correction of a paid amount: never a silent overwrite.
CREATE TABLE dues_corrections (
    id           BIGSERIAL PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people(id),
    month        BIGINT NOT NULL,
    old_paid     BIGINT NOT NULL,
    new_paid     BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    corrected_by BIGINT NOT NULL REFERENCES people(id),
    corrected_at BIGINT NOT NULL
);
CREATE INDEX dues_corrections_payment ON dues_corrections(person_id, month);

-- A branch's month in sums, rewritten from its rows in the transaction of every change, under
-- the branch's path (kept by the trigger on orgs below), so a subtree's year is twelve index
-- ranges (one per month) read without touching the table or `orgs`.
CREATE TABLE dues_totals (
    org_id         BIGINT NOT NULL REFERENCES orgs(id),
    org_path       TEXT NOT NULL,
    month          BIGINT NOT NULL,
    members        BIGINT NOT NULL,
    due            BIGINT NOT NULL,
    paid           BIGINT NOT NULL,
    unpaid_members BIGINT NOT NULL,
    PRIMARY KEY (org_id, month)
);
CREATE INDEX dues_totals_scope ON dues_totals(month, org_path, members, due, paid, unpaid_members);

-- Each member with dues records: the month they become a 自行脱团 candidate
-- (domain::dues::Standing::lapse_index) under their branch's path, so a scope's arrears are
-- one index range. The path follows the member (trigger below).
CREATE TABLE dues_standing (
    person_id BIGINT PRIMARY KEY REFERENCES people(id),
    org_path  TEXT NOT NULL,
    lapse     BIGINT NOT NULL
);
CREATE INDEX dues_standing_scope ON dues_standing(org_path, lapse);

CREATE FUNCTION members_dues_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dues_standing d SET org_path = n.org_path
    FROM old_rows o JOIN new_rows n ON n.person_id = o.person_id
    WHERE d.person_id = n.person_id AND o.org_path IS DISTINCT FROM n.org_path;
    RETURN NULL;
END $$;

-- Transition tables rule out a column list: the join keeps it to moved members.
CREATE TRIGGER members_dues_path AFTER UPDATE ON members
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION members_dues_path();

CREATE FUNCTION orgs_dues_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dues_totals t SET org_path = n.path
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE t.org_id = n.id AND o.path IS DISTINCT FROM n.path;
    RETURN NULL;
END $$;

CREATE TRIGGER orgs_dues_path AFTER UPDATE ON orgs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION orgs_dues_path();
