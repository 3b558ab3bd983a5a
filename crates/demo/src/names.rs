//! Names: how league bodies are called, word lists for schools, firms and departments, and
//! people's names from `fake`.

use fake::Fake;
use fake::faker::name::zh_cn::Name;
use fake::rand::SeedableRng;

/// Chinese numerals for ordinals up to 99 (第一中学, 第十二中学, 二十一班 …).
pub fn cn_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 if n.is_multiple_of(10) => format!("{}十", DIGITS[(n / 10) as usize]),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            DIGITS[(n % 10) as usize]
        ),
        _ => n.to_string(),
    }
}

/// Ethnic names that autonomous divisions carry; short names drop them (围场满族蒙古族自治县 → 围场县).
const ETHNIC: &[&str] = &[
    "满族",
    "蒙古",
    "回族",
    "达斡尔",
    "鄂伦春",
    "鄂温克",
    "朝鲜族",
    "畲族",
    "土家族",
    "苗族",
    "瑶族",
    "侗族",
    "壮族",
    "各族",
    "仫佬族",
    "毛南族",
    "黎族",
    "羌族",
    "彝族",
    "藏族",
    "仡佬族",
    "布依族",
    "水族",
    "哈尼族",
    "傣族",
    "纳西族",
    "拉祜族",
    "佤族",
    "独龙族",
    "白族",
    "傈僳族",
    "裕固族",
    "哈萨克",
    "东乡",
    "保安族",
    "土族",
    "撒拉族",
    "塔吉克",
    "锡伯",
    "柯尔克孜",
    "景颇族",
    "布朗族",
    "普米族",
    "怒族",
];

/// The everyday short form of a division name: autonomous names lose their ethnic part.
pub fn short_place(name: &str) -> String {
    let Some(pos) = name.find("自治") else {
        return name.to_string();
    };
    let kind = &name[pos + "自治".len()..]; // 县, 州, 旗
    let cut = ETHNIC
        .iter()
        .filter_map(|e| name.find(e))
        .min()
        .unwrap_or(pos);
    if cut > 0 {
        return format!("{}{kind}", &name[..cut]);
    }
    // The place is named after the people itself (鄂伦春自治旗, 东乡族自治县).
    let people = name[..pos].trim_end_matches('族');
    format!("{people}{kind}")
}

/// Short name of a leading body of a division: 团石家庄市委, 团阿克苏地委, 团昌吉州委, 团正定县委.
pub fn committee_short(place: &str) -> String {
    let short = short_place(place);
    match short.strip_suffix("地区") {
        Some(stem) => format!("团{stem}地委"),
        None => format!("团{short}委"),
    }
}

/// Full name of a committee: 共青团石家庄市委员会.
pub fn committee_full(place: &str) -> String {
    format!("共青团{place}委员会")
}

/// 共青团X总支部委员会 for a 团总支.
pub fn general_branch_full(place: &str) -> String {
    format!("共青团{place}总支部委员会")
}

/// 共青团X工作委员会 for a 团工委.
pub fn work_committee_full(place: &str) -> String {
    format!("共青团{place}工作委员会")
}

/// University templates after the province's short name (河北 → 河北大学, 河北师范大学 …).
pub const UNIVERSITIES: &[&str] = &[
    "大学",
    "师范大学",
    "理工大学",
    "农业大学",
    "医科大学",
    "财经大学",
    "科技学院",
    "工业职业技术学院",
    "交通职业技术学院",
    "城市职业学院",
];

/// Colleges of a university with the majors their classes study.
pub const COLLEGES: &[(&str, &[&str])] = &[
    (
        "计算机学院",
        &[
            "计算机科学与技术",
            "软件工程",
            "网络工程",
            "数据科学与大数据技术",
        ],
    ),
    (
        "机械工程学院",
        &["机械设计制造及其自动化", "车辆工程", "工业设计"],
    ),
    ("电气工程学院", &["电气工程及其自动化", "自动化"]),
    (
        "经济管理学院",
        &["会计学", "工商管理", "市场营销", "国际经济与贸易"],
    ),
    ("外国语学院", &["英语", "日语", "翻译"]),
    ("文学院", &["汉语言文学", "新闻学", "秘书学"]),
    ("数学与统计学院", &["数学与应用数学", "统计学"]),
    ("化学与材料学院", &["化学", "材料科学与工程"]),
    ("法学院", &["法学"]),
    ("土木工程学院", &["土木工程", "建筑学", "工程管理"]),
    ("医学院", &["临床医学", "护理学", "药学"]),
    ("艺术学院", &["美术学", "音乐学", "视觉传达设计"]),
    ("马克思主义学院", &["思想政治教育"]),
    ("体育学院", &["体育教育", "社会体育指导与管理"]),
    ("生命科学学院", &["生物科学", "生物技术"]),
    ("物理与电子工程学院", &["物理学", "电子信息工程"]),
];

/// Majors of a vocational school (职业技术教育中心).
pub const VOCATIONAL_MAJORS: &[&str] = &[
    "数控技术应用",
    "计算机应用",
    "电子商务",
    "会计事务",
    "汽车运用与维修",
    "学前教育",
    "护理",
    "旅游服务与管理",
];

/// Public enterprises and institutions found in most places, after the place name.
pub const LOCAL_ENTERPRISES: &[&str] = &[
    "城市建设投资集团有限公司",
    "交通投资发展集团有限公司",
    "农村商业银行股份有限公司",
    "供电公司",
    "自来水有限公司",
    "公共交通有限公司",
    "国有资本运营有限公司",
    "融媒体中心",
];

pub const HOSPITALS: &[&str] = &["人民医院", "中医医院", "妇幼保健院"];

pub const HOSPITAL_DEPARTMENTS: &[&str] = &[
    "内科",
    "外科",
    "妇产科",
    "儿科",
    "急诊科",
    "护理部",
    "医技科室",
    "药剂科",
    "门诊部",
    "行政后勤",
];

pub const DEPARTMENTS: &[&str] = &[
    "综合办公室",
    "人力资源部",
    "财务部",
    "市场营销部",
    "技术研发中心",
    "质量管理部",
    "安全环保部",
    "物资供应部",
    "生产一车间",
    "生产二车间",
    "生产三车间",
    "生产四车间",
    "物流中心",
    "客户服务中心",
];

/// Department `i` of a firm: the list first, then further workshops.
pub fn department(i: usize) -> String {
    match DEPARTMENTS.get(i) {
        Some(d) => (*d).to_string(),
        None => format!("生产{}车间", cn_number((i - DEPARTMENTS.len() + 5) as u32)),
    }
}

/// Brand and trade words for the private firms of an industrial park.
pub const BRANDS: &[&str] = &[
    "华兴", "恒达", "鑫源", "宏远", "天成", "金诚", "瑞丰", "永盛", "中科", "博远", "东方", "长城",
    "宏达", "盛世", "隆基", "新锐", "振华", "嘉禾", "汇通", "德润",
];
pub const TRADES: &[&str] = &[
    "机械制造",
    "电子科技",
    "食品",
    "纺织",
    "化工",
    "建材",
    "物流",
    "医药",
    "新材料",
    "汽车零部件",
    "农业科技",
    "信息技术",
    "包装印刷",
    "新能源",
    "环保科技",
];

/// The 系统团委 (by full name) and the grassroots bodies the demo gives each.
pub const SYSTEM_UNITS: &[(&str, &[&str])] = &[
    (
        "共青团中央和国家机关工作委员会",
        &["教育部机关", "科学技术部机关"],
    ),
    (
        "共青团中央企业工作委员会",
        &["中国石油天然气集团有限公司", "国家电网有限公司"],
    ),
    (
        "共青团全国铁道委员会",
        &["中国铁路北京局集团有限公司", "中国铁路上海局集团有限公司"],
    ),
    (
        "共青团中国民用航空委员会",
        &["中国国际航空股份有限公司", "中国东方航空股份有限公司"],
    ),
    (
        "共青团中央金融工作委员会",
        &["中国工商银行", "中国建设银行"],
    ),
];

/// People's names from `fake`'s Chinese locale. `fake` 5.1 is built on rand 0.10 while this crate
/// uses rand 0.9, so it gets its own generator, seeded from the demo's seeded generator.
pub struct PersonNames {
    rng: fake::rand::rngs::ChaCha8Rng,
}

impl PersonNames {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: fake::rand::rngs::ChaCha8Rng::seed_from_u64(seed),
        }
    }

    pub fn next_name(&mut self) -> String {
        Name().fake_with_rng(&mut self.rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        assert_eq!(cn_number(1), "一");
        assert_eq!(cn_number(10), "十");
        assert_eq!(cn_number(12), "十二");
        assert_eq!(cn_number(20), "二十");
        assert_eq!(cn_number(37), "三十七");
    }

    #[test]
    fn short_places() {
        assert_eq!(short_place("围场满族蒙古族自治县"), "围场县");
        assert_eq!(short_place("昌吉回族自治州"), "昌吉州");
        assert_eq!(short_place("鄂伦春自治旗"), "鄂伦春旗");
        assert_eq!(short_place("东乡族自治县"), "东乡县");
        assert_eq!(short_place("长阳土家族自治县"), "长阳县");
        assert_eq!(short_place("石家庄市"), "石家庄市");
        assert_eq!(committee_short("阿克苏地区"), "团阿克苏地委");
        assert_eq!(committee_short("兴安盟"), "团兴安盟委");
        assert_eq!(committee_short("长安区"), "团长安区委");
    }

    #[test]
    fn names_are_chinese_and_repeatable() {
        let mut a = PersonNames::new(7);
        let mut b = PersonNames::new(7);
        for _ in 0..20 {
            let name = a.next_name();
            assert_eq!(name, b.next_name());
            assert!((2..=4).contains(&name.chars().count()), "{name}");
        }
    }
}
