-- Each app server keeps the reads of every signed-in request in memory (crates/store/src/
-- hot_cache): these triggers tell every listening server, at commit, which of them changed.
-- A statement notifies once (PostgreSQL folds equal notifications of one transaction).

CREATE FUNCTION tj_notify_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tuanjian_cache', TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE TRIGGER orgs_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON orgs
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
CREATE TRIGGER people_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
CREATE TRIGGER members_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON members
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
CREATE TRIGGER cadre_posts_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cadre_posts
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
CREATE TRIGGER org_admins_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_admins
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
-- The 待办 count shown with an admin's session.
CREATE TRIGGER org_changes_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_changes
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
CREATE TRIGGER org_moves_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_moves
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
CREATE TRIGGER applications_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
CREATE TRIGGER corrections_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON corrections
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();

-- Sessions one by one: an ended session or a switched role concerns one entry, and the
-- last-seen refresh (once a minute per session) concerns none.
CREATE FUNCTION tj_notify_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tuanjian_cache', 'session:' || OLD.token_hash);
  RETURN NULL;
END $$;

CREATE TRIGGER sessions_cache_notify
  AFTER DELETE OR UPDATE OF token_hash, person_id, kind, csrf_token, role_kind, role_org_id ON sessions
  FOR EACH ROW EXECUTE FUNCTION tj_notify_session();
CREATE TRIGGER sessions_truncate_cache_notify AFTER TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION tj_notify_table();
