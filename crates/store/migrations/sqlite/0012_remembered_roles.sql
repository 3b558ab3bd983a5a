-- The role a person last chose (issue 13): the next login starts in it, so an admin lands in
-- 管理中心 instead of choosing again. One row per person, replaced at each switch. No foreign
-- key to orgs: the login checks the role against the person's roles as they are then, so a
-- role that was taken away (or an organisation deleted) is simply not applied.
CREATE TABLE remembered_roles (
    person_id   BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    -- admin | cadre | member
    role_kind   TEXT NOT NULL,
    role_org_id BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
