-- 推优入党 (issue 15, part 2): one row per member, walking recommend_pending → recommended →
-- confirm_pending → confirmed → joined (or *_returned and recorded again); each step's date and
-- scanned form (a stored file), who approved it and when. The branch's name is kept so the
-- record outlives the branch.
CREATE TABLE party_recommendations (
    person_id            BIGINT PRIMARY KEY REFERENCES people(id),
    org_id               BIGINT REFERENCES orgs(id),
    org_name             TEXT NOT NULL,
    -- domain::recommendation::RecStatus
    status               TEXT NOT NULL,
    -- 入党申请年月 (YYYY-MM) as recorded with the recommendation.
    applied_month        TEXT NOT NULL,
    -- 推荐时间 (YYYY-MM-DD) and its form.
    recommended_on       TEXT NOT NULL,
    recommend_file_id    BIGINT NOT NULL REFERENCES stored_files(id),
    recommend_decided_by BIGINT REFERENCES people(id),
    recommend_decided_at BIGINT,
    -- 确定时间 (YYYY-MM-DD) and its form.
    confirmed_on         TEXT,
    confirm_file_id      BIGINT REFERENCES stored_files(id),
    confirm_decided_by   BIGINT REFERENCES people(id),
    confirm_decided_at   BIGINT,
    -- 入党年月 (YYYY-MM).
    joined_month         TEXT,
    -- The superior's comment of the last return.
    comment              TEXT,
    created_by           BIGINT NOT NULL REFERENCES people(id),
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
-- The superiors' lists of what waits, newest first.
CREATE INDEX party_recommendations_status ON party_recommendations(status, updated_at);
