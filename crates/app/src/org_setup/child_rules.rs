//! Which kinds and levels of organisation may stand under a parent, and how an entry for a new
//! child (typed on the form, sent to the API or read from a sheet row) is checked.

use tuanjian_domain::ErrorCode;
use tuanjian_domain::{BoundedText, OrgClass, OrgKind, OrgLevel, OrgRuleError};
use tuanjian_store::orgs::{NewOrg, Org};

use crate::fault::Fault;

pub const SHORT_MAX: usize = 30;
pub const FULL_MAX: usize = 100;

/// What may be created under a parent: the levels on offer (more than one means the creator
/// chooses) and the kinds allowed at any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildOptions {
    pub levels: Vec<OrgLevel>,
    pub kinds: Vec<OrgKind>,
}

impl ChildOptions {
    pub fn for_parent(parent: &Org) -> Self {
        let levels: Vec<OrgLevel> = match parent.level {
            // Provinces and the 系统团委 are made by `init`, never here.
            OrgLevel::Central => vec![],
            OrgLevel::Provincial => vec![OrgLevel::Municipal, OrgLevel::Grassroots],
            OrgLevel::Municipal => vec![OrgLevel::County, OrgLevel::Grassroots],
            OrgLevel::County | OrgLevel::Grassroots => vec![OrgLevel::Grassroots],
        };
        let parent_class = parent.class();
        let levels: Vec<OrgLevel> = levels
            .into_iter()
            .filter(|&level| {
                OrgKind::ALL
                    .iter()
                    .any(|&kind| parent_class.may_hold(OrgClass { level, kind }).is_ok())
            })
            .collect();
        let kinds = OrgKind::ALL
            .into_iter()
            .filter(|&kind| {
                levels
                    .iter()
                    .any(|&level| parent_class.may_hold(OrgClass { level, kind }).is_ok())
            })
            .collect();
        Self { levels, kinds }
    }

    pub fn level_choice(&self) -> bool {
        self.levels.len() > 1
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// Why nothing can be created under this parent at all.
pub fn nothing_allowed(parent: &Org) -> Fault {
    let message = if parent.level == OrgLevel::Central {
        "团中央下的省级团委和系统团委由系统初始化时创建，不能在这里新建".to_string()
    } else {
        format!("{}是最基层的组织，下面不能再设组织", parent.kind_label())
    };
    Fault::new(ErrorCode::OrgKindNotAllowed, message)
}

/// One entry as typed, on the form, in the API or in a sheet row.
pub struct ChildInput<'a> {
    pub short_name: &'a str,
    pub full_name: &'a str,
    pub kind: &'a str,
    pub level: Option<&'a str>,
}

/// An entry that passed every check that does not need the database.
#[derive(Debug, Clone)]
pub struct ValidChild {
    pub short_name: String,
    pub full_name: String,
    pub class: OrgClass,
}

impl ValidChild {
    pub fn as_new(&self) -> NewOrg<'_> {
        NewOrg {
            class: self.class,
            short_name: &self.short_name,
            full_name: &self.full_name,
            xinjiang: false,
        }
    }
}

/// One problem with an entry: which field, a stable code, a Chinese message.
#[derive(Debug, Clone)]
pub struct Issue {
    /// short_name, full_name, kind or level.
    pub field: &'static str,
    pub code: ErrorCode,
    pub message: String,
}

fn rule_issue(field: &'static str, e: OrgRuleError) -> Issue {
    Issue {
        field,
        code: e.code(),
        message: e.to_string(),
    }
}

/// Checks an entry against the parent's options; every problem is returned, not just the first.
pub fn check_child(
    parent: &Org,
    opts: &ChildOptions,
    input: &ChildInput<'_>,
) -> Result<ValidChild, Vec<Issue>> {
    let mut issues = Vec::new();
    let text_issue = |field, e: tuanjian_domain::TextError| Issue {
        field,
        code: e.code(),
        message: e.to_string(),
    };
    let short = BoundedText::<SHORT_MAX>::parse(input.short_name, "组织简称")
        .map_err(|e| issues.push(text_issue("short_name", e)))
        .ok();
    let full = BoundedText::<FULL_MAX>::parse(input.full_name, "组织全称")
        .map_err(|e| issues.push(text_issue("full_name", e)))
        .ok();
    let kind = if input.kind.trim().is_empty() {
        issues.push(Issue {
            field: "kind",
            code: ErrorCode::RequiredMissing,
            message: "请选择组织类别".into(),
        });
        None
    } else {
        OrgKind::parse(input.kind)
            .map_err(|e| issues.push(rule_issue("kind", e)))
            .ok()
    };
    let level = match input.level.map(str::trim).filter(|s| !s.is_empty()) {
        Some(l) => match OrgLevel::parse(l) {
            Ok(l) => Some(Some(l)),
            Err(e) => {
                issues.push(Issue {
                    field: "level",
                    code: e.code(),
                    message: format!("组织层级“{l}”不存在，可选：{}", level_labels(&opts.levels)),
                });
                None
            }
        },
        None => Some(None),
    };
    let class = match (kind, level) {
        (Some(kind), Some(level)) => place(parent, opts, kind, level)
            .map_err(|i| issues.push(i))
            .ok(),
        _ => None,
    };
    match (short, full, class) {
        (Some(s), Some(f), Some(class)) if issues.is_empty() => Ok(ValidChild {
            short_name: s.into_string(),
            full_name: f.into_string(),
            class,
        }),
        _ => Err(issues),
    }
}

fn level_labels(levels: &[OrgLevel]) -> String {
    levels
        .iter()
        .map(|l| l.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// The class of a new child of `kind`: at the given level, or at the one level that admits it.
fn place(
    parent: &Org,
    opts: &ChildOptions,
    kind: OrgKind,
    level: Option<OrgLevel>,
) -> Result<OrgClass, Issue> {
    let holds = |level| parent.class().may_hold(OrgClass { level, kind });
    match level {
        Some(level) => {
            holds(level).map_err(|e| rule_issue("kind", e))?;
            Ok(OrgClass { level, kind })
        }
        None => {
            let fits: Vec<OrgLevel> = opts
                .levels
                .iter()
                .copied()
                .filter(|&l| holds(l).is_ok())
                .collect();
            match fits.as_slice() {
                [level] => Ok(OrgClass {
                    level: *level,
                    kind,
                }),
                [] => Err(opts
                    .levels
                    .iter()
                    .find_map(|&l| holds(l).err())
                    .map_or_else(
                        || Issue {
                            field: "kind",
                            code: ErrorCode::OrgKindNotAllowed,
                            message: format!("{}下不能建立{}", parent.kind_label(), kind.label()),
                        },
                        |e| rule_issue("kind", e),
                    )),
                many => Err(Issue {
                    field: "level",
                    code: ErrorCode::RequiredMissing,
                    message: format!("请选择组织层级：{}", level_labels(many)),
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuanjian_domain::OrgPath;

    fn org(level: OrgLevel, kind: OrgKind) -> Org {
        Org {
            id: 2,
            parent_id: Some(1),
            path: OrgPath::parse("/1/2/").unwrap(),
            level,
            kind,
            short_name: "上级".into(),
            full_name: "上级组织".into(),
            province_id: Some(2),
            xinjiang: false,
            created_at: 0,
        }
    }

    #[test]
    fn options_by_parent() {
        use OrgKind::*;
        use OrgLevel::*;
        let p = ChildOptions::for_parent(&org(Provincial, Committee));
        assert_eq!(p.levels, [Municipal, Grassroots]);
        assert_eq!(p.kinds, OrgKind::ALL);
        assert!(ChildOptions::for_parent(&org(Central, Committee)).is_empty());
        let c = ChildOptions::for_parent(&org(County, Committee));
        assert_eq!(c.levels, [Grassroots]);
        assert!(!c.level_choice());
        let tzz = ChildOptions::for_parent(&org(Grassroots, GeneralBranch));
        assert_eq!(tzz.kinds, [Branch, GraduatingBranch]);
        assert!(ChildOptions::for_parent(&org(Grassroots, Branch)).is_empty());
    }

    #[test]
    fn entries_are_checked() {
        use OrgKind::*;
        use OrgLevel::*;
        let parent = org(Provincial, Committee);
        let opts = ChildOptions::for_parent(&parent);
        let input = |kind, level| ChildInput {
            short_name: "团某市委",
            full_name: "共青团某市委员会",
            kind,
            level,
        };
        // A branch can only be grassroots: no need to say so.
        let b = check_child(&parent, &opts, &input("团支部", None)).unwrap();
        assert_eq!(b.class.level, Grassroots);
        // A 团委 could be either: the level must be chosen.
        let e = check_child(&parent, &opts, &input("03TW", None)).unwrap_err();
        assert_eq!(
            (e[0].field, e[0].code.as_str()),
            ("level", "required_missing")
        );
        let m = check_child(&parent, &opts, &input("团委", Some("市级团委"))).unwrap();
        assert_eq!(m.class.level, Municipal);
        let e = check_child(&parent, &opts, &input("团支部", Some("municipal"))).unwrap_err();
        assert_eq!(e[0].code, "org_kind_not_allowed");
        let e = check_child(&parent, &opts, &input("团小组", None)).unwrap_err();
        assert_eq!(e[0].code, "org_kind_invalid");
        let long = "长".repeat(31);
        let e = check_child(
            &parent,
            &opts,
            &ChildInput {
                short_name: &long,
                full_name: " ",
                kind: "",
                level: None,
            },
        )
        .unwrap_err();
        let codes: Vec<_> = e.iter().map(|i| (i.field, i.code.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("short_name", "too_long"),
                ("full_name", "required_missing"),
                ("kind", "required_missing")
            ]
        );
        let tzz = org(Grassroots, GeneralBranch);
        let e =
            check_child(&tzz, &ChildOptions::for_parent(&tzz), &input("团委", None)).unwrap_err();
        assert_eq!(e[0].code, "org_kind_not_allowed");
    }
}
