//! The lists of cases: a province's 入团年龄特殊情况汇总 (total, name, ID number, 联系方式,
//! current organisation — what the seed says provinces gather), 团中央's list of forwarded
//! cases nationwide, and any other admin's cases of its subtree (read only). The province
//! forwards (报团中央) or returns; 团中央 returns; both export the list as Excel.

use tuanjian_domain::ErrorCode;
use tuanjian_sheet::{Column, Template, write_filled};
use tuanjian_store::age_cases::{self, AgeCase, AgeCaseStatus, CaseFilter};
use tuanjian_store::audit::{self, AuditEntry};
use tuanjian_store::scope::AdminScope;

use super::{admin, gathering_province, is_central, required_text};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Most cases one forwarding takes.
pub const FORWARD_LIMIT: usize = 1_000;

/// Who looks at the list, which decides what it holds and what may be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// 团中央: forwarded cases nationwide by default; enters and returns.
    Central,
    /// A provincial committee: its cases; forwards and returns those waiting.
    Province,
    /// Any other admin: the cases of its subtree, to follow them.
    Filer,
}

pub struct CaseList {
    pub role: Role,
    pub status: Option<AgeCaseStatus>,
    pub cases: Vec<AgeCase>,
}

impl CaseList {
    /// 总数, as the seed asks provinces to count.
    pub fn total(&self) -> usize {
        self.cases.len()
    }
}

fn role_of(scope: &AdminScope) -> Role {
    if is_central(scope) {
        Role::Central
    } else if gathering_province(scope).is_ok() {
        Role::Province
    } else {
        Role::Filer
    }
}

/// The status filter as a query gives it: empty for the role's default, `all`, or a code.
fn parse_status(raw: Option<&str>, role: Role) -> Result<Option<AgeCaseStatus>, Fault> {
    match raw.map(str::trim).unwrap_or("") {
        "" if role == Role::Central => Ok(Some(AgeCaseStatus::Forwarded)),
        "" | "all" => Ok(None),
        s => AgeCaseStatus::parse(s).map(Some).ok_or_else(|| {
            Fault::new(
                ErrorCode::QueryInvalid,
                "状态只能是 collecting（待汇总）、forwarded（已报团中央）、entered（已录入）、returned（退回）或 all（全部）",
            )
            .field("status")
        }),
    }
}

/// The list the signed-in admin keeps or follows.
pub async fn list(app: &App, user: &Signed, status: Option<&str>) -> Result<CaseList, Fault> {
    let scope = admin(app, user).await?;
    let role = role_of(&scope);
    let status = parse_status(status, role)?;
    let cases = app
        .store
        .age_cases(&CaseFilter::under(&scope.org().path, status))
        .await?;
    Ok(CaseList {
        role,
        status,
        cases,
    })
}

/// The province forwards the chosen cases to 团中央, all or none.
pub async fn forward(app: &App, user: &Signed, ids: &[i64]) -> Result<usize, Fault> {
    let scope = admin(app, user).await?;
    let province_id = gathering_province(&scope)?;
    if ids.is_empty() {
        return Err(Fault::new(
            ErrorCode::RequiredMissing,
            "请勾选要报团中央的入团年龄特殊情况",
        )
        .field("case_ids"));
    }
    if ids.len() > FORWARD_LIMIT {
        return Err(Fault::new(
            ErrorCode::BadRequest,
            format!("一次最多报送 {FORWARD_LIMIT} 份，请分批报送"),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut tx = app.store.begin().await?;
    let n = age_cases::forward_tx(&mut tx, &user.actor(), province_id, &ids).await?;
    tx.commit().await?;
    Ok(n)
}

/// Returns a case with a comment: the province one waiting to be gathered, 团中央 a
/// forwarded one.
pub async fn return_case(
    app: &App,
    user: &Signed,
    id: i64,
    comment: Option<&str>,
) -> Result<(), Fault> {
    let scope = admin(app, user).await?;
    let comment = required_text(
        comment,
        "退回意见",
        "comment",
        "退回时请填写退回意见，说明原因和需要怎样补充",
    )?;
    let (province, from) = match role_of(&scope) {
        Role::Central => (None, AgeCaseStatus::Forwarded),
        Role::Province => (Some(scope.org().id), AgeCaseStatus::Collecting),
        Role::Filer => {
            return Err(Fault::forbidden(
                "入团年龄特殊情况由省级团委（待汇总的）或团中央（已报团中央的）退回",
            )
            .with_code(ErrorCode::ProvinceOnly));
        }
    };
    let case = app.store.age_case(id).await?;
    if !scope.covers(&case.branch_path) {
        return Err(Fault::not_found());
    }
    let mut tx = app.store.begin().await?;
    age_cases::return_tx(&mut tx, &user.actor(), id, province, from, &comment).await?;
    tx.commit().await?;
    Ok(())
}

/// The columns of the export: the seed's four (姓名, 身份证号码, 联系方式, 当前所在团组织)
/// and what 团中央 needs to enter the member.
fn template() -> Template {
    let text = |t: &str| Column::new(t);
    Template::new(
        "入团年龄特殊情况汇总",
        vec![
            text("序号"),
            text("姓名"),
            text("身份证号码"),
            text("联系方式"),
            text("当前所在团组织"),
            text("入团年月"),
            text("发展团员编号"),
            text("说明"),
            text("状态"),
        ],
    )
}

/// The list as an .xlsx file (file name, bytes), for the province and 团中央; audited.
pub async fn export(
    app: &App,
    user: &Signed,
    status: Option<&str>,
) -> Result<(String, Vec<u8>), Fault> {
    let l = list(app, user, status).await?;
    if l.role == Role::Filer {
        return Err(
            Fault::forbidden("入团年龄特殊情况汇总表由省级团委或团中央导出")
                .with_code(ErrorCode::ProvinceOnly),
        );
    }
    let rows: Vec<Vec<String>> = l
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                c.name.clone(),
                c.id_number.clone(),
                c.phone.clone(),
                c.branch_full_name.clone(),
                c.join_month.clone(),
                c.dev_number.clone().unwrap_or_default(),
                c.statement.clone(),
                c.status.label().to_string(),
            ]
        })
        .collect();
    let count = rows.len();
    let bytes = tokio::task::spawn_blocking(move || {
        let mut t = template();
        t.max_rows = t.max_rows.max(rows.len());
        write_filled(&t, &rows)
    })
    .await
    .map_err(Fault::internal)?
    .map_err(Fault::internal)?;
    let scope = admin(app, user).await?;
    let mut tx = app.store.begin().await?;
    audit::record(
        &mut tx,
        &user.actor(),
        AuditEntry::new("age_case.export")
            .org(scope.org().id)
            .after(serde_json::json!({ "rows": count })),
    )
    .await?;
    tx.commit().await?;
    Ok(("入团年龄特殊情况汇总.xlsx".to_string(), bytes))
}
