-- Foundation: organisations, people, roles, sessions, login throttling, audit log.
-- No BOOLEAN columns: the Any driver cannot decode SQLite booleans; flags are INTEGER 0/1.
-- Times are Unix seconds (BIGINT); dates are ISO text. Both keep one SQL text for SQLite and PostgreSQL.

CREATE TABLE orgs (
    id          BIGSERIAL PRIMARY KEY,
    parent_id   BIGINT REFERENCES orgs(id),
    path        TEXT COLLATE "C" NOT NULL UNIQUE,
    depth       BIGINT NOT NULL,
    level       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    short_name  TEXT NOT NULL,
    full_name   TEXT NOT NULL UNIQUE,
    province_id BIGINT REFERENCES orgs(id),
    xinjiang    BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE INDEX orgs_children ON orgs(parent_id, id);
CREATE INDEX orgs_province_name ON orgs(province_id, full_name);

CREATE TABLE people (
    id            BIGSERIAL PRIMARY KEY,
    id_number     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    phone         TEXT,
    -- NULL while the account is in its initial state (password = last 8 characters of the ID number).
    password_hash TEXT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE members (
    person_id  BIGINT PRIMARY KEY REFERENCES people(id),
    org_id     BIGINT NOT NULL REFERENCES orgs(id),
    join_month TEXT,
    dev_number TEXT,
    status     TEXT NOT NULL DEFAULT 'normal',
    created_at BIGINT NOT NULL
);
CREATE INDEX members_org ON members(org_id);

CREATE TABLE cadre_posts (
    id         BIGSERIAL PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people(id),
    org_id     BIGINT NOT NULL REFERENCES orgs(id),
    post       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (person_id, org_id, post)
);
CREATE INDEX cadre_posts_org ON cadre_posts(org_id);

CREATE TABLE org_admins (
    org_id     BIGINT NOT NULL REFERENCES orgs(id),
    person_id  BIGINT NOT NULL REFERENCES people(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, person_id)
);
CREATE INDEX org_admins_person ON org_admins(person_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    role_kind    TEXT,
    role_org_id  BIGINT,
    client_addr  TEXT,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);

CREATE TABLE audit_log (
    id              BIGSERIAL PRIMARY KEY,
    at              BIGINT NOT NULL,
    actor_person_id BIGINT,
    actor_role      TEXT,
    client_addr     TEXT,
    action          TEXT NOT NULL,
    target_kind     TEXT,
    target_id       BIGINT,
    org_id          BIGINT,
    before_json     TEXT,
    after_json      TEXT
);
CREATE INDEX audit_log_org ON audit_log(org_id, at);
CREATE INDEX audit_log_target ON audit_log(target_kind, target_id, at);

-- Small key/value facts about this installation (for example the demo accounts).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
