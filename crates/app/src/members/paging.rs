//! Paging of the member and cadre lists: the page number and page size as typed, bounded. A
//! size or page number out of bounds is not an error: the list shows the nearest allowed one
//! and says so (a notice), so a typed or stale address never ends in an error page.

use tuanjian_domain::ErrorCode;
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
        Ok(Self {
            request: PageRequest { page, per_page },
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
