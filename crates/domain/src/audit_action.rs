//! What the audit log's action codes mean (issue 13): each code's Chinese label, in one table,
//! and whether it is a real change of information or only a sign-in, a role switch, an export
//! or a lockout (kept apart by the history's filter, which shows real changes by default).
//!
//! Every code any crate writes (`AuditEntry::new("…")`) has a row here; a test reads the
//! sources and fails on a code without one. The leaving steps' codes are composed
//! (`membership.<way>.<step>`) and labelled from `leaving::{Way, Step}`.

use crate::enums::ChoiceError;
use crate::leaving::{Step, Way};

/// Which side of the history's filter an action falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditGroup {
    /// 信息变更: something stored changed (an organisation, a member, a role, a request …).
    Change,
    /// 登录与身份切换、导出: sign-ins, role switches, exports, password events and lockouts.
    Access,
}

use AuditGroup::{Access, Change};

/// Every fixed action code, its label and its group.
pub const ACTIONS: &[(&str, &str, AuditGroup)] = &[
    ("org.create", "创建组织", Change),
    ("org.info", "修改组织信息", Change),
    ("org.rename", "修改组织名称", Change),
    ("org.kind", "修改组织类别", Change),
    ("org.school_code", "填写学校机构编号", Change),
    ("org.move", "组织迁移", Change),
    ("org.move.apply", "申请组织迁移", Change),
    ("org.move.approve_old", "原上级组织同意迁出", Change),
    ("org.move.approve_new", "新上级组织同意迁入", Change),
    ("org.move.return", "退回组织迁移申请", Change),
    ("org.move.withdraw", "撤回组织迁移申请", Change),
    ("org.graduation.mark", "标注毕业时间", Change),
    ("org.graduation.convert", "转为毕业生团组织", Change),
    ("org.delete", "删除组织", Change),
    ("org.name_check", "检查组织名称", Change),
    ("org_change.request", "提交信息修改申请", Change),
    ("org_change.apply", "信息修改直接生效", Change),
    ("org_change.approve", "审批通过信息修改", Change),
    ("org_change.return", "退回信息修改申请", Change),
    ("org_change.withdraw", "撤回信息修改申请", Change),
    ("admin.add", "添加管理员", Change),
    ("admin.revoke", "撤销管理员", Change),
    ("admin.remove", "撤销管理员", Change),
    ("cadre.add_post", "任命团干部职务", Change),
    ("cadre.create", "录入团干部", Change),
    ("cadre.import", "导入团干部", Change),
    ("cadre.export", "导出团干部名单", Access),
    ("member.create", "录入团员", Change),
    ("member.edit", "修改团员信息", Change),
    ("member.import", "导入团员", Change),
    ("member.export", "导出团员名单", Access),
    ("member.graduation.late", "登记延期毕业", Change),
    ("member.transfer.start", "发起组织关系转接", Change),
    ("member.transfer.approve_out", "同意转出", Change),
    ("member.transfer.complete", "转入完成", Change),
    ("member.transfer.return", "退回组织关系转接", Change),
    ("member.transfer.withdraw", "撤回组织关系转接", Change),
    ("member.transfer.lapse", "组织关系转接逾期失效", Change),
    ("member.transfer.left_system", "转往系统外", Change),
    ("member.archive.upload", "上传团员电子档案", Change),
    ("member.archive.replace", "替换团员电子档案", Change),
    ("member.archive.approve", "认证团员电子档案", Change),
    ("member.archive.reject", "退回团员电子档案", Change),
    ("person.identity.offline", "实名校验线下通过", Change),
    ("person.create", "创建账号", Change),
    ("person.edit_own", "本人修改个人信息", Change),
    ("correction.request", "申请更正姓名或身份证号码", Change),
    ("correction.approve", "同意更正姓名或身份证号码", Change),
    ("correction.return", "退回更正申请", Change),
    ("correction.withdraw", "撤回更正申请", Change),
    ("age_case.file", "报送入团年龄特殊情况", Change),
    ("age_case.forward", "入团年龄特殊情况报团中央", Change),
    ("age_case.return", "退回入团年龄特殊情况", Change),
    ("age_case.enter", "团中央统一录入", Change),
    ("age_case.export", "导出入团年龄特殊情况汇总", Access),
    ("statistics.export", "导出统计表", Access),
    ("review.grades", "录入团员教育评议等次", Change),
    ("review.import", "从Excel导入团员教育评议等次", Change),
    ("review.submit", "提交团员教育评议", Change),
    ("review.certify", "审核认证团员教育评议（团籍注册）", Change),
    ("review.return", "退回团员教育评议", Change),
    ("review.export", "下载团员教育评议表", Access),
    (
        "star_rating.configure",
        "设置对标定级的时间、项目和星级",
        Change,
    ),
    ("star_rating.assess", "保存对标定级自评", Change),
    ("star_rating.submit", "提交对标定级自评", Change),
    ("star_rating.confirm", "审核确认对标定级星级", Change),
    ("star_rating.return", "退回对标定级自评", Change),
    (
        "recommendation.recommend",
        "推荐团员为入党积极分子（推优入党）",
        Change,
    ),
    ("recommendation.confirm", "确定团员为发展对象", Change),
    ("recommendation.approve", "批准推优入党", Change),
    ("recommendation.return", "退回推优入党", Change),
    ("recommendation.joined", "记录团员入党", Change),
    ("dues.record", "记录团费缴纳", Change),
    ("dues.import", "从Excel导入团费缴纳", Change),
    ("dues.correct", "更正团费记录", Change),
    ("dues.income", "登记团员月收入（团费）", Change),
    ("dues.bands", "设置团费收缴标准", Change),
    ("dues.export", "导出团费表", Access),
    ("application.submit", "提交申请", Change),
    ("application.resubmit", "修改后重新提交申请", Change),
    ("application.approve", "审核通过申请", Change),
    ("application.return", "退回申请", Change),
    ("application.withdraw", "撤回申请", Change),
    ("application.advance", "进入下一个入团阶段", Change),
    ("application.lockout", "提交申请过于频繁，暂停受理", Access),
    ("dev_range.allocate", "分配号段", Change),
    ("dev_range.delete", "收回号段", Change),
    ("reg_code.issue", "生成注册码", Change),
    ("reg_code.revoke", "作废注册码", Change),
    ("reg_code.use", "使用注册码注册管理员", Change),
    ("reg_code.lockout", "注册码尝试次数过多，暂停受理", Access),
    ("reset_code.issue", "生成密码重置码", Change),
    ("reset_code.use", "使用重置码重设密码", Access),
    ("reset_code.lockout", "重置码尝试次数过多，暂停受理", Access),
    ("account.password_change", "修改密码", Access),
    ("account.password_reset", "重设密码", Access),
    ("login.success", "登录", Access),
    ("login.lockout", "登录失败次数过多，暂时锁定", Access),
    ("password.lockout", "密码输错次数过多，暂时锁定", Access),
    ("logout", "退出登录", Access),
    ("role.switch", "切换身份", Access),
    ("demo.generate", "生成演示数据", Change),
];

/// The codes of `Access` actions, as the store's SQL lists them (checked by a store test).
pub fn access_codes() -> impl Iterator<Item = &'static str> {
    ACTIONS
        .iter()
        .filter(|(_, _, g)| *g == Access)
        .map(|(c, _, _)| *c)
}

/// The Chinese label of an action code; None for a code no one writes.
pub fn action_label(code: &str) -> Option<String> {
    if let Some((_, label, _)) = ACTIONS.iter().find(|(c, _, _)| *c == code) {
        return Some((*label).to_string());
    }
    let (way, step) = membership_step(code)?;
    Some(format!("{}：{}", way.label(), step.label()))
}

/// The way and step of a leaving step's code (`membership.<way>.<step>`).
fn membership_step(code: &str) -> Option<(Way, Step)> {
    let rest = code.strip_prefix("membership.")?;
    let (way, step) = rest.split_once('.')?;
    let way = Way::ALL.into_iter().find(|w| w.code() == way)?;
    let step = Step::ALL.into_iter().find(|s| s.code() == step)?;
    Some((way, step))
}

/// The group of an action code; an unknown code counts as a change, so nothing is hidden by
/// the default filter that might be one.
pub fn action_group(code: &str) -> AuditGroup {
    ACTIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(Change, |(_, _, g)| *g)
}

/// The history's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditFilter {
    /// 信息变更 (the default).
    #[default]
    Changes,
    /// 登录与身份切换、导出.
    Access,
    /// 全部.
    All,
}

impl AuditFilter {
    pub const ALL: [AuditFilter; 3] = [AuditFilter::Changes, AuditFilter::Access, AuditFilter::All];

    pub fn code(self) -> &'static str {
        match self {
            AuditFilter::Changes => "changes",
            AuditFilter::Access => "access",
            AuditFilter::All => "all",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditFilter::Changes => "信息变更",
            AuditFilter::Access => "登录与身份切换、导出",
            AuditFilter::All => "全部",
        }
    }

    /// From the `show` parameter: empty for the default, a code or a label.
    pub fn parse(input: &str) -> Result<Self, ChoiceError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(Self::default());
        }
        Self::ALL
            .into_iter()
            .find(|f| f.code() == input || f.label() == input)
            .ok_or_else(|| ChoiceError::Unknown {
                field: "记录类别",
                value: input.to_string(),
                hint: "可选：changes（信息变更）、access（登录与身份切换、导出）、all（全部）"
                    .into(),
            })
    }

    /// Whether an entry of this action is shown.
    pub fn admits(self, code: &str) -> bool {
        match self {
            AuditFilter::All => true,
            AuditFilter::Changes => action_group(code) == Change,
            AuditFilter::Access => action_group(code) == Access,
        }
    }
}

#[cfg(test)]
mod tests;
