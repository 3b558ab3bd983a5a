-- Each organisation carries how many children it has and how many of them have complete
-- information, so a page of the tree reads them from one row instead of counting the children
-- of every child it lists. Triggers keep them in step whatever code writes the rows (creation,
-- deletion, a move, an information change); the subtree UPDATE of a move touches only paths.
ALTER TABLE orgs ADD COLUMN child_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN complete_children INTEGER NOT NULL DEFAULT 0;
UPDATE orgs SET
    child_count = (SELECT COUNT(*) FROM orgs c WHERE c.parent_id = orgs.id),
    complete_children = (SELECT COALESCE(SUM(c.info_complete), 0) FROM orgs c WHERE c.parent_id = orgs.id);

CREATE TRIGGER orgs_count_insert AFTER INSERT ON orgs WHEN NEW.parent_id IS NOT NULL
BEGIN
    UPDATE orgs SET child_count = child_count + 1, complete_children = complete_children + NEW.info_complete
    WHERE id = NEW.parent_id;
END;
CREATE TRIGGER orgs_count_delete AFTER DELETE ON orgs WHEN OLD.parent_id IS NOT NULL
BEGIN
    UPDATE orgs SET child_count = child_count - 1, complete_children = complete_children - OLD.info_complete
    WHERE id = OLD.parent_id;
END;
CREATE TRIGGER orgs_count_update AFTER UPDATE OF parent_id, info_complete ON orgs
    WHEN OLD.parent_id IS NOT NEW.parent_id OR OLD.info_complete <> NEW.info_complete
BEGIN
    UPDATE orgs SET child_count = child_count - 1, complete_children = complete_children - OLD.info_complete
    WHERE id = OLD.parent_id;
    UPDATE orgs SET child_count = child_count + 1, complete_children = complete_children + NEW.info_complete
    WHERE id = NEW.parent_id;
END;
