-- 团组织关系转接 (issue 12): a member's record moves from one branch to another by two
-- approvals. The organisations' names are copied so the history reads the same after an
-- organisation is renamed or deleted (its references are then set to NULL).
CREATE TABLE transfers (
    id                 BIGSERIAL PRIMARY KEY,
    person_id          BIGINT NOT NULL REFERENCES people(id),
    -- The sending branch and its path at the start, kept in step by organisation moves.
    from_org_id        BIGINT REFERENCES orgs(id),
    from_org_name      TEXT NOT NULL,
    from_path          TEXT COLLATE "C" NOT NULL,
    -- The receiving organisation (a branch, or a 团委/团工委/团总支 that assigns one);
    -- NULL when the member leaves for a province with its own system.
    to_org_id          BIGINT REFERENCES orgs(id),
    to_org_name        TEXT NOT NULL,
    to_path            TEXT COLLATE "C",
    own_system_province TEXT,
    -- The branch the receiving side assigned (a branch receiver: itself).
    assigned_org_id    BIGINT REFERENCES orgs(id),
    assigned_org_name  TEXT,
    reason             TEXT NOT NULL,
    reason_detail      TEXT NOT NULL,
    starter            TEXT NOT NULL,
    started_by         BIGINT NOT NULL REFERENCES people(id),
    started_at         BIGINT NOT NULL,
    status             TEXT NOT NULL,
    updated_at         BIGINT NOT NULL,
    -- When an open request lapses.
    expires_at         BIGINT NOT NULL,
    out_decided_by     BIGINT REFERENCES people(id),
    out_decided_at     BIGINT,
    in_decided_by      BIGINT REFERENCES people(id),
    in_decided_at      BIGINT,
    comment            TEXT
);
-- One open request per member, whatever races.
CREATE UNIQUE INDEX transfers_one_open ON transfers(person_id) WHERE status IN ('pending_out', 'pending_in');
-- 办理转出 / 办理转入 lists of a scope: one index range each, newest first.
CREATE INDEX transfers_out ON transfers(from_path, status, started_at);
CREATE INDEX transfers_in ON transfers(to_path, status, started_at);
CREATE INDEX transfers_person ON transfers(person_id, started_at);
CREATE INDEX transfers_expiry ON transfers(expires_at) WHERE status IN ('pending_out', 'pending_in');

-- Each step of a request, for the member's history.
CREATE TABLE transfer_steps (
    id          BIGSERIAL PRIMARY KEY,
    transfer_id BIGINT NOT NULL REFERENCES transfers(id),
    at          BIGINT NOT NULL,
    actor_id    BIGINT REFERENCES people(id),
    event       TEXT NOT NULL,
    comment     TEXT
);
CREATE INDEX transfer_steps_transfer ON transfer_steps(transfer_id, id);

-- The 待办 of a branch (sending side) and of a receiving organisation.
CREATE INDEX transfers_from_org ON transfers(from_org_id, status);
CREATE INDEX transfers_to_org ON transfers(to_org_id, status);
-- The 待办 count is part of an admin's cached session (crates/store/src/hot_cache).
CREATE TRIGGER transfers_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON transfers
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
