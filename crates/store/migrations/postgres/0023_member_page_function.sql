-- The first page of a member list (and the pages before and after a member) in the organisation
-- order, with no filter but the standing: the list every admin opens. As a statement with
-- parameters PostgreSQL planned it afresh on every execution (a custom plan: 0.3-0.5 ms of
-- planning against 0.15 ms of execution at 10 million members), so planning was most of the
-- database's work for a list at 64 connections. Here it keeps one generic plan per session.
-- A generic plan cannot know how many rows a limit or a scope holds, so the statements are
-- written for the one plan that is right for every scope and page size: the ids walked in the
-- order of members_scope (an index-only scan that stops after the page), then each row and its
-- organisation's name by primary key (an array of at most 201 ids, never a join whose order
-- depends on an estimate). `walk`: 'forward' (page by number, `skip` rows), 'after' or
-- 'before' the key (k_path, k_sort, k_id). Rows come in the list's order.
CREATE FUNCTION tj_member_page(lo TEXT, hi TEXT, standing TEXT, walk TEXT, lim BIGINT,
    skip BIGINT, k_path TEXT, k_sort TEXT, k_id BIGINT)
RETURNS TABLE (person_id BIGINT, person_name TEXT, person_id_number TEXT, org_id BIGINT,
    org_path TEXT, org_name TEXT, join_month TEXT, dev_number TEXT, status TEXT,
    entry_fault TEXT)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    ids BIGINT[];
BEGIN
    IF walk = 'forward' THEN
        ids := ARRAY(SELECT s.person_id FROM members s
            WHERE s.org_path >= lo AND s.org_path < hi
              AND (standing = 'all' OR (standing = 'members') = (s.status IN ('normal',
                   'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending')))
            ORDER BY s.org_path, s.person_sort, s.person_id LIMIT lim OFFSET skip);
    ELSIF walk = 'after' THEN
        ids := ARRAY(SELECT s.person_id FROM members s
            WHERE s.org_path >= lo AND s.org_path < hi
              AND (s.org_path, s.person_sort, s.person_id) > (k_path, k_sort, k_id)
              AND (standing = 'all' OR (standing = 'members') = (s.status IN ('normal',
                   'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending')))
            ORDER BY s.org_path, s.person_sort, s.person_id LIMIT lim);
    ELSIF walk = 'before' THEN
        ids := ARRAY(SELECT s.person_id FROM members s
            WHERE s.org_path >= lo AND s.org_path < hi
              AND (s.org_path, s.person_sort, s.person_id) < (k_path, k_sort, k_id)
              AND (standing = 'all' OR (standing = 'members') = (s.status IN ('normal',
                   'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending')))
            ORDER BY s.org_path DESC, s.person_sort DESC, s.person_id DESC LIMIT lim);
    ELSE
        RAISE EXCEPTION 'tj_member_page: unknown walk %', walk;
    END IF;
    RETURN QUERY SELECT m.person_id, m.person_name, m.person_id_number, m.org_id, m.org_path,
            (SELECT o.full_name FROM orgs o WHERE o.id = m.org_id), m.join_month,
            m.dev_number, m.status, m.entry_fault
        FROM members m WHERE m.person_id = ANY (ids)
        ORDER BY m.org_path, m.person_sort, m.person_id;
END
$$;
