//! 号段 (issue 4): who may look and who may allocate, reading the typed range, and the
//! changes themselves (one transaction each, audit and recheck of faulty records inside).

use tuanjian_domain::ErrorCode;
use tuanjian_domain::dev_number::DEV_NUMBER_LEN;
use tuanjian_domain::{Action, DevRange, DevRangeError, OrgLevel};
use tuanjian_store::dev_ranges::{self, RangeChangeError, RangeOverview};
use tuanjian_store::entry_faults::{RecheckStats, beijing_today};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::{StoreError, Tx};

use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The organisation whose ranges are shown, for an admin whose scope holds it.
pub async fn target(app: &App, user: &Signed, org_id: i64) -> Result<(AdminScope, Org), Fault> {
    // 号段 are admin work, looking at them included.
    crate::org_setup::admin_target(app, user, org_id, Action::ViewMembers).await
}

/// Only the organisation's own admin hands its ranges down, and only from the provinces
/// down: 团中央 allocates nothing.
pub fn may_allocate(scope: &AdminScope, org: &Org) -> bool {
    scope.org().id == org.id && org.level != OrgLevel::Central && org.province_id.is_some()
}

fn require_allocator(scope: &AdminScope, org: &Org) -> Result<(), Fault> {
    if org.level == OrgLevel::Central || org.province_id.is_none() {
        return Err(Fault::forbidden(
            "团中央不直接分配发展团员编号号段：号段由各省级团委按年度向下级组织分配，下级组织可再向其下级分配",
        )
        .with_code(ErrorCode::CentralDoesNotAllocate));
    }
    if scope.org().id != org.id {
        return Err(Fault::forbidden(
            "号段由直属上级组织分配：只有本组织的管理员可以向本组织的直属下级组织分配或收回号段",
        )
        .with_code(ErrorCode::NotDirectSuperior));
    }
    Ok(())
}

/// The organisation's ranges: its own, those it handed down, and the faulty records found.
pub async fn overview(app: &App, org: &Org) -> Result<RangeOverview, Fault> {
    Ok(app.store.dev_range_overview(org).await?)
}

fn range_fault(e: &DevRangeError) -> Fault {
    Fault::bad_request(e.code(), e.to_string()).field("range")
}

/// The range as typed: either one text ("201913000001-201913000500") or a start and an end,
/// with the year when given (it must then match the numbers).
pub fn parse_range(
    year: Option<i32>,
    start: &str,
    end: &str,
    text: &str,
) -> Result<DevRange, Fault> {
    let (start, end, text) = (start.trim(), end.trim(), text.trim());
    if !text.is_empty() {
        let r = DevRange::parse_text(text).map_err(|e| range_fault(&e))?;
        return match year {
            Some(y) => DevRange::parse(y, r.start().as_str(), r.end().as_str())
                .map_err(|e| range_fault(&e)),
            None => Ok(r),
        };
    }
    if start.is_empty() && end.is_empty() {
        return Err(Fault::new(ErrorCode::RequiredMissing,
            format!(
                "请填写号段：起始编号和终止编号（各{DEV_NUMBER_LEN}位数字），或在“号段”中填写“起始编号-终止编号”"
            ),
        )
        .field("range"));
    }
    // A single number is a range of one.
    let end = if end.is_empty() { start } else { end };
    let start = if start.is_empty() { end } else { start };
    match year {
        Some(y) => DevRange::parse(y, start, end).map_err(|e| range_fault(&e)),
        None => DevRange::parse_text(&format!("{start}-{end}")).map_err(|e| range_fault(&e)),
    }
}

/// A year typed in a form: empty is "not given".
pub fn parse_year(text: &str) -> Result<Option<i32>, Fault> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i32>()
        .ok()
        .filter(|y| (1000..=9999).contains(y))
        .map(Some)
        .ok_or_else(|| {
            Fault::new(
                ErrorCode::DevRangeInvalid,
                format!("年度“{t}”不正确，应为四位年份，如 2024"),
            )
            .field("year")
        })
}

fn change_fault(e: RangeChangeError) -> Fault {
    match e {
        RangeChangeError::Refused(r) => r.into(),
        RangeChangeError::Store(StoreError::Conflict { code, message }) => {
            Fault::with_status(409, code, message).field("range")
        }
        RangeChangeError::Store(e) => e.into(),
    }
}

async fn commit(tx: Tx) -> Result<(), Fault> {
    tx.commit().await?;
    Ok(())
}

/// Hands `range` to the direct child `child_id` of `org`.
pub async fn allocate(
    app: &App,
    user: &Signed,
    org_id: i64,
    child_id: Option<i64>,
    range: &DevRange,
) -> Result<(i64, RecheckStats), Fault> {
    let (scope, org) = target(app, user, org_id).await?;
    require_allocator(&scope, &org)?;
    let Some(child_id) = child_id else {
        return Err(
            Fault::new(ErrorCode::RequiredMissing, "请选择接收号段的下级组织").field("org_id"),
        );
    };
    let mut tx = app.store.begin().await?;
    let done = dev_ranges::allocate(
        &mut tx,
        &user.actor(),
        &scope,
        child_id,
        range,
        beijing_today(),
    )
    .await
    .map_err(|e| match e {
        // Anything but a direct child of this organisation is not a receiver here.
        RangeChangeError::Store(StoreError::NotFound) | RangeChangeError::Refused(_) => Fault::new(
            ErrorCode::NotAChild,
            "所选组织不是本组织的直属下级组织：号段只能分配给直属下级组织，由其再向下分配",
        )
        .field("org_id"),
        other => change_fault(other),
    })?;
    commit(tx).await?;
    Ok(done)
}

/// Takes back allocation `range_id` from a direct child of `org`.
pub async fn remove(
    app: &App,
    user: &Signed,
    org_id: i64,
    range_id: i64,
) -> Result<(DevRange, RecheckStats), Fault> {
    let (scope, org) = target(app, user, org_id).await?;
    require_allocator(&scope, &org)?;
    let mut tx = app.store.begin().await?;
    let done =
        dev_ranges::delete_allocation(&mut tx, &user.actor(), &scope, range_id, beijing_today())
            .await
            .map_err(change_fault)?;
    commit(tx).await?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_typed() {
        let r = parse_range(Some(2019), "201913000001", "201913000500", "").unwrap();
        assert_eq!(r.to_string(), "201913000001-201913000500");
        assert_eq!(
            parse_range(None, "", "", "201913000001-201913000500").unwrap(),
            r
        );
        assert_eq!(
            parse_range(None, "201913000001", "201913000500", "").unwrap(),
            r
        );
        assert_eq!(
            parse_range(Some(2019), "201913000007", "", "")
                .unwrap()
                .count(),
            1
        );
        assert_eq!(
            parse_range(None, "", "", "").unwrap_err().code,
            "required_missing"
        );
        let e = parse_range(Some(2020), "", "", "201913000001-201913000500").unwrap_err();
        assert_eq!(e.code, ErrorCode::DevRangeInvalid);
        assert!(e.message.contains("2020"), "{}", e.message);
        assert_eq!(parse_year("").unwrap(), None);
        assert_eq!(parse_year(" 2024 ").unwrap(), Some(2024));
        assert_eq!(parse_year("24").unwrap_err().field, Some("year"));
    }
}
