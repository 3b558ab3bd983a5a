//! Every stable code the system answers with, in one table: the API's error objects, the
//! faults of a record or an imported row, the command line's JSON. A code never changes once
//! published (clients match on it); each has the HTTP status it is answered with and a general
//! Chinese message, which most places replace with one naming the case at hand.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $status:literal, $message:literal;)+) => {
        /// A stable error code; `snake_case` on the wire.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)+
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            /// The HTTP status the code is answered with.
            pub const fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)+
                }
            }

            /// A general explanation in Chinese, for when nothing more particular is said.
            pub const fn message(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $message,)+
                }
            }
        }
    };
}

error_codes! {
    // Requests: their form, size and type.
    BadRequest = "bad_request", 400, "请求有误，请检查后重试";
    QueryInvalid = "query_invalid", 400, "网址中的查询参数格式不对，请检查后重试";
    QueryTooLong = "query_too_long", 400, "搜索内容太长，请缩短后重试";
    JsonInvalid = "json_invalid", 400, "JSON 内容不符合要求（缺少字段或类型不对），请检查后重试";
    FormInvalid = "form_invalid", 400, "表单内容不完整或格式不对，请检查后重新提交";
    UploadInvalid = "upload_invalid", 400, "上传的内容无法读取，请在页面上选择文件后重新上传";
    FileMissing = "file_missing", 400, "请选择要上传的 Excel 文件";
    TooLarge = "too_large", 413, "提交的内容太大";
    UnsupportedContentType = "unsupported_content_type", 415, "提交的内容类型不受支持";
    MethodNotAllowed = "method_not_allowed", 405, "此地址不支持这种请求方式";
    NotFound = "not_found", 404, "要找的内容不存在，或不在您的管理范围内";
    CsrfFailed = "csrf_failed", 403, "页面已过期或请求来源无法确认，请刷新页面后重新提交";
    // The server and its database.
    InternalError = "internal_error", 500, "服务器内部错误，请稍后重试；如果一直出现，请联系系统管理员";
    Busy = "busy", 503, "系统繁忙，请稍后重试";
    DbConnectionLost = "db_connection_lost", 503, "数据库连接中断，请稍后重试；如果刚才提交了修改，请先刷新页面确认是否已经保存";
    DatabaseUnreachable = "database_unreachable", 503, "无法连接数据库，请检查数据库地址和数据库是否在运行";
    // Signing in, roles and authority.
    Unauthenticated = "unauthenticated", 401, "请先登录；登录超时也需要重新登录";
    LoginFailed = "login_failed", 401, "身份证号码或密码错误，请重新输入";
    LockedOut = "locked_out", 429, "登录失败次数过多，已暂时锁定，请稍后再试";
    PasswordChangeRequired = "password_change_required", 403, "首次登录请先修改初始密码";
    PasswordInvalid = "password_invalid", 400, "请输入密码（不超过64位）";
    PasswordMismatch = "password_mismatch", 400, "两次输入的新密码不一致，请重新输入";
    PasswordWeak = "password_weak", 400, "密码不符合要求：至少8位，同时包含字母和数字，不能是初始密码或身份证号码的一部分";
    CurrentPasswordWrong = "current_password_wrong", 400, "当前密码不正确";
    Forbidden = "forbidden", 403, "您没有办理此项业务的权限";
    RoleRequired = "role_required", 403, "请先在首页选择一个身份（团员、团干部或管理员），再进行操作";
    RoleInvalid = "role_invalid", 400, "身份类型只能是 admin、cadre 或 member";
    RoleNotHeld = "role_not_held", 403, "您在该组织没有这个身份，无法切换";
    AdminRequired = "admin_required", 403, "只有组织管理员可以办理此项业务，请在首页切换到管理员身份";
    OutOfScope = "out_of_scope", 403, "该组织不在您的管理范围内（只能管理本级及下级组织）";
    NotOwnOrg = "not_own_org", 403, "此项业务由本组织的管理员办理";
    NotDirectSuperior = "not_direct_superior", 403, "此项业务由直属上级组织的管理员办理";
    NotOwnOrDirectSuperior = "not_own_or_direct_superior", 403, "此项业务由本组织或直属上级组织的管理员办理";
    NotNewParent = "not_new_parent", 403, "迁入审批由选择迁入的组织（新的直属上级）的管理员办理";
    CentralOnly = "central_only", 403, "此项业务由团中央管理员办理";
    SuperiorAdminOnly = "superior_admin_only", 403, "此项业务由上级组织的管理员办理，本组织的管理员不能办理";
    ProvinceOnly = "province_only", 403, "此项业务由省级团委管理员办理";
    // Organisations: creation, information, deletion.
    OrgKindInvalid = "org_kind_invalid", 400, "组织类别或级别不正确，请从列表中选择";
    OrgKindNotAllowed = "org_kind_not_allowed", 409, "上级组织下不能建立这一类别的组织";
    OrgKindChildren = "org_kind_children", 409, "现有下级组织不符合新的组织类别，请先迁移或删除这些下级组织";
    BranchHasMembers = "branch_has_members", 409, "该团支部有团员，团员只能属于团支部；请先将团员转出";
    OrgNameTaken = "org_name_taken", 409, "已有同名的组织，组织全称不能重复";
    ParentGone = "parent_gone", 409, "上级组织已被删除，无法在其下创建组织；请刷新页面";
    ProvinceInvalid = "province_invalid", 400, "所选的省份或系统团委不存在，请从列表中重新选择";
    SheetInvalid = "sheet_invalid", 422, "表格中有错误，没有导入任何内容；请按行号和列逐一修改后重新上传";
    DuplicateInFile = "duplicate_in_file", 400, "与表格中的另一行重复";
    FieldNotAsked = "field_not_asked", 400, "该类别的组织不需要填写这一项";
    FieldNotEditable = "field_not_editable", 403, "这一项不能由本组织修改，请联系直属上级组织的管理员";
    CountInvalid = "count_invalid", 400, "人数应为不小于0的整数";
    IndustryInvalid = "industry_invalid", 400, "单位所属行业类别不正确，请从列表中选择";
    PhoneInvalid = "phone_invalid", 400, "电话号码格式不对";
    EmailInvalid = "email_invalid", 400, "电子邮箱格式不对";
    MobileInvalid = "mobile_invalid", 400, "手机号码应为11位数字";
    SchoolCodeInvalid = "school_code_invalid", 400, "学校机构编号格式不对";
    NotSchool = "not_school", 403, "只有学校团组织填写学校机构编号";
    SecretaryNameMismatch = "secretary_name_mismatch", 409, "书记的身份证号码已登记为另一个姓名，请核对";
    ChangePending = "change_pending", 409, "本组织已有一份待上级审批的信息修改申请，一次只能有一份";
    ChangeDecided = "change_decided", 409, "这份信息修改申请已经处理过，不能再次审批或撤回";
    ChangeInvalidNow = "change_invalid_now", 409, "这份申请的内容已不符合现在的要求，请退回，由本组织重新提交";
    CommentRequired = "comment_required", 400, "退回时请填写退回意见";
    OrgNotDeletable = "org_not_deletable", 409, "该组织不能删除";
    OrgHasChildren = "org_has_children", 409, "该组织还有下级组织，不能删除；请先迁移或删除下级组织";
    OrgHasMembers = "org_has_members", 409, "该组织还有团员或团干部，不能删除；请先转出";
    OrgHoldsDevRanges = "org_holds_dev_ranges", 409, "该组织还有发展团员编号号段，不能删除；请先收回号段";
    OrgImportRunning = "org_import_running", 409, "该组织有正在进行的导入，不能删除；请等待导入完成";
    OrgReferenced = "org_referenced", 409, "删除时该组织刚刚有新的数据写入，未删除。请刷新页面查看后再试";
    // Migration of organisations.
    MoveAcrossProvinces = "move_across_provinces", 409, "跨省组织迁移由团中央管理员办理";
    MoveAlreadyOpen = "move_already_open", 409, "本组织已有一个正在审批的迁移申请，同一时间只能有一个";
    MoveNotPending = "move_not_pending", 409, "该迁移申请已经处理过，不能再审批";
    MoveSameParent = "move_same_parent", 409, "所选组织已经是本组织的直属上级，无需迁移";
    MoveStale = "move_stale", 409, "申请提交后，该组织的直属上级已经变化，此申请不能再通过";
    MoveUnderDescendant = "move_under_descendant", 409, "不能把组织迁移到自己的下级组织下面";
    MoveUnderItself = "move_under_itself", 409, "不能把组织迁移到它自己下面";
    OrgNotMovable = "org_not_movable", 409, "只有省级团委以下的组织可以迁移";
    ToParentInvalid = "to_parent_invalid", 400, "所选的新直属上级组织不存在，请重新搜索并选择";
    // Admins and registration codes.
    AccountExists = "account_exists", 409, "该身份证号码已有账号，请登录后填写注册码";
    AlreadyAdmin = "already_admin", 409, "此人已经是该组织的管理员";
    NotAdmin = "not_admin", 409, "此人不是该组织的管理员，无需撤销";
    NotACadre = "not_a_cadre", 409, "此人还不是该组织的团干部，不能添加为管理员";
    PersonNotInSystem = "person_not_in_system", 409, "此人尚未在系统中登记，管理员须先是本组织的团干部";
    CannotRevokeSelf = "cannot_revoke_self", 409, "不能撤销自己的管理员身份";
    CodeUnknown = "code_unknown", 400, "注册码不正确，请核对后重新输入";
    CodeUsed = "code_used", 409, "注册码已被使用过，每个注册码只能注册一次";
    CodeExpired = "code_expired", 409, "注册码已过期，请联系上级组织管理员重新生成";
    CodeRevoked = "code_revoked", 409, "注册码已作废，请联系上级组织管理员重新生成";
    NoActiveCode = "no_active_code", 409, "该组织当前没有可作废的注册码";
    // Password reset codes.
    TargetIsAdmin = "target_is_admin", 409, "管理员的密码重置须由其所管理组织的直属上级组织管理员办理";
    ResetCodeWrong = "reset_code_wrong", 400, "身份证号码或重置码不正确，请核对后重新输入";
    ResetCodeUsed = "reset_code_used", 409, "重置码已使用过，每个重置码只能使用一次";
    ResetCodeExpired = "reset_code_expired", 409, "重置码已过期，请联系所在团组织管理员重新生成";
    ResetCodeRevoked = "reset_code_revoked", 409, "重置码已作废，请使用最新生成的重置码";
    // Members and cadres: the entry rules.
    IdNumberInvalid = "id_number_invalid", 400, "身份证号码不正确";
    RequiredMissing = "required_missing", 400, "必须填写，不能为空";
    TooLong = "too_long", 400, "填写的内容太长";
    InvalidText = "invalid_text", 400, "含有换行或不可见的控制字符，请删除后重新填写";
    InvalidChoice = "invalid_choice", 400, "不是可选的值，请从列表中选择";
    InvalidFormat = "invalid_format", 400, "格式不对";
    JoinAgeTooYoung = "join_age_too_young", 400, "入团时未到入团年龄";
    JoinDateInvalid = "join_date_invalid", 400, "入团年月格式不对，应如 2019-05";
    DevNumberRequired = "dev_number_required", 400, "须填写发展团员编号";
    DevNumberTaken = "dev_number_taken", 409, "发展团员编号已被使用";
    DevNumberYearMismatch = "dev_number_year_mismatch", 400, "发展团员编号的年份与入团年份不一致";
    DevNumberBadLength = "dev_number_bad_length", 400, "发展团员编号位数不对";
    DevNumberOutOfRange = "dev_number_out_of_range", 400, "发展团员编号不在本组织可用的号段内";
    DevNumberBadFormat = "dev_number_bad_format", 400, "发展团员编号格式不对";
    OrgNotFound = "org_not_found", 400, "所在团组织不存在";
    NotABranch = "not_a_branch", 400, "团员只能录入到团支部";
    AlreadyRegistered = "already_registered", 409, "该身份证号码已在系统中登记";
    TemplateMismatch = "template_mismatch", 422, "表格不是本页的模板，请下载模板后填写";
    RecordInvalid = "record_invalid", 422, "填写的内容需要修改，请按提示逐项修改后重新提交";
    StatusInvalid = "status_invalid", 400, "状态不正确";
    SortInvalid = "sort_invalid", 400, "排序方式不正确";
    JoinYearInvalid = "join_year_invalid", 400, "入团年份应为4位数字，如 2019";
    PostInvalid = "post_invalid", 400, "职务不正确，请从列表中选择";
    // Corrections of a name or ID number.
    NothingToCorrect = "nothing_to_correct", 400, "新的姓名和身份证号码与现在的相同，无需更正";
    CorrectionPending = "correction_pending", 409, "该团员已有一份待审核的更正申请";
    CorrectionNotPending = "correction_not_pending", 409, "该更正申请已经处理过，不能再审核或撤回";
    NotApprover = "not_approver", 403, "姓名、身份证号码更正申请由团员所在团支部的省级团委管理员审核";
    NotRequester = "not_requester", 403, "只有提交该更正申请的管理员可以撤回";
    // 发展团员编号号段.
    DevRangeInvalid = "dev_range_invalid", 400, "号段不正确";
    DevRangeOutsideParent = "dev_range_outside_parent", 409, "号段不在上级组织分配的号段内";
    DevRangeOverlap = "dev_range_overlap", 409, "号段与已分配的号段重叠";
    DevRangeInUse = "dev_range_in_use", 409, "号段中已有编号被团员使用，不能删除";
    DevRangeSubAllocated = "dev_range_sub_allocated", 409, "已从号段中向下级组织分配了号段，不能删除";
    CentralDoesNotAllocate = "central_does_not_allocate", 409, "团中央不直接分配发展团员编号号段";
    NotAChild = "not_a_child", 400, "请从列表中选择接收号段的下级组织";
    // Self-service ways in.
    StageInvalid = "stage_invalid", 400, "阶段只能是 activist（入团积极分子）、candidate（发展对象）或 member（团员）";
    StageOutOfOrder = "stage_out_of_order", 409, "入团申请须按阶段依次办理";
    UseStages = "use_stages", 409, "入团申请按阶段办理，请逐步办理";
    NotAJoinApplication = "not_a_join_application", 409, "只有入团申请分阶段办理";
    ApplicationClosed = "application_closed", 409, "该申请已办结，不能修改";
    ApplicantTooYoung = "applicant_too_young", 400, "申请入团须年满13周岁";
    ApplicantTooOld = "applicant_too_old", 400, "申请入团须未满28周岁";
    JoinedSince2020 = "joined_since_2020", 400, "团员团干部注册只适用于2020年以前入团的团员";
    CadreIsMember = "cadre_is_member", 400, "共青团员请以团员身份注册；以团干部身份注册只用于不是团员的团干部";
    ConfirmRequired = "confirm_required", 400, "只导入无误的行需要明确确认";
    // 入团年龄特殊情况 (seed, question 4): gathered by the province, entered by 团中央.
    AgeCaseOpen = "age_case_open", 409, "该身份证号码已有一份待办理的入团年龄特殊情况，不能重复报送";
    AgeCaseNotOpen = "age_case_not_open", 409, "这份入团年龄特殊情况已经处理过或不在这一环节，请刷新页面查看";
    NotAgeException = "not_age_exception", 409, "此人入团年龄符合规定，请由其所在团支部正常录入，不需要报团中央";
    // 团组织关系转接.
    TransferReasonInvalid = "transfer_reason_invalid", 400, "请选择转接原因：升学、就业、参军、出国(境)、未就业或其他";
    TransferDetailInvalid = "transfer_detail_invalid", 400, "请填写转接原因的说明（不超过100个字）";
    TransferDestinationInvalid = "transfer_destination_invalid", 400, "请选择接收组织；转往北京、广东、福建的请选择该省并填写接收组织名称";
    TransferPending = "transfer_pending", 409, "该团员已有一个正在办理的组织关系转接，同一时间只能有一个";
    TransferSameOrg = "transfer_same_org", 409, "接收组织就是团员现在所在的组织，无需转接";
    TransferNotPending = "transfer_not_pending", 409, "该转接已经处理过，不能再审批、退回或撤回";
    TransferLapsed = "transfer_lapsed", 409, "该转接等待审批超过期限，已过期，请重新发起";
    TransferBranchRequired = "transfer_branch_required", 400, "接收组织不是团支部，请选择团员转入的团支部";
    TransferBranchInvalid = "transfer_branch_invalid", 400, "所选团支部不在接收组织之下，请重新选择";
    TransferNotMember = "transfer_not_member", 409, "此人不是团员（或已离团），不能办理组织关系转接";
    TransferProvinceReview = "transfer_province_review", 403, "参军的组织关系转接由接收组织所在省级团委审核";
    TransferNotStarter = "transfer_not_starter", 403, "只有发起人可以撤回转接";
    TransferMemberUnknown = "transfer_member_unknown", 404, "没有找到姓名和身份证号都一致的团员，请核对后重试";
    // 毕业.
    GraduationMonthInvalid = "graduation_month_invalid", 400, "毕业年月格式不对，应如 2027-06，且不能早于本月";
    GraduationNotAllowed = "graduation_not_allowed", 409, "该组织或团员不能标注毕业时间";
    // 个人中心: what a person changes in their own record.
    NotSelfEditable = "not_self_editable", 403, "该项不能自行修改：姓名、身份证号码请提交更正申请，入团年月、发展团员编号和入党信息由组织管理员维护";
    NoMemberRecord = "no_member_record", 409, "您没有团员档案，不能办理此项业务；如有疑问请联系所在团组织";
    // 团籍: leaving the league and coming back.
    LeavingWayInvalid = "leaving_way_invalid", 400, "办理方式只能是退团、自行脱团或开除团籍；超龄离团请在超龄团员名单中办理";
    LeavingDateInvalid = "leaving_date_invalid", 400, "日期不正确，应如 2026-05-01，且不能晚于今天";
    MemberHasLeft = "member_has_left", 409, "该团员已离团，不能再办理；如需恢复团籍，请申请恢复团籍";
    LeavingPending = "leaving_pending", 409, "该团员已有一项待上级审批的团籍变动，请等待审批结果";
    NotAgedOut = "not_aged_out", 409, "该团员在离团日期时未满28周岁，不能办理超龄离团";
    HoldsPost = "holds_post", 409, "该团员担任团内职务，任职期满后再办理超龄离团";
    StudentKept = "student_kept", 409, "该团员是在校学生，可保留团籍至毕业";
    NotLeft = "not_left", 409, "该团员没有离团，无需恢复团籍";
    NothingPending = "nothing_pending", 409, "该团员没有待审批的团籍变动";
    // 团员电子档案 and 实名校验 (issue 15, part 3).
    ArchiveNotPdf = "archive_not_pdf", 422, "文件不是有效的 PDF，请上传扫描后保存为 PDF 的《入团志愿书》";
    ArchiveTooLarge = "archive_too_large", 413, "文件超过 20 MB，请降低扫描分辨率或压缩后重新上传";
    ArchiveEmpty = "archive_empty", 400, "上传的文件是空的，请重新选择扫描好的 PDF 文件";
    ArchiveNotRequired = "archive_not_required", 409, "2020年1月以前入团的团员不需要上传团员电子档案";
    ArchivePending = "archive_pending", 409, "团员电子档案正在等待上级审批，审批退回后才能替换";
    ArchiveLocked = "archive_locked", 409, "团员电子档案已认证，不能再替换或审批";
    ArchiveNotPending = "archive_not_pending", 409, "该团员没有等待审批的团员电子档案";
    IdentityAlreadyVerified = "identity_already_verified", 409, "此人的实名校验已经通过，无需再标记";
    // Excel files and import jobs.
    SheetEmpty = "sheet_empty", 422, "文件为空，请选择填写好的 Excel 表格后重新上传";
    SheetUnreadable = "sheet_unreadable", 422, "文件不是 Excel 表格，请下载模板填写后再上传";
    FileUnreadable = "file_unreadable", 422, "文件无法读取";
    CellError = "cell_error", 400, "单元格含有 Excel 的错误值，请改正后重新上传";
    StoredAsNumber = "stored_as_number", 400, "该单元格被 Excel 保存为数字，请设为文本格式后重新填写";
    ImportBusy = "import_busy", 503, "系统正在处理其他单位导入的表格，请稍等一两分钟后重新上传";
    ImportRunning = "import_running", 409, "本组织已有一个导入正在进行，一次只能进行一个导入";
    ImportNotReady = "import_not_ready", 409, "这个导入当前不能提交，请刷新页面查看最新状态";
    ImportFilePurged = "import_file_purged", 410, "上传的表格只保留30天，这份错误报告已不能下载";
    ImportSuperseded = "import_superseded", 410, "这次上传已被新上传的表格取代";
    ImportFailed = "import_failed", 500, "导入失败，没有写入任何数据";
    // 两制: 团员教育评议 and 团籍注册 (issue 15).
    ReviewYearInvalid = "review_year_invalid", 400, "评议年度不对：只能办理今年或上一年度的团员教育评议";
    GradeInvalid = "grade_invalid", 400, "评议等次只能是优秀、合格、基本合格或不合格";
    UnregisteredReasonRequired = "unregistered_reason_required", 400, "评议为不合格的团员，请选择暂缓注册或不予注册，并填写原因";
    ReviewMemberUnknown = "review_member_unknown", 400, "只能为本团支部团籍正常的团员评议，请刷新页面后重新录入";
    ReviewLocked = "review_locked", 409, "本年度的团员教育评议已提交或已认证，不能再修改";
    ReviewIncomplete = "review_incomplete", 409, "还有团员没有评议等次，请全部录入后再提交";
    ReviewNotSubmitted = "review_not_submitted", 409, "该团支部本年度的评议尚未提交，不能审核认证";
    // 推优入党 (issue 15).
    RecommendDateInvalid = "recommend_date_invalid", 400, "推优入党的日期不对，请核对后重新填写";
    RecommendTooYoung = "recommend_too_young", 400, "未满18周岁的团员不能推荐入党";
    RecommendNotAllowed = "recommend_not_allowed", 409, "该团员的推优入党现在不能办理这一步，请刷新页面查看进度";
    RecommendFormInvalid = "recommend_form_invalid", 422, "推优入党的表格须为 PDF 文件，请扫描后上传";
    // 对标定级 (issue 16).
    StarYearInvalid = "star_year_invalid", 400, "对标定级年度不对：只能办理上一年度至下一年度的对标定级";
    StarConfigInvalid = "star_config_invalid", 400, "对标定级的时间、项目或星级分数线填写有误，请按提示改正后重新保存";
    StarConfigLocked = "star_config_locked", 409, "已有团支部提交了本年度的对标定级自评，本年度的标准不能再修改";
    StarScoreInvalid = "star_score_invalid", 400, "得分须为0到该项目满分之间的整数";
    StarItemUnknown = "star_item_unknown", 400, "本年度的对标定级标准没有这个项目，请刷新页面后重新填写";
    StarRoundClosed = "star_round_closed", 409, "现在不在本年度对标定级的自评时间内，请在团中央规定的时间内填写和提交";
    StarIneligible = "star_ineligible", 409, "该团支部不参加本年度对标定级（成立不满6个月，或为流动团员团支部、临时团支部）";
    StarIncomplete = "star_incomplete", 409, "还有项目没有自评得分，请全部填写后再提交";
    StarLocked = "star_locked", 409, "本年度的对标定级已提交或已确认，不能再修改";
    StarNotSubmitted = "star_not_submitted", 409, "该团支部本年度的对标定级自评尚未提交，不能审核";
    // 团费 (issue 16).
    AmountInvalid = "amount_invalid", 400, "金额格式不对，请填写以元为单位、最多两位小数的数字";
    DuesMonthInvalid = "dues_month_invalid", 400, "月份不对：请填写如 2026-11 的年月，不能晚于本月，也不能早于团员入团的月份";
    DuesMemberUnknown = "dues_member_unknown", 400, "只能为本团支部团籍正常的团员记录团费，请刷新页面后重新记录";
    DuesAlreadyPaid = "dues_already_paid", 409, "该团员这个月的团费已记录缴纳，如需修改请办理更正并填写原因";
    DuesNotRecorded = "dues_not_recorded", 409, "该团员这个月还没有缴纳记录，不需要更正，请直接记录缴纳";
    DuesReasonRequired = "dues_reason_required", 400, "更正团费记录必须填写原因";
    DuesBandsInvalid = "dues_bands_invalid", 400, "团费收缴标准不对，请核对各项金额和比例后重新保存";
}

impl ErrorCode {
    /// The code whose wire form is `s`.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl FromStr for ErrorCode {
    type Err = UnknownErrorCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or(UnknownErrorCode)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownErrorCode;

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<ErrorCode> for &str {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn each_code_is_listed_once_in_snake_case() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} is listed twice");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit()),
                "{s} is not snake_case"
            );
            assert_eq!(ErrorCode::parse(s), Some(*code));
        }
    }

    #[test]
    fn statuses_are_errors_and_messages_are_chinese() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.status()), "{code}");
            assert!(
                code.message()
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}: {}",
                code.message()
            );
        }
    }

    #[test]
    fn serialises_as_its_wire_form() {
        assert_eq!(
            serde_json::to_string(&ErrorCode::AlreadyRegistered).unwrap(),
            "\"already_registered\""
        );
        assert_eq!("nope".parse::<ErrorCode>(), Err(UnknownErrorCode));
    }
}
