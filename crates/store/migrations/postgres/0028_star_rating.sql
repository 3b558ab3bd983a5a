-- 对标定级 (issue 16): a yearly rating of each branch in stars against a standard 团中央 sets.

-- A year's standard; a year without a row uses the defaults (domain::star_rating::standard).
-- The first submission of a year stores the standard it rates by, if none was stored.
CREATE TABLE star_rating_years (
    year        BIGINT PRIMARY KEY,
    -- The round is open for self-assessment from starts_on to ends_on (YYYY-MM-DD, Beijing).
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    -- The lowest totals of five, four, three and two stars.
    five_min    BIGINT NOT NULL,
    four_min    BIGINT NOT NULL,
    three_min   BIGINT NOT NULL,
    two_min     BIGINT NOT NULL,
    updated_by  BIGINT REFERENCES people(id),
    updated_at  BIGINT NOT NULL
);

-- The standard's items in order (seq 1, 2, ...).
CREATE TABLE star_rating_items (
    year        BIGINT NOT NULL REFERENCES star_rating_years(year) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    name        TEXT NOT NULL,
    max_points  BIGINT NOT NULL,
    PRIMARY KEY (year, seq)
);

-- One rating per branch and year: assessing → submitted → confirmed, or returned (with the
-- superior's comment) and submitted again. A branch without a row has not started.
CREATE TABLE star_ratings (
    id             BIGSERIAL PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES orgs(id),
    year           BIGINT NOT NULL,
    -- assessing | submitted | returned | confirmed (domain::star_rating::round::RatingState)
    status         TEXT NOT NULL,
    -- Set on confirmation: the reviewed total and the stars it gives (NULL: 未定级).
    reviewed_total BIGINT,
    stars          BIGINT,
    -- The superior's comment of the last return.
    comment        TEXT,
    created_by     BIGINT NOT NULL REFERENCES people(id),
    created_at     BIGINT NOT NULL,
    submitted_by   BIGINT REFERENCES people(id),
    submitted_at   BIGINT,
    decided_by     BIGINT REFERENCES people(id),
    decided_at     BIGINT,
    updated_at     BIGINT NOT NULL,
    UNIQUE (org_id, year)
);
-- The progress lists read a year's ratings by organisation.
CREATE INDEX star_ratings_year ON star_ratings(year, org_id);

-- An item's scores in a rating: the branch's own (with its note) and the superior's.
CREATE TABLE star_rating_scores (
    rating_id      BIGINT NOT NULL REFERENCES star_ratings(id) ON DELETE CASCADE,
    seq            BIGINT NOT NULL,
    self_score     BIGINT,
    note           TEXT,
    reviewed_score BIGINT,
    PRIMARY KEY (rating_id, seq)
);
