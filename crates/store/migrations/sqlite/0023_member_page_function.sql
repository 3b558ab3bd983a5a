-- PostgreSQL only (tj_member_page, a stored function keeping one generic plan of the member
-- list's first page): SQLite prepares a statement once per connection and plans it then, so its
-- list statements already cost no planning per page. The number is kept so both databases'
-- migrations stay numbered alike.
SELECT 1;
