-- Name search inside a scope by an index (issue 14). A name filter matches any part of the name
-- (“芳” finds 王芳), which no B-tree over names can serve, and FTS5's trigram tokenizer needs
-- three characters while Chinese names and their searches are mostly one to three. So each
-- member is listed once under every distinct character of their name, with the path of their
-- branch: a search reads the entries of the pattern's rarest character inside the scope's path
-- range, in the list's order, and checks the whole pattern on the name kept beside it
-- (crates/store/src/member_search.rs). ASCII letters are kept in lower case (LIKE ignores their
-- case on SQLite).
CREATE TABLE member_name_chars (
    ch          TEXT NOT NULL,
    org_path    TEXT NOT NULL,
    person_sort TEXT,
    person_id   BIGINT NOT NULL,
    person_name TEXT NOT NULL,
    status      TEXT NOT NULL
);
CREATE INDEX member_name_chars_scope
    ON member_name_chars(ch, org_path, person_sort, person_id, person_name, status);

-- The positions 1–64 of a name's characters (a name has at most 50): triggers cannot use a
-- recursive WITH, so they join this table to split a name.
CREATE TABLE name_char_positions (n INTEGER PRIMARY KEY);
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 64)
INSERT INTO name_char_positions SELECT n FROM k;

-- Each character once: where it does not occur earlier in the name (no DISTINCT, whose
-- temporary table per row cost an import of 100,000 members seconds).
INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, status)
SELECT lower(substr(m.person_name, k.n, 1)), m.org_path, m.person_sort, m.person_id,
       m.person_name, m.status
FROM members m JOIN name_char_positions k ON k.n <= length(m.person_name)
WHERE m.person_name IS NOT NULL
  AND instr(lower(substr(m.person_name, 1, k.n - 1)), lower(substr(m.person_name, k.n, 1))) = 0;

-- A member inserted with its copies of the person (the copy trigger of 0013 fills them later
-- otherwise, by an UPDATE that the triggers below see).
CREATE TRIGGER members_name_chars_insert AFTER INSERT ON members
    WHEN NEW.person_name IS NOT NULL
BEGIN
    INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, status)
    SELECT lower(substr(NEW.person_name, k.n, 1)), NEW.org_path, NEW.person_sort,
           NEW.person_id, NEW.person_name, NEW.status
    FROM name_char_positions k
    WHERE k.n <= length(NEW.person_name)
      AND instr(lower(substr(NEW.person_name, 1, k.n - 1)),
                lower(substr(NEW.person_name, k.n, 1))) = 0;
END;

-- Entries are found by the index: each character of the old name, the old path and sort key.
CREATE TRIGGER members_name_chars_delete AFTER DELETE ON members
    WHEN OLD.person_name IS NOT NULL
BEGIN
    DELETE FROM member_name_chars
    WHERE ch IN (SELECT lower(substr(OLD.person_name, k.n, 1)) FROM name_char_positions k
                 WHERE k.n <= length(OLD.person_name))
      AND org_path = OLD.org_path AND person_sort IS OLD.person_sort
      AND person_id = OLD.person_id;
END;

-- The copy trigger naming a member inserted without the copies: nothing to delete.
CREATE TRIGGER members_name_chars_named AFTER UPDATE OF person_name ON members
    WHEN OLD.person_name IS NULL AND NEW.person_name IS NOT NULL
BEGIN
    INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, status)
    SELECT lower(substr(NEW.person_name, k.n, 1)), NEW.org_path, NEW.person_sort,
           NEW.person_id, NEW.person_name, NEW.status
    FROM name_char_positions k
    WHERE k.n <= length(NEW.person_name)
      AND instr(lower(substr(NEW.person_name, 1, k.n - 1)),
                lower(substr(NEW.person_name, k.n, 1))) = 0;
END;

CREATE TRIGGER members_name_chars_update AFTER UPDATE OF org_path, person_name, person_sort, status
    ON members
    WHEN OLD.person_name IS NOT NULL AND (OLD.org_path IS NOT NEW.org_path
      OR OLD.person_name IS NOT NEW.person_name OR OLD.person_sort IS NOT NEW.person_sort
      OR OLD.status IS NOT NEW.status)
BEGIN
    DELETE FROM member_name_chars
    WHERE ch IN (SELECT lower(substr(OLD.person_name, k.n, 1)) FROM name_char_positions k
                 WHERE k.n <= length(OLD.person_name))
      AND org_path = OLD.org_path AND person_sort IS OLD.person_sort
      AND person_id = OLD.person_id;
    INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, status)
    SELECT lower(substr(NEW.person_name, k.n, 1)), NEW.org_path, NEW.person_sort,
           NEW.person_id, NEW.person_name, NEW.status
    FROM name_char_positions k
    WHERE NEW.person_name IS NOT NULL AND k.n <= length(NEW.person_name)
      AND instr(lower(substr(NEW.person_name, 1, k.n - 1)),
                lower(substr(NEW.person_name, k.n, 1))) = 0;
END;
