//! Filing a case: the admin of the member's branch or of an organisation above it (the
//! developing branch, a 县级团委 …) reports someone the joining age keeps out, with the 说明.
//! Only the age may be at fault: every other entry rule (ID number, 入团年月, 发展团员编号 and
//! its 号段) must already hold, so 团中央 can enter the member as filed.

use tuanjian_domain::entry_rules::check_join_age;
use tuanjian_domain::org_info::parse_mobile;
use tuanjian_domain::{AgeRule, BoundedText, ErrorCode, JoinMonth, MemberEntry, MemberField};
use tuanjian_store::age_cases::{self, NewAgeCase};
use tuanjian_store::range_book::range_book;

use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;
use crate::members::{Failure, FaultItem};
use crate::signed::Signed;

/// A case as typed.
#[derive(Debug, Clone, Default)]
pub struct CaseInput {
    /// The member's current 团支部 (in the filer's scope).
    pub branch_id: Option<i64>,
    pub name: String,
    pub id_number: String,
    /// 联系方式: a mobile number.
    pub phone: String,
    pub join_month: String,
    pub dev_number: String,
    /// 说明: why the member joined under the age, as the filing organisation states it.
    pub statement: String,
}

fn item(code: ErrorCode, field: &str, message: impl Into<String>) -> FaultItem {
    FaultItem {
        code: code.to_string(),
        field: Some(field.to_string()),
        message: message.into(),
    }
}

/// The fields a case carries, each fault with its field.
struct Parsed {
    name: String,
    phone: String,
    statement: String,
}

fn parse_fields(input: &CaseInput, faults: &mut Vec<FaultItem>) -> Option<Parsed> {
    let name = match BoundedText::<30>::parse(&input.name, "姓名") {
        Ok(t) if !t.as_str().is_empty() => Some(t.into_string()),
        Ok(_) => {
            faults.push(item(ErrorCode::RequiredMissing, "name", "请填写姓名"));
            None
        }
        Err(e) => {
            faults.push(item(e.code(), "name", e.to_string()));
            None
        }
    };
    let phone = match parse_mobile(&input.phone) {
        Ok(p) => Some(p),
        Err(m) => {
            faults.push(item(
                ErrorCode::MobileInvalid,
                "phone",
                format!("联系方式：{m}"),
            ));
            None
        }
    };
    let statement = match BoundedText::<500>::parse(&input.statement, "说明") {
        Ok(t) if !t.as_str().is_empty() => Some(t.into_string()),
        Ok(_) => {
            faults.push(item(
                ErrorCode::RequiredMissing,
                "statement",
                "请填写说明：由发展其入团的团组织或县级团委开具，说明入团时的情况",
            ));
            None
        }
        Err(e) => {
            faults.push(item(e.code(), "statement", e.to_string()));
            None
        }
    };
    Some(Parsed {
        name: name?,
        phone: phone?,
        statement: statement?,
    })
}

/// Files a case; returns its id. Nothing is written when anything is wrong.
pub async fn file(app: &App, user: &Signed, input: &CaseInput) -> Result<i64, Failure> {
    let branch_id = input.branch_id.ok_or_else(|| {
        Fault::new(ErrorCode::RequiredMissing, "请选择该团员现在所在的团支部").field("branch_id")
    })?;
    let branch = super::admin_target_branch(app, user, branch_id).await?;
    let today = today();
    let mut faults = Vec::new();
    let parsed = parse_fields(input, &mut faults);
    let mut tx = app.store.begin().await?;
    let book = range_book(&mut tx, &branch).await?;
    let ranges = JoinMonth::parse_on(&input.join_month, today)
        .ok()
        .and_then(|j| book.applicable(j.year()));
    let entry = MemberEntry {
        id_number: &input.id_number,
        join_month: &input.join_month,
        dev_number: &input.dev_number,
        is_xinjiang: branch.xinjiang,
        ranges: ranges.as_deref(),
        today,
    };
    // Every rule but the age, which is the case's reason to exist.
    let valid = match entry.check_with(AgeRule::WaivedByCentral) {
        Ok(v) => Some(v),
        Err(fs) => {
            faults.extend(fs.iter().map(FaultItem::from));
            None
        }
    };
    let (Some(parsed), Some(valid)) = (parsed, valid) else {
        return Err(Failure::Fields(faults));
    };
    if !faults.is_empty() {
        return Err(Failure::Fields(faults));
    }
    if check_join_age(&valid.id_number, valid.join_month, branch.xinjiang).is_ok() {
        return Err(Fault::new(
            ErrorCode::NotAgeException,
            format!(
                "按身份证号码和入团年月，{}入团时的年龄符合规定，不需要报团中央；请由其所在团支部直接录入",
                valid.join_month.label()
            ),
        )
        .field(MemberField::JoinMonth.key())
        .into());
    }
    let id = age_cases::file_tx(
        &mut tx,
        &user.actor(),
        &NewAgeCase {
            branch: &branch,
            name: &parsed.name,
            id_number: &valid.id_number,
            phone: &parsed.phone,
            join_month: valid.join_month,
            dev_number: valid.dev_number.as_ref().map(|n| n.as_str()),
            statement: &parsed.statement,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
