//! The fixed lists of member and cadre records (shared/domain.md, section 4): 民族, 政治面貌,
//! 学历, 职业, 职务, 团干部性质, 团籍状态. Each parses from its code or Chinese label, lists its
//! choices for Excel drop-downs, and refuses anything else with a Chinese message.

use std::fmt;

use crate::member_fault::{MemberFault, MemberFaultCode, MemberField, shorten};
use crate::org_kind::OrgKind;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceError {
    #[error("{field}为必填项，请填写")]
    Empty { field: &'static str },
    #[error("{field}“{value}”无法识别。{hint}")]
    Unknown {
        field: &'static str,
        value: String,
        hint: String,
    },
}

impl ChoiceError {
    pub fn code(&self) -> &'static str {
        match self {
            ChoiceError::Empty { .. } => "required_missing",
            ChoiceError::Unknown { .. } => "invalid_choice",
        }
    }

    /// As a member fault on `field`.
    pub fn into_fault(self, field: MemberField) -> MemberFault {
        let code = match self {
            ChoiceError::Empty { .. } => MemberFaultCode::RequiredMissing,
            ChoiceError::Unknown { .. } => MemberFaultCode::InvalidChoice,
        };
        MemberFault::new(code, Some(field), self.to_string())
    }
}

/// What the fixed lists share, for code that builds drop-downs or parses any of them.
pub trait Choice: Copy + Eq + fmt::Debug + 'static {
    /// The Chinese field name (列名).
    const FIELD: &'static str;
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    /// Other names people write for the same choice.
    fn aliases(self) -> &'static [&'static str];
    /// Where to find the valid values, for lists too long to print in a message.
    fn hint() -> Option<&'static str>;

    /// The labels in order, for an Excel drop-down or a form's `<select>`.
    fn labels() -> Vec<&'static str> {
        Self::all().iter().map(|c| c.label()).collect()
    }

    /// Code (case-insensitive; a numeric code may lose its leading zero, as Excel drops it)
    /// or label or alias, ignoring spaces and the width of brackets and digits.
    fn parse(input: &str) -> Result<Self, ChoiceError> {
        let wanted = normalize(input);
        if wanted.is_empty() {
            return Err(ChoiceError::Empty { field: Self::FIELD });
        }
        let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        Self::all()
            .iter()
            .copied()
            .find(|c| {
                c.code().eq_ignore_ascii_case(&wanted)
                    || (numeric(&wanted)
                        && numeric(c.code())
                        && c.code().trim_start_matches('0') == wanted.trim_start_matches('0'))
                    || normalize(c.label()) == wanted
                    || c.aliases().iter().any(|a| normalize(a) == wanted)
            })
            .ok_or_else(|| ChoiceError::Unknown {
                field: Self::FIELD,
                value: shorten(input),
                hint: Self::hint()
                    .map(str::to_string)
                    .unwrap_or_else(|| list_hint(Self::all())),
            })
    }
}

fn list_hint<C: Choice>(choices: &[C]) -> String {
    let labels: Vec<&str> = choices.iter().map(|c| c.label()).collect();
    format!(
        "可选：{}（可从导入模板的下拉列表中选择）",
        labels.join("、")
    )
}

/// Spaces dropped, ASCII brackets made full-width (labels use full-width ones), full-width
/// letters and digits made ASCII.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            other => other,
        })
        .collect()
}

macro_rules! choices {
    (
        $(#[$meta:meta])*
        $name:ident, field: $field:literal, hint: $hint:expr,
        { $( $(#[$vmeta:meta])* $variant:ident => $code:literal, $label:literal $(, $alias:literal)* ; )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(input: &str) -> Result<Self, ChoiceError> {
                <Self as Choice>::parse(input)
            }

            /// Exactly a stored code (no labels, no forgiveness): how the store decodes a row.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.code() == code)
            }

            pub fn labels() -> Vec<&'static str> {
                <Self as Choice>::labels()
            }
        }

        impl Choice for $name {
            const FIELD: &'static str = $field;

            fn all() -> &'static [Self] {
                Self::ALL
            }

            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn label(self) -> &'static str {
                $name::label(self)
            }

            fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($alias),*]),+ }
            }

            fn hint() -> Option<&'static str> {
                $hint
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        /// Serialised as its code.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

// Other modules of the crate declare their choices the same way (`review.rs`).
pub(crate) use choices;

choices! {
    /// 民族, GB 3304-1991 codes 01–56 in the standard's order, with 97 and 98 as most systems
    /// add them. The name without 族 is accepted too.
    Ethnicity, field: "民族",
    hint: Some("请填写民族全称（如“汉族”“蒙古族”）或 GB 3304 代码 01—56、97（其他）、98（外国血统中国籍人士）；完整列表见导入模板“民族”列的下拉选项"),
    {
        Han => "01", "汉族", "汉";
        Mongol => "02", "蒙古族", "蒙古";
        Hui => "03", "回族", "回";
        Tibetan => "04", "藏族", "藏";
        Uyghur => "05", "维吾尔族", "维吾尔";
        Miao => "06", "苗族", "苗";
        Yi => "07", "彝族", "彝";
        Zhuang => "08", "壮族", "壮";
        Bouyei => "09", "布依族", "布依";
        Korean => "10", "朝鲜族", "朝鲜";
        Manchu => "11", "满族", "满";
        Dong => "12", "侗族", "侗";
        Yao => "13", "瑶族", "瑶";
        Bai => "14", "白族", "白";
        Tujia => "15", "土家族", "土家";
        Hani => "16", "哈尼族", "哈尼";
        Kazakh => "17", "哈萨克族", "哈萨克";
        Dai => "18", "傣族", "傣";
        Li => "19", "黎族", "黎";
        Lisu => "20", "傈僳族", "傈僳";
        Va => "21", "佤族", "佤";
        She => "22", "畲族", "畲";
        Gaoshan => "23", "高山族", "高山";
        Lahu => "24", "拉祜族", "拉祜";
        Shui => "25", "水族", "水";
        Dongxiang => "26", "东乡族", "东乡";
        Naxi => "27", "纳西族", "纳西";
        Jingpo => "28", "景颇族", "景颇";
        Kirgiz => "29", "柯尔克孜族", "柯尔克孜";
        Tu => "30", "土族", "土";
        Daur => "31", "达斡尔族", "达斡尔";
        Mulao => "32", "仫佬族", "仫佬";
        Qiang => "33", "羌族", "羌";
        Blang => "34", "布朗族", "布朗";
        Salar => "35", "撒拉族", "撒拉";
        Maonan => "36", "毛南族", "毛南", "毛难族";
        Gelao => "37", "仡佬族", "仡佬";
        Xibe => "38", "锡伯族", "锡伯";
        Achang => "39", "阿昌族", "阿昌";
        Pumi => "40", "普米族", "普米";
        Tajik => "41", "塔吉克族", "塔吉克";
        Nu => "42", "怒族", "怒";
        Uzbek => "43", "乌孜别克族", "乌孜别克";
        Russian => "44", "俄罗斯族", "俄罗斯";
        Evenki => "45", "鄂温克族", "鄂温克";
        Deang => "46", "德昂族", "德昂";
        Bonan => "47", "保安族", "保安";
        Yugur => "48", "裕固族", "裕固";
        Gin => "49", "京族", "京";
        Tatar => "50", "塔塔尔族", "塔塔尔";
        Derung => "51", "独龙族", "独龙";
        Oroqen => "52", "鄂伦春族", "鄂伦春";
        Hezhen => "53", "赫哲族", "赫哲";
        Monba => "54", "门巴族", "门巴";
        Lhoba => "55", "珞巴族", "珞巴";
        Jino => "56", "基诺族", "基诺";
        Other => "97", "其他", "其他未识别民族", "未识别民族";
        ForeignOrigin => "98", "外国血统中国籍人士", "外国血统";
    }
}

choices! {
    /// 政治面貌, GB/T 4762-1984. Labels are the short forms the forms show; the standard's
    /// full names are accepted.
    PoliticalStatus, field: "政治面貌", hint: None,
    {
        CpcMember => "01", "中共党员", "中国共产党党员", "党员";
        CpcProbationary => "02", "中共预备党员", "中国共产党预备党员", "预备党员";
        LeagueMember => "03", "共青团员", "中国共产主义青年团团员", "团员";
        Rcckmt => "04", "民革会员", "中国国民党革命委员会会员", "民革党员";
        Cdl => "05", "民盟盟员", "中国民主同盟盟员";
        Cndca => "06", "民建会员", "中国民主建国会会员";
        Capd => "07", "民进会员", "中国民主促进会会员";
        Cpwdp => "08", "农工党党员", "中国农工民主党党员";
        Czgd => "09", "致公党党员", "中国致公党党员";
        Jiusan => "10", "九三学社社员";
        Tdsl => "11", "台盟盟员", "台湾民主自治同盟盟员";
        NonParty => "12", "无党派民主人士", "无党派人士";
        Masses => "13", "群众", "普通居民";
    }
}

choices! {
    /// 学历 for 全日制学历 and 最高学历: the GB/T 4658-2006 graduation codes, and 在读
    /// (currently studying) variants as the real forms offer them. The 在读 codes are this
    /// project's own (`ZD` + the level's code): the standard has none.
    Education, field: "学历",
    hint: Some("请填写如“大学本科”“研究生（硕士）”“普通高中”“初中在读”等；完整列表见导入模板“学历”列的下拉选项"),
    {
        Doctorate => "11", "研究生（博士）", "博士研究生", "博士研究生毕业", "博士";
        Master => "14", "研究生（硕士）", "硕士研究生", "硕士研究生毕业", "硕士";
        Bachelor => "21", "大学本科", "本科", "大学本科毕业";
        College => "31", "大学专科", "专科", "大专", "大学专科毕业";
        Vocational => "41", "中等职业教育", "中专", "中职", "技校", "职高";
        HighSchool => "61", "普通高中", "高中";
        JuniorHigh => "71", "初中";
        Primary => "81", "小学";
        Other => "90", "其他";
        DoctorateStudying => "ZD11", "研究生（博士）在读", "博士研究生在读", "博士在读";
        MasterStudying => "ZD14", "研究生（硕士）在读", "硕士研究生在读", "硕士在读";
        BachelorStudying => "ZD21", "大学本科在读", "本科在读";
        CollegeStudying => "ZD31", "大学专科在读", "专科在读", "大专在读";
        VocationalStudying => "ZD41", "中等职业教育在读", "中专在读", "中职在读", "职高在读";
        HighSchoolStudying => "ZD61", "普通高中在读", "高中在读";
        JuniorHighStudying => "ZD71", "初中在读";
        PrimaryStudying => "ZD81", "小学在读";
    }
}

impl Education {
    pub fn is_studying(self) -> bool {
        self.code().starts_with("ZD")
    }
}

choices! {
    /// 职业. The public sources give no national list for the league; this one follows the
    /// groups the league's statistics count, with project codes.
    Occupation, field: "职业", hint: None,
    {
        Student => "01", "学生", "在校学生";
        CivilServant => "02", "公务员", "党政机关工作人员", "机关工作人员";
        PublicInstitution => "03", "事业单位人员", "事业单位工作人员";
        Enterprise => "04", "企业人员", "企业职工", "企业员工";
        SocialOrganisation => "05", "社会组织人员", "社会组织工作人员";
        Farmer => "06", "农民", "农牧渔民";
        MigrantWorker => "07", "进城务工人员", "进城务工青年", "农民工";
        Freelancer => "08", "自由职业者", "自由职业";
        SelfEmployed => "09", "个体工商户", "个体经营者";
        Soldier => "10", "现役军人", "军人";
        Unemployed => "11", "待业人员", "无业人员", "失业人员";
        Other => "99", "其他";
    }
}

choices! {
    /// 团内现任职务. Branches and committees offer different lists (`Post::for_kind`).
    /// Stored by label (the existing data stores 书记 as `书记`).
    Post, field: "团内现任职务", hint: None,
    {
        Secretary => "01", "书记";
        DeputySecretary => "02", "副书记";
        OrganisationMember => "03", "组织委员";
        PublicityMember => "04", "宣传委员";
        CultureSportsMember => "05", "文体委员";
        ProductionMember => "06", "生产委员";
        RightsMember => "07", "权益委员";
        VolunteerMember => "08", "志愿委员";
        StandingMember => "09", "常委", "常务委员";
        CommitteeMember => "10", "委员";
        AlternateMember => "11", "候补委员";
        Staff => "12", "工作人员";
        Other => "99", "其他";
    }
}

const BRANCH_POSTS: &[Post] = &[
    Post::Secretary,
    Post::DeputySecretary,
    Post::OrganisationMember,
    Post::PublicityMember,
    Post::CultureSportsMember,
    Post::ProductionMember,
    Post::RightsMember,
    Post::VolunteerMember,
    Post::Other,
];

const COMMITTEE_POSTS: &[Post] = &[
    Post::Secretary,
    Post::DeputySecretary,
    Post::StandingMember,
    Post::CommitteeMember,
    Post::AlternateMember,
    Post::Staff,
];

impl Post {
    /// The posts an organisation of `kind` has: a 团支部 (and 毕业班团支部) its branch
    /// committee; 团委, 团工委 and 团总支 a committee.
    pub fn for_kind(kind: OrgKind) -> &'static [Post] {
        if kind.is_branch() {
            BRANCH_POSTS
        } else {
            COMMITTEE_POSTS
        }
    }

    /// As `parse`, refusing a post the organisation does not have.
    pub fn parse_for(input: &str, kind: OrgKind) -> Result<Post, ChoiceError> {
        let allowed = Self::for_kind(kind);
        let post = Self::parse(input);
        match post {
            Ok(p) if allowed.contains(&p) => Ok(p),
            Err(ChoiceError::Empty { .. }) => post,
            _ => Err(ChoiceError::Unknown {
                field: <Post as Choice>::FIELD,
                value: shorten(input),
                hint: format!(
                    "{}的职务可选：{}",
                    kind.label(),
                    allowed
                        .iter()
                        .map(|p| p.label())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            }),
        }
    }
}

choices! {
    /// 团干部性质.
    CadreNature, field: "团干部性质", hint: None,
    {
        FullTime => "01", "专职";
        PartTime => "02", "兼职";
        Seconded => "03", "挂职";
    }
}

choices! {
    /// 团籍状态. Codes are the values of `members.status` (`normal` is the default there). Which
    /// way out waits for the superior's approval (`*_pending`) is decided in `leaving::Way`:
    /// 自行脱团 and 开除团籍 do; 超龄离团 and 退团 take effect on the branch's decision, so their
    /// pending states are not set by this system.
    MembershipStatus, field: "团籍状态", hint: None,
    {
        Normal => "normal", "正常";
        AgedOutPending => "aged_out_pending", "满28周岁离团（待审核）";
        AgedOut => "aged_out", "满28周岁离团", "超龄离团";
        LapsedPending => "lapsed_pending", "自行脱团（待审核）";
        Lapsed => "lapsed", "自行脱团";
        WithdrawnPending => "withdrawn_pending", "自愿退团（待审核）";
        Withdrawn => "withdrawn", "自愿退团";
        ExpelledPending => "expelled_pending", "开除团籍（待审核）";
        Expelled => "expelled", "开除团籍";
        TransferredOut => "transferred_out", "已转出本系统（北京、广东、福建）";
    }
}

impl MembershipStatus {
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            MembershipStatus::AgedOutPending
                | MembershipStatus::LapsedPending
                | MembershipStatus::WithdrawnPending
                | MembershipStatus::ExpelledPending
        )
    }

    /// Still a member: normal, or a way out not yet approved.
    pub fn is_member(self) -> bool {
        self == MembershipStatus::Normal || self.is_pending()
    }

    /// The state a pending one becomes on approval; itself otherwise.
    pub fn approved(self) -> MembershipStatus {
        match self {
            MembershipStatus::AgedOutPending => MembershipStatus::AgedOut,
            MembershipStatus::LapsedPending => MembershipStatus::Lapsed,
            MembershipStatus::WithdrawnPending => MembershipStatus::Withdrawn,
            MembershipStatus::ExpelledPending => MembershipStatus::Expelled,
            other => other,
        }
    }

    /// The pending state that asks for `self` (a final way out); `None` for `Normal` and for
    /// states already pending.
    pub fn pending(self) -> Option<MembershipStatus> {
        MembershipStatus::ALL
            .iter()
            .copied()
            .find(|p| p.is_pending() && p.approved() == self && *p != self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn unique<C: Choice>() {
        let codes: HashSet<_> = C::all().iter().map(|c| c.code()).collect();
        let labels: HashSet<_> = C::all().iter().map(|c| c.label()).collect();
        assert_eq!(codes.len(), C::all().len(), "{}", C::FIELD);
        assert_eq!(labels.len(), C::all().len(), "{}", C::FIELD);
        // No alias may name another choice.
        let mut names = HashSet::new();
        for c in C::all() {
            for name in std::iter::once(c.label()).chain(c.aliases().iter().copied()) {
                assert!(names.insert(normalize(name)), "{}: {name}", C::FIELD);
            }
        }
        for c in C::all() {
            assert_eq!(C::parse(c.code()), Ok(*c));
            assert_eq!(C::parse(c.label()), Ok(*c));
            assert_eq!(C::parse(&format!("  {} ", c.label())), Ok(*c));
            for a in c.aliases() {
                assert_eq!(C::parse(a), Ok(*c), "{a}");
            }
        }
        assert_eq!(C::labels().len(), C::all().len());
        let e = C::parse("不存在的选项").unwrap_err();
        assert_eq!(e.code(), "invalid_choice");
        assert!(e.to_string().contains(C::FIELD));
        assert!(e.to_string().contains("不存在的选项"));
        assert!(e.to_string().contains("下拉"), "{e}");
        assert_eq!(C::parse(" ").unwrap_err().code(), "required_missing");
    }

    #[test]
    fn every_list_parses_its_codes_labels_and_aliases() {
        unique::<Ethnicity>();
        unique::<PoliticalStatus>();
        unique::<Education>();
        unique::<Occupation>();
        unique::<Post>();
        unique::<CadreNature>();
        unique::<MembershipStatus>();
    }

    #[test]
    fn ethnicity_follows_gb_3304() {
        assert_eq!(Ethnicity::ALL.len(), 58);
        for (i, e) in Ethnicity::ALL[..56].iter().enumerate() {
            assert_eq!(e.code(), format!("{:02}", i + 1));
            assert!(e.label().ends_with('族'));
        }
        assert_eq!(Ethnicity::parse("01"), Ok(Ethnicity::Han));
        // Excel drops the leading zero of a number cell.
        assert_eq!(Ethnicity::parse("1"), Ok(Ethnicity::Han));
        assert_eq!(Ethnicity::parse("汉"), Ok(Ethnicity::Han));
        assert_eq!(Ethnicity::parse("56"), Ok(Ethnicity::Jino));
        assert_eq!(Ethnicity::parse("维吾尔族"), Ok(Ethnicity::Uyghur));
        assert_eq!(Ethnicity::parse("土"), Ok(Ethnicity::Tu));
        assert_eq!(Ethnicity::parse("土家族"), Ok(Ethnicity::Tujia));
        assert_eq!(Ethnicity::parse("97"), Ok(Ethnicity::Other));
        assert_eq!(Ethnicity::parse("98"), Ok(Ethnicity::ForeignOrigin));
        assert_eq!(Ethnicity::parse("０１"), Ok(Ethnicity::Han));
        for bad in ["57", "00", "0", "99", "汉人"] {
            let e = Ethnicity::parse(bad).unwrap_err();
            assert!(e.to_string().contains("GB 3304"), "{bad}: {e}");
        }
    }

    #[test]
    fn political_status_follows_gb_t_4762() {
        assert_eq!(PoliticalStatus::ALL.len(), 13);
        for (i, p) in PoliticalStatus::ALL.iter().enumerate() {
            assert_eq!(p.code(), format!("{:02}", i + 1));
        }
        assert_eq!(
            PoliticalStatus::parse("03"),
            Ok(PoliticalStatus::LeagueMember)
        );
        assert_eq!(
            PoliticalStatus::parse("中国共产主义青年团团员"),
            Ok(PoliticalStatus::LeagueMember)
        );
        assert_eq!(PoliticalStatus::parse("13"), Ok(PoliticalStatus::Masses));
        assert_eq!(
            PoliticalStatus::parse("无党派人士"),
            Ok(PoliticalStatus::NonParty)
        );
        // Short list: the message names every choice.
        let e = PoliticalStatus::parse("少先队员").unwrap_err().to_string();
        assert!(e.contains("中共党员") && e.contains("群众"), "{e}");
    }

    #[test]
    fn education_accepts_either_bracket_width() {
        assert_eq!(Education::parse("研究生(博士)"), Ok(Education::Doctorate));
        assert_eq!(Education::parse("研究生（硕士）"), Ok(Education::Master));
        assert_eq!(
            Education::parse("研究生 (硕士) 在读"),
            Ok(Education::MasterStudying)
        );
        assert_eq!(
            Education::parse("高中在读"),
            Ok(Education::HighSchoolStudying)
        );
        assert_eq!(Education::parse("zd71"), Ok(Education::JuniorHighStudying));
        assert!(Education::JuniorHighStudying.is_studying());
        assert!(!Education::JuniorHigh.is_studying());
        let labels = Education::labels();
        assert_eq!(
            &labels[..9],
            [
                "研究生（博士）",
                "研究生（硕士）",
                "大学本科",
                "大学专科",
                "中等职业教育",
                "普通高中",
                "初中",
                "小学",
                "其他"
            ]
        );
        // Every level has its 在读 variant.
        for level in &Education::ALL[..8] {
            let studying = format!("ZD{}", level.code());
            assert!(Education::parse(&studying).unwrap().is_studying());
        }
    }

    #[test]
    fn occupations() {
        for label in [
            "学生",
            "公务员",
            "事业单位人员",
            "企业人员",
            "农民",
            "进城务工人员",
            "自由职业者",
            "现役军人",
            "其他",
        ] {
            assert_eq!(Occupation::parse(label).unwrap().label(), label);
        }
    }

    #[test]
    fn posts_by_kind_of_organisation() {
        let branch: Vec<_> = Post::for_kind(OrgKind::Branch)
            .iter()
            .map(|p| p.label())
            .collect();
        assert_eq!(
            branch,
            [
                "书记",
                "副书记",
                "组织委员",
                "宣传委员",
                "文体委员",
                "生产委员",
                "权益委员",
                "志愿委员",
                "其他"
            ]
        );
        let committee: Vec<_> = Post::for_kind(OrgKind::Committee)
            .iter()
            .map(|p| p.label())
            .collect();
        assert_eq!(
            committee,
            ["书记", "副书记", "常委", "委员", "候补委员", "工作人员"]
        );
        assert_eq!(
            Post::for_kind(OrgKind::GraduatingBranch),
            Post::for_kind(OrgKind::Branch)
        );
        assert_eq!(
            Post::for_kind(OrgKind::GeneralBranch),
            Post::for_kind(OrgKind::Committee)
        );
        assert_eq!(
            Post::parse_for("书记", OrgKind::Branch),
            Ok(Post::Secretary)
        );
        assert_eq!(
            Post::parse_for("常委", OrgKind::WorkCommittee),
            Ok(Post::StandingMember)
        );
        let e = Post::parse_for("常委", OrgKind::Branch).unwrap_err();
        assert_eq!(e.code(), "invalid_choice");
        assert!(e.to_string().contains("团支部的职务可选"), "{e}");
        let e = Post::parse_for("宣传委员", OrgKind::Committee).unwrap_err();
        assert!(e.to_string().contains("工作人员"), "{e}");
        assert_eq!(
            Post::parse_for("", OrgKind::Branch).unwrap_err().code(),
            "required_missing"
        );
    }

    #[test]
    fn cadre_nature() {
        assert_eq!(CadreNature::labels(), ["专职", "兼职", "挂职"]);
        assert_eq!(CadreNature::parse("挂职"), Ok(CadreNature::Seconded));
    }

    #[test]
    fn stored_codes_round_trip_exactly() {
        fn each<C: Choice>(from_code: fn(&str) -> Option<C>) {
            for c in C::all() {
                assert_eq!(from_code(c.code()), Some(*c));
                assert_eq!(from_code(c.label()), None, "{}", c.label());
            }
        }
        each(Ethnicity::from_code);
        each(PoliticalStatus::from_code);
        each(Education::from_code);
        each(Occupation::from_code);
        each(Post::from_code);
        each(CadreNature::from_code);
        each(MembershipStatus::from_code);
        assert_eq!(Ethnicity::from_code("1"), None, "only the stored form");
    }

    #[test]
    fn membership_states_and_their_approvals() {
        assert_eq!(
            MembershipStatus::parse("normal"),
            Ok(MembershipStatus::Normal)
        );
        assert_eq!(MembershipStatus::Normal.code(), "normal");
        assert_eq!(
            MembershipStatus::parse("满28周岁离团(待审核)"),
            Ok(MembershipStatus::AgedOutPending)
        );
        let finals = [
            MembershipStatus::AgedOut,
            MembershipStatus::Lapsed,
            MembershipStatus::Withdrawn,
            MembershipStatus::Expelled,
        ];
        for f in finals {
            let p = f.pending().unwrap();
            assert!(p.is_pending() && p.is_member());
            assert_eq!(p.approved(), f);
            assert!(!f.is_member() && !f.is_pending());
            assert!(p.label().ends_with("（待审核）") && p.label().starts_with(f.label()));
        }
        assert!(MembershipStatus::Normal.is_member());
        assert_eq!(MembershipStatus::Normal.pending(), None);
        assert_eq!(MembershipStatus::LapsedPending.pending(), None);
        assert_eq!(
            MembershipStatus::Normal.approved(),
            MembershipStatus::Normal
        );
    }

    #[test]
    fn choice_errors_become_member_faults() {
        let f = Ethnicity::parse("火星族")
            .unwrap_err()
            .into_fault(MemberField::Ethnicity);
        assert_eq!(f.code(), "invalid_choice");
        assert_eq!(f.field, Some(MemberField::Ethnicity));
        let f = Ethnicity::parse("")
            .unwrap_err()
            .into_fault(MemberField::Ethnicity);
        assert_eq!(f.code(), "required_missing");
        assert_eq!(f.message, "民族为必填项，请填写");
    }
}
