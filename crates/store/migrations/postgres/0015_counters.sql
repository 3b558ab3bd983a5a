-- Statistics counters (issue 14): every organisation carries the counts of its whole subtree
-- (itself and everything below) by dimension and value, so the statistics and list totals of
-- 团中央 cost what a branch's do. Row triggers copy each change of a counted row, as it was and
-- as it is, into a log; the store folds the log into `org_counts` (every organisation on the
-- row's path) before the transaction commits (crates/store/src/counters/fold.rs). Which value of
-- which dimension a row counts under is derived there and in the recount (`tuanjian
-- verify-counters`) from the same SQL, so the triggers only copy columns.
CREATE TABLE org_counts (
    org_id BIGINT NOT NULL,
    dim    TEXT COLLATE "C" NOT NULL,
    val    TEXT COLLATE "C" NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (org_id, dim, val)
);

-- What the counters need of a row that the row does not hold itself.
ALTER TABLE orgs ADD COLUMN admin_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0;
UPDATE orgs SET admin_count = c.n
FROM (SELECT org_id, COUNT(*) AS n FROM org_admins GROUP BY org_id) c WHERE orgs.id = c.org_id;
UPDATE orgs SET member_count = c.n
FROM (SELECT org_id, COUNT(*) AS n FROM members
      WHERE status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending')
      GROUP BY org_id) c
WHERE orgs.id = c.org_id;
-- When the member's 团籍 state last changed (Unix seconds): leavers by month.
ALTER TABLE members ADD COLUMN status_since BIGINT;
UPDATE members SET status_since = (SELECT MAX(mc.at) FROM membership_changes mc
    WHERE mc.person_id = members.person_id AND mc.status_after = members.status)
WHERE status <> 'normal';
-- A post's organisation path, kept in step by organisation moves like members.org_path.
ALTER TABLE cadre_posts ADD COLUMN org_path TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE cadre_posts SET org_path = (SELECT path FROM orgs WHERE orgs.id = cadre_posts.org_id);
CREATE INDEX cadre_posts_path ON cadre_posts(org_path);

-- The logs: written and emptied inside one transaction, so never worth the WAL.
CREATE UNLOGGED TABLE member_count_log (
    path TEXT COLLATE "C" NOT NULL, delta BIGINT NOT NULL, status TEXT NOT NULL, id_number TEXT NOT NULL,
    ethnicity TEXT, education TEXT, occupation TEXT, political TEXT, join_month TEXT,
    dev BIGINT NOT NULL, faulty BIGINT NOT NULL, status_since BIGINT
);
CREATE UNLOGGED TABLE org_count_log (
    path TEXT COLLATE "C" NOT NULL, delta BIGINT NOT NULL, kind TEXT NOT NULL, level TEXT NOT NULL,
    complete BIGINT NOT NULL, admin_count BIGINT NOT NULL, member_count BIGINT NOT NULL
);
CREATE UNLOGGED TABLE cadre_count_log (
    path TEXT COLLATE "C" NOT NULL, delta BIGINT NOT NULL, post TEXT NOT NULL, nature TEXT
);
CREATE UNLOGGED TABLE transfer_count_log (
    from_path TEXT COLLATE "C" NOT NULL, to_path TEXT COLLATE "C", delta BIGINT NOT NULL, status TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- members: the row as it was and as it is, with its person's fields.
CREATE FUNCTION tj_log_member(m members, d BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO member_count_log
    SELECT m.org_path, d, m.status, p.id_number, p.ethnicity, p.education_highest, p.occupation,
           p.political_status, m.join_month, CASE WHEN m.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN m.entry_fault IS NULL THEN 0 ELSE 1 END, m.status_since
    FROM people p WHERE p.id = m.person_id
$$;
CREATE FUNCTION tj_is_member(status TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending',
        'expelled_pending') THEN 1 ELSE 0 END
$$;
CREATE FUNCTION members_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM tj_log_member(OLD, -1);
        IF tj_is_member(OLD.status) = 1 THEN
            UPDATE orgs SET member_count = member_count - 1 WHERE id = OLD.org_id;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM tj_log_member(NEW, 1);
        IF tj_is_member(NEW.status) = 1 THEN
            UPDATE orgs SET member_count = member_count + 1 WHERE id = NEW.org_id;
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER members_count_insert AFTER INSERT ON members
    FOR EACH ROW EXECUTE FUNCTION members_count();
CREATE TRIGGER members_count_delete AFTER DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION members_count();
CREATE TRIGGER members_count_update AFTER UPDATE ON members
    FOR EACH ROW WHEN (OLD.org_path IS DISTINCT FROM NEW.org_path OR OLD.org_id <> NEW.org_id
        OR OLD.status <> NEW.status OR OLD.join_month IS DISTINCT FROM NEW.join_month
        OR (OLD.dev_number IS NULL) <> (NEW.dev_number IS NULL)
        OR (OLD.entry_fault IS NULL) <> (NEW.entry_fault IS NULL)
        OR OLD.status_since IS DISTINCT FROM NEW.status_since)
    EXECUTE FUNCTION members_count();
CREATE FUNCTION members_status_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.status_since := EXTRACT(EPOCH FROM now())::BIGINT;
    RETURN NEW;
END $$;
CREATE TRIGGER members_status_since BEFORE UPDATE OF status ON members
    FOR EACH ROW WHEN (OLD.status <> NEW.status) EXECUTE FUNCTION members_status_since();

-- people: a change of the fields members are counted by moves the person's membership.
CREATE FUNCTION people_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_count_log
    SELECT m.org_path, -1, m.status, OLD.id_number, OLD.ethnicity, OLD.education_highest,
           OLD.occupation, OLD.political_status, m.join_month,
           CASE WHEN m.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN m.entry_fault IS NULL THEN 0 ELSE 1 END, m.status_since
    FROM members m WHERE m.person_id = NEW.id
    UNION ALL
    SELECT m.org_path, 1, m.status, NEW.id_number, NEW.ethnicity, NEW.education_highest,
           NEW.occupation, NEW.political_status, m.join_month,
           CASE WHEN m.dev_number IS NULL THEN 0 ELSE 1 END,
           CASE WHEN m.entry_fault IS NULL THEN 0 ELSE 1 END, m.status_since
    FROM members m WHERE m.person_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER people_count AFTER UPDATE OF id_number, ethnicity, education_highest, occupation,
    political_status ON people
    FOR EACH ROW WHEN (OLD.id_number <> NEW.id_number
        OR OLD.ethnicity IS DISTINCT FROM NEW.ethnicity
        OR OLD.education_highest IS DISTINCT FROM NEW.education_highest
        OR OLD.occupation IS DISTINCT FROM NEW.occupation
        OR OLD.political_status IS DISTINCT FROM NEW.political_status)
    EXECUTE FUNCTION people_count();

-- orgs: itself in its own subtree; a branch's size class; whether it has an admin.
CREATE FUNCTION orgs_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO org_count_log VALUES (OLD.path, -1, OLD.kind, OLD.level, OLD.info_complete,
            OLD.admin_count, OLD.member_count);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO org_count_log VALUES (NEW.path, 1, NEW.kind, NEW.level, NEW.info_complete,
            NEW.admin_count, NEW.member_count);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER orgs_count_rows_insert AFTER INSERT ON orgs
    FOR EACH ROW EXECUTE FUNCTION orgs_count();
CREATE TRIGGER orgs_count_rows_delete AFTER DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION orgs_count();
-- A deleted organisation's own counters go with it (its ancestors' are folded as usual).
CREATE FUNCTION orgs_drop_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM org_counts WHERE org_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER orgs_drop_counts AFTER DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION orgs_drop_counts();
CREATE TRIGGER orgs_count_rows_update AFTER UPDATE ON orgs
    FOR EACH ROW WHEN (OLD.path <> NEW.path OR OLD.kind <> NEW.kind OR OLD.level <> NEW.level
        OR OLD.info_complete <> NEW.info_complete
        OR (OLD.admin_count = 0) <> (NEW.admin_count = 0)
        OR (OLD.member_count < 3) <> (NEW.member_count < 3)
        OR (OLD.member_count > 50) <> (NEW.member_count > 50))
    EXECUTE FUNCTION orgs_count();

CREATE FUNCTION org_admins_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE orgs SET admin_count = admin_count - 1 WHERE id = OLD.org_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE orgs SET admin_count = admin_count + 1 WHERE id = NEW.org_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER org_admins_count AFTER INSERT OR DELETE OR UPDATE OF org_id ON org_admins
    FOR EACH ROW EXECUTE FUNCTION org_admins_count();

-- cadre_posts: the path copied from the organisation, then counted.
CREATE FUNCTION cadre_posts_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR OLD.org_id <> NEW.org_id THEN
        SELECT path INTO NEW.org_path FROM orgs WHERE id = NEW.org_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cadre_posts_path BEFORE INSERT OR UPDATE OF org_id ON cadre_posts
    FOR EACH ROW EXECUTE FUNCTION cadre_posts_path();
CREATE FUNCTION cadre_posts_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO cadre_count_log VALUES (OLD.org_path, -1, OLD.post, OLD.nature);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO cadre_count_log VALUES (NEW.org_path, 1, NEW.post, NEW.nature);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cadre_posts_count_insert AFTER INSERT ON cadre_posts
    FOR EACH ROW EXECUTE FUNCTION cadre_posts_count();
CREATE TRIGGER cadre_posts_count_delete AFTER DELETE ON cadre_posts
    FOR EACH ROW EXECUTE FUNCTION cadre_posts_count();
CREATE TRIGGER cadre_posts_count_update AFTER UPDATE ON cadre_posts
    FOR EACH ROW WHEN (OLD.org_path <> NEW.org_path OR OLD.post <> NEW.post
        OR OLD.nature IS DISTINCT FROM NEW.nature)
    EXECUTE FUNCTION cadre_posts_count();

-- transfers: only finished ones count (out at the sending branch, in at the receiver).
CREATE FUNCTION transfers_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status IN ('completed', 'left_system') THEN
        INSERT INTO transfer_count_log VALUES (OLD.from_path, OLD.to_path, -1, OLD.status, OLD.updated_at);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status IN ('completed', 'left_system') THEN
        INSERT INTO transfer_count_log VALUES (NEW.from_path, NEW.to_path, 1, NEW.status, NEW.updated_at);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER transfers_count_insert AFTER INSERT ON transfers
    FOR EACH ROW EXECUTE FUNCTION transfers_count();
CREATE TRIGGER transfers_count_delete AFTER DELETE ON transfers
    FOR EACH ROW EXECUTE FUNCTION transfers_count();
CREATE TRIGGER transfers_count_update AFTER UPDATE ON transfers
    FOR EACH ROW WHEN (OLD.status <> NEW.status OR OLD.from_path <> NEW.from_path
        OR OLD.to_path IS DISTINCT FROM NEW.to_path OR OLD.updated_at <> NEW.updated_at)
    EXECUTE FUNCTION transfers_count();
