//! The pager of the member and cadre lists, as admin tables have it: 首页, 上一页, the page
//! numbers around the current one (… for the rest), 下一页, 末页, a 跳至 [n] 页 box and 每页
//! [20/50/100] 条 (one GET form carrying the filters), the total, and what was brought into
//! bounds. Without script everything is a link or a plain form.

use tuanjian_app::members::paging::{PAGE_SIZES, pages};
use tuanjian_store::member_pages::reachable;

/// One place in the row of page numbers: a page, or a gap (…).
pub struct PageLink {
    /// `None` for a gap.
    pub number: Option<i64>,
    pub href: String,
    pub current: bool,
}

pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The total is a lower bound (a filter matching more than the list counts): 超过.
    pub total_is_lower_bound: bool,
    pub per_page: i64,
    pub first: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub last: Option<String>,
    /// A number without `href` is too deep to jump to (shown, not linked).
    pub numbers: Vec<PageLink>,
    /// Where the jump form goes, and the filters it carries as hidden fields.
    pub action: String,
    pub hidden: Vec<(String, String)>,
    /// The sizes offered (the current one too, when a link asked for another).
    pub sizes: Vec<i64>,
    pub notices: Vec<String>,
}

impl Pager {
    /// The total as a lower bound: the pager offers the next page while a page is full, but no
    /// last page it cannot know.
    pub fn lower_bound(mut self, is: bool) -> Self {
        self.total_is_lower_bound = is;
        if is {
            self.last = None;
        }
        self
    }
}

impl Pager {
    /// The member list's pager: 上一页 and 下一页 continue before the page's first member and
    /// after its last (`prev_before`, `next_after`), so they cost the same at any depth;
    /// numbered pages too far from both ends to be read directly are shown without a link.
    pub fn keyed(mut self, prev_before: Option<i64>, next_after: Option<i64>) -> Self {
        let link = |key: &str, id: i64, page: i64| {
            let mut pairs = self.hidden.clone();
            pairs.push((key.to_string(), id.to_string()));
            pairs.push(("page".to_string(), page.max(1).to_string()));
            pairs.push(("per_page".to_string(), self.per_page.to_string()));
            format!(
                "{}?{}",
                self.action,
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        };
        self.prev = prev_before.map(|id| link("before", id, self.page - 1));
        self.next = next_after.map(|id| link("after", id, self.page + 1));
        let exact = !self.total_is_lower_bound;
        for n in &mut self.numbers {
            if let Some(number) = n.number
                && !n.current
                && !reachable(number, self.per_page, self.total, exact)
            {
                n.href.clear();
            }
        }
        self
    }
}

/// Pages shown on either side of the current one.
const AROUND: i64 = 2;

impl Pager {
    /// `filters` are the list's query pairs without page and size.
    pub fn new(
        base: &str,
        filters: Vec<(&'static str, String)>,
        page: i64,
        per_page: i64,
        total: i64,
        notices: Vec<String>,
    ) -> Self {
        let pages = pages(total, per_page);
        let link = |p: i64| {
            let mut pairs: Vec<(&str, String)> = filters.clone();
            pairs.push(("page", p.to_string()));
            pairs.push(("per_page", per_page.to_string()));
            format!(
                "{base}?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        };
        let numbers = shown_pages(page, pages)
            .into_iter()
            .map(|n| PageLink {
                number: n,
                href: n.map(&link).unwrap_or_default(),
                current: n == Some(page),
            })
            .collect();
        let mut sizes = PAGE_SIZES.to_vec();
        if !sizes.contains(&per_page) {
            sizes.push(per_page);
            sizes.sort_unstable();
        }
        Self {
            page,
            pages,
            total,
            total_is_lower_bound: false,
            per_page,
            first: (page > 1).then(|| link(1)),
            prev: (page > 1).then(|| link((page - 1).min(pages))),
            next: (page < pages).then(|| link(page + 1)),
            last: (page < pages).then(|| link(pages)),
            numbers,
            action: base.to_string(),
            hidden: filters
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            sizes,
            notices,
        }
    }
}

/// The page numbers to show, `None` for a gap: the first, those around `page`, the last.
fn shown_pages(page: i64, pages: i64) -> Vec<Option<i64>> {
    let (lo, hi) = ((page - AROUND).max(1), (page + AROUND).min(pages));
    let mut out = Vec::new();
    if lo > 1 {
        out.push(Some(1));
    }
    if lo > 2 {
        out.push(None);
    }
    out.extend((lo..=hi).map(Some));
    if hi < pages - 1 {
        out.push(None);
    }
    if hi < pages {
        out.push(Some(pages));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(p: &Pager) -> Vec<String> {
        p.numbers
            .iter()
            .map(|l| match l.number {
                None => "…".to_string(),
                Some(n) if l.current => format!("[{n}]"),
                Some(n) => n.to_string(),
            })
            .collect()
    }

    #[test]
    fn numbers_around_the_current_page() {
        let p = Pager::new("/l", vec![("name", "张".into())], 6, 20, 400, vec![]);
        assert_eq!(shown(&p), ["1", "…", "4", "5", "[6]", "7", "8", "…", "20"]);
        assert_eq!(p.pages, 20);
        assert!(p.first.as_deref().unwrap().ends_with("page=1&per_page=20"));
        assert!(
            p.last
                .as_deref()
                .unwrap()
                .contains("name=%E5%BC%A0&page=20")
        );
        let p = Pager::new("/l", vec![], 1, 20, 45, vec![]);
        assert_eq!(shown(&p), ["[1]", "2", "3"]);
        assert!(p.first.is_none() && p.prev.is_none() && p.next.is_some());
        let p = Pager::new("/l", vec![], 1, 20, 0, vec![]);
        assert_eq!(shown(&p), ["[1]"]);
        let p = Pager::new("/l", vec![], 4, 20, 80, vec![]);
        assert_eq!(
            shown(&p),
            ["1", "2", "3", "[4]"],
            "no gap between neighbours"
        );
        assert_eq!(
            Pager::new("/l", vec![], 1, 7, 10, vec![]).sizes,
            [7, 20, 50, 100]
        );
    }
}
