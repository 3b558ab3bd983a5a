//! What the self-service pages show: the application form built from one field list per
//! kind, and an application as the applicant or an admin reads it.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use tuanjian_domain::dev_number::{DEV_NUMBER_LEN, NUMBERED_FROM, XINJIANG_NUMBERED_FROM};
use tuanjian_domain::enums::{CadreNature, Post};
use tuanjian_domain::member_record::MemberInput;
use tuanjian_domain::self_service::{
    ApplicationKind, ApplicationStatus, CadrePost, JoinStage, register_rule,
};
use tuanjian_domain::{Education, Ethnicity, MemberField, Occupation};
use tuanjian_store::applications::{Application, status_text};
use tuanjian_store::org_search::ProvinceChoice;

use crate::org_admin::fmt_time;
use tuanjian_app::self_service::{ApplyError, Fields, Suggestion};

/// The application form as posted (every value a string, as typed).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplyForm {
    pub csrf: String,
    pub password: String,
    pub confirm: String,
    pub province_id: String,
    pub org_name: String,
    /// A suggested branch chosen after a name that did not match; wins over `org_name`.
    pub org_pick: String,
    /// A step of the branch picker (`province` or an organisation's id): not a submission.
    pub pick: String,
    pub home_org: String,
    /// 团员团干部注册: `cadre` for a cadre who is not a member, else a member.
    pub register_as: String,
    pub post: String,
    pub post_since: String,
    pub cadre_nature: String,
    pub party_committee: String,
    #[serde(flatten)]
    pub member: MemberInput,
}

impl ApplyForm {
    /// The post of a cadre who is not a member, when the form registers one.
    fn cadre(&self) -> Option<CadrePost> {
        (self.register_as.trim() == "cadre").then(|| CadrePost {
            post: self.post.clone(),
            post_since: self.post_since.clone(),
            cadre_nature: self.cadre_nature.clone(),
            party_committee: self.party_committee.clone(),
        })
    }

    pub fn fields(&self) -> Fields {
        Fields {
            province_id: self.province_id.trim().parse().ok(),
            org_name: if self.org_pick.trim().is_empty() {
                self.org_name.clone()
            } else {
                self.org_pick.clone()
            },
            home_org: self.home_org.clone(),
            member: self.member.clone(),
            cadre: self.cadre(),
        }
    }

    /// The form prefilled from a stored application, for correcting it.
    pub fn from_application(app: &Application, province_id: Option<i64>) -> Self {
        let c = app.details.cadre.clone().unwrap_or_default();
        Self {
            province_id: province_id.map(|p| p.to_string()).unwrap_or_default(),
            org_name: app.org_full_name.clone(),
            home_org: app.details.home_org.clone(),
            member: app.details.member.clone(),
            register_as: if app.details.cadre.is_some() {
                "cadre".into()
            } else {
                String::new()
            },
            post: c.post.clone(),
            post_since: c.post_since.clone(),
            cadre_nature: c.cadre_nature.clone(),
            party_committee: c.party_committee.clone(),
            ..Self::default()
        }
    }

    fn value(&self, key: &str) -> String {
        let m = &self.member;
        let p = &m.profile;
        match key {
            "province_id" => &self.province_id,
            "org_name" if !self.org_pick.trim().is_empty() => &self.org_pick,
            "org_name" => &self.org_name,
            "home_org" => &self.home_org,
            "register_as" => &self.register_as,
            "post" => &self.post,
            "post_since" => &self.post_since,
            "cadre_nature" => &self.cadre_nature,
            "party_committee" => &self.party_committee,
            "id_number" => &p.id_number,
            "name" => &p.name,
            "ethnicity" => &p.ethnicity,
            "political_status" => &p.political_status,
            "phone" => &p.phone,
            "email" => &p.email,
            "qq" => &p.qq,
            "wechat" => &p.wechat,
            "full_time_education" => &p.full_time_education,
            "highest_education" => &p.highest_education,
            "occupation" => &p.occupation,
            "work_unit" => &p.work_unit,
            "household_place" => &p.household_place,
            "join_month" => &m.join_month,
            "dev_number" => &m.dev_number,
            "join_unit" => &m.join_unit,
            "party_applied" => &m.party_applied,
            "party_applied_month" => &m.party_applied_month,
            "party_join_month" => &m.party_join_month,
            "income" => &m.income,
            "card_number" => &m.card_number,
            _ => "",
        }
        .chars()
        .take(120)
        .collect()
    }
}

pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    /// (value, label) of a drop-down; empty for a text input.
    pub options: Vec<(String, String)>,
    pub input_type: &'static str,
    pub required: bool,
    pub hint: &'static str,
    pub error: Option<String>,
    pub maxlength: u32,
    pub autocomplete: &'static str,
}

pub struct Group {
    pub id: &'static str,
    pub legend: &'static str,
    pub fields: Vec<FieldView>,
    /// Shown folded (选填).
    pub optional: bool,
}

struct Spec {
    key: &'static str,
    label: &'static str,
    input_type: &'static str,
    required: bool,
    hint: &'static str,
    maxlength: u32,
    autocomplete: &'static str,
    options: Vec<(String, String)>,
}

/// Hints built once from the rules' numbers (`self_service`, `dev_number`).
static REGISTER_JOIN_MONTH_HINT: LazyLock<String> =
    LazyLock::new(|| format!("如 2018-05；{}", register_rule()));
static DEV_NUMBER_HINT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{NUMBERED_FROM}年1月1日及以后入团的必须填写（新疆{XINJIANG_NUMBERED_FROM}年起），共{DEV_NUMBER_LEN}位数字，前四位为入团年份"
    )
});

fn text(key: &'static str, label: &'static str, required: bool, hint: &'static str) -> Spec {
    Spec {
        key,
        label,
        input_type: "text",
        required,
        hint,
        maxlength: 100,
        autocomplete: "off",
        options: vec![],
    }
}

fn choice(
    key: &'static str,
    label: &'static str,
    required: bool,
    labels: Vec<&'static str>,
) -> Spec {
    let mut options = vec![(String::new(), "请选择".to_string())];
    options.extend(labels.into_iter().map(|l| (l.to_string(), l.to_string())));
    Spec {
        options,
        ..text(key, label, required, "")
    }
}

impl Spec {
    fn kind(mut self, t: &'static str, autocomplete: &'static str, maxlength: u32) -> Self {
        self.input_type = t;
        self.autocomplete = autocomplete;
        self.maxlength = maxlength;
        self
    }
}

fn label(f: MemberField) -> &'static str {
    f.label()
}

/// Whether the form creates the account (anonymous) or corrects an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    New,
    Correct,
}

/// The form's groups of fields for `kind`, filled from `form` and marked with `error`'s faults.
pub fn groups(
    kind: ApplicationKind,
    mode: Mode,
    form: &ApplyForm,
    provinces: &[ProvinceChoice],
    error: Option<&ApplyError>,
) -> Vec<Group> {
    let account_legend = if mode == Mode::New {
        "账号"
    } else {
        "申请人"
    };
    let mut out = vec![
        ("account", account_legend, false, account_specs(mode)),
        ("org", org_legend(kind), false, org_specs(kind, provinces)),
        ("profile", "个人信息", false, profile_specs(kind)),
    ];
    if kind == ApplicationKind::Register {
        out.push(("register-as", "注册身份", false, register_as_specs()));
    }
    if kind != ApplicationKind::Join {
        out.push(("membership", "团籍信息", false, membership_specs(kind)));
    }
    if kind == ApplicationKind::Register {
        out.push((
            "cadre",
            "团干部职务（以团干部身份注册的填写）",
            true,
            cadre_specs(),
        ));
    }
    out.push(("more", "更多信息（选填）", true, more_specs(kind)));
    out.into_iter()
        .map(|(id, legend, optional, specs)| Group {
            id,
            legend,
            optional,
            fields: specs
                .into_iter()
                .map(|s| field_view(s, form, error))
                .collect(),
        })
        .collect()
}

/// A field as drawn: its value as typed and its fault. The passwords are kept too (the page
/// is not stored: `no-store`), unless a fault concerns them: retyping both is what a password
/// fault asks for, and nothing else should.
fn field_view(s: Spec, form: &ApplyForm, error: Option<&ApplyError>) -> FieldView {
    let password_fault = error
        .is_some_and(|e| e.for_field("password").is_some() || e.for_field("confirm").is_some());
    FieldView {
        key: s.key,
        label: s.label,
        value: match (s.key, s.input_type) {
            (_, "password") if password_fault => String::new(),
            ("password", _) => form.password.clone(),
            ("confirm", _) => form.confirm.clone(),
            _ => form.value(s.key),
        },
        options: s.options,
        input_type: s.input_type,
        required: s.required,
        hint: s.hint,
        error: error.and_then(|e| e.for_field(s.key)).map(str::to_string),
        maxlength: s.maxlength,
        autocomplete: s.autocomplete,
    }
}

/// The account: the ID number and the password only when the form creates it.
fn account_specs(mode: Mode) -> Vec<Spec> {
    let mut account = Vec::new();
    if mode == Mode::New {
        account.push(
            text(
                "id_number",
                "身份证号码（登录账号）",
                true,
                "本人的18位身份证号码，末位X可小写",
            )
            .kind("text", "username", 20),
        );
    }
    account.push(text("name", label(MemberField::Name), true, "").kind("text", "name", 30));
    if mode == Mode::New {
        account.push(
            text(
                "password",
                "设置登录密码",
                true,
                "至少8位，须同时包含字母和数字，不能是身份证号码的一部分",
            )
            .kind("password", "new-password", 64),
        );
        account.push(text("confirm", "再次输入密码", true, "").kind(
            "password",
            "new-password",
            64,
        ));
    }
    account
}

/// 团员团干部注册 is for members and cadres (seed, question 9): which one registers.
fn register_as_specs() -> Vec<Spec> {
    vec![Spec {
        options: vec![
            (String::new(), "以团员身份注册（填写团籍信息）".into()),
            (
                "cadre".into(),
                "以团干部身份注册（不是团员，如中共党员、群众担任团干部）".into(),
            ),
        ],
        ..text(
            "register_as",
            "注册身份",
            true,
            "不是团员的团干部：组织可以是任一级团组织，填写团干部职务，不填团籍信息；审核通过后记入团干部名单，不记为团员",
        )
    }]
}

/// The post of a cadre who is not a member.
fn cadre_specs() -> Vec<Spec> {
    use MemberField as F;
    vec![
        choice("post", label(F::Post), false, Post::labels()),
        text("post_since", label(F::PostSince), false, "如 2019-09"),
        choice(
            "cadre_nature",
            label(F::CadreNature),
            false,
            CadreNature::labels(),
        ),
        choice(
            "party_committee",
            label(F::PartyCommittee),
            false,
            vec!["否", "是"],
        ),
    ]
}

fn org_legend(kind: ApplicationKind) -> &'static str {
    match kind {
        ApplicationKind::Register => "所在团支部（以团干部身份注册的：任职的团组织，可以是任一级）",
        ApplicationKind::Join => "申请加入的团支部",
        ApplicationKind::Report => "报到的团支部（现在所在地）",
    }
}

/// The branch: province, full name, and for a report the home organisation.
fn org_specs(kind: ApplicationKind, provinces: &[ProvinceChoice]) -> Vec<Spec> {
    let mut province_options = vec![(String::new(), "请选择省份或系统团委".to_string())];
    province_options.extend(
        provinces
            .iter()
            .map(|p| (p.id.to_string(), p.short_name.clone())),
    );
    let mut org = vec![
        Spec {
            options: province_options,
            ..text(
                "province_id",
                "省份（或系统团委）",
                true,
                "先选省份，再逐级选择团支部，或直接填写团支部全称",
            )
        },
        text(
            "org_name",
            "团支部全称",
            true,
            "须填写组织全称（不是简称），例如“共青团某某市某某中学高一1班支部”；不清楚全称的，可点上面的“逐级选择团支部”",
        ),
    ];
    if kind == ApplicationKind::Report {
        org.push(text(
            "home_org",
            "团籍所在地团组织名称",
            true,
            "您原来所在的团组织（团籍所在地），填写其名称",
        ));
    }
    org
}

/// The personal fields every kind asks (political status not for 我要入团: not yet a member).
fn profile_specs(kind: ApplicationKind) -> Vec<Spec> {
    use MemberField as F;
    let mut profile = vec![choice(
        "ethnicity",
        label(F::Ethnicity),
        true,
        Ethnicity::labels(),
    )];
    if kind != ApplicationKind::Join {
        profile.push(choice(
            "political_status",
            label(F::PoliticalStatus),
            true,
            vec!["共青团员", "中共预备党员", "中共党员"],
        ));
    }
    profile.push(
        text(
            "phone",
            label(F::Phone),
            true,
            "11位手机号码，团组织用它与您联系",
        )
        .kind("tel", "tel", 13),
    );
    profile.push(text(
        "work_unit",
        label(F::WorkUnit),
        false,
        "学校（含年级、班级）或工作单位",
    ));
    profile.push(choice(
        "full_time_education",
        label(F::FullTimeEducation),
        false,
        Education::labels(),
    ));
    profile.push(choice(
        "occupation",
        label(F::Occupation),
        false,
        Occupation::labels(),
    ));
    profile
}

/// The membership of a registration or a report.
fn membership_specs(kind: ApplicationKind) -> Vec<Spec> {
    use MemberField as F;
    vec![
        text(
            "join_month",
            label(F::JoinMonth),
            true,
            if kind == ApplicationKind::Register {
                REGISTER_JOIN_MONTH_HINT.as_str()
            } else {
                "如 2018-05"
            },
        )
        .kind("text", "off", 20),
        text("dev_number", label(F::DevNumber), false, &DEV_NUMBER_HINT).kind("text", "off", 20),
        text("card_number", label(F::CardNumber), false, "").kind("text", "off", 30),
    ]
}

/// The optional fields, folded.
fn more_specs(kind: ApplicationKind) -> Vec<Spec> {
    use MemberField as F;
    let mut more = vec![
        choice(
            "highest_education",
            label(F::HighestEducation),
            false,
            Education::labels(),
        ),
        text("email", label(F::Email), false, "").kind("email", "email", 100),
        text("qq", label(F::Qq), false, "").kind("text", "off", 12),
        text("wechat", label(F::Wechat), false, "").kind("text", "off", 20),
        text("household_place", label(F::HouseholdPlace), false, ""),
    ];
    if kind != ApplicationKind::Join {
        more.push(text("join_unit", label(F::JoinUnit), false, ""));
        more.push(Spec {
            options: vec![
                ("否".to_string(), "否".to_string()),
                ("是".to_string(), "是".to_string()),
            ],
            ..text("party_applied", label(F::PartyApplied), false, "")
        });
        more.push(
            text(
                "party_applied_month",
                label(F::PartyAppliedMonth),
                false,
                "如 2021-09",
            )
            .kind("text", "off", 20),
        );
        more.push(
            text(
                "party_join_month",
                label(F::PartyJoinMonth),
                false,
                "如 2023-06",
            )
            .kind("text", "off", 20),
        );
    }
    more
}

/// One value the applicant gave, for reading.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldValue {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

/// The values given, in form order, empty ones left out. `full_id` shows the ID number whole
/// (the applicant and the deciding admin); others see it masked.
pub fn field_values(app: &Application, full_id: bool) -> Vec<FieldValue> {
    use MemberField as F;
    let m = &app.details.member;
    let p = &m.profile;
    let id = if full_id {
        app.id_number.as_str().to_string()
    } else {
        app.id_number.masked()
    };
    let mut rows = vec![
        ("name", label(F::Name), app.person_name.clone()),
        ("id_number", label(F::IdNumber), id),
        ("sex", "性别", app.id_number.sex().label().to_string()),
        (
            "birth_date",
            "出生日期",
            app.id_number.birth_date().format("%Y-%m-%d").to_string(),
        ),
        ("ethnicity", label(F::Ethnicity), p.ethnicity.clone()),
    ];
    if app.kind != ApplicationKind::Join {
        rows.push((
            "political_status",
            label(F::PoliticalStatus),
            p.political_status.clone(),
        ));
    }
    rows.extend([
        ("phone", label(F::Phone), p.phone.clone()),
        ("work_unit", label(F::WorkUnit), p.work_unit.clone()),
        (
            "full_time_education",
            label(F::FullTimeEducation),
            p.full_time_education.clone(),
        ),
        (
            "highest_education",
            label(F::HighestEducation),
            p.highest_education.clone(),
        ),
        ("occupation", label(F::Occupation), p.occupation.clone()),
        ("email", label(F::Email), p.email.clone()),
        ("qq", label(F::Qq), p.qq.clone()),
        ("wechat", label(F::Wechat), p.wechat.clone()),
        (
            "household_place",
            label(F::HouseholdPlace),
            p.household_place.clone(),
        ),
    ]);
    rows.extend(cadre_values(app));
    rows.extend([
        ("home_org", "团籍所在地团组织", app.details.home_org.clone()),
        ("join_month", label(F::JoinMonth), m.join_month.clone()),
        ("dev_number", label(F::DevNumber), m.dev_number.clone()),
        ("card_number", label(F::CardNumber), m.card_number.clone()),
        ("join_unit", label(F::JoinUnit), m.join_unit.clone()),
        (
            "party_applied",
            label(F::PartyApplied),
            m.party_applied.clone(),
        ),
        (
            "party_applied_month",
            label(F::PartyAppliedMonth),
            m.party_applied_month.clone(),
        ),
        (
            "party_join_month",
            label(F::PartyJoinMonth),
            m.party_join_month.clone(),
        ),
        ("income", label(F::Income), m.income.clone()),
    ]);
    rows.into_iter()
        .filter(|(_, _, v)| !v.trim().is_empty())
        .map(|(key, label, value)| FieldValue {
            key,
            label,
            value: value.trim().to_string(),
        })
        .collect()
}

/// The post of a cadre who is not a member (团员团干部注册 with `register_as=cadre`): the
/// reviewer decides on it, so it is read with the rest; nothing for anyone else.
fn cadre_values(app: &Application) -> Vec<(&'static str, &'static str, String)> {
    use MemberField as F;
    let Some(c) = &app.details.cadre else {
        return vec![];
    };
    vec![
        ("register_as", "注册身份", "团干部（不是团员）".to_string()),
        ("post", label(F::Post), c.post.clone()),
        ("post_since", label(F::PostSince), c.post_since.clone()),
        (
            "cadre_nature",
            label(F::CadreNature),
            c.cadre_nature.clone(),
        ),
        (
            "party_committee",
            label(F::PartyCommittee),
            c.party_committee.clone(),
        ),
    ]
}

/// A step of the application's history, for reading.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub event: String,
    pub label: &'static str,
    pub at: String,
    pub by: Option<String>,
    pub comment: Option<String>,
}

pub fn history(app: &Application) -> Vec<StepView> {
    app.details
        .history
        .iter()
        .map(|s| StepView {
            event: s.event.code().to_string(),
            label: s.label(),
            at: fmt_time(s.at),
            by: s.by.clone(),
            comment: s.comment.clone(),
        })
        .collect()
}

/// One of the four 我要入团 stages, for the progress line.
pub struct StageView {
    pub code: &'static str,
    pub label: &'static str,
    pub done: bool,
    pub current: bool,
}

pub fn stages(app: &Application) -> Vec<StageView> {
    let Some(current) = app.stage else {
        return vec![];
    };
    JoinStage::ALL
        .iter()
        .map(|&s| StageView {
            code: s.code(),
            label: s.label(),
            done: s < current || (s == current && app.status == ApplicationStatus::Approved),
            current: s == current,
        })
        .collect()
}

/// A row of an application list.
pub struct Row {
    pub id: i64,
    pub kind_label: &'static str,
    pub status: &'static str,
    pub status_text: String,
    pub person_name: String,
    pub id_number_masked: String,
    pub org_full_name: String,
    pub submitted_at: String,
    pub updated_at: String,
}

impl Row {
    pub fn new(app: &Application) -> Self {
        Self {
            id: app.id,
            kind_label: app.kind.label(),
            status: app.status.code(),
            status_text: status_text(app.status, app.stage),
            person_name: app.person_name.clone(),
            id_number_masked: app.id_number.masked(),
            org_full_name: app.org_full_name.clone(),
            submitted_at: fmt_time(app.submitted_at),
            updated_at: fmt_time(app.updated_at),
        }
    }
}

/// The organisations offered when the typed name was not an exact full name.
pub fn suggestion_rows(error: Option<&ApplyError>) -> Vec<Suggestion> {
    error.map(|e| e.suggestions.clone()).unwrap_or_default()
}
