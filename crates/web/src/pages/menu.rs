//! The 管理中心 menu and an organisation page's management links (issue 13, items 1 and 5):
//! one list of links, `org_actions`, each present only when `authorize` allows its action, so
//! the menu and the organisation page never offer what the next page would refuse.

use tuanjian_domain::{Action, ActorRole, OrgKind, OrgLevel, Relation, authorize};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

use crate::auth::role::Authority;

/// The menu's groups, in the real system's order; a group is shown only once it holds a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Orgs,
    Members,
    /// 团员电子数据库 (issue 15): electronic archives.
    MemberDatabase,
    Cadres,
    Business,
    TwoSystems,
    Incentives,
    /// 团费管理 (issue 16).
    Dues,
    /// 对标定级 (issue 16).
    StarRating,
    Statistics,
    Mine,
}

impl Group {
    const ORDER: [Group; 11] = [
        Group::Orgs,
        Group::Members,
        Group::MemberDatabase,
        Group::Cadres,
        Group::Business,
        Group::TwoSystems,
        Group::Incentives,
        Group::Dues,
        Group::StarRating,
        Group::Statistics,
        Group::Mine,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Group::Orgs => "组织管理",
            Group::Members => "团员管理",
            Group::MemberDatabase => "团员电子数据库",
            Group::Cadres => "团干部管理",
            Group::Business => "业务办理",
            Group::TwoSystems => "两制",
            Group::Incentives => "团内激励",
            Group::Dues => "团费管理",
            Group::StarRating => "对标定级",
            Group::Statistics => "统计",
            Group::Mine => "个人事务",
        }
    }
}

/// A link to a page the viewer may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub group: Group,
    pub href: String,
    pub label: &'static str,
}

impl Link {
    fn new(group: Group, href: impl Into<String>, label: &'static str) -> Self {
        Self {
            group,
            href: href.into(),
            label,
        }
    }
}

/// The management links for `org` as the viewer's role allows them. `is_school` (one more
/// query) is `None` where it was not read, as for the menu on every page: the links that
/// depend on it (学校机构编号, a school committee's 毕业班管理) are then left out, and remain on
/// the organisation's own page.
pub fn org_actions(authority: &Authority, org: &Org, is_school: Option<bool>) -> Vec<Link> {
    let Authority::Admin(scope) = authority else {
        return vec![];
    };
    let relation = scope.relation_to(&org.path);
    let mut out = org_links(scope, org, relation, is_school);
    out.extend(member_links(org, relation, is_school));
    out.extend(database_links(org, relation));
    out.extend(cadre_links(org, relation));
    out.extend(business_links(org, relation));
    // 两制 (issue 15): a branch's 团员教育评议; above branches, the progress of those below.
    if may(Action::ViewMembers, relation) {
        let (href, label) = if org.kind.is_branch() {
            (format!("/orgs/{}/reviews", org.id), "团员教育评议")
        } else {
            (
                format!("/orgs/{}/reviews/progress", org.id),
                "团员教育评议进度",
            )
        };
        out.push(Link::new(Group::TwoSystems, href, label));
        // 推优入党 (团内激励 → 发展激励 in the real system): the subtree's list.
        out.push(Link::new(
            Group::Incentives,
            format!("/orgs/{}/recommendations", org.id),
            "推优入党",
        ));
    }
    // 团费 (issue 16): a branch's months; above it, the subtree's arrears and totals; a
    // province's bands.
    if may(Action::ViewMembers, relation) {
        if org.kind.is_branch() {
            out.push(Link::new(
                Group::Dues,
                format!("/orgs/{}/dues", org.id),
                "团费记录",
            ));
        }
        out.push(Link::new(
            Group::Dues,
            format!("/orgs/{}/dues/arrears", org.id),
            "欠缴团费名单",
        ));
        out.push(Link::new(
            Group::Dues,
            format!("/orgs/{}/dues/totals", org.id),
            "团费汇总",
        ));
        if org.level == OrgLevel::Provincial {
            out.push(Link::new(
                Group::Dues,
                format!("/orgs/{}/dues/bands", org.id),
                "团费收缴标准",
            ));
        }
    }
    // 对标定级 (issue 16): a branch's own rating; above branches, the progress of those below;
    // 团中央's own admin sets each year's standard.
    if may(Action::ViewMembers, relation) {
        let (href, label) = if org.kind.is_branch() {
            (format!("/orgs/{}/star-ratings", org.id), "对标定级")
        } else {
            (
                format!("/orgs/{}/star-ratings/progress", org.id),
                "对标定级进度",
            )
        };
        out.push(Link::new(Group::StarRating, href, label));
    }
    if may(Action::ConfigureStarRating, relation) && org.level == OrgLevel::Central {
        out.push(Link::new(
            Group::StarRating,
            "/star-ratings/config",
            "对标定级设置",
        ));
    }
    // 统计 (issue 14): the organisation and everything below it.
    if may(Action::ViewMembers, relation) {
        out.push(Link::new(
            Group::Statistics,
            format!("/orgs/{}/statistics", org.id),
            "统计",
        ));
    }
    out
}

fn may(action: Action, relation: Relation) -> bool {
    authorize(action, ActorRole::Admin(relation)).is_ok()
}

fn org_links(
    scope: &AdminScope,
    org: &Org,
    relation: Relation,
    is_school: Option<bool>,
) -> Vec<Link> {
    let id = org.id;
    let mut out = Vec::new();
    let mut add = |href: String, label| out.push(Link::new(Group::Orgs, href, label));
    // Nothing is created under a 团支部, and the provincial committees under 团中央 come from `init`.
    if may(Action::CreateChild, relation) && !org.kind.is_branch() && org.level != OrgLevel::Central
    {
        add(format!("/orgs/{id}/children/new"), "创建下级组织");
    }
    if may(Action::ManageRegistrationCode, relation) {
        add(format!("/orgs/{id}/code"), "管理员注册码");
    }
    if may(Action::View, relation) {
        add(format!("/orgs/{id}/info"), "组织信息");
        add(format!("/orgs/{id}/history"), "变更记录");
    }
    if may(Action::SetSchoolCode, relation) && is_school == Some(true) {
        add(format!("/orgs/{id}/school-code"), "完善学校机构编号");
    }
    let central = scope.org().level == OrgLevel::Central;
    // Provincial committees and 团中央 never move; below them the own admin applies and
    // 团中央 moves directly.
    if org.level > OrgLevel::Provincial
        && (may(Action::ApplyMigration, relation)
            || (central && may(Action::MoveDirectly, relation)))
    {
        add(format!("/orgs/{id}/move"), "组织迁移");
    }
    if may(Action::Delete, relation) {
        add(format!("/orgs/{id}/delete"), "删除组织");
    }
    out
}

fn member_links(org: &Org, relation: Relation, is_school: Option<bool>) -> Vec<Link> {
    let id = org.id;
    let mut out = Vec::new();
    let mut add = |href: String, label| out.push(Link::new(Group::Members, href, label));
    // Members and cadres (issue 4) and their Excel import (issue 5).
    if may(Action::ViewMembers, relation) {
        add(format!("/orgs/{id}/members"), "团员列表");
        add(format!("/orgs/{id}/aged-out"), "超龄团员（满28周岁离团）");
    }
    if may(Action::EnterMember, relation) && org.kind.is_branch() {
        add(format!("/orgs/{id}/members/new"), "录入团员");
    }
    if relation == Relation::Itself && !org.kind.is_branch() {
        add(
            format!("/orgs/{id}/import/members"),
            "导入下级团支部团员团干部",
        );
        add("/leaving".to_string(), "团籍变动审批与备案");
    }
    if may(Action::ViewMembers, relation) && org.level >= OrgLevel::Provincial {
        add(format!("/orgs/{id}/dev-ranges"), "发展团员编号号段");
    }
    // 毕业 (issue 12): a school's organisations mark their branches; a branch shows its
    // members (on a 毕业生团组织, those to transfer).
    if may(Action::ViewMembers, relation)
        && (is_school == Some(true) || org.level == OrgLevel::Grassroots)
    {
        let label = match org.kind {
            OrgKind::GraduatingBranch => "毕业生团员",
            OrgKind::Branch => "毕业标注",
            _ => "毕业班管理",
        };
        add(format!("/orgs/{id}/graduation"), label);
    }
    if may(Action::DecideApplication, relation) {
        add(format!("/orgs/{id}/applications"), "入团、注册与报到申请");
    }
    // 入团年龄特殊情况 (seed, question 4): filed on a branch, gathered by the province,
    // entered by 团中央.
    if may(Action::FileAgeCase, relation) && org.kind.is_branch() {
        add(format!("/orgs/{id}/age-cases/new"), "报送入团年龄特殊情况");
    }
    if relation == Relation::Itself && org.level <= OrgLevel::Provincial {
        add("/age-cases".into(), "入团年龄特殊情况汇总");
    }
    out
}

/// 团员电子数据库 (issue 15): the own organisation's list of archives to certify (those of
/// the branches directly under it) and of members past the due days without one.
fn database_links(org: &Org, relation: Relation) -> Vec<Link> {
    let mut out = Vec::new();
    if relation == Relation::Itself && may(Action::ViewMembers, relation) {
        let label = if org.kind.is_branch() {
            "逾期未上传的团员电子档案"
        } else {
            "下级团员电子档案审批"
        };
        out.push(Link::new(Group::MemberDatabase, "/archives", label));
    }
    out
}

fn cadre_links(org: &Org, relation: Relation) -> Vec<Link> {
    let id = org.id;
    let mut out = Vec::new();
    let mut add = |href: String, label| out.push(Link::new(Group::Cadres, href, label));
    if may(Action::ViewMembers, relation) {
        add(format!("/orgs/{id}/cadres"), "团干部列表");
    }
    if may(Action::EnterMember, relation) {
        add(format!("/orgs/{id}/cadres/new"), "录入团干部");
    }
    if relation == Relation::Itself {
        add(format!("/orgs/{id}/import/cadres"), "导入本级团干部");
    }
    out
}

fn business_links(org: &Org, relation: Relation) -> Vec<Link> {
    let id = org.id;
    let mut out = Vec::new();
    let mut add = |href: String, label| out.push(Link::new(Group::Business, href, label));
    // 组织关系转接 (issue 12): out of this organisation's members; into it.
    if relation == Relation::Itself {
        add("/transfers?side=out".into(), "组织关系转接办理");
    }
    if may(Action::StartTransferOut, relation) && org.level > OrgLevel::Provincial {
        add(format!("/orgs/{id}/transfers/out/new"), "办理转出");
    }
    if may(Action::StartTransferIn, relation) && org.level > OrgLevel::Provincial {
        add(format!("/orgs/{id}/transfers/in/new"), "办理转入");
    }
    if may(Action::ManageAdmins, relation) {
        add(format!("/orgs/{id}/admins"), "管理员变更");
    }
    out
}

/// One group of the menu as shown.
pub struct MenuGroup {
    pub label: &'static str,
    pub items: Vec<MenuItem>,
}

pub struct MenuItem {
    pub href: String,
    pub label: String,
    /// The page being shown (rendered with `aria-current="page"`).
    pub current: bool,
}

/// The menu of the role a page acts in.
pub struct Menu {
    pub groups: Vec<MenuGroup>,
}

impl Menu {
    /// 管理中心 of an admin: the own organisation's links, grouped, with the pages that are
    /// not one organisation's (search, the inbox).
    pub fn admin(scope: &AdminScope, inbox_count: Option<i64>, current: Option<&str>) -> Self {
        let org = scope.org();
        let id = org.id;
        let mut links = vec![Link::new(
            Group::Orgs,
            format!("/orgs/{id}"),
            "本组织及下级组织",
        )];
        if !org.kind.is_branch() {
            links.push(Link::new(
                Group::Orgs,
                format!("/orgs/{id}/completion"),
                "下级组织信息完整度",
            ));
        }
        links.push(Link::new(Group::Orgs, "/search", "搜索组织"));
        links.extend(org_actions(&Authority::Admin(scope.clone()), org, None));
        let mut menu = Self::of_links(links, current);
        // 待办 first in 业务办理, with its count (also in the header).
        let inbox = MenuItem {
            current: current == Some("/inbox"),
            href: "/inbox".into(),
            label: match inbox_count {
                Some(n) => format!("待办 ({n})"),
                None => "待办".into(),
            },
        };
        match menu
            .groups
            .iter_mut()
            .find(|g| g.label == Group::Business.label())
        {
            Some(g) => g.items.insert(0, inbox),
            None => menu.groups.push(MenuGroup {
                label: Group::Business.label(),
                items: vec![inbox],
            }),
        }
        menu
    }

    /// A member's or cadre's menu (or one with no role chosen): their own affairs, and their
    /// organisation's page when the role has one. Requests that depend on the person's state
    /// (申请组织关系转接 only with a membership and none open) stay on 个人中心, which offers
    /// them only when they may be made.
    pub fn personal(org_id: Option<i64>, current: Option<&str>) -> Self {
        let mut links = vec![
            Link::new(Group::Mine, "/me", "个人中心"),
            Link::new(Group::Mine, "/my-membership", "我的团籍"),
            Link::new(Group::Mine, "/my-archive", "我的团员电子档案"),
            Link::new(Group::Mine, "/my-dues", "我的团费"),
            Link::new(Group::Mine, "/applications/mine", "我的申请"),
            Link::new(Group::Mine, "/me/requests", "我的办理事项"),
        ];
        if let Some(id) = org_id {
            links.push(Link::new(Group::Mine, format!("/orgs/{id}"), "我的团组织"));
        }
        links.push(Link::new(Group::Mine, "/", "我的身份（切换）"));
        Self::of_links(links, current)
    }

    /// Links grouped in the menu's order; empty groups left out.
    pub fn of_links(links: Vec<Link>, current: Option<&str>) -> Self {
        let groups = Group::ORDER
            .into_iter()
            .map(|g| MenuGroup {
                label: g.label(),
                items: links
                    .iter()
                    .filter(|l| l.group == g)
                    .map(|l| MenuItem {
                        current: current.is_some_and(|c| is_current(&l.href, c)),
                        href: l.href.clone(),
                        label: l.label.to_string(),
                    })
                    .collect(),
            })
            .filter(|g| !g.items.is_empty())
            .collect();
        Self { groups }
    }
}

/// Whether a link leads to the page at `path` (the link's query string aside).
fn is_current(href: &str, path: &str) -> bool {
    href.split('?').next() == Some(path)
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn the_current_page_is_matched_without_the_query() {
        assert!(is_current("/transfers?side=out", "/transfers"));
        assert!(is_current("/orgs/5/members", "/orgs/5/members"));
        assert!(!is_current("/orgs/5", "/orgs/5/members"));
    }
}
