//! Checking a submission (or a resubmission) before anything is written: the province and the
//! branch by its full name (with suggestions), the record under the branch's entry rules for
//! the kind, and the kind's own rules. Every fault at once.

use chrono::NaiveDate;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::member_record::MemberInput;
use tuanjian_domain::self_service::{
    ApplicationKind, CadrePost, check_cadre_registrant, check_join_applicant_age,
    check_register_join_month,
};
use tuanjian_domain::{BoundedText, IdNumber, JoinMonth, MemberFault, PoliticalStatus};
use tuanjian_store::members::{EntryError, parse_member_for};
use tuanjian_store::orgs::Org;

use super::apply_error::{ApplyError, Suggestion, member_fault, rule_fault};
use crate::context::App;
use crate::fault::Fault;

/// What a submission (or a resubmission) carries besides the account.
#[derive(Debug, Clone, Default)]
/// What the applicant typed; the kind of application is the caller's (the form's address, or
/// the stored application's on resubmission), so it is never missing here.
pub struct Fields {
    /// As chosen; `None` when nothing was chosen.
    pub province_id: Option<i64>,
    /// The branch's full name, as typed.
    pub org_name: String,
    /// 流动团员报到: the home organisation.
    pub home_org: String,
    pub member: MemberInput,
    /// 团员团干部注册 as a cadre who is not a member: the post (the organisation may then be of
    /// any level). `None` registers a member.
    pub cadre: Option<CadrePost>,
}

/// A submission that keeps every rule a submission is judged by.
pub struct Checked {
    pub kind: ApplicationKind,
    pub branch: Org,
    pub id_number: Option<IdNumber>,
    pub name: String,
    pub phone: Option<String>,
    /// Normalised for storage: a 我要入团 application keeps only its profile.
    pub member: MemberInput,
    pub home_org: String,
    pub cadre: Option<CadrePost>,
}

/// Organisations named like `name`; `any_level` (a cadre who is not a member) may choose any
/// of them, everyone else only a 团支部.
async fn suggestions(
    app: &App,
    province_id: i64,
    name: &str,
    any_level: bool,
) -> Result<Vec<Suggestion>, Fault> {
    let text: String = name.trim().chars().take(60).collect();
    if text.is_empty() {
        return Ok(vec![]);
    }
    let page = app
        .store
        .search_orgs(Some(province_id), &text, 1, 8)
        .await?;
    Ok(page
        .items
        .iter()
        .map(|h| Suggestion {
            id: h.id,
            full_name: h.full_name.clone(),
            kind_label: h.kind_label(),
            is_branch: h.kind.is_branch(),
            pickable: any_level || h.kind.is_branch(),
        })
        .collect())
}

/// Checks a submission: the province and branch (by full name, with suggestions), the record
/// under the branch's entry rules for the kind, and the kind's own rules. Every fault at once.
pub async fn check(
    app: &App,
    kind: ApplicationKind,
    fields: &Fields,
    today: NaiveDate,
) -> Result<Checked, ApplyError> {
    let mut faults: Vec<Fault> = Vec::new();
    // Only 团员团干部注册 knows cadres; a cadre's organisation may be of any level.
    let cadre = fields
        .cadre
        .clone()
        .filter(|_| kind == ApplicationKind::Register);
    let (branch, suggested) = find_branch(app, fields, cadre.is_some(), &mut faults).await?;
    let mut member = fields.member.clone();
    if member.profile.phone.trim().is_empty() {
        faults.push(
            Fault::new(
                ErrorCode::RequiredMissing,
                "请填写手机号码，便于团组织与您联系",
            )
            .field("phone"),
        );
    }
    let mut home_org = String::new();
    match kind {
        ApplicationKind::Join => member = check_join(member, today, &mut faults),
        ApplicationKind::Register if cadre.is_some() => {
            member = check_cadre(member, cadre.as_ref(), branch.as_ref(), today, &mut faults);
        }
        ApplicationKind::Register | ApplicationKind::Report => {
            home_org = check_membership(
                app,
                kind,
                fields,
                branch.as_ref(),
                &member,
                today,
                &mut faults,
            )
            .await?;
        }
    }
    if !faults.is_empty() {
        return Err(ApplyError::many(faults, suggested));
    }
    let id_number = IdNumber::parse_on(&member.profile.id_number, today).ok();
    Ok(Checked {
        kind,
        branch: branch.expect("no faults means a branch"),
        id_number,
        name: member.profile.name.trim().to_string(),
        phone: tuanjian_domain::org_info::parse_mobile(&member.profile.phone).ok(),
        member,
        home_org,
        cadre,
    })
}

/// The branch: a province first, then the exact full name within it (seed, question 8); when
/// the name finds no branch, organisations with similar names to choose from.
async fn find_branch(
    app: &App,
    fields: &Fields,
    any_level: bool,
    faults: &mut Vec<Fault>,
) -> Result<(Option<Org>, Vec<Suggestion>), Fault> {
    let provinces = app.store.province_choices().await?;
    let province = fields
        .province_id
        .filter(|id| provinces.iter().any(|p| p.id == *id));
    let mut branch = None;
    let mut suggested = Vec::new();
    match province {
        None => faults.push(
            Fault::new(
                ErrorCode::ProvinceInvalid,
                "请先选择团组织所在的省份（或系统团委），再填写团支部全称",
            )
            .field("province_id"),
        ),
        Some(_) if fields.org_name.trim().is_empty() => faults.push(
            Fault::new(
                ErrorCode::RequiredMissing,
                "请填写团支部的组织全称，例如“共青团某某市某某中学高一1班支部”",
            )
            .field("org_name"),
        ),
        Some(p) => match app
            .store
            .org_in_province_by_full_name(p, &fields.org_name)
            .await?
        {
            Some(org) if any_level || org.kind.is_branch() => branch = Some(org),
            Some(org) => {
                faults.push(
                    member_fault(&MemberFault::not_a_branch(&org.full_name)).field("org_name"),
                );
                suggested = suggestions(app, p, &fields.org_name, any_level).await?;
            }
            None => {
                let mut f =
                    member_fault(&MemberFault::org_not_found(&fields.org_name)).field("org_name");
                suggested = suggestions(app, p, &fields.org_name, any_level).await?;
                // A cadre who is not a member names the organisation of the post, any level.
                let (what, pick) = if any_level {
                    ("任职团组织", "可点选其中您任职的团组织")
                } else {
                    ("团支部", "可点选其中的团支部")
                };
                f.message = format!(
                    "所选省份中没有全称为“{}”的组织。请使用{what}的组织全称（不是简称）{}",
                    fields.org_name.trim().chars().take(30).collect::<String>(),
                    if suggested.is_empty() {
                        "，并确认所选省份正确".to_string()
                    } else {
                        format!("；下面列出了名称相近的组织，{pick}")
                    }
                );
                faults.push(f);
            }
        },
    }

    Ok((branch, suggested))
}

/// 我要入团: the applicant is not yet a member, so only the profile and the age count.
fn check_join(member: MemberInput, today: NaiveDate, faults: &mut Vec<Fault>) -> MemberInput {
    let mut member = member;
    // Not yet a member: no membership fields, and not a league member.
    member = MemberInput {
        profile: member.profile,
        ..MemberInput::default()
    };
    member.profile.political_status = PoliticalStatus::Masses.label().into();
    if let Err(fs) = member.profile.parse(today) {
        faults.extend(fs.iter().map(member_fault));
    }
    if let Ok(id) = IdNumber::parse_on(&member.profile.id_number, today)
        && let Err(f) = check_join_applicant_age(&id, today)
    {
        faults.push(rule_fault(&f));
    }
    member
}

/// 团员团干部注册 as a cadre who is not a member: the profile and the post as the cadre entry
/// of that organisation parses them, and a 政治面貌 other than 共青团员. No membership fields.
fn check_cadre(
    member: MemberInput,
    post: Option<&CadrePost>,
    org: Option<&Org>,
    today: NaiveDate,
    faults: &mut Vec<Fault>,
) -> MemberInput {
    let member = MemberInput {
        profile: member.profile,
        ..MemberInput::default()
    };
    let input = post
        .cloned()
        .unwrap_or_default()
        .with_profile(member.profile.clone());
    // Without an organisation the post is judged as a 团支部's would be.
    let kind = org.map_or(tuanjian_domain::OrgKind::Branch, |o| o.kind);
    match input.parse(kind, today) {
        Ok(c) => {
            if let Err(f) = check_cadre_registrant(c.profile.political_status) {
                faults.push(rule_fault(&f));
            }
        }
        Err(fs) => faults.extend(fs.iter().map(member_fault)),
    }
    member
}

/// 团员团干部注册 and 流动团员报到: the membership as the branch would enter it; for a report,
/// the home organisation, which it returns.
async fn check_membership(
    app: &App,
    kind: ApplicationKind,
    fields: &Fields,
    branch: Option<&Org>,
    member: &MemberInput,
    today: NaiveDate,
    faults: &mut Vec<Fault>,
) -> Result<String, ApplyError> {
    let mut home_org = String::new();
    // Since 2020 later members are entered by their branch: say so before anything else.
    if kind == ApplicationKind::Register
        && let Ok(j) = JoinMonth::parse_on(&member.join_month, today)
        && let Err(f) = check_register_join_month(j)
    {
        return Err(rule_fault(&f).into());
    }
    if kind == ApplicationKind::Report {
        match BoundedText::<100>::parse(&fields.home_org, "团籍所在地团组织名称") {
            Ok(t) => home_org = t.into_string(),
            Err(e) => faults.push(
                Fault::bad_request(
                    e.code(),
                    format!("{e}（请填写您原来所在团组织的名称，即团籍所在地）"),
                )
                .field("home_org"),
            ),
        }
    }
    let parsed = match &branch {
        Some(b) => {
            let mut tx = app.store.begin_read().await?;
            let r = parse_member_for(&mut tx, b, member, today).await;
            tx.rollback().await?;
            r.err()
        }
        // Without a branch the record is still checked (no 号段 known yet).
        None => member
            .parse(tuanjian_domain::BranchContext {
                is_xinjiang: false,
                ranges: None,
                today,
            })
            .err()
            .map(EntryError::Faults),
    };
    match parsed {
        None => {}
        Some(EntryError::Faults(fs)) => faults.extend(fs.iter().map(member_fault)),
        Some(EntryError::Refused(r)) => {
            return Err(Fault::from(r).into());
        }
        Some(EntryError::Store(e)) => return Err(e.into()),
    }
    Ok(home_org)
}
