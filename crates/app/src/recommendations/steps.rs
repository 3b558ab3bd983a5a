//! The branch's steps (recommend, confirm with their forms; 入党) and the superior's decision.

use tuanjian_domain::recommendation::{
    FORM_MAX_BYTES, Stage, check_recommendation, parse_applied_month, parse_date,
};
use tuanjian_domain::{Action, ErrorCode, JoinMonth, MembershipStatus};
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::files::NewFile;
use tuanjian_store::leaving::Standing;
use tuanjian_store::recommendations::Recommendation;
use tuanjian_store::recommendations::steps::{
    NewStep, decide_tx, record_joined_tx, record_step_tx,
};

use crate::context::App;
use crate::fault::Fault;
use crate::files::pdf::{Document, pages_of};
use crate::files::staged::{Received, Staged};
use crate::files::store_tx;
use crate::leaving::{member_for, text};
use crate::signed::Signed;

/// What a form over the limit is answered with, as soon as the limit is passed.
pub fn too_large() -> Fault {
    Fault::new(
        ErrorCode::TooLarge,
        format!(
            "文件超过 {} MB，没有保存。请把扫描分辨率调低（如 150–200 dpi、黑白或灰度）或压缩 PDF 后重新上传",
            FORM_MAX_BYTES / (1024 * 1024)
        ),
    )
    .field("file")
}

/// A temporary file for a form being received.
pub async fn staging() -> Result<Staged, Fault> {
    Staged::new(FORM_MAX_BYTES, too_large()).await
}

fn in_good_standing(m: &Standing) -> Result<(), Fault> {
    if m.status != MembershipStatus::Normal {
        return Err(Fault::new(
            ErrorCode::RecommendNotAllowed,
            format!(
                "{}的团籍状态是“{}”，只有团籍正常的团员才能办理推优入党",
                m.name,
                m.status.label()
            ),
        ));
    }
    Ok(())
}

/// What a step's form must be.
const FORM: Document = Document {
    code: ErrorCode::RecommendFormInvalid,
    name: "推优入党表",
};

/// The form's page count once it is checked to be a PDF.
async fn checked_form(app: &App, file: &Received) -> Result<u32, Fault> {
    if file.size == 0 {
        return Err(Fault::new(
            ErrorCode::RecommendFormInvalid,
            "上传的文件是空的（0 字节），请重新选择扫描好的推优入党表 PDF 文件",
        )
        .field("file"));
    }
    pages_of(app, file, FORM).await
}

/// Records the recommendation (`Stage::Recommend`, with the 入党申请 month) or the
/// confirmation of the member, with its date (`2026-05-01`) and form; it waits for the superior.
pub async fn record(
    app: &App,
    user: &Signed,
    person_id: i64,
    stage: Stage,
    date: &str,
    applied_month: &str,
    file: &Received,
) -> Result<Recommendation, Fault> {
    let (_, member) = member_for(app, user, person_id, Action::RecommendToParty).await?;
    in_good_standing(&member)?;
    let today = beijing_today();
    let what = match stage {
        Stage::Recommend => "推荐时间",
        Stage::Confirm => "确定时间",
    };
    let bad = |e: tuanjian_domain::recommendation::RecError| {
        Fault::bad_request(e.code(), e.to_string()).field(e.field())
    };
    let date = parse_date(date, what, today).map_err(bad)?;
    let applied = match stage {
        Stage::Recommend => {
            let m = parse_applied_month(applied_month, today).map_err(bad)?;
            check_recommendation(&member.id_number, date, m).map_err(bad)?;
            Some(m)
        }
        Stage::Confirm => None,
    };
    let pages = checked_form(app, file).await?;
    let meta = NewFile {
        sha256: &file.sha256,
        media_type: "application/pdf",
        file_name: &file.file_name,
        page_count: Some(i64::from(pages)),
        uploaded_by: user.person.id,
    };
    let mut tx = app.store.begin().await?;
    let file_id = store_tx(&mut tx, &meta, file).await?;
    let rec = record_step_tx(
        &mut tx,
        &user.actor(),
        NewStep {
            person_id,
            name: &member.name,
            branch: &member.branch,
            stage,
            date,
            applied,
            file_id,
            sha256: &file.sha256,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

/// The superior approves or returns (a comment required) the waiting step.
pub async fn decide(
    app: &App,
    user: &Signed,
    person_id: i64,
    approve: bool,
    comment: Option<&str>,
) -> Result<Recommendation, Fault> {
    let (_, member) = member_for(app, user, person_id, Action::ApproveRecommendation).await?;
    let comment = match comment.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(text(c, "comment", "审批意见")?),
        None if approve => None,
        None => {
            return Err(Fault::bad_request(
                ErrorCode::CommentRequired,
                "退回时请填写退回意见，说明团支部需要补充或更正什么",
            )
            .field("comment"));
        }
    };
    let mut tx = app.store.begin().await?;
    let rec = decide_tx(
        &mut tx,
        &user.actor(),
        person_id,
        &member.name,
        &member.branch,
        approve,
        comment.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

/// Records the month a confirmed development object joined the Party.
pub async fn joined(
    app: &App,
    user: &Signed,
    person_id: i64,
    month: &str,
) -> Result<Recommendation, Fault> {
    let (_, member) = member_for(app, user, person_id, Action::RecommendToParty).await?;
    let month = JoinMonth::parse_on(month, beijing_today()).map_err(|e| {
        Fault::bad_request(
            ErrorCode::RecommendDateInvalid,
            e.to_string().replace("入团年月", "入党年月"),
        )
        .field("month")
    })?;
    let mut tx = app.store.begin().await?;
    let rec = record_joined_tx(
        &mut tx,
        &user.actor(),
        person_id,
        &member.name,
        &member.branch,
        month,
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}
