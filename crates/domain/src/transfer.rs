//! 团组织关系转接 (domain §7.1): a member's record moves from one branch to another by two
//! approvals, the sending side's then the receiving side's. This module holds the rules that
//! need no database: the reasons and what each asks for, the provinces that run systems of
//! their own, the request's states and how long a request may wait.

use crate::ErrorCode;
use crate::text::BoundedText;

/// Days a request may wait for a decision before it lapses and must be started again
/// (secondary sources; `Config` may change it).
pub const TRANSFER_LAPSE_DAYS: i64 = 30;

/// Why the member moves; each reason asks for one detail in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferReason {
    /// 升学: the school the member goes to.
    FurtherStudy,
    /// 就业: the employer (no league organisation there → the township's).
    Employment,
    /// 参军: reviewed by the provincial committee.
    Military,
    /// 出国(境): kept at the school or the home township.
    Abroad,
    /// 未就业: the home, origin or residence township's branch for mobile members.
    Unemployed,
    /// 其他.
    Other,
}

impl TransferReason {
    pub const ALL: [TransferReason; 6] = [
        TransferReason::FurtherStudy,
        TransferReason::Employment,
        TransferReason::Military,
        TransferReason::Abroad,
        TransferReason::Unemployed,
        TransferReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferReason::FurtherStudy => "further_study",
            TransferReason::Employment => "employment",
            TransferReason::Military => "military",
            TransferReason::Abroad => "abroad",
            TransferReason::Unemployed => "unemployed",
            TransferReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TransferReason::FurtherStudy => "升学",
            TransferReason::Employment => "就业",
            TransferReason::Military => "参军",
            TransferReason::Abroad => "出国(境)",
            TransferReason::Unemployed => "未就业",
            TransferReason::Other => "其他",
        }
    }

    /// What the reason's detail field asks for.
    pub fn detail_label(self) -> &'static str {
        match self {
            TransferReason::FurtherStudy => "就读学校",
            TransferReason::Employment => "就业单位",
            TransferReason::Military => "入伍地区或部队",
            TransferReason::Abroad => "前往国家或地区",
            TransferReason::Unemployed => "户籍地或居住地",
            TransferReason::Other => "转接原因说明",
        }
    }

    /// A stored code or a label as typed (API clients may send either).
    pub fn parse(s: &str) -> Option<TransferReason> {
        let s = s.trim();
        Self::ALL.into_iter().find(|r| {
            r.code() == s
                || r.label() == s
                || (s == "出国" || s == "出境") && *r == TransferReason::Abroad
        })
    }

    /// 参军: the receiving side's decision is the provincial committee's.
    pub fn reviewed_by_province(self) -> bool {
        self == TransferReason::Military
    }
}

/// The provinces that run systems of their own (北京, 广东, 福建): a transfer there is recorded
/// as leaving this system, with the destination written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnSystemProvince {
    Beijing,
    Guangdong,
    Fujian,
}

impl OwnSystemProvince {
    pub const ALL: [OwnSystemProvince; 3] = [
        OwnSystemProvince::Beijing,
        OwnSystemProvince::Guangdong,
        OwnSystemProvince::Fujian,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OwnSystemProvince::Beijing => "beijing",
            OwnSystemProvince::Guangdong => "guangdong",
            OwnSystemProvince::Fujian => "fujian",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OwnSystemProvince::Beijing => "北京",
            OwnSystemProvince::Guangdong => "广东",
            OwnSystemProvince::Fujian => "福建",
        }
    }

    /// GB/T 2260 prefix of the province.
    pub fn division_code(self) -> &'static str {
        match self {
            OwnSystemProvince::Beijing => "11",
            OwnSystemProvince::Guangdong => "44",
            OwnSystemProvince::Fujian => "35",
        }
    }

    pub fn parse(s: &str) -> Option<OwnSystemProvince> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|p| p.code() == s || p.label() == s || p.division_code() == s)
    }
}

/// Where the member goes: an organisation of this system, or a province with its own system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// An organisation here (a branch, or a 团委/团工委/团总支 that assigns a branch).
    Org(i64),
    /// Leaves this system: the province and the receiving organisation's name as told.
    OwnSystem {
        province: OwnSystemProvince,
        name: BoundedText<100>,
    },
}

/// A request as typed: the reason, its detail and where to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub reason: TransferReason,
    pub detail: BoundedText<100>,
    pub destination: Destination,
}

/// What is wrong with a request as typed, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferInputFault {
    pub code: ErrorCode,
    pub field: &'static str,
    pub message: String,
}

/// A request's raw parts, as a form or JSON sends them.
#[derive(Debug, Clone, Default)]
pub struct TransferInput<'a> {
    pub reason: &'a str,
    pub detail: &'a str,
    /// The receiving organisation's id, when it is in this system.
    pub to_org_id: Option<i64>,
    /// 北京/广东/福建 when the destination runs its own system.
    pub own_system_province: Option<&'a str>,
    /// The receiving organisation's name there.
    pub own_system_name: Option<&'a str>,
}

impl TransferRequest {
    /// Every fault at once, so a form can mark each field.
    pub fn parse(input: &TransferInput) -> Result<TransferRequest, Vec<TransferInputFault>> {
        let mut faults = Vec::new();
        let reason = TransferReason::parse(input.reason);
        if reason.is_none() {
            faults.push(TransferInputFault {
                code: ErrorCode::TransferReasonInvalid,
                field: "reason",
                message: format!(
                    "请选择转接原因（{}）",
                    TransferReason::ALL.map(|r| r.label()).join("、")
                ),
            });
        }
        let detail_label = reason.map_or("转接原因说明", |r| r.detail_label());
        let detail = match BoundedText::<100>::parse(input.detail, detail_label) {
            Ok(d) => Some(d),
            Err(e) => {
                faults.push(TransferInputFault {
                    code: ErrorCode::TransferDetailInvalid,
                    field: "detail",
                    message: format!("{e}（不超过100个字）"),
                });
                None
            }
        };
        let own_province = input
            .own_system_province
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let destination = match (own_province, input.to_org_id) {
            (Some(p), _) => match OwnSystemProvince::parse(p) {
                None => {
                    faults.push(TransferInputFault {
                        code: ErrorCode::TransferDestinationInvalid,
                        field: "own_system_province",
                        message: "只有转往北京、广东、福建（使用本省自己的系统）时才选择省份；其他省份请直接选择接收组织"
                            .into(),
                    });
                    None
                }
                Some(province) => {
                    match BoundedText::<100>::parse(
                        input.own_system_name.unwrap_or(""),
                        "接收组织名称",
                    ) {
                        Ok(name) => Some(Destination::OwnSystem { province, name }),
                        Err(e) => {
                            faults.push(TransferInputFault {
                                code: ErrorCode::TransferDestinationInvalid,
                                field: "own_system_name",
                                message: format!("{e}：请填写{}接收团组织的全称", province.label()),
                            });
                            None
                        }
                    }
                }
            },
            (None, Some(id)) => Some(Destination::Org(id)),
            (None, None) => {
                faults.push(TransferInputFault {
                    code: ErrorCode::TransferDestinationInvalid,
                    field: "to_org_id",
                    message: "请先选择接收组织所在省份，再按全称查找并选择接收组织；转往北京、广东、福建的请选择该省并填写接收组织名称".into(),
                });
                None
            }
        };
        match (reason, detail, destination) {
            (Some(reason), Some(detail), Some(destination)) if faults.is_empty() => {
                Ok(TransferRequest {
                    reason,
                    detail,
                    destination,
                })
            }
            _ => Err(faults),
        }
    }
}

/// Who started a request: the starter's own side counts as approved when it is an admin's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferStarter {
    /// The member, from 个人中心: the sending side decides first.
    Member,
    /// The sending organisation's admin (办理转出): waits for the receiving side.
    Sender,
    /// The receiving organisation's admin (办理转入): waits for the sending side, then is done.
    Receiver,
}

impl TransferStarter {
    pub const ALL: [TransferStarter; 3] = [
        TransferStarter::Member,
        TransferStarter::Sender,
        TransferStarter::Receiver,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferStarter::Member => "member",
            TransferStarter::Sender => "sender",
            TransferStarter::Receiver => "receiver",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TransferStarter::Member => "团员本人申请",
            TransferStarter::Sender => "转出组织办理转出",
            TransferStarter::Receiver => "接收组织办理转入",
        }
    }

    pub fn parse(s: &str) -> Option<TransferStarter> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }
}

/// A request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferStatus {
    /// Waiting for the sending side.
    PendingOut,
    /// Waiting for the receiving side (参军: its provincial committee).
    PendingIn,
    /// Done: the member belongs to the new branch.
    Completed,
    /// Done: the member left for a province with its own system.
    LeftSystem,
    /// Returned with a comment by either side.
    Returned,
    /// Withdrawn by its starter.
    Withdrawn,
    /// Left undecided too long.
    Lapsed,
}

impl TransferStatus {
    pub const ALL: [TransferStatus; 7] = [
        TransferStatus::PendingOut,
        TransferStatus::PendingIn,
        TransferStatus::Completed,
        TransferStatus::LeftSystem,
        TransferStatus::Returned,
        TransferStatus::Withdrawn,
        TransferStatus::Lapsed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferStatus::PendingOut => "pending_out",
            TransferStatus::PendingIn => "pending_in",
            TransferStatus::Completed => "completed",
            TransferStatus::LeftSystem => "left_system",
            TransferStatus::Returned => "returned",
            TransferStatus::Withdrawn => "withdrawn",
            TransferStatus::Lapsed => "lapsed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TransferStatus::PendingOut => "待转出组织审批",
            TransferStatus::PendingIn => "待接收组织审批",
            TransferStatus::Completed => "已转入",
            TransferStatus::LeftSystem => "已转出本系统",
            TransferStatus::Returned => "已退回",
            TransferStatus::Withdrawn => "已撤回",
            TransferStatus::Lapsed => "已过期",
        }
    }

    pub fn parse(s: &str) -> Option<TransferStatus> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }

    pub fn is_open(self) -> bool {
        matches!(self, TransferStatus::PendingOut | TransferStatus::PendingIn)
    }

    /// The state a new request starts in: an admin starter's own side counts as approved.
    pub fn initial(starter: TransferStarter) -> TransferStatus {
        match starter {
            TransferStarter::Member | TransferStarter::Receiver => TransferStatus::PendingOut,
            TransferStarter::Sender => TransferStatus::PendingIn,
        }
    }
}

/// Seconds a request may stay open.
pub fn lapse_after_secs(days: i64) -> i64 {
    days.max(1) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(reason: &'a str, detail: &'a str) -> TransferInput<'a> {
        TransferInput {
            reason,
            detail,
            to_org_id: Some(7),
            ..Default::default()
        }
    }

    #[test]
    fn reasons_parse_by_code_and_label() {
        for r in TransferReason::ALL {
            assert_eq!(TransferReason::parse(r.code()), Some(r));
            assert_eq!(TransferReason::parse(r.label()), Some(r));
        }
        assert_eq!(TransferReason::parse("出国"), Some(TransferReason::Abroad));
        assert_eq!(TransferReason::parse("旅游"), None);
        assert!(TransferReason::Military.reviewed_by_province());
        assert!(!TransferReason::FurtherStudy.reviewed_by_province());
    }

    #[test]
    fn a_request_to_an_org_parses() {
        let r = TransferRequest::parse(&input("升学", "北京大学")).unwrap();
        assert_eq!(r.reason, TransferReason::FurtherStudy);
        assert_eq!(r.destination, Destination::Org(7));
        assert_eq!(r.detail.as_str(), "北京大学");
    }

    #[test]
    fn every_fault_is_told_at_once() {
        let faults = TransferRequest::parse(&TransferInput {
            reason: "旅游",
            detail: "  ",
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = faults.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["reason", "detail", "to_org_id"]);
        assert!(faults[1].message.contains("转接原因说明"));
    }

    #[test]
    fn the_detail_is_named_by_the_reason() {
        let faults = TransferRequest::parse(&input("就业", "")).unwrap_err();
        assert_eq!(faults.len(), 1);
        assert!(
            faults[0].message.contains("就业单位"),
            "{}",
            faults[0].message
        );
    }

    #[test]
    fn own_system_provinces_need_a_name() {
        let mut i = input("就业", "某公司");
        i.own_system_province = Some("广东");
        let faults = TransferRequest::parse(&i).unwrap_err();
        assert_eq!(faults[0].field, "own_system_name");
        i.own_system_name = Some("共青团某公司委员会");
        let r = TransferRequest::parse(&i).unwrap();
        assert!(matches!(
            r.destination,
            Destination::OwnSystem {
                province: OwnSystemProvince::Guangdong,
                ..
            }
        ));
        i.own_system_province = Some("上海");
        assert_eq!(
            TransferRequest::parse(&i).unwrap_err()[0].field,
            "own_system_province"
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in TransferStatus::ALL {
            assert_eq!(TransferStatus::parse(s.code()), Some(s));
        }
        for s in TransferStarter::ALL {
            assert_eq!(TransferStarter::parse(s.code()), Some(s));
        }
        for p in OwnSystemProvince::ALL {
            assert_eq!(OwnSystemProvince::parse(p.code()), Some(p));
            assert_eq!(OwnSystemProvince::parse(p.label()), Some(p));
        }
    }

    #[test]
    fn an_admin_starter_counts_as_its_sides_approval() {
        assert_eq!(
            TransferStatus::initial(TransferStarter::Sender),
            TransferStatus::PendingIn
        );
        assert_eq!(
            TransferStatus::initial(TransferStarter::Receiver),
            TransferStatus::PendingOut
        );
        assert_eq!(
            TransferStatus::initial(TransferStarter::Member),
            TransferStatus::PendingOut
        );
    }
}
