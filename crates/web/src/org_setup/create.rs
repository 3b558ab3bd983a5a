//! Creating one child organisation (page and API), and the rules both it and the Excel import
//! use: which kinds and levels may stand under a parent, and how an entry is checked.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{Action, BoundedText, OrgClass, OrgKind, OrgLevel, OrgRuleError};
use tuanjian_store::StoreError;
use tuanjian_store::orgs::{NewOrg, Org};
use tuanjian_store::reg_codes::CodeRecord;
use utoipa::ToSchema;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::FaultStatus;
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::{ApiJson, parse_id};
use crate::org_setup::{admin_target, beijing};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

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

/// Creates one child with its registration code, all in one transaction.
pub async fn create_one(
    state: &AppState,
    user: &Signed,
    parent: &Org,
    child: &ValidChild,
) -> Result<(Org, CodeRecord), Fault> {
    let mut tx = state.store.begin().await?;
    let made =
        tuanjian_store::org_create::create_child(&mut tx, &user.actor(), parent, &child.as_new())
            .await
            .map_err(|e| match e {
                StoreError::Conflict { code, message } if code == ErrorCode::OrgNameTaken => {
                    Fault::with_status(409, code, message).field("full_name")
                }
                other => other.into(),
            })?;
    tx.commit().await?;
    Ok(made)
}

/// The parent, if this admin may create under it and anything may stand there.
pub(crate) async fn creatable_parent(
    state: &AppState,
    user: &Signed,
    id: i64,
) -> Result<(Org, ChildOptions), Fault> {
    let (_, parent) = admin_target(state, user, id, Action::CreateChild).await?;
    let opts = ChildOptions::for_parent(&parent);
    if opts.is_empty() {
        return Err(nothing_allowed(&parent));
    }
    Ok((parent, opts))
}

#[derive(Template)]
#[template(path = "setup_create.html")]
struct CreatePage {
    nav: Option<Nav>,
    csrf: String,
    parent: Org,
    /// (code, label) of each kind allowed.
    kinds: Vec<(&'static str, &'static str)>,
    /// (code, label) of each level on offer; shown only when there is a choice.
    levels: Vec<(&'static str, &'static str)>,
    form: CreateForm,
    errors: Vec<Issue>,
}

impl CreatePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|i| i.field == field)
            .map(|i| i.message.as_str())
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct CreateForm {
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    level: String,
}

async fn render(
    state: &AppState,
    user: &Signed,
    parent: Org,
    opts: &ChildOptions,
    form: CreateForm,
    errors: Vec<Issue>,
) -> PageResult {
    let authority = role::required(state, user).await?;
    let page = CreatePage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        csrf: user.session.csrf_token.clone(),
        kinds: opts.kinds.iter().map(|k| (k.code(), k.label())).collect(),
        levels: if opts.level_choice() {
            opts.levels.iter().map(|l| (l.code(), l.label())).collect()
        } else {
            vec![]
        },
        parent,
        form,
        errors,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (parent, opts) = creatable_parent(&state, &user, id).await?;
    render(&state, &user, parent, &opts, CreateForm::default(), vec![]).await
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<CreateForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (parent, opts) = creatable_parent(&state, &user, id).await?;
    let input = ChildInput {
        short_name: &form.short_name,
        full_name: &form.full_name,
        kind: &form.kind,
        level: opts.level_choice().then_some(form.level.as_str()),
    };
    let outcome = match check_child(&parent, &opts, &input) {
        Err(issues) => Err((issues, StatusCode::BAD_REQUEST)),
        Ok(child) => match create_one(&state, &user, &parent, &child).await {
            Ok((org, _)) => Ok(org),
            Err(f) if f.status().is_client_error() => {
                let status = f.status();
                let issue = Issue {
                    field: f.field.unwrap_or("full_name"),
                    code: f.code,
                    message: f.message,
                };
                Err((vec![issue], status))
            }
            Err(f) => return Err(PageError(f)),
        },
    };
    match outcome {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}/code?created=1", org.id)).into_response()),
        Err((issues, status)) => {
            let mut res = render(&state, &user, parent, &opts, form, issues).await?;
            *res.status_mut() = status;
            Ok(res)
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateRequest {
    /// 组织简称, at most 30 characters.
    pub short_name: String,
    /// 组织全称, at most 100 characters, unique in the whole system.
    pub full_name: String,
    /// 组织类别: code (03TW, 04TGW, 02TZZ, 01TZB, 06BYBTZB) or label (团委 …).
    pub kind: String,
    /// municipal, county or grassroots (or the label), where the parent offers a choice.
    pub level: Option<String>,
}

/// A created organisation.
#[derive(Serialize, ToSchema)]
pub struct ChildBody {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub level: &'static str,
    pub kind: &'static str,
    pub kind_label: String,
    pub short_name: String,
    pub full_name: String,
}

impl From<&Org> for ChildBody {
    fn from(o: &Org) -> Self {
        Self {
            id: o.id,
            parent_id: o.parent_id,
            path: o.path.to_string(),
            level: o.level.code(),
            kind: o.kind.code(),
            kind_label: o.kind_label(),
            short_name: o.short_name.clone(),
            full_name: o.full_name.clone(),
        }
    }
}

/// A registration code as its superior's admin sees it.
#[derive(Serialize, ToSchema)]
pub struct CodeBody {
    /// Grouped by four: ABCD-EFGH-JKMN.
    pub code: String,
    /// active, expired, revoked or used
    pub state: &'static str,
    pub state_label: &'static str,
    pub created_at: i64,
    pub expires_at: i64,
    /// Beijing time, for people.
    pub expires_at_text: String,
}

impl From<&CodeRecord> for CodeBody {
    fn from(c: &CodeRecord) -> Self {
        let s = c.state();
        Self {
            code: c.display(),
            state: s.code(),
            state_label: s.label(),
            created_at: c.created_at,
            expires_at: c.expires_at,
            expires_at_text: beijing(c.expires_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedBody {
    pub org: ChildBody,
    pub code: CodeBody,
}

fn first_issue(issues: Vec<Issue>) -> Fault {
    let first = issues.into_iter().next().expect("at least one issue");
    Fault::bad_request(first.code, first.message).field(first.field)
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/children", request_body = CreateRequest,
    params(("id" = i64, Path, description = "parent organisation id")),
    responses((status = 200, body = CreatedBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<CreateRequest>,
) -> ApiResult<CreatedBody> {
    let id = parse_id(&raw)?;
    let (parent, opts) = creatable_parent(&state, &user, id).await?;
    let input = ChildInput {
        short_name: &body.short_name,
        full_name: &body.full_name,
        kind: &body.kind,
        level: body.level.as_deref(),
    };
    let child = check_child(&parent, &opts, &input).map_err(first_issue)?;
    let (org, code) = create_one(&state, &user, &parent, &child).await?;
    Ok(Json(CreatedBody {
        org: ChildBody::from(&org),
        code: CodeBody::from(&code),
    }))
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
