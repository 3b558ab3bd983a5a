-- Statistics counters (issue 14): every organisation carries the counts of its whole subtree
-- (itself and everything below) by dimension and value, so the statistics and list totals of
-- 团中央 cost what a branch's do. Row triggers copy each change of a counted row, as it was and
-- as it is, into a log; the store folds the log into `org_counts` (every organisation on the
-- row's path) before the transaction commits (crates/store/src/counters/fold.rs). Which value of
-- which dimension a row counts under is derived there and in the recount (`tuanjian
-- verify-counters`) from the same SQL, so the triggers only copy columns.
CREATE TABLE org_counts (
    org_id INTEGER NOT NULL,
    dim    TEXT NOT NULL,
    val    TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (org_id, dim, val)
) WITHOUT ROWID;

-- What the counters need of a row that the row does not hold itself.
ALTER TABLE orgs ADD COLUMN admin_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE orgs SET admin_count = (SELECT COUNT(*) FROM org_admins a WHERE a.org_id = orgs.id);
UPDATE orgs SET member_count = (SELECT COUNT(*) FROM members m WHERE m.org_id = orgs.id
    AND m.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending'));
-- When the member's 团籍 state last changed (Unix seconds): leavers by month.
ALTER TABLE members ADD COLUMN status_since INTEGER;
UPDATE members SET status_since = (SELECT MAX(mc.at) FROM membership_changes mc
    WHERE mc.person_id = members.person_id AND mc.status_after = members.status)
WHERE status <> 'normal';
-- A post's organisation path, kept in step by organisation moves like members.org_path.
ALTER TABLE cadre_posts ADD COLUMN org_path TEXT NOT NULL DEFAULT '';
UPDATE cadre_posts SET org_path = (SELECT path FROM orgs WHERE orgs.id = cadre_posts.org_id);
CREATE INDEX cadre_posts_path ON cadre_posts(org_path);

-- The logs: written and emptied inside one transaction.
CREATE TABLE member_count_log (
    path TEXT NOT NULL, delta INTEGER NOT NULL, status TEXT NOT NULL, id_number TEXT NOT NULL,
    ethnicity TEXT, education TEXT, occupation TEXT, political TEXT, join_month TEXT,
    dev INTEGER NOT NULL, faulty INTEGER NOT NULL, status_since INTEGER
);
CREATE TABLE org_count_log (
    path TEXT NOT NULL, delta INTEGER NOT NULL, kind TEXT NOT NULL, level TEXT NOT NULL,
    complete INTEGER NOT NULL, admin_count INTEGER NOT NULL, member_count INTEGER NOT NULL
);
CREATE TABLE cadre_count_log (
    path TEXT NOT NULL, delta INTEGER NOT NULL, post TEXT NOT NULL, nature TEXT
);
CREATE TABLE transfer_count_log (
    from_path TEXT NOT NULL, to_path TEXT, delta INTEGER NOT NULL, status TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- members: the row as it was and as it is, with its person's fields.
CREATE TRIGGER members_count_insert AFTER INSERT ON members
BEGIN
    INSERT INTO member_count_log
    SELECT NEW.org_path, 1, NEW.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, NEW.join_month, NEW.dev_number IS NOT NULL,
           NEW.entry_fault IS NOT NULL, NEW.status_since
    FROM people p WHERE p.id = NEW.person_id;
    UPDATE orgs SET member_count = member_count + 1 WHERE id = NEW.org_id
        AND NEW.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending');
END;
CREATE TRIGGER members_count_delete AFTER DELETE ON members
BEGIN
    INSERT INTO member_count_log
    SELECT OLD.org_path, -1, OLD.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, OLD.join_month, OLD.dev_number IS NOT NULL,
           OLD.entry_fault IS NOT NULL, OLD.status_since
    FROM people p WHERE p.id = OLD.person_id;
    UPDATE orgs SET member_count = member_count - 1 WHERE id = OLD.org_id
        AND OLD.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending');
END;
CREATE TRIGGER members_count_update AFTER UPDATE ON members
    WHEN OLD.org_path IS NOT NEW.org_path OR OLD.org_id <> NEW.org_id
        OR OLD.status <> NEW.status OR OLD.join_month IS NOT NEW.join_month
        OR (OLD.dev_number IS NULL) <> (NEW.dev_number IS NULL)
        OR (OLD.entry_fault IS NULL) <> (NEW.entry_fault IS NULL)
        OR OLD.status_since IS NOT NEW.status_since
BEGIN
    INSERT INTO member_count_log
    SELECT OLD.org_path, -1, OLD.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, OLD.join_month, OLD.dev_number IS NOT NULL,
           OLD.entry_fault IS NOT NULL, OLD.status_since
    FROM people p WHERE p.id = OLD.person_id
    UNION ALL
    SELECT NEW.org_path, 1, NEW.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, NEW.join_month, NEW.dev_number IS NOT NULL,
           NEW.entry_fault IS NOT NULL, NEW.status_since
    FROM people p WHERE p.id = NEW.person_id;
    UPDATE orgs SET member_count = member_count - 1 WHERE id = OLD.org_id
        AND OLD.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending');
    UPDATE orgs SET member_count = member_count + 1 WHERE id = NEW.org_id
        AND NEW.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending');
END;
CREATE TRIGGER members_status_since AFTER UPDATE OF status ON members
    WHEN OLD.status <> NEW.status
BEGIN
    UPDATE members SET status_since = CAST(strftime('%s', 'now') AS INTEGER)
    WHERE person_id = NEW.person_id;
END;

-- people: a change of the fields members are counted by moves the person's membership.
CREATE TRIGGER people_count AFTER UPDATE OF id_number, ethnicity, education_highest, occupation,
    political_status ON people
    WHEN OLD.id_number <> NEW.id_number OR OLD.ethnicity IS NOT NEW.ethnicity
        OR OLD.education_highest IS NOT NEW.education_highest
        OR OLD.occupation IS NOT NEW.occupation
        OR OLD.political_status IS NOT NEW.political_status
BEGIN
    INSERT INTO member_count_log
    SELECT m.org_path, -1, m.status, OLD.id_number, OLD.ethnicity, OLD.education_highest,
           OLD.occupation, OLD.political_status, m.join_month, m.dev_number IS NOT NULL,
           m.entry_fault IS NOT NULL, m.status_since
    FROM members m WHERE m.person_id = NEW.id
    UNION ALL
    SELECT m.org_path, 1, m.status, NEW.id_number, NEW.ethnicity, NEW.education_highest,
           NEW.occupation, NEW.political_status, m.join_month, m.dev_number IS NOT NULL,
           m.entry_fault IS NOT NULL, m.status_since
    FROM members m WHERE m.person_id = NEW.id;
END;

-- orgs: itself in its own subtree; a branch's size class; whether it has an admin.
CREATE TRIGGER orgs_count_rows_insert AFTER INSERT ON orgs
BEGIN
    INSERT INTO org_count_log VALUES (NEW.path, 1, NEW.kind, NEW.level, NEW.info_complete,
        NEW.admin_count, NEW.member_count);
END;
CREATE TRIGGER orgs_count_rows_delete AFTER DELETE ON orgs
BEGIN
    -- A deleted organisation's own counters go with it (its ancestors' are folded as usual).
    DELETE FROM org_counts WHERE org_id = OLD.id;
    INSERT INTO org_count_log VALUES (OLD.path, -1, OLD.kind, OLD.level, OLD.info_complete,
        OLD.admin_count, OLD.member_count);
END;
CREATE TRIGGER orgs_count_rows_update AFTER UPDATE ON orgs
    WHEN OLD.path <> NEW.path OR OLD.kind <> NEW.kind OR OLD.level <> NEW.level
        OR OLD.info_complete <> NEW.info_complete
        OR (OLD.admin_count = 0) <> (NEW.admin_count = 0)
        OR (OLD.member_count < 3) <> (NEW.member_count < 3)
        OR (OLD.member_count > 50) <> (NEW.member_count > 50)
BEGIN
    INSERT INTO org_count_log VALUES (OLD.path, -1, OLD.kind, OLD.level, OLD.info_complete,
        OLD.admin_count, OLD.member_count);
    INSERT INTO org_count_log VALUES (NEW.path, 1, NEW.kind, NEW.level, NEW.info_complete,
        NEW.admin_count, NEW.member_count);
END;

CREATE TRIGGER org_admins_count_insert AFTER INSERT ON org_admins
BEGIN
    UPDATE orgs SET admin_count = admin_count + 1 WHERE id = NEW.org_id;
END;
CREATE TRIGGER org_admins_count_delete AFTER DELETE ON org_admins
BEGIN
    UPDATE orgs SET admin_count = admin_count - 1 WHERE id = OLD.org_id;
END;
CREATE TRIGGER org_admins_count_update AFTER UPDATE OF org_id ON org_admins
    WHEN OLD.org_id <> NEW.org_id
BEGIN
    UPDATE orgs SET admin_count = admin_count - 1 WHERE id = OLD.org_id;
    UPDATE orgs SET admin_count = admin_count + 1 WHERE id = NEW.org_id;
END;

-- cadre_posts: the path copied from the organisation, then counted.
CREATE TRIGGER cadre_posts_path AFTER INSERT ON cadre_posts
BEGIN
    UPDATE cadre_posts SET org_path = (SELECT path FROM orgs WHERE id = NEW.org_id) WHERE id = NEW.id;
END;
CREATE TRIGGER cadre_posts_path_update AFTER UPDATE OF org_id ON cadre_posts
    WHEN OLD.org_id <> NEW.org_id
BEGIN
    UPDATE cadre_posts SET org_path = (SELECT path FROM orgs WHERE id = NEW.org_id) WHERE id = NEW.id;
END;
CREATE TRIGGER cadre_posts_count_insert AFTER INSERT ON cadre_posts
BEGIN
    INSERT INTO cadre_count_log VALUES (NEW.org_path, 1, NEW.post, NEW.nature);
END;
CREATE TRIGGER cadre_posts_count_delete AFTER DELETE ON cadre_posts
BEGIN
    INSERT INTO cadre_count_log VALUES (OLD.org_path, -1, OLD.post, OLD.nature);
END;
CREATE TRIGGER cadre_posts_count_update AFTER UPDATE ON cadre_posts
    WHEN OLD.org_path <> NEW.org_path OR OLD.post <> NEW.post OR OLD.nature IS NOT NEW.nature
BEGIN
    INSERT INTO cadre_count_log VALUES (OLD.org_path, -1, OLD.post, OLD.nature);
    INSERT INTO cadre_count_log VALUES (NEW.org_path, 1, NEW.post, NEW.nature);
END;

-- transfers: only finished ones count (out at the sending branch, in at the receiver).
CREATE TRIGGER transfers_count_insert AFTER INSERT ON transfers
    WHEN NEW.status IN ('completed', 'left_system')
BEGIN
    INSERT INTO transfer_count_log VALUES (NEW.from_path, NEW.to_path, 1, NEW.status, NEW.updated_at);
END;
CREATE TRIGGER transfers_count_delete AFTER DELETE ON transfers
    WHEN OLD.status IN ('completed', 'left_system')
BEGIN
    INSERT INTO transfer_count_log VALUES (OLD.from_path, OLD.to_path, -1, OLD.status, OLD.updated_at);
END;
CREATE TRIGGER transfers_count_update AFTER UPDATE ON transfers
    WHEN (OLD.status IN ('completed', 'left_system') OR NEW.status IN ('completed', 'left_system'))
        AND (OLD.status <> NEW.status OR OLD.from_path <> NEW.from_path
             OR OLD.to_path IS NOT NEW.to_path OR OLD.updated_at <> NEW.updated_at)
BEGIN
    INSERT INTO transfer_count_log SELECT OLD.from_path, OLD.to_path, -1, OLD.status, OLD.updated_at
        WHERE OLD.status IN ('completed', 'left_system');
    INSERT INTO transfer_count_log SELECT NEW.from_path, NEW.to_path, 1, NEW.status, NEW.updated_at
        WHERE NEW.status IN ('completed', 'left_system');
END;
