-- A bulk write's members whose name search entries are written after its commit (issue 14).
-- Writing 300,000 entries took 1.8–2.1 s of a 100,000-member import at 10 M members, inside
-- the transaction that holds the import. A bulk write of `member_bulk::PENDING_FROM` members
-- or more now lists its runs of people here instead (`member_bulk::insert_members`), in the
-- same transaction, with the range of its members' branch paths;
-- `Store::merge_pending_name_chars` writes their entries afterwards, many runs per transaction,
-- and deletes the runs. Until then a name search whose scope meets such a
-- range reads the members themselves (`member_pages`: the scope's shape), so no member is
-- ever missing from a search. A member edited, moved or re-entered meanwhile has its entries
-- written by the triggers as usual; the merge adds only the entries still missing.
CREATE TABLE name_chars_pending (
    id      BIGSERIAL PRIMARY KEY,
    lo      BIGINT NOT NULL,
    hi      BIGINT NOT NULL,
    path_lo TEXT COLLATE "C" NOT NULL,
    path_hi TEXT COLLATE "C" NOT NULL
);
