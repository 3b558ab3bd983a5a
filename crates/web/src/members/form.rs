//! The member and cadre forms as data: sections of fields, each with its value, its choices
//! (every fixed list is a `<select>`) and the fault found in it, so one template draws the
//! entry form, the edit form and the cadre form alike.

use std::sync::LazyLock;

use tuanjian_domain::dev_number::{DEV_NUMBER_LEN, NUMBERED_FROM, XINJIANG_NUMBERED_FROM};
use tuanjian_domain::join_age;
use tuanjian_domain::member_record::{CadreInput, MemberInput, ProfileInput};
use tuanjian_domain::{
    CadreNature, Education, Ethnicity, MemberFaultCode, Occupation, PoliticalStatus, Post,
};

use tuanjian_app::members::FaultItem;

pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    /// Empty for a text input.
    pub options: Vec<&'static str>,
    /// A select offers an empty first choice.
    pub blank: bool,
    pub required: bool,
    pub readonly: bool,
    pub hint: &'static str,
    pub error: Option<String>,
    /// The phone keyboard to offer (`numeric`, `email` …); empty for the default.
    pub inputmode: &'static str,
    pub placeholder: &'static str,
    /// Checked by `/api/v1/checks/member-field` when the user leaves it (a script; saving
    /// checks everything anyway).
    pub check: bool,
    /// Extra classes of the input (`id-input` for an 18-character ID number).
    pub class: &'static str,
    /// A value the form proposes (the next free 发展团员编号), shown under the field.
    pub suggestion: Option<Suggestion>,
}

/// A proposed value with what it is, and where the form's script asks again when the fields
/// it depends on change.
pub struct Suggestion {
    pub value: Option<String>,
    pub message: String,
    pub url: String,
}

/// Puts `suggestion` under the field `key`.
pub fn suggest(sections: &mut [Section], key: &str, suggestion: Suggestion) {
    if let Some(f) = sections
        .iter_mut()
        .flat_map(|s| s.fields.iter_mut())
        .find(|f| f.key == key)
    {
        f.suggestion = Some(suggestion);
    }
}

pub struct Section {
    pub title: &'static str,
    pub fields: Vec<FieldView>,
}

/// Faults by field; those for no field on the form are shown above it.
pub struct Faults {
    items: Vec<FaultItem>,
}

impl Faults {
    pub fn none() -> Self {
        Self { items: Vec::new() }
    }

    pub fn new(items: Vec<FaultItem>) -> Self {
        Self { items }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The messages for one field, joined.
    pub fn get(&self, key: &str) -> Option<String> {
        let msgs: Vec<&str> = self
            .items
            .iter()
            .filter(|f| f.field.as_deref() == Some(key))
            .map(|f| f.message.as_str())
            .collect();
        (!msgs.is_empty()).then(|| msgs.join("；"))
    }

    /// Messages for fields not in `sections` (or for none).
    pub fn general(&self, sections: &[Section]) -> Vec<String> {
        let on_form = |k: &str| {
            sections
                .iter()
                .flat_map(|s| &s.fields)
                .any(|f| f.key == k && !f.readonly)
        };
        self.items
            .iter()
            .filter(|f| f.field.as_deref().is_none_or(|k| !on_form(k)))
            .map(|f| f.message.clone())
            .collect()
    }
}

/// (key, label) of each field with a fault, in form order: the summary above the form links
/// to them, since on a phone the faults may be several screens down.
pub fn faulty_fields(sections: &[Section]) -> Vec<(&'static str, &'static str)> {
    sections
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| f.error.is_some() && !f.readonly)
        .map(|f| (f.key, f.label))
        .collect()
}

impl FieldView {
    /// A text field with nothing but its value and fault; the phone keyboard and the check on
    /// leaving follow from the key (phone and QQ digits, e-mail), as on the admin's forms.
    pub fn plain(
        key: &'static str,
        label: &'static str,
        value: String,
        error: Option<String>,
    ) -> Self {
        let inputmode = match key {
            "phone" | "qq" => "numeric",
            "email" => "email",
            _ => "",
        };
        Self {
            key,
            label,
            value,
            options: Vec::new(),
            blank: true,
            required: false,
            readonly: false,
            hint: "",
            error,
            inputmode,
            placeholder: "",
            check: tuanjian_domain::field_check::checked_field(key).is_some(),
            class: "",
            suggestion: None,
        }
    }
}

struct Builder<'a> {
    faults: &'a Faults,
}

impl Builder<'_> {
    fn text(&self, key: &'static str, label: &'static str, value: &str) -> FieldView {
        FieldView {
            inputmode: "",
            ..FieldView::plain(key, label, value.to_string(), self.faults.get(key))
        }
    }

    fn select(
        &self,
        key: &'static str,
        label: &'static str,
        value: &str,
        options: Vec<&'static str>,
    ) -> FieldView {
        FieldView {
            options,
            ..self.text(key, label, value)
        }
    }
}

impl FieldView {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    fn no_blank(mut self) -> Self {
        self.blank = false;
        self
    }

    fn mode(mut self, inputmode: &'static str) -> Self {
        self.inputmode = inputmode;
        self
    }

    /// Digits only on a phone's keyboard (phone, QQ, 发展团员编号).
    fn numeric(mut self) -> Self {
        self.inputmode = "numeric";
        self
    }

    /// A month typed in any form `JoinMonth` reads; the digits-only form 201905 is what a
    /// phone's number pad can type.
    fn month(mut self) -> Self {
        self.inputmode = "numeric";
        self.placeholder = "如 2019-05 或 201905";
        self
    }
}

/// A stored code or typed value shown as the label its select offers.
fn shown<T: Copy>(
    value: &str,
    parse: fn(&str) -> Result<T, tuanjian_domain::ChoiceError>,
    label: fn(T) -> &'static str,
) -> String {
    parse(value)
        .map(|v| label(v).to_string())
        .unwrap_or_else(|_| value.to_string())
}

fn yes_no(value: &str) -> String {
    match tuanjian_domain::member_record::parse_yes_no(value) {
        Some(true) => "是".into(),
        Some(false) => "否".into(),
        None => value.to_string(),
    }
}

fn identity(b: &Builder, p: &ProfileInput, readonly: bool) -> Section {
    let mut name = b
        .text("name", "姓名", &p.name)
        .required()
        .hint(if readonly {
            "姓名和身份证号码不能由组织管理员修改；如有错误，请点“申请更正”报省级团委审核"
        } else {
            ""
        });
    let mut id = b
        .text("id_number", "身份证号码", &p.id_number)
        .required()
        .hint(if readonly {
            ""
        } else {
            "18位；账号即身份证号码，初始密码为身份证号码后8位。性别和出生日期由身份证号码自动得出"
        });
    name.readonly = readonly;
    id.readonly = readonly;
    // Not `numeric`: one ID in eleven ends in X, which a phone's number pad cannot type.
    id.class = "id-input";
    id.placeholder = "18位身份证号码";
    Section {
        title: "基本信息",
        fields: vec![name, id],
    }
}

fn personal(b: &Builder, p: &ProfileInput) -> Section {
    Section {
        title: "个人信息",
        fields: vec![
            b.select(
                "ethnicity",
                "民族",
                &shown(&p.ethnicity, Ethnicity::parse, Ethnicity::label),
                Ethnicity::labels(),
            )
            .required(),
            b.select(
                "political_status",
                "政治面貌",
                &shown(
                    &p.political_status,
                    PoliticalStatus::parse,
                    PoliticalStatus::label,
                ),
                PoliticalStatus::labels(),
            )
            .required(),
            b.text("phone", "手机号码", &p.phone)
                .hint("11位手机号码")
                .numeric(),
            b.text("email", "电子邮箱", &p.email).mode("email"),
            b.text("qq", "QQ号", &p.qq).numeric(),
            b.text("wechat", "微信号", &p.wechat),
            b.select(
                "full_time_education",
                "全日制学历",
                &shown(&p.full_time_education, Education::parse, Education::label),
                Education::labels(),
            ),
            b.select(
                "highest_education",
                "最高学历",
                &shown(&p.highest_education, Education::parse, Education::label),
                Education::labels(),
            ),
            b.select(
                "occupation",
                "职业",
                &shown(&p.occupation, Occupation::parse, Occupation::label),
                Occupation::labels(),
            ),
            b.text("work_unit", "学习工作单位", &p.work_unit),
            b.text("household_place", "户籍所在地", &p.household_place),
        ],
    }
}

/// Hints built once from the rules' numbers (`join_age`, `dev_number`).
static JOIN_MONTH_HINT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "如 2019-05、2019/5、2019年5月 或 201905；{}",
        join_age::short_rule()
    )
});
static DEV_NUMBER_HINT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{DEV_NUMBER_LEN}位数字，前4位为入团年份，须在本团支部的号段内；{NUMBERED_FROM}年1月1日及以后入团的必填（新疆{XINJIANG_NUMBERED_FROM}年起）"
    )
});

/// The member form; `edit` shows name and ID number read-only.
pub fn member_sections(m: &MemberInput, faults: &Faults, edit: bool) -> Vec<Section> {
    let b = Builder { faults };
    vec![
        identity(&b, &m.profile, edit),
        Section {
            title: "团籍信息",
            fields: vec![
                b.text("join_month", "入团年月", &m.join_month)
                    .required()
                    .hint(&JOIN_MONTH_HINT)
                    .month(),
                b.text("dev_number", "发展团员编号", &m.dev_number)
                    .hint(&DEV_NUMBER_HINT)
                    .numeric(),
                b.text("join_unit", "入团时所在单位", &m.join_unit),
                b.select(
                    "party_applied",
                    "是否递交入党申请书",
                    &yes_no(&m.party_applied),
                    vec!["否", "是"],
                )
                .no_blank(),
                b.text(
                    "party_applied_month",
                    "递交入党申请书年月",
                    &m.party_applied_month,
                )
                .month(),
                b.text("party_join_month", "入党年月", &m.party_join_month)
                    .month(),
                b.text("income", "收入", &m.income)
                    .hint("用于计算团费，可不填")
                    .mode("decimal"),
                b.text("card_number", "团员证编号", &m.card_number),
            ],
        },
        personal(&b, &m.profile),
    ]
}

/// The cadre form for an organisation whose posts are `posts`.
pub fn cadre_sections(c: &CadreInput, posts: &[Post], faults: &Faults) -> Vec<Section> {
    let b = Builder { faults };
    vec![
        identity(&b, &c.profile, false),
        Section {
            title: "任职信息",
            fields: vec![
                b.select(
                    "post",
                    "团内现任职务",
                    &shown(&c.post, Post::parse, Post::label),
                    posts.iter().map(|p| p.label()).collect(),
                )
                .required(),
                b.text("post_since", "任现职年月", &c.post_since)
                    .hint("如 2023-09、2023/9、2023年9月")
                    .month(),
                b.select(
                    "cadre_nature",
                    "团干部性质",
                    &shown(&c.cadre_nature, CadreNature::parse, CadreNature::label),
                    CadreNature::labels(),
                )
                .required(),
                b.select(
                    "party_committee",
                    "是否同级党委（支部）成员",
                    &yes_no(&c.party_committee),
                    vec!["否", "是"],
                )
                .no_blank(),
            ],
        },
        personal(&b, &c.profile),
    ]
}

/// The Chinese message of a stored `entry_fault` code.
pub fn fault_message(code: &str) -> String {
    MemberFaultCode::ALL
        .iter()
        .find(|c| c.code() == code)
        .map(|c| c.message().to_string())
        .unwrap_or_else(|| format!("记录不符合录入规则（{code}），请打开记录核对后保存"))
}
