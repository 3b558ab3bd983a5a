-- Issue 15, part 3: stored files and 团员电子档案.
--
-- Files live in the database: every app server reaches them and every backup holds them
-- (docs/ARCHITECTURE.md, "Stored files"). A file is one row of metadata and its bytes in
-- chunks of at most 1 MiB, so no statement moves a whole file and a download streams.

CREATE TABLE stored_files (
    id          BIGSERIAL PRIMARY KEY,
    -- Hex SHA-256 of the whole content, computed while it was received.
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    media_type  TEXT NOT NULL,
    -- As the uploader's browser named it (for the download's file name).
    file_name   TEXT NOT NULL,
    -- PDF: the number of pages found when it was checked.
    page_count  BIGINT,
    chunk_count BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES people(id),
    uploaded_at BIGINT NOT NULL
);

CREATE TABLE file_chunks (
    file_id BIGINT NOT NULL REFERENCES stored_files(id),
    -- 0, 1, 2 … in the content's order.
    seq     BIGINT NOT NULL,
    bytes   BYTEA NOT NULL,
    PRIMARY KEY (file_id, seq)
);

-- 团员电子档案: the scanned 《入团志愿书》 of a member who joined from 2020, one per member.
CREATE TABLE member_archives (
    person_id   BIGINT PRIMARY KEY REFERENCES people(id),
    file_id     BIGINT NOT NULL REFERENCES stored_files(id),
    -- pending (尚未认证) | approved (已认证) | rejected (退回)
    status      TEXT NOT NULL,
    -- The superior's reason for a rejection.
    reason      TEXT,
    uploaded_by BIGINT NOT NULL REFERENCES people(id),
    uploaded_at BIGINT NOT NULL,
    decided_by  BIGINT REFERENCES people(id),
    decided_at  BIGINT
);
CREATE INDEX member_archives_status ON member_archives(status, uploaded_at);

-- 实名校验 线下通过: who checked the person in person, and when (identity_status 'verified').
-- No foreign key: a key from people into people would make `copy-to` order people by it.
ALTER TABLE people ADD COLUMN identity_checked_by BIGINT;
ALTER TABLE people ADD COLUMN identity_checked_at BIGINT;
