//! What a counter's stored value reads as: the domain's labels for codes, 未填写 for nothing,
//! and the code itself for a value no label knows (so an old code still shows and adds up).

use tuanjian_domain::enums::{
    CadreNature, Education, Ethnicity, MembershipStatus, Occupation, PoliticalStatus,
};
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::counters::Dim;

pub const NOT_FILLED: &str = "未填写";

/// The label of `val` in dimension `dim`.
pub fn label(dim: Dim, val: &str) -> String {
    if val.is_empty() {
        return NOT_FILLED.to_string();
    }
    let known: Option<&str> = match dim {
        Dim::Sex => match val {
            "m" => Some("男"),
            "f" => Some("女"),
            _ => None,
        },
        Dim::Ethnicity => Ethnicity::from_code(val).map(Ethnicity::label),
        Dim::Education => Education::from_code(val).map(Education::label),
        Dim::Occupation => Occupation::from_code(val).map(Occupation::label),
        Dim::Political => PoliticalStatus::from_code(val).map(PoliticalStatus::label),
        Dim::Status => MembershipStatus::from_code(val).map(MembershipStatus::label),
        Dim::CadreNature => CadreNature::from_code(val).map(CadreNature::label),
        Dim::OrgKind | Dim::NoAdmin => OrgKind::parse(val).ok().map(OrgKind::label),
        Dim::OrgLevel => OrgLevel::parse(val).ok().map(OrgLevel::label),
        Dim::DevNumber => match val {
            "1" => Some("有发展团员编号"),
            "0" => Some("无发展团员编号"),
            _ => None,
        },
        Dim::Faulty => match val {
            "1" => Some("信息不符合入团规则"),
            "0" => Some("信息无误"),
            _ => None,
        },
        Dim::OrgComplete => match val {
            "1" => Some("信息完整"),
            "0" => Some("信息不完整"),
            _ => None,
        },
        Dim::BranchSize => match val {
            "lt3" => Some("少于3名团员"),
            "mid" => Some("3至50名团员"),
            "gt50" => Some("超过50名团员"),
            _ => None,
        },
        Dim::JoinYear => return format!("{val}年"),
        _ => None,
    };
    known.map_or_else(|| val.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_labels() {
        assert_eq!(label(Dim::Sex, "f"), "女");
        assert_eq!(label(Dim::Ethnicity, "01"), "汉族");
        assert_eq!(label(Dim::OrgKind, "01TZB"), "团支部");
        assert_eq!(label(Dim::Status, "normal"), "正常");
        assert_eq!(label(Dim::CadreNature, "02"), "兼职");
        assert_eq!(label(Dim::JoinYear, "2019"), "2019年");
        assert_eq!(label(Dim::Education, ""), NOT_FILLED);
        // An unknown code is shown as it is rather than hidden.
        assert_eq!(label(Dim::Ethnicity, "zz"), "zz");
    }
}
