-- Organisation management: information (完善组织信息), registration codes, change requests
-- awaiting the superior, and migrations (组织迁移).

ALTER TABLE orgs ADD COLUMN phone TEXT;
ALTER TABLE orgs ADD COLUMN email TEXT;
ALTER TABLE orgs ADD COLUMN industry TEXT;
ALTER TABLE orgs ADD COLUMN admin_staff_quota BIGINT;
ALTER TABLE orgs ADD COLUMN admin_staff_actual BIGINT;
ALTER TABLE orgs ADD COLUMN career_staff_quota BIGINT;
ALTER TABLE orgs ADD COLUMN career_staff_actual BIGINT;
ALTER TABLE orgs ADD COLUMN secretary_person_id BIGINT REFERENCES people(id);
ALTER TABLE orgs ADD COLUMN school_code TEXT;
-- Kept in step with the fields on every change, so completion rates are one indexed count.
ALTER TABLE orgs ADD COLUMN info_complete BIGINT NOT NULL DEFAULT 0;
CREATE INDEX orgs_parent_complete ON orgs(parent_id, info_complete);

CREATE TABLE reg_codes (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES orgs(id),
    code       TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES people(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    used_at    BIGINT,
    used_by    BIGINT REFERENCES people(id)
);
CREATE INDEX reg_codes_org ON reg_codes(org_id, created_at);

CREATE TABLE org_changes (
    id              BIGSERIAL PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES orgs(id),
    -- The organisation whose admin decides: the direct superior at the time of the request.
    approver_org_id BIGINT REFERENCES orgs(id),
    requested_by    BIGINT NOT NULL REFERENCES people(id),
    requested_at    BIGINT NOT NULL,
    before_json     TEXT NOT NULL,
    changes_json    TEXT NOT NULL,
    -- pending, approved, returned, applied (made by the superior, effective at once), withdrawn
    status          TEXT NOT NULL,
    decided_by      BIGINT REFERENCES people(id),
    decided_at      BIGINT,
    comment         TEXT
);
CREATE INDEX org_changes_inbox ON org_changes(approver_org_id, status, requested_at);
CREATE INDEX org_changes_org ON org_changes(org_id, requested_at);

CREATE TABLE org_moves (
    id             BIGSERIAL PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES orgs(id),
    from_parent_id BIGINT NOT NULL REFERENCES orgs(id),
    to_parent_id   BIGINT NOT NULL REFERENCES orgs(id),
    requested_by   BIGINT NOT NULL REFERENCES people(id),
    requested_at   BIGINT NOT NULL,
    -- pending_old (the current parent decides), pending_new (the new parent decides),
    -- approved, returned, withdrawn, moved (done directly by 团中央)
    status         TEXT NOT NULL,
    old_decided_by BIGINT REFERENCES people(id),
    old_decided_at BIGINT,
    new_decided_by BIGINT REFERENCES people(id),
    new_decided_at BIGINT,
    comment        TEXT
);
CREATE INDEX org_moves_from ON org_moves(from_parent_id, status, requested_at);
CREATE INDEX org_moves_to ON org_moves(to_parent_id, status, requested_at);
CREATE INDEX org_moves_org ON org_moves(org_id, status);
