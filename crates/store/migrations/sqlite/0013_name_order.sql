-- The order names are listed in (issue 13): pinyin, numbers by value (crates/domain/src/name_order.rs).
-- SQL cannot compute it: the store writes the keys on every insert and rename, and
-- `Store::migrate` fills them for rows stored before this migration (store/src/name_order.rs).
ALTER TABLE orgs ADD COLUMN sort_key TEXT;
-- A page of children in name order, then id.
CREATE INDEX orgs_children_sorted ON orgs(parent_id, sort_key, id);

ALTER TABLE people ADD COLUMN name_sort TEXT;
-- Copied to the members like the name itself, so a scope's list 按姓名 reads the index.
ALTER TABLE members ADD COLUMN person_sort TEXT;
DROP TRIGGER members_copy_person;
CREATE TRIGGER members_copy_person AFTER INSERT ON members
    WHEN NEW.person_name IS NULL OR NEW.person_id_number IS NULL OR NEW.person_sort IS NULL
BEGIN
    UPDATE members SET person_name = (SELECT name FROM people WHERE id = NEW.person_id),
        person_id_number = (SELECT id_number FROM people WHERE id = NEW.person_id),
        person_sort = (SELECT name_sort FROM people WHERE id = NEW.person_id)
    WHERE person_id = NEW.person_id;
END;
DROP TRIGGER people_copy_to_members;
CREATE TRIGGER people_copy_to_members AFTER UPDATE OF name, id_number, name_sort ON people
BEGIN
    UPDATE members SET person_name = NEW.name, person_id_number = NEW.id_number,
        person_sort = NEW.name_sort WHERE person_id = NEW.id;
END;
DROP INDEX members_scope;
CREATE INDEX members_scope ON members(org_path, person_sort, person_id, person_name, person_id_number,
    join_month, status, entry_fault);
