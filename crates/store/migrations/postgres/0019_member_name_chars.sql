-- Name search inside a scope by an index (issue 14). A name filter matches any part of the name
-- (“芳” finds 王芳), which no B-tree over names can serve, and pg_trgm needs three characters
-- while Chinese names and their searches are mostly one to three. So each member is listed
-- once under every distinct character of their name, with the path of their branch: a search
-- reads the entries of the pattern's rarest character inside the scope's path range, in the
-- list's order, and checks the whole pattern on the name kept beside it
-- (crates/store/src/member_search.rs). ASCII letters are kept in lower case, as on SQLite.
CREATE TABLE member_name_chars (
    ch          TEXT COLLATE "C" NOT NULL,
    org_path    TEXT COLLATE "C" NOT NULL,
    person_sort TEXT COLLATE "C",
    person_id   BIGINT NOT NULL,
    person_name TEXT NOT NULL,
    status      TEXT NOT NULL
);

-- A name's distinct characters, ASCII letters in lower case.
CREATE FUNCTION tj_name_chars(name TEXT) RETURNS SETOF TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT translate(c, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    FROM regexp_split_to_table(name, '') AS c
$$;

INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, status)
SELECT c, m.org_path, m.person_sort, m.person_id, m.person_name, m.status
FROM members m CROSS JOIN LATERAL tj_name_chars(m.person_name) AS c
WHERE m.person_name IS NOT NULL;

CREATE INDEX member_name_chars_scope ON member_name_chars(ch, org_path, person_sort, person_id)
    INCLUDE (person_name, status);

CREATE FUNCTION members_name_chars_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, status)
    SELECT c, n.org_path, n.person_sort, n.person_id, n.person_name, n.status
    FROM new_rows n CROSS JOIN LATERAL tj_name_chars(n.person_name) AS c
    WHERE n.person_name IS NOT NULL;
    RETURN NULL;
END $$;

-- Entries are found by the index: each character of the old name, the old path and sort key.
CREATE FUNCTION members_name_chars_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM member_name_chars g
    USING old_rows o CROSS JOIN LATERAL tj_name_chars(o.person_name) AS c
    WHERE g.ch = c AND g.org_path = o.org_path AND g.person_sort IS NOT DISTINCT FROM o.person_sort
      AND g.person_id = o.person_id;
    RETURN NULL;
END $$;

CREATE FUNCTION members_name_chars_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM member_name_chars g
    USING old_rows o JOIN new_rows n ON n.person_id = o.person_id
          CROSS JOIN LATERAL tj_name_chars(o.person_name) AS c
    WHERE (o.org_path, o.person_name, o.person_sort, o.status)
          IS DISTINCT FROM (n.org_path, n.person_name, n.person_sort, n.status)
      AND g.ch = c AND g.org_path = o.org_path
      AND g.person_sort IS NOT DISTINCT FROM o.person_sort AND g.person_id = o.person_id;
    INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, status)
    SELECT c, n.org_path, n.person_sort, n.person_id, n.person_name, n.status
    FROM old_rows o JOIN new_rows n ON n.person_id = o.person_id
         CROSS JOIN LATERAL tj_name_chars(n.person_name) AS c
    WHERE (o.org_path, o.person_name, o.person_sort, o.status)
          IS DISTINCT FROM (n.org_path, n.person_name, n.person_sort, n.status)
      AND n.person_name IS NOT NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER members_name_chars_insert AFTER INSERT ON members
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION members_name_chars_inserted();
CREATE TRIGGER members_name_chars_delete AFTER DELETE ON members
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION members_name_chars_deleted();
CREATE TRIGGER members_name_chars_update AFTER UPDATE ON members
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION members_name_chars_updated();
