//! Paging of the member and cadre lists: the page number and page size as typed, bounded. A
//! size or page number out of bounds is not an error: the list shows the nearest allowed one
//! and says so (a notice), so a typed or stale address never ends in an error page.

use tuanjian_domain::ErrorCode;
use tuanjian_store::member_pages::{MAX_OFFSET, Position, reachable};
use tuanjian_store::orgs::PageRequest;

use super::lists::nonempty;
use crate::fault::Fault;

/// Largest page of these lists: a page of 100 rows still renders quickly on a phone.
pub const MAX_PER_PAGE: i64 = 100;
/// The sizes the pages offer (any size from 1 to `MAX_PER_PAGE` is read).
pub const PAGE_SIZES: [i64; 3] = [20, 50, 100];
pub const DEFAULT_PER_PAGE: i64 = 20;

/// A page request as read, with what was changed to make it valid.
#[derive(Debug, Clone)]
pub struct Paging {
    pub request: PageRequest,
    /// Where the page starts: the numbered page, or after / before a member (下一页 / 上一页
    /// continue by key, at any depth; the page number is then only shown).
    pub position: Position,
    /// Said to the reader when the page size or number was out of bounds.
    pub notices: Vec<String>,
}

/// What to do with a page number past the last page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastEnd {
    /// Show the last page with a notice (the pages: a stale link still shows something).
    ShowLast,
    /// Answer an empty page (the API: a client paging until empty stops).
    Empty,
}

fn number(v: &Option<String>, what: &str) -> Result<Option<i64>, Fault> {
    match nonempty(v) {
        None => Ok(None),
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
            Fault::bad_request(
                ErrorCode::QueryInvalid,
                format!("{what}“{s}”不是整数，请填写正整数（如 2），或留空"),
            )
        }),
    }
}

impl Paging {
    /// Reads `page` and `per_page`; text that is no number is refused, numbers out of bounds
    /// are brought into bounds with a notice.
    pub fn read(page: &Option<String>, per_page: &Option<String>) -> Result<Self, Fault> {
        Self::read_keyed(page, per_page, &None, &None)
    }

    /// Reads `page`, `per_page` and the keys `after` / `before` (a member's id; at most one).
    pub fn read_keyed(
        page: &Option<String>,
        per_page: &Option<String>,
        after: &Option<String>,
        before: &Option<String>,
    ) -> Result<Self, Fault> {
        let mut notices = Vec::new();
        let per_page = match number(per_page, "每页条数")? {
            None => DEFAULT_PER_PAGE,
            Some(n) if n > MAX_PER_PAGE => {
                notices.push(format!(
                    "每页最多显示{MAX_PER_PAGE}条，已按每页{MAX_PER_PAGE}条显示"
                ));
                MAX_PER_PAGE
            }
            Some(n) if n < 1 => {
                notices.push(format!(
                    "每页条数应在1到{MAX_PER_PAGE}之间，已按每页{DEFAULT_PER_PAGE}条显示"
                ));
                DEFAULT_PER_PAGE
            }
            Some(n) => n,
        };
        let page = match number(page, "页码")? {
            None => 1,
            Some(n) if n < 1 => {
                notices.push("页码从1开始，已显示第1页".to_string());
                1
            }
            Some(n) => n,
        };
        let after = number(after, "翻页位置 after")?;
        let before = number(before, "翻页位置 before")?;
        let position = match (after, before) {
            (Some(_), Some(_)) => {
                return Err(Fault::bad_request(
                    ErrorCode::QueryInvalid,
                    "after 和 before 只能给一个：after 取下一页，before 取上一页",
                ));
            }
            (Some(k), None) => Position::After(k),
            (None, Some(k)) => Position::Before(k),
            (None, None) => Position::Number(page),
        };
        Ok(Self {
            request: PageRequest { page, per_page },
            position,
            notices,
        })
    }

    /// The last page of `total` rows, when the requested one lies past it (and there are rows).
    pub fn past_end(&self, total: i64) -> Option<i64> {
        let last = pages(total, self.request.per_page);
        (total > 0 && self.request.page > last).then_some(last)
    }

    /// Moves to page `last` and says why.
    pub fn go_to_last(&mut self, last: i64) {
        self.notices.push(format!(
            "第{}页不存在（共{last}页），已显示最后一页",
            self.request.page
        ));
        self.request.page = last;
        self.position = Position::Number(last);
    }

    /// A numbered page deeper than either end allows is moved to the nearest one that is
    /// not (with a notice): a jump reads at most `MAX_OFFSET` rows past an end.
    pub fn keep_reachable(&mut self, total: i64, exact: bool) {
        let Position::Number(n) = self.position else {
            return;
        };
        let per_page = self.request.per_page;
        if reachable(n, per_page, total, exact) {
            return;
        }
        let deepest = MAX_OFFSET / per_page + 1;
        let near_end = pages(total, per_page) - MAX_OFFSET / per_page;
        let to = if exact && n - deepest > near_end - n {
            near_end
        } else {
            deepest
        };
        self.notices.push(format!(
            "第{n}页离首页和末页都太远，不能直接跳转，已显示第{to}页；请用“下一页”“上一页”逐页翻阅，或加筛选条件缩小范围"
        ));
        self.request.page = to;
        self.position = Position::Number(to);
    }

    /// A numbered page past the end of `total` rows moved to the last one (on the pages) and
    /// one too deep to read moved within reach, each with its notice.
    pub fn settle(&mut self, (total, lower_bound): (i64, bool), past_end: PastEnd) {
        if past_end == PastEnd::ShowLast
            && let Position::Number(_) = self.position
            && let Some(last) = self.past_end(total)
        {
            self.go_to_last(last);
        }
        self.keep_reachable(total, !lower_bound);
    }

    /// The member a key named is no longer in the list: the first page instead.
    pub fn key_gone(&mut self) {
        self.notices
            .push("翻页位置对应的人员已不在此列表中（可能刚被修改），已显示第1页".to_string());
        self.request.page = 1;
        self.position = Position::Number(1);
    }
}

/// How many pages `total` rows fill (at least one).
pub fn pages(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(page: &str, per_page: &str) -> Result<Paging, Fault> {
        Paging::read(&Some(page.into()), &Some(per_page.into()))
    }

    #[test]
    fn bounds_with_notices() {
        let p = read("", "").unwrap();
        assert_eq!((p.request.page, p.request.per_page), (1, 20));
        assert!(p.notices.is_empty());
        let p = read("3", "50").unwrap();
        assert_eq!((p.request.page, p.request.per_page), (3, 50));
        let p = read("0", "500").unwrap();
        assert_eq!((p.request.page, p.request.per_page), (1, 100));
        assert_eq!(p.notices.len(), 2, "{:?}", p.notices);
        let p = read("1", "-5").unwrap();
        assert_eq!(p.request.per_page, 20);
        assert!(p.notices[0].contains("1到100"));
        let e = read("x", "").unwrap_err();
        assert_eq!(e.code, ErrorCode::QueryInvalid);
        assert!(e.message.contains("页码"), "{}", e.message);
        assert!(read("", "2.5").unwrap_err().message.contains("每页条数"));
    }

    #[test]
    fn keys_and_deep_pages() {
        let keyed = |a: &str, b: &str| {
            Paging::read_keyed(&Some("7".into()), &None, &Some(a.into()), &Some(b.into()))
        };
        assert_eq!(keyed("42", "").unwrap().position, Position::After(42));
        assert_eq!(keyed("", "42").unwrap().position, Position::Before(42));
        assert_eq!(keyed("", "").unwrap().position, Position::Number(7));
        assert!(keyed("1", "2").unwrap_err().message.contains("只能给一个"));
        assert!(keyed("x", "").unwrap_err().message.contains("after"));

        let mut p = read("30000", "20").unwrap();
        p.keep_reachable(1_000_000, true);
        assert_eq!(p.position, Position::Number(49_500), "nearer the end");
        assert!(p.notices[0].contains("第30000页"), "{:?}", p.notices);
        let mut p = read("20000", "20").unwrap();
        p.keep_reachable(1_000_000, true);
        assert_eq!(p.position, Position::Number(501), "nearer the start");
        let mut p = read("40000", "20").unwrap();
        p.keep_reachable(10_000, false);
        assert_eq!(p.position, Position::Number(501), "no end to count from");
        let mut p = read("3", "20").unwrap();
        p.keep_reachable(1_000_000, true);
        assert_eq!(p.position, Position::Number(3));
        assert!(p.notices.is_empty());
    }

    #[test]
    fn past_the_end() {
        let mut p = read("9", "20").unwrap();
        assert_eq!(
            p.past_end(0),
            None,
            "an empty list has no last page to go to"
        );
        assert_eq!(p.past_end(41), Some(3));
        p.go_to_last(3);
        assert_eq!(p.request.page, 3);
        assert!(p.notices[0].contains("第9页不存在（共3页）"));
        assert_eq!(read("3", "20").unwrap().past_end(41), None);
        assert_eq!(pages(40, 20), 2);
        assert_eq!(pages(0, 20), 1);
    }
}
