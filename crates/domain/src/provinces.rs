//! The provincial-level committees that `tuanjian init` creates under 团中央.

use crate::org_kind::OrgKind;

pub struct ProvincialCommittee {
    /// Two-digit GB/T 2260 prefix; `None` for the 系统团委, chosen by line of work.
    pub code: Option<&'static str>,
    pub short_name: &'static str,
    pub full_name: &'static str,
    pub kind: OrgKind,
    /// 新疆 (the autonomous region and the 兵团) applies age 13 in every year and
    /// requires development numbers from 2016.
    pub xinjiang: bool,
}

const fn p(
    code: &'static str,
    short_name: &'static str,
    full_name: &'static str,
) -> ProvincialCommittee {
    ProvincialCommittee {
        code: Some(code),
        short_name,
        full_name,
        kind: OrgKind::Committee,
        xinjiang: false,
    }
}

const fn system(
    short_name: &'static str,
    full_name: &'static str,
    kind: OrgKind,
) -> ProvincialCommittee {
    ProvincialCommittee {
        code: None,
        short_name,
        full_name,
        kind,
        xinjiang: false,
    }
}

pub const CENTRAL_SHORT_NAME: &str = "团中央";
pub const CENTRAL_FULL_NAME: &str = "中国共产主义青年团中央委员会";

pub const PROVINCIAL_COMMITTEES: &[ProvincialCommittee] = &[
    p("11", "团北京市委", "共青团北京市委员会"),
    p("12", "团天津市委", "共青团天津市委员会"),
    p("13", "团河北省委", "共青团河北省委员会"),
    p("14", "团山西省委", "共青团山西省委员会"),
    p("15", "团内蒙古区委", "共青团内蒙古自治区委员会"),
    p("21", "团辽宁省委", "共青团辽宁省委员会"),
    p("22", "团吉林省委", "共青团吉林省委员会"),
    p("23", "团黑龙江省委", "共青团黑龙江省委员会"),
    p("31", "团上海市委", "共青团上海市委员会"),
    p("32", "团江苏省委", "共青团江苏省委员会"),
    p("33", "团浙江省委", "共青团浙江省委员会"),
    p("34", "团安徽省委", "共青团安徽省委员会"),
    p("35", "团福建省委", "共青团福建省委员会"),
    p("36", "团江西省委", "共青团江西省委员会"),
    p("37", "团山东省委", "共青团山东省委员会"),
    p("41", "团河南省委", "共青团河南省委员会"),
    p("42", "团湖北省委", "共青团湖北省委员会"),
    p("43", "团湖南省委", "共青团湖南省委员会"),
    p("44", "团广东省委", "共青团广东省委员会"),
    p("45", "团广西区委", "共青团广西壮族自治区委员会"),
    p("46", "团海南省委", "共青团海南省委员会"),
    p("50", "团重庆市委", "共青团重庆市委员会"),
    p("51", "团四川省委", "共青团四川省委员会"),
    p("52", "团贵州省委", "共青团贵州省委员会"),
    p("53", "团云南省委", "共青团云南省委员会"),
    p("54", "团西藏区委", "共青团西藏自治区委员会"),
    p("61", "团陕西省委", "共青团陕西省委员会"),
    p("62", "团甘肃省委", "共青团甘肃省委员会"),
    p("63", "团青海省委", "共青团青海省委员会"),
    p("64", "团宁夏区委", "共青团宁夏回族自治区委员会"),
    ProvincialCommittee {
        code: Some("65"),
        short_name: "团新疆区委",
        full_name: "共青团新疆维吾尔自治区委员会",
        kind: OrgKind::Committee,
        xinjiang: true,
    },
    ProvincialCommittee {
        code: Some("66"),
        short_name: "兵团团委",
        full_name: "共青团新疆生产建设兵团委员会",
        kind: OrgKind::Committee,
        xinjiang: true,
    },
    system(
        "中央和国家机关团工委",
        "共青团中央和国家机关工作委员会",
        OrgKind::WorkCommittee,
    ),
    system(
        "中央企业团工委",
        "共青团中央企业工作委员会",
        OrgKind::WorkCommittee,
    ),
    system("全国铁道团委", "共青团全国铁道委员会", OrgKind::Committee),
    system(
        "中国民航团委",
        "共青团中国民用航空委员会",
        OrgKind::Committee,
    ),
    system(
        "中央金融团工委",
        "共青团中央金融工作委员会",
        OrgKind::WorkCommittee,
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn thirty_one_provinces_the_bingtuan_and_five_system_committees() {
        let all = super::PROVINCIAL_COMMITTEES;
        assert_eq!(all.len(), 37);
        assert_eq!(all.iter().filter(|p| p.xinjiang).count(), 2);
        assert_eq!(all.iter().filter(|p| p.code.is_none()).count(), 5);
        let mut names: Vec<_> = all.iter().map(|p| p.full_name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 37);
    }
}
