-- Each organisation carries how many children it has and how many of them have complete
-- information, so a page of the tree reads them from one row instead of counting the children
-- of every child it lists. Triggers keep them in step whatever code writes the rows (creation,
-- deletion, a move, an information change); the subtree UPDATE of a move touches only paths.
ALTER TABLE orgs ADD COLUMN child_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN complete_children BIGINT NOT NULL DEFAULT 0;
UPDATE orgs p SET child_count = c.n, complete_children = c.done
FROM (SELECT parent_id, COUNT(*) AS n, SUM(info_complete) AS done FROM orgs
      WHERE parent_id IS NOT NULL GROUP BY parent_id) c
WHERE p.id = c.parent_id;

CREATE FUNCTION orgs_count_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.parent_id IS NOT NULL THEN
        UPDATE orgs SET child_count = child_count - 1, complete_children = complete_children - OLD.info_complete
        WHERE id = OLD.parent_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.parent_id IS NOT NULL THEN
        UPDATE orgs SET child_count = child_count + 1, complete_children = complete_children + NEW.info_complete
        WHERE id = NEW.parent_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER orgs_count_insert AFTER INSERT ON orgs
    FOR EACH ROW EXECUTE FUNCTION orgs_count_children();
CREATE TRIGGER orgs_count_delete AFTER DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION orgs_count_children();
CREATE TRIGGER orgs_count_update AFTER UPDATE OF parent_id, info_complete ON orgs
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id OR OLD.info_complete <> NEW.info_complete)
    EXECUTE FUNCTION orgs_count_children();
