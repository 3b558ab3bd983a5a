-- The order names are listed in (issue 13): pinyin, numbers by value (crates/domain/src/name_order.rs).
-- SQL cannot compute it: the store writes the keys on every insert and rename, and
-- `Store::migrate` fills them for rows stored before this migration (store/src/name_order.rs).
-- The keys compare byte by byte: COLLATE "C".
ALTER TABLE orgs ADD COLUMN sort_key TEXT COLLATE "C";
-- A page of children in name order, then id.
CREATE INDEX orgs_children_sorted ON orgs(parent_id, sort_key, id);

ALTER TABLE people ADD COLUMN name_sort TEXT COLLATE "C";
-- Copied to the members like the name itself, so a scope's list 按姓名 reads the index.
ALTER TABLE members ADD COLUMN person_sort TEXT COLLATE "C";
CREATE OR REPLACE FUNCTION members_copy_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.person_name IS NULL OR NEW.person_id_number IS NULL OR NEW.person_sort IS NULL THEN
        SELECT name, id_number, name_sort INTO NEW.person_name, NEW.person_id_number, NEW.person_sort
            FROM people WHERE id = NEW.person_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE FUNCTION people_copy_to_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members SET person_name = NEW.name, person_id_number = NEW.id_number,
        person_sort = NEW.name_sort WHERE person_id = NEW.id;
    RETURN NEW;
END
$$;
DROP TRIGGER people_copy_to_members ON people;
CREATE TRIGGER people_copy_to_members AFTER UPDATE OF name, id_number, name_sort ON people
    FOR EACH ROW EXECUTE FUNCTION people_copy_to_members();
DROP INDEX members_scope;
CREATE INDEX members_scope ON members(org_path, person_sort, person_id)
    INCLUDE (person_name, person_id_number, join_month, status, entry_fault);
