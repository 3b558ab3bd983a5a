//! Organisation kinds (组织类别) and levels, and which may stand under which.

use crate::error_code::ErrorCode;
use serde::Serialize;

/// 组织类别 with the codes the real system uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum OrgKind {
    /// 01TZB 团支部
    Branch,
    /// 02TZZ 团总支
    GeneralBranch,
    /// 03TW 团委
    Committee,
    /// 04TGW 团工委
    WorkCommittee,
    /// 06BYBTZB 毕业班团支部
    GraduatingBranch,
}

impl OrgKind {
    pub const ALL: [OrgKind; 5] = [
        OrgKind::Committee,
        OrgKind::WorkCommittee,
        OrgKind::GeneralBranch,
        OrgKind::Branch,
        OrgKind::GraduatingBranch,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Branch => "01TZB",
            OrgKind::GeneralBranch => "02TZZ",
            OrgKind::Committee => "03TW",
            OrgKind::WorkCommittee => "04TGW",
            OrgKind::GraduatingBranch => "06BYBTZB",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Branch => "团支部",
            OrgKind::GeneralBranch => "团总支",
            OrgKind::Committee => "团委",
            OrgKind::WorkCommittee => "团工委",
            OrgKind::GraduatingBranch => "毕业班团支部",
        }
    }

    /// Accepts the code (03TW) or the Chinese label (团委), as admins type either in sheets.
    pub fn parse(s: &str) -> Result<Self, OrgRuleError> {
        let s = s.trim();
        OrgKind::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(s) || k.label() == s)
            .ok_or_else(|| OrgRuleError::UnknownKind(s.to_string()))
    }

    /// Only branches hold members (团员).
    pub fn is_branch(self) -> bool {
        matches!(self, OrgKind::Branch | OrgKind::GraduatingBranch)
    }
}

/// Where an organisation stands in the hierarchy. The first four are 团的领导机关.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum OrgLevel {
    Central,
    Provincial,
    Municipal,
    County,
    Grassroots,
}

impl OrgLevel {
    pub const ALL: [OrgLevel; 5] = [
        OrgLevel::Central,
        OrgLevel::Provincial,
        OrgLevel::Municipal,
        OrgLevel::County,
        OrgLevel::Grassroots,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgLevel::Central => "central",
            OrgLevel::Provincial => "provincial",
            OrgLevel::Municipal => "municipal",
            OrgLevel::County => "county",
            OrgLevel::Grassroots => "grassroots",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgLevel::Central => "团中央",
            OrgLevel::Provincial => "省级团委",
            OrgLevel::Municipal => "市级团委",
            OrgLevel::County => "县级团委",
            OrgLevel::Grassroots => "基层团组织",
        }
    }

    pub fn parse(s: &str) -> Result<Self, OrgRuleError> {
        OrgLevel::ALL
            .into_iter()
            .find(|l| l.code() == s || l.label() == s)
            .ok_or_else(|| OrgRuleError::UnknownLevel(s.to_string()))
    }

    pub fn is_leading_body(self) -> bool {
        self != OrgLevel::Grassroots
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgRuleError {
    #[error(
        "组织类别“{0}”不存在，可选：团委、团工委、团总支、团支部、毕业班团支部（或代码 03TW、04TGW、02TZZ、01TZB、06BYBTZB）"
    )]
    UnknownKind(String),
    #[error("组织层级“{0}”不存在")]
    UnknownLevel(String),
    #[error("{parent}下不能建立{child}：{why}")]
    NotAllowedUnder {
        parent: String,
        child: String,
        why: &'static str,
    },
}

impl OrgRuleError {
    pub fn code(&self) -> ErrorCode {
        match self {
            OrgRuleError::UnknownKind(_) | OrgRuleError::UnknownLevel(_) => {
                ErrorCode::OrgKindInvalid
            }
            OrgRuleError::NotAllowedUnder { .. } => ErrorCode::OrgKindNotAllowed,
        }
    }
}

/// The kind and level of an organisation together; the unit the placement rules speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OrgClass {
    pub level: OrgLevel,
    pub kind: OrgKind,
}

impl OrgClass {
    pub fn label(self) -> String {
        if self.level.is_leading_body() {
            self.level.label().to_string()
        } else {
            self.kind.label().to_string()
        }
    }

    /// Whether `child` may stand directly under `self`.
    pub fn may_hold(self, child: OrgClass) -> Result<(), OrgRuleError> {
        use OrgKind::*;
        use OrgLevel::*;
        let refuse = |why| {
            Err(OrgRuleError::NotAllowedUnder {
                parent: self.label(),
                child: child.label(),
                why,
            })
        };
        if child.level.is_leading_body() && !matches!(child.kind, Committee | WorkCommittee) {
            return refuse("团的领导机关只能是团委或团工委");
        }
        match (self.level, child.level) {
            (Central, Provincial) => Ok(()),
            (Central, _) => refuse("团中央下只设省级团委和系统团委"),
            (Provincial, Municipal | Grassroots) => Ok(()),
            (Provincial, _) => refuse("省级团委下只设市级团委和基层团组织"),
            (Municipal, County | Grassroots) => Ok(()),
            (Municipal, _) => refuse("市级团委下只设县级团委和基层团组织"),
            (County, Grassroots) => Ok(()),
            (County, _) => refuse("县级团委下只设基层团组织"),
            (Grassroots, Grassroots) => match self.kind {
                Committee | WorkCommittee => Ok(()),
                GeneralBranch if child.kind.is_branch() => Ok(()),
                GeneralBranch => refuse("团总支下只能设团支部"),
                Branch | GraduatingBranch => refuse("团支部是最基层的组织，下面不能再设组织"),
            },
            (Grassroots, _) => refuse("基层团组织下不能设团的领导机关"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(level: OrgLevel, kind: OrgKind) -> OrgClass {
        OrgClass { level, kind }
    }

    #[test]
    fn nothing_under_a_branch() {
        for kind in OrgKind::ALL {
            assert!(
                c(OrgLevel::Grassroots, OrgKind::Branch)
                    .may_hold(c(OrgLevel::Grassroots, kind))
                    .is_err()
            );
        }
    }

    #[test]
    fn general_branch_holds_only_branches() {
        let tzz = c(OrgLevel::Grassroots, OrgKind::GeneralBranch);
        assert!(
            tzz.may_hold(c(OrgLevel::Grassroots, OrgKind::Branch))
                .is_ok()
        );
        assert!(
            tzz.may_hold(c(OrgLevel::Grassroots, OrgKind::GraduatingBranch))
                .is_ok()
        );
        assert!(
            tzz.may_hold(c(OrgLevel::Grassroots, OrgKind::Committee))
                .is_err()
        );
    }

    #[test]
    fn leading_bodies_in_order() {
        let province = c(OrgLevel::Provincial, OrgKind::Committee);
        assert!(
            province
                .may_hold(c(OrgLevel::Municipal, OrgKind::Committee))
                .is_ok()
        );
        assert!(
            province
                .may_hold(c(OrgLevel::County, OrgKind::Committee))
                .is_err()
        );
        assert!(
            province
                .may_hold(c(OrgLevel::Municipal, OrgKind::Branch))
                .is_err()
        );
        assert!(
            province
                .may_hold(c(OrgLevel::Grassroots, OrgKind::Branch))
                .is_ok()
        );
    }

    #[test]
    fn kinds_parse_from_code_or_label() {
        assert_eq!(OrgKind::parse("03TW"), Ok(OrgKind::Committee));
        assert_eq!(OrgKind::parse(" 团支部 "), Ok(OrgKind::Branch));
        assert_eq!(OrgKind::parse("01tzb"), Ok(OrgKind::Branch));
        assert!(OrgKind::parse("团小组").is_err());
    }
}
