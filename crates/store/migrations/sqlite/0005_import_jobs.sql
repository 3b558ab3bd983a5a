-- Excel imports of members and cadres (issue 5) as jobs whose state lives in the database, so
-- any app server can show their progress and a browser can close and come back. The uploaded
-- file is kept with the job: the commit (perhaps on another server) and the error report read it.

CREATE TABLE import_jobs (
    id             INTEGER PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES orgs(id),
    -- 'cadres' (导入本级团干部) or 'members' (导入下级团支部团员团干部).
    template       TEXT NOT NULL,
    -- 'validate' (preview only) or 'commit' (validate again, then write).
    mode           TEXT NOT NULL,
    valid_only     INTEGER NOT NULL DEFAULT 0,
    -- running, validated, committed, failed, superseded.
    state          TEXT NOT NULL,
    -- queued, reading, checking, writing, done: what a running job is doing.
    phase          TEXT NOT NULL DEFAULT 'queued',
    -- NULL for the server operator's command line.
    created_by     BIGINT REFERENCES people(id),
    actor_role     TEXT,
    client_addr    TEXT,
    -- host/pid/nonce of the process running it, to find jobs left behind by a dead process.
    owner          TEXT,
    file_name      TEXT NOT NULL,
    file_bytes     BLOB NOT NULL,
    total_rows     BIGINT NOT NULL DEFAULT 0,
    processed_rows BIGINT NOT NULL DEFAULT 0,
    valid_rows     BIGINT NOT NULL DEFAULT 0,
    faulty_rows    BIGINT NOT NULL DEFAULT 0,
    -- Every cell fault as JSON: [{row, column, cell, code, message}, …].
    faults_json    TEXT,
    -- What a commit wrote: {members, cadres, people_created, skipped_rows}.
    result_json    TEXT,
    -- Why a job failed, or a note for the admin.
    message        TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    heartbeat_at   BIGINT NOT NULL
);
-- One running import per organisation.
CREATE UNIQUE INDEX import_jobs_one_running ON import_jobs(org_id) WHERE state = 'running';
CREATE INDEX import_jobs_org ON import_jobs(org_id, template, id);
CREATE INDEX import_jobs_state ON import_jobs(state);
