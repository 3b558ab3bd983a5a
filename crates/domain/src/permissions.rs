//! Who may do what to which organisation: the one place this is decided. Handlers ask
//! `authorize` with the actor's role and how the target stands to the actor's organisation.

use crate::error_code::ErrorCode;
use crate::org_path::Relation;

/// The actor's active role and how the target organisation stands to the role's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorRole {
    Admin(Relation),
    Cadre(Relation),
    Member(Relation),
    Anonymous,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read an organisation's page.
    View,
    /// Create organisations directly under the target.
    CreateChild,
    /// See, regenerate or revoke the target's 管理员注册码.
    ManageRegistrationCode,
    /// Change the target's information with immediate effect (direct superior).
    EditInfo,
    /// Ask for a change of the target's own information (its own admin; waits for approval).
    RequestInfoChange,
    /// Approve or return a change the target asked for.
    DecideInfoChange,
    /// Add or revoke the target's admins.
    ManageAdmins,
    /// Apply to move the target under a new parent in the same province.
    ApplyMigration,
    /// Approve or return a move of the target as its current parent.
    DecideMigrationAsOldParent,
    /// Approve or return a move into the target (the new parent).
    DecideMigrationAsNewParent,
    /// Move the target anywhere at once, across provinces too (团中央 only).
    MoveDirectly,
    /// Delete the target (no members, no children).
    Delete,
    /// Fill in the target's 学校机构编号.
    SetSchoolCode,
    /// See the target's history of changes.
    ViewHistory,
    /// Members and cadres: the relation is the admin's organisation to the record's.
    ViewMembers,
    /// Add a member or cadre by form (the branch's own admin or its direct superior's).
    EnterMember,
    /// Change a record's fields other than name and ID number.
    EditMember,
    IssueResetCode,
    /// Ask the province to correct a name or ID number.
    RequestCorrection,
    /// Self-registrations, 我要入团 stages and 流动团员报到 of one's own organisation.
    DecideApplication,
    /// Hand a 号段 to a direct child.
    AllocateDevRange,
    /// 办理转出: start a transfer of a member of the target branch (any admin above it).
    StartTransferOut,
    /// Approve or return, as the sending side, a transfer of a member of the target branch.
    DecideTransferOut,
    /// 办理转入: start a transfer into the target organisation.
    StartTransferIn,
    /// Approve (assigning a branch) or return, as the receiving side, a transfer into the target.
    DecideTransferIn,
    /// Mark a branch's graduation (month, teachers', mixed) or a member of it as graduating
    /// late: the school's organisations above the branch, never the branch itself.
    MarkGraduation,
    /// 团籍: decide a member's way out (超龄离团 in bulk, 退团, 自行脱团, 开除团籍) or ask for a
    /// membership to be restored; the relation is the admin's organisation to the member's branch.
    DecideLeaving,
    /// Approve or return a branch's 自行脱团, 开除团籍 or 恢复团籍 (the branch's direct superior).
    ApproveLeaving,
    /// 入团年龄特殊情况: file a case of a member of the target branch (its own admin or any
    /// above it in the province: the developing branch, a 县级团委 …).
    FileAgeCase,
    /// Gather the cases of the target province and forward them to 团中央 (the province's own
    /// admin; the caller checks the target is a provincial committee).
    GatherAgeCases,
    /// Enter a forwarded case's member with the age rule waived: 团中央's admin only (the
    /// caller passes whether the actor is 团中央, as for `MoveDirectly`).
    EnterAgeCase,
    /// 团员教育评议: record the grades of the target branch's members and submit its round
    /// (the branch's own admin).
    RecordReview,
    /// Certify (审核认证) or return a branch's submitted round (its direct superior).
    CertifyReview,
    /// 团员电子档案: upload or, after a rejection, replace a member's archive (the branch's own
    /// admin or any admin above it: a 团总支, a 团委).
    UploadArchive,
    /// Approve (认证) or reject a member's archive: the branch's direct superior.
    ApproveArchive,
    /// 实名校验: mark a person of the target branch 线下通过 after checking them in person.
    CheckIdentityOffline,
    /// 推优入党: record a member's recommendation, confirmation or joining (the member's
    /// branch's own admin).
    RecommendToParty,
    /// Approve or return a recommendation or confirmation (the branch's direct superior).
    ApproveRecommendation,
    /// 团费: set the bands of the target province (its provincial committee's own admin; the
    /// caller checks the target is a provincial committee).
    ConfigureDuesBands,
    /// 团费: record and correct the payments of the target branch's members, declare their
    /// incomes (the branch's own admin).
    RecordDues,
    /// 对标定级: set a year's items, points, dates and star bands (团中央's own admin; the caller
    /// checks the target is the root).
    ConfigureStarRating,
    /// 对标定级: fill in the target branch's self-assessment and submit it (its own admin).
    AssessStars,
    /// 对标定级: review each item's score of a submitted self-assessment and confirm the
    /// stars, or return it (the branch's direct superior).
    ReviewStars,
}

impl Action {
    pub const ALL: [Action; 43] = [
        Action::View,
        Action::CreateChild,
        Action::ManageRegistrationCode,
        Action::EditInfo,
        Action::RequestInfoChange,
        Action::DecideInfoChange,
        Action::ManageAdmins,
        Action::ApplyMigration,
        Action::DecideMigrationAsOldParent,
        Action::DecideMigrationAsNewParent,
        Action::MoveDirectly,
        Action::Delete,
        Action::SetSchoolCode,
        Action::ViewHistory,
        Action::ViewMembers,
        Action::EnterMember,
        Action::EditMember,
        Action::IssueResetCode,
        Action::RequestCorrection,
        Action::DecideApplication,
        Action::AllocateDevRange,
        Action::StartTransferOut,
        Action::DecideTransferOut,
        Action::StartTransferIn,
        Action::DecideTransferIn,
        Action::MarkGraduation,
        Action::DecideLeaving,
        Action::ApproveLeaving,
        Action::FileAgeCase,
        Action::GatherAgeCases,
        Action::EnterAgeCase,
        Action::RecordReview,
        Action::CertifyReview,
        Action::UploadArchive,
        Action::ApproveArchive,
        Action::CheckIdentityOffline,
        Action::RecommendToParty,
        Action::ApproveRecommendation,
        Action::ConfigureDuesBands,
        Action::RecordDues,
        Action::ConfigureStarRating,
        Action::AssessStars,
        Action::ReviewStars,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: &'static str,
}

const NOT_SIGNED_IN: Refusal = Refusal {
    code: ErrorCode::Unauthenticated,
    message: "请先登录",
};
const ADMINS_ONLY: Refusal = Refusal {
    code: ErrorCode::AdminRequired,
    message: "只有组织管理员可以办理此项业务，请在首页切换到管理员身份",
};
const OUT_OF_SCOPE: Refusal = Refusal {
    code: ErrorCode::OutOfScope,
    message: "该组织不在您的管理范围内（只能管理本级及下级组织）",
};

// What each admin action refused says: who may do it instead.
const MEMBERS_OUT_OF_SCOPE: Refusal = Refusal {
    code: ErrorCode::OutOfScope,
    message: "只能查询本级及下级团组织团员",
};
const MEMBERS_BY_OWN_OR_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotOwnOrDirectSuperior,
    message: "团员、团干部的录入、修改和密码重置由其所在组织或直属上级组织的管理员办理",
};
const APPLICATIONS_BY_OWN: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "申请由所申请组织的管理员审核",
};
const RANGES_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "号段由直属上级组织分配",
};
const CHILDREN_BY_OWN: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "只能在本组织下创建直属下级组织",
};
const CODES_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "管理员注册码由直属上级组织的管理员生成和管理",
};
const EDIT_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "只有直属上级组织的管理员可以直接修改组织信息；本组织管理员请提交修改申请，由上级审批",
};
const REQUEST_BY_OWN: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "只有本组织的管理员可以提交本组织信息修改申请",
};
const CHANGES_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "组织信息修改申请由直属上级组织的管理员审批",
};
const ADMINS_OF_OWN_OR_CHILD: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "只能添加或撤销本组织及直属下级组织的管理员",
};
const MIGRATION_BY_OWN: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "组织迁移由本组织的管理员申请",
};
const BY_DIRECT_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "此项业务由该组织的直属上级组织管理员办理",
};
const INTO_BY_NEW_PARENT: Refusal = Refusal {
    code: ErrorCode::NotNewParent,
    message: "迁入审批由选择迁入的组织（新的直属上级）的管理员办理",
};
const ACROSS_BY_CENTRAL: Refusal = Refusal {
    code: ErrorCode::CentralOnly,
    message: "跨省组织迁移由团中央管理员办理；省内迁移请提交迁移申请",
};
const TRANSFER_OUT_BY_SENDER: Refusal = Refusal {
    code: ErrorCode::OutOfScope,
    message: "团员的组织关系转出由其所在团支部或上级组织的管理员办理",
};
const TRANSFER_IN_BY_RECEIVER: Refusal = Refusal {
    code: ErrorCode::OutOfScope,
    message: "组织关系转入由接收组织或其上级组织的管理员办理",
};
const GRADUATION_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::SuperiorAdminOnly,
    message: "毕业时间和延期毕业由学校团委、团总支等团支部的上级组织的管理员标注，团支部管理员不能标注",
};
const LEAVING_BY_BRANCH: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "团员离团、退团、自行脱团、开除团籍和恢复团籍由团员所在团支部的管理员办理",
};
const LEAVING_APPROVED_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "自行脱团、开除团籍和恢复团籍由团员所在团支部的直属上级组织管理员审批",
};
const AGE_CASES_FILED_FROM_BELOW: Refusal = Refusal {
    code: ErrorCode::OutOfScope,
    message: "入团年龄特殊情况由发展其入团的团组织或县级团委报送，只能报送本级及下级团支部的团员",
};
const AGE_CASES_GATHERED_BY_PROVINCE: Refusal = Refusal {
    code: ErrorCode::ProvinceOnly,
    message: "入团年龄特殊情况由省级团委管理员汇总后报团中央",
};
const AGE_CASES_ENTERED_BY_CENTRAL: Refusal = Refusal {
    code: ErrorCode::CentralOnly,
    message: "因入团年龄问题无法录入的团员，由团中央管理员统一录入",
};
const REVIEW_BY_BRANCH: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "团员教育评议由团支部管理员录入评议等次并提交，上级组织管理员可以查看进度",
};
const REVIEW_CERTIFIED_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "团员教育评议由团支部的直属上级组织管理员审核认证",
};
const ARCHIVES_UPLOADED_FROM_BELOW: Refusal = Refusal {
    code: ErrorCode::OutOfScope,
    message: "团员电子档案由团员所在团支部或其上级团组织（团总支、团委）的管理员上传",
};
const ARCHIVES_APPROVED_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "团员电子档案由团员所在团支部的直属上级组织管理员审批",
};
const IDENTITY_CHECKED_FROM_BELOW: Refusal = Refusal {
    code: ErrorCode::OutOfScope,
    message: "实名校验线下通过由团员所在团支部或其上级团组织的管理员当面核验后标记",
};
const RECOMMENDED_BY_BRANCH: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "推优入党由团员所在团支部的管理员办理（推荐、确定发展对象、入党）",
};
const RECOMMENDATIONS_APPROVED_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "推优入党由团员所在团支部的直属上级组织管理员审批",
};
const DUES_BANDS_BY_PROVINCE: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "团费收缴标准由省级团委的管理员设置",
};
const DUES_BY_BRANCH: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "团费由团员所在团支部的管理员记录和更正，上级组织管理员可以查看汇总和欠缴名单",
};
const STAR_RATING_SET_BY_CENTRAL: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "对标定级的标准、分值和时间由团中央管理员设置",
};
const STARS_ASSESSED_BY_BRANCH: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "对标定级自评由团支部管理员填写并提交，上级组织管理员可以查看进度",
};
const STARS_REVIEWED_BY_SUPERIOR: Refusal = Refusal {
    code: ErrorCode::NotDirectSuperior,
    message: "对标定级由团支部的直属上级组织管理员审核确认",
};
const SCHOOL_CODE_BY_OWN: Refusal = Refusal {
    code: ErrorCode::NotOwnOrg,
    message: "学校机构编号由学校团组织自己的管理员填写",
};

/// Which organisations, as they stand to the admin's own, an action may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// The admin's organisation or any below it.
    InScope,
    Itself,
    DirectChild,
    ItselfOrDirectChild,
    /// Any organisation below (a direct child or further down).
    Below,
}

impl Who {
    fn allows(self, relation: Relation) -> bool {
        use Relation::*;
        match self {
            Who::InScope => relation.in_scope(),
            Who::Itself => relation == Itself,
            Who::DirectChild => relation == DirectChild,
            Who::ItselfOrDirectChild => matches!(relation, Itself | DirectChild),
            Who::Below => matches!(relation, DirectChild | Descendant),
        }
    }
}

/// Whether the actor may take the action. The central root's special power (moving across
/// provinces) is decided by `MoveDirectly` with the caller passing whether the actor is 团中央.
pub fn authorize(action: Action, actor: ActorRole) -> Result<(), Refusal> {
    let relation = match actor {
        ActorRole::Anonymous => return Err(NOT_SIGNED_IN),
        ActorRole::Cadre(r) | ActorRole::Member(r) => {
            return if action == Action::View && r == Relation::Itself {
                Ok(())
            } else {
                Err(ADMINS_ONLY)
            };
        }
        ActorRole::Admin(r) => r,
    };
    let (who, refusal) = admin_rule(action);
    if who.allows(relation) {
        Ok(())
    } else {
        Err(refusal)
    }
}

/// The table of admins' actions: which organisations each may touch, and the refusal that
/// says who else may.
fn admin_rule(action: Action) -> (Who, Refusal) {
    match action {
        Action::View | Action::ViewHistory => (Who::InScope, OUT_OF_SCOPE),
        Action::ViewMembers => (Who::InScope, MEMBERS_OUT_OF_SCOPE),
        Action::EnterMember
        | Action::EditMember
        | Action::IssueResetCode
        | Action::RequestCorrection => (Who::ItselfOrDirectChild, MEMBERS_BY_OWN_OR_SUPERIOR),
        Action::DecideApplication => (Who::Itself, APPLICATIONS_BY_OWN),
        Action::AllocateDevRange => (Who::DirectChild, RANGES_BY_SUPERIOR),
        Action::CreateChild => (Who::Itself, CHILDREN_BY_OWN),
        Action::ManageRegistrationCode => (Who::DirectChild, CODES_BY_SUPERIOR),
        Action::EditInfo => (Who::DirectChild, EDIT_BY_SUPERIOR),
        Action::RequestInfoChange => (Who::Itself, REQUEST_BY_OWN),
        Action::DecideInfoChange => (Who::DirectChild, CHANGES_BY_SUPERIOR),
        Action::ManageAdmins => (Who::ItselfOrDirectChild, ADMINS_OF_OWN_OR_CHILD),
        Action::ApplyMigration => (Who::Itself, MIGRATION_BY_OWN),
        Action::DecideMigrationAsOldParent | Action::Delete => {
            (Who::DirectChild, BY_DIRECT_SUPERIOR)
        }
        Action::DecideMigrationAsNewParent => (Who::Itself, INTO_BY_NEW_PARENT),
        Action::MoveDirectly => (Who::Below, ACROSS_BY_CENTRAL),
        Action::SetSchoolCode => (Who::Itself, SCHOOL_CODE_BY_OWN),
        Action::StartTransferOut | Action::DecideTransferOut => {
            (Who::InScope, TRANSFER_OUT_BY_SENDER)
        }
        Action::StartTransferIn | Action::DecideTransferIn => {
            (Who::InScope, TRANSFER_IN_BY_RECEIVER)
        }
        Action::MarkGraduation => (Who::Below, GRADUATION_BY_SUPERIOR),
        Action::DecideLeaving => (Who::Itself, LEAVING_BY_BRANCH),
        Action::ApproveLeaving => (Who::DirectChild, LEAVING_APPROVED_BY_SUPERIOR),
        Action::FileAgeCase => (Who::InScope, AGE_CASES_FILED_FROM_BELOW),
        Action::GatherAgeCases => (Who::Itself, AGE_CASES_GATHERED_BY_PROVINCE),
        Action::EnterAgeCase => (Who::Below, AGE_CASES_ENTERED_BY_CENTRAL),
        Action::RecordReview => (Who::Itself, REVIEW_BY_BRANCH),
        Action::CertifyReview => (Who::DirectChild, REVIEW_CERTIFIED_BY_SUPERIOR),
        Action::RecommendToParty => (Who::Itself, RECOMMENDED_BY_BRANCH),
        Action::ApproveRecommendation => (Who::DirectChild, RECOMMENDATIONS_APPROVED_BY_SUPERIOR),
        Action::UploadArchive => (Who::InScope, ARCHIVES_UPLOADED_FROM_BELOW),
        Action::ApproveArchive => (Who::DirectChild, ARCHIVES_APPROVED_BY_SUPERIOR),
        Action::CheckIdentityOffline => (Who::InScope, IDENTITY_CHECKED_FROM_BELOW),
        Action::ConfigureDuesBands => (Who::Itself, DUES_BANDS_BY_PROVINCE),
        Action::RecordDues => (Who::Itself, DUES_BY_BRANCH),
        Action::ConfigureStarRating => (Who::Itself, STAR_RATING_SET_BY_CENTRAL),
        Action::AssessStars => (Who::Itself, STARS_ASSESSED_BY_BRANCH),
        Action::ReviewStars => (Who::DirectChild, STARS_REVIEWED_BY_SUPERIOR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Relation::*;

    const RELATIONS: [Relation; 7] = [
        Itself,
        DirectChild,
        Descendant,
        Parent,
        Ancestor,
        Sibling,
        Unrelated,
    ];

    #[test]
    fn non_admins_only_view_their_own() {
        for action in Action::ALL {
            for r in RELATIONS {
                let expect = action == Action::View && r == Itself;
                assert_eq!(
                    authorize(action, ActorRole::Cadre(r)).is_ok(),
                    expect,
                    "{action:?} {r:?}"
                );
                assert_eq!(
                    authorize(action, ActorRole::Member(r)).is_ok(),
                    expect,
                    "{action:?} {r:?}"
                );
                assert_eq!(
                    authorize(action, ActorRole::Anonymous).unwrap_err().code,
                    "unauthenticated"
                );
            }
        }
    }

    #[test]
    fn admins_never_act_above_or_beside() {
        for action in Action::ALL {
            for r in [Parent, Ancestor, Sibling, Unrelated] {
                assert!(
                    authorize(action, ActorRole::Admin(r)).is_err(),
                    "{action:?} {r:?}"
                );
            }
        }
    }

    #[test]
    fn admin_matrix() {
        let allowed = |a: Action| -> Vec<Relation> {
            RELATIONS
                .into_iter()
                .filter(|r| authorize(a, ActorRole::Admin(*r)).is_ok())
                .collect()
        };
        assert_eq!(allowed(Action::View), vec![Itself, DirectChild, Descendant]);
        assert_eq!(allowed(Action::CreateChild), vec![Itself]);
        assert_eq!(allowed(Action::ManageRegistrationCode), vec![DirectChild]);
        assert_eq!(allowed(Action::EditInfo), vec![DirectChild]);
        assert_eq!(allowed(Action::RequestInfoChange), vec![Itself]);
        assert_eq!(allowed(Action::DecideInfoChange), vec![DirectChild]);
        assert_eq!(allowed(Action::ManageAdmins), vec![Itself, DirectChild]);
        assert_eq!(allowed(Action::ApplyMigration), vec![Itself]);
        assert_eq!(
            allowed(Action::DecideMigrationAsOldParent),
            vec![DirectChild]
        );
        assert_eq!(allowed(Action::DecideMigrationAsNewParent), vec![Itself]);
        assert_eq!(allowed(Action::Delete), vec![DirectChild]);
        assert_eq!(allowed(Action::SetSchoolCode), vec![Itself]);
        assert_eq!(
            allowed(Action::ViewMembers),
            vec![Itself, DirectChild, Descendant]
        );
        for a in [
            Action::EnterMember,
            Action::EditMember,
            Action::IssueResetCode,
            Action::RequestCorrection,
        ] {
            assert_eq!(allowed(a), vec![Itself, DirectChild], "{a:?}");
        }
        assert_eq!(allowed(Action::DecideApplication), vec![Itself]);
        assert_eq!(allowed(Action::AllocateDevRange), vec![DirectChild]);
        assert_eq!(allowed(Action::DecideLeaving), vec![Itself]);
        assert_eq!(allowed(Action::ApproveLeaving), vec![DirectChild]);
        assert_eq!(allowed(Action::RecordReview), vec![Itself]);
        assert_eq!(allowed(Action::CertifyReview), vec![DirectChild]);
        assert_eq!(allowed(Action::RecommendToParty), vec![Itself]);
        assert_eq!(allowed(Action::ApproveRecommendation), vec![DirectChild]);
        for a in [
            Action::ConfigureDuesBands,
            Action::RecordDues,
            Action::ConfigureStarRating,
            Action::AssessStars,
        ] {
            assert_eq!(allowed(a), vec![Itself], "{a:?}");
        }
        assert_eq!(allowed(Action::ReviewStars), vec![DirectChild]);
        assert_eq!(
            allowed(Action::FileAgeCase),
            vec![Itself, DirectChild, Descendant]
        );
        assert_eq!(allowed(Action::GatherAgeCases), vec![Itself]);
        assert_eq!(allowed(Action::EnterAgeCase), vec![DirectChild, Descendant]);
        for a in [Action::UploadArchive, Action::CheckIdentityOffline] {
            assert_eq!(allowed(a), vec![Itself, DirectChild, Descendant], "{a:?}");
        }
        assert_eq!(allowed(Action::ApproveArchive), vec![DirectChild]);
        assert_eq!(
            allowed(Action::MarkGraduation),
            vec![DirectChild, Descendant]
        );
        assert_eq!(
            authorize(Action::MarkGraduation, ActorRole::Admin(Itself))
                .unwrap_err()
                .code,
            "superior_admin_only"
        );
        for a in [
            Action::StartTransferOut,
            Action::DecideTransferOut,
            Action::StartTransferIn,
            Action::DecideTransferIn,
        ] {
            assert_eq!(allowed(a), vec![Itself, DirectChild, Descendant], "{a:?}");
        }
    }

    #[test]
    fn refusals_name_who_decides() {
        let code = |a: Action, r: Relation| authorize(a, ActorRole::Admin(r)).unwrap_err().code;
        // The old parent cannot approve the way in: that is the new parent's decision.
        assert_eq!(
            code(Action::DecideMigrationAsNewParent, DirectChild),
            "not_new_parent"
        );
        // An admin of the organisation itself cannot move it directly; only 团中央 does that.
        assert_eq!(code(Action::MoveDirectly, Itself), "central_only");
        // The branch's own admin cannot waive the age rule; a county cannot gather for the
        // province.
        assert_eq!(code(Action::EnterAgeCase, Itself), "central_only");
        assert_eq!(code(Action::GatherAgeCases, Parent), "province_only");
        assert_eq!(code(Action::FileAgeCase, Parent), "out_of_scope");
        // The branch's own admin uploads the archive but does not certify it.
        assert_eq!(code(Action::ApproveArchive, Itself), "not_direct_superior");
        assert_eq!(
            code(Action::ApproveArchive, Descendant),
            "not_direct_superior"
        );
    }
}
