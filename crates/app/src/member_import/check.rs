//! Checking an upload: the sheet rules, the domain rules of the form (per branch, with its 号段),
//! duplicates within the file, and the database (ID numbers, development numbers and posts
//! already there), every fault by row and column. Then writing the good rows in bulk.
//!
//! The database is asked a few questions per few hundred rows (see `store::member_bulk`), and
//! each branch's context (号段, 新疆) is loaded once, so 100,000 rows take seconds.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tuanjian_domain::ErrorCode;

use chrono::NaiveDate;
use serde::Serialize;
use tuanjian_domain::member_record::{CadreInput, MemberInput};
use tuanjian_domain::{
    Action, ActorRole, BranchContext, IdNumber, JoinMonth, MemberFault, MemberFaultCode,
    MemberField, NewCadre, NewMember, authorize,
};
use tuanjian_sheet::{CellFault, Row, SheetError, Template};
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::dev_ranges::{RangeBook, range_book};
use tuanjian_store::import_jobs::JobPhase;
use tuanjian_store::member_bulk::{self, KnownPerson};
use tuanjian_store::members::Place;
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::{Store, StoreError, Tx};

use super::columns::{self, Context, Kind, POST_FIELDS, RowValues};
use super::suggest::closest;

/// A file that could not be checked at all (nothing in it was looked at row by row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFault {
    pub code: ErrorCode,
    pub message: String,
    /// The file is too big (HTTP 413 rather than 422).
    pub too_large: bool,
}

impl FileFault {
    /// `other` is the other import template: uploading it here gets the real system's words
    /// (seed, question 4.3) alone; any other sheet also what its first row holds.
    fn from_sheet(e: &SheetError, other: &Template) -> Self {
        let message = match e {
            SheetError::TemplateMismatch { found, .. } if *found == other.titles().join("、") => {
                MemberFault::template_mismatch().message
            }
            SheetError::TemplateMismatch {
                expected, found, ..
            } => format!(
                "{}（本页模板的第一行应为“{expected}”，您上传的表格第一行是“{found}”）",
                MemberFault::template_mismatch().message
            ),
            other => other.to_string(),
        };
        Self {
            code: e.code(),
            message,
            too_large: matches!(
                e,
                SheetError::TooLarge { .. }
                    | SheetError::UnpacksTooLarge { .. }
                    | SheetError::TooMuchText { .. }
                    | SheetError::TooManyRows { .. }
            ),
        }
    }
}

/// The organisation an import is for, with what its template depends on.
#[derive(Clone)]
pub struct Target {
    pub kind: Kind,
    pub org: Org,
    pub scope: AdminScope,
    /// Members import: the branches it may name (the organisation's direct child branches, or
    /// the organisation itself when it is a branch), by full name.
    pub branches: Vec<Org>,
    /// Members import: the direct children that are not branches (named by mistake).
    pub others: Vec<Org>,
}

impl Target {
    /// Loads what an import into `org` needs. `scope` must administer `org` itself.
    pub async fn load(
        store: &Store,
        scope: AdminScope,
        org: Org,
        kind: Kind,
    ) -> Result<Self, StoreError> {
        let (mut branches, mut others) = (Vec::new(), Vec::new());
        if kind == Kind::Members {
            if org.kind.is_branch() {
                branches.push(org.clone());
            }
            let mut tx = store.begin_read().await?;
            for child in member_bulk::children(&mut tx, org.id).await? {
                if child.kind.is_branch() {
                    branches.push(child);
                } else {
                    others.push(child);
                }
            }
            tx.rollback().await?;
        }
        Ok(Self {
            kind,
            org,
            scope,
            branches,
            others,
        })
    }

    pub fn context(&self) -> Context {
        Context {
            org_kind: self.org.kind,
            branch_names: self.branches.iter().map(|b| b.full_name.clone()).collect(),
        }
    }

    pub fn template(&self) -> Template {
        columns::template(self.kind, &self.context())
    }
}

/// What a good row writes.
pub enum Record {
    Member {
        branch: usize,
        member: Box<NewMember>,
        cadre: Option<NewCadre>,
    },
    Cadre(NewCadre),
}

impl Record {
    fn profile(&self) -> &tuanjian_domain::Profile {
        match self {
            Record::Member { member, .. } => &member.profile,
            Record::Cadre(c) => &c.profile,
        }
    }
}

/// One data row after checking.
pub struct RowResult {
    /// The row number as Excel shows it.
    pub number: u32,
    pub faults: Vec<CellFault>,
    pub record: Option<Record>,
    /// The ID number as parsed, for duplicates (also on rows with other faults).
    id_key: Option<String>,
    /// The account that already exists for this ID number.
    person_id: Option<i64>,
}

impl RowResult {
    pub fn ok(&self) -> bool {
        self.faults.is_empty() && self.record.is_some()
    }

    /// What is kept of the row once it is written (or the import stopped): a record is a few
    /// hundred bytes of fields, and 100,000 of them kept to the end grew one vector through
    /// fresh pages of memory on the writing stage's thread (0.3 s of a 5 s import on SQLite).
    pub fn outcome(self) -> RowOutcome {
        RowOutcome {
            ok: self.ok(),
            number: self.number,
            faults: self.faults,
        }
    }
}

/// A row's outcome as the import reports it: its number, its faults, and whether it was good.
pub struct RowOutcome {
    /// The row number as Excel shows it.
    pub number: u32,
    pub faults: Vec<CellFault>,
    ok: bool,
}

impl RowOutcome {
    pub fn ok(&self) -> bool {
        self.ok
    }
}

/// A row's outcome as the command line and the API print it.
#[derive(Debug, Clone, Serialize)]
pub struct RowFault {
    /// The column's title; empty for a fault of the whole row.
    pub column: String,
    pub code: String,
    pub message: String,
}

/// How a branch name in the file resolved.
#[derive(Clone)]
enum Branch {
    Found(usize),
    Fault(ErrorCode, String),
}

/// Everything the row parser needs, shared with the blocking threads that parse.
#[derive(Clone)]
struct ParseContext {
    kind: Kind,
    template: Template,
    org: Org,
    branches: Vec<Org>,
    books: Vec<RangeBook>,
    names: HashMap<String, Branch>,
    today: NaiveDate,
}

fn fault_at(t: &Template, kind: Kind, number: u32, f: MemberFault) -> CellFault {
    match f.field.and_then(|field| columns::index_of(kind, field)) {
        Some(col) => CellFault::at(t, number, col, f.code(), &f.message),
        None => CellFault::row(number, f.code(), &f.message),
    }
}

/// Adds domain faults, skipping columns the sheet rules already faulted (reported once).
fn add_faults(
    ctx: &ParseContext,
    row: &Row,
    out: &mut Vec<CellFault>,
    faults: impl IntoIterator<Item = MemberFault>,
) {
    for f in faults {
        let clean = f
            .field
            .and_then(|field| columns::index_of(ctx.kind, field))
            .is_none_or(|col| row.is_clean(&ctx.template, col));
        if clean {
            out.push(fault_at(&ctx.template, ctx.kind, row.number, f));
        }
    }
}

/// "4.40106E+17": an ID number copied out of a cell Excel showed as a number.
fn scientific(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    digits(int) && digits(frac) && digits(exp.trim_start_matches('+'))
}

fn parse_row(ctx: &ParseContext, mut row: Row) -> RowResult {
    let number = row.number;
    let id_col = columns::index_of(ctx.kind, MemberField::IdNumber).unwrap_or(1);
    if row.is_clean(&ctx.template, id_col) && scientific(row.value(id_col)) {
        let shown = row.value(id_col).to_string();
        row.faults.push(CellFault::at(
            &ctx.template,
            number,
            id_col,
            ErrorCode::StoredAsNumber,
            format!(
                "“{shown}”是 Excel 把身份证号码当作数值后显示的科学计数法，后面的数字已经丢失，无法还原。\
                 请选中该列，右键“设置单元格格式”，选择“文本”，再重新输入完整的号码"
            ),
        ));
    }
    let mut faults = row.faults.clone();
    let id_key = IdNumber::parse(row.value(id_col))
        .ok()
        .map(|id| id.as_str().to_string());
    let record = match ctx.kind {
        Kind::Cadres => {
            let input: CadreInput = RowValues::new(ctx.kind, &mut row).cadre();
            match input.parse(ctx.org.kind, ctx.today) {
                Ok(c) => Some(Record::Cadre(c)),
                Err(fs) => {
                    add_faults(ctx, &row, &mut faults, fs);
                    None
                }
            }
        }
        Kind::Members => parse_member_row(ctx, &mut row, &mut faults),
    };
    RowResult {
        number,
        record: if faults.is_empty() { record } else { None },
        faults,
        id_key,
        person_id: None,
    }
}

fn parse_member_row(
    ctx: &ParseContext,
    row: &mut Row,
    faults: &mut Vec<CellFault>,
) -> Option<Record> {
    let branch_col = columns::index_of(Kind::Members, MemberField::Branch).expect("column");
    let name = row.value(branch_col).to_string();
    let branch = if name.is_empty() || !row.is_clean(&ctx.template, branch_col) {
        None
    } else {
        match ctx.names.get(&name) {
            Some(Branch::Found(i)) => Some(*i),
            Some(Branch::Fault(code, msg)) => {
                faults.push(CellFault::at(
                    &ctx.template,
                    row.number,
                    branch_col,
                    *code,
                    msg,
                ));
                None
            }
            None => None,
        }
    };
    let post_given = POST_FIELDS
        .iter()
        .any(|&f| !RowValues::new(Kind::Members, row).get(f).is_empty());
    let post_empty = RowValues::new(Kind::Members, row)
        .get(MemberField::Post)
        .is_empty();
    let (member_input, cadre_input): (MemberInput, CadreInput) =
        RowValues::new(Kind::Members, row).member();
    let (xinjiang, book) = match branch {
        Some(i) => (ctx.branches[i].xinjiang, Some(&ctx.books[i])),
        None => (ctx.org.xinjiang, None),
    };
    let ranges = book.and_then(|b| {
        JoinMonth::parse_on(&member_input.join_month, ctx.today)
            .ok()
            .and_then(|j| b.applicable(j.year()))
    });
    let member = member_input.parse(BranchContext {
        is_xinjiang: xinjiang,
        ranges: ranges.as_deref(),
        today: ctx.today,
    });
    let member = match member {
        Ok(m) => Some(m),
        Err(fs) => {
            add_faults(ctx, row, faults, fs);
            None
        }
    };
    let cadre = if !post_given {
        None
    } else if post_empty {
        add_faults(
            ctx,
            row,
            faults,
            [MemberFault::new(
                MemberFaultCode::RequiredMissing,
                Some(MemberField::Post),
                "填写了任职年月、团干部性质或是否同级党委（支部）成员，请同时填写团内现任职务；不是团干部的请清空这几列",
            )],
        );
        None
    } else {
        let kind = branch.map_or(tuanjian_domain::OrgKind::Branch, |i| ctx.branches[i].kind);
        match cadre_input.parse(kind, ctx.today) {
            Ok(c) => Some(c),
            Err(fs) => {
                // The profile's faults are the member's, already reported.
                let post_only = fs
                    .into_iter()
                    .filter(|f| f.field.is_some_and(|x| POST_FIELDS.contains(&x)));
                add_faults(ctx, row, faults, post_only);
                None
            }
        }
    };
    let branch = branch?;
    let member = member?;
    if post_given && cadre.is_none() {
        return None;
    }
    Some(Record::Member {
        branch,
        member: Box::new(member),
        cadre,
    })
}

/// Resolves the 所在团支部 names of the file: a branch the admin may enter members into, or a
/// fault saying why not with the closest full names offered.
async fn resolve_names(
    tx: &mut Tx,
    target: &Target,
    names: HashSet<String>,
) -> Result<HashMap<String, Branch>, StoreError> {
    let mut out = HashMap::new();
    let mut missing = Vec::new();
    for name in names {
        if let Some(i) = target.branches.iter().position(|b| b.full_name == name) {
            out.insert(name, Branch::Found(i));
        } else if target.others.iter().any(|o| o.full_name == name) {
            out.insert(
                name.clone(),
                Branch::Fault(
                    ErrorCode::NotABranch,
                    MemberFault::not_a_branch(&name).message,
                ),
            );
        } else {
            missing.push(name);
        }
    }
    let refs: Vec<&str> = missing.iter().map(String::as_str).collect();
    let existing = member_bulk::orgs_named(tx, &refs).await?;
    let candidates: Vec<&str> = target
        .branches
        .iter()
        .map(|b| b.full_name.as_str())
        .collect();
    for name in missing {
        let found = existing
            .iter()
            .find(|o| o.full_name == name && target.scope.covers(&o.path));
        let fault = match found {
            Some(o) if !o.kind.is_branch() => Branch::Fault(
                ErrorCode::NotABranch,
                MemberFault::not_a_branch(&name).message,
            ),
            Some(o) => {
                let refusal = authorize(
                    Action::EnterMember,
                    ActorRole::Admin(target.scope.relation_to(&o.path)),
                )
                .err()
                .map_or(ErrorCode::NotOwnOrDirectSuperior, |r| r.code);
                Branch::Fault(
                    refusal,
                    format!(
                        "“{name}”不是{}的直属团支部：团员由其所在团支部或直属上级组织的管理员录入，请由该团支部的上级组织导入",
                        target.org.short_name
                    ),
                )
            }
            // Outside the scope is told like an unknown name, so names cannot be probed.
            None => {
                let mut msg = MemberFault::org_not_found(&name).message;
                let by_short = target.branches.iter().find(|b| b.short_name == name);
                let offered: Vec<String> = match by_short {
                    Some(b) => vec![b.full_name.clone()],
                    None => closest(&name, &candidates, 3)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                };
                if !offered.is_empty() {
                    msg.push_str(&format!(
                        "。最接近的团支部全称：{}",
                        offered
                            .iter()
                            .map(|n| format!("“{n}”"))
                            .collect::<Vec<_>>()
                            .join("、")
                    ));
                }
                Branch::Fault(ErrorCode::OrgNotFound, msg)
            }
        };
        out.insert(name, fault);
    }
    Ok(out)
}

/// Where a running import tells its progress: the job's row (throttled), and for the command
/// line the phase changes on standard error.
pub struct Progress<'a> {
    job: Option<(&'a Store, i64)>,
    stderr: bool,
    last: std::time::Instant,
    /// `None` until the first phase is told.
    phase: Option<JobPhase>,
    /// The job's row is not written (see `quiet_job`).
    quiet: bool,
}

impl<'a> Progress<'a> {
    pub fn job(store: &'a Store, job_id: i64) -> Self {
        Self {
            job: Some((store, job_id)),
            stderr: false,
            last: std::time::Instant::now(),
            phase: None,
            quiet: false,
        }
    }

    /// Phases on standard error, for the command line.
    pub fn stderr() -> Self {
        Self {
            job: None,
            stderr: true,
            last: std::time::Instant::now(),
            phase: None,
            quiet: false,
        }
    }

    pub fn silent() -> Self {
        Self {
            job: None,
            stderr: false,
            last: std::time::Instant::now(),
            phase: None,
            quiet: false,
        }
    }

    /// Whether the job's row is left alone for now: while an SQLite writing transaction holds
    /// the database's write lock, writing it would wait for that lock.
    pub fn quiet_job(&mut self, quiet: bool) {
        self.quiet = quiet;
    }

    /// `phase` with `done` of `total` rows (0: not known yet); written at most every 300 ms
    /// unless the phase changes.
    pub async fn tell(&mut self, phase: JobPhase, done: u64, total: u64) {
        let changed = Some(phase) != self.phase;
        if !changed && self.last.elapsed() < std::time::Duration::from_millis(300) {
            return;
        }
        self.phase = Some(phase);
        self.last = std::time::Instant::now();
        if changed && self.stderr {
            eprintln!("{}", phase_label(phase));
        }
        if let Some((store, id)) = self.job
            && !self.quiet
            && let Err(e) =
                tuanjian_store::import_jobs::progress(store, id, phase, done as i64, total as i64)
                    .await
        {
            tracing::warn!(error = %e, job = id, "import progress not written");
        }
    }
}

/// The phases a running import goes through, in Chinese.
pub fn phase_label(phase: JobPhase) -> &'static str {
    match phase {
        JobPhase::Queued => "排队等待中…",
        JobPhase::Reading => "正在读取表格…",
        JobPhase::Checking => "正在逐行检查…",
        JobPhase::Writing => "正在写入数据库（全部写入或全部不写入）…",
        JobPhase::Done => "已完成",
    }
}

/// Rows parsed per blocking task: small enough to share a chunk between the cores.
const PARSE_CHUNK: usize = 1_250;

impl FileFault {
    /// The file could not be read as `target`'s template.
    pub fn of_sheet(e: &SheetError, target: &Target) -> Self {
        let other = columns::template(target.kind.other(), &target.context());
        Self::from_sheet(e, &other)
    }
}

/// Checks the rows of a file as they are read, chunk by chunk and in order: the sheet and
/// domain rules, the branches named (each resolved once, with its 号段 loaded once) and the
/// duplicates within the file so far. The database rules follow in the writing transaction
/// (`check_system`).
pub struct Checker {
    target: Arc<Target>,
    store: Store,
    ctx: Option<Arc<ParseContext>>,
    duplicates: Duplicates,
    today: NaiveDate,
}

impl Checker {
    pub fn new(store: Store, target: Arc<Target>) -> Self {
        Self {
            target,
            store,
            ctx: None,
            duplicates: Duplicates::default(),
            today: crate::beijing::today(),
        }
    }

    /// The template as the file lays it out (known from the first chunk on).
    pub fn template(&self) -> Option<&Template> {
        self.ctx.as_ref().map(|c| &c.template)
    }

    /// Checks the next rows of the file.
    pub async fn check(&mut self, rows: Vec<Row>) -> Result<Vec<RowResult>, FileFault> {
        self.learn_branches(&rows).await?;
        let ctx = self.ctx.clone().expect("context made");
        // Checked on as many threads as the machine has cores, results kept in order.
        let mut running = Vec::new();
        let mut results = Vec::with_capacity(rows.len());
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let part: Vec<Row> = rows.by_ref().take(PARSE_CHUNK).collect();
            let ctx = ctx.clone();
            running.push(tokio::task::spawn_blocking(move || {
                part.into_iter()
                    .map(|r| parse_row(&ctx, r))
                    .collect::<Vec<_>>()
            }));
        }
        for part in running {
            results.extend(part.await.map_err(|e| internal_fault(&e))?);
        }
        self.duplicates.mark(&ctx, &mut results);
        Ok(results)
    }

    /// The context for `rows`: made with the first chunk (an error report uploaded again has
    /// its reason column first, which cell references count), and again when a chunk names
    /// branches not seen before.
    async fn learn_branches(&mut self, rows: &[Row]) -> Result<(), FileFault> {
        let target = &self.target;
        let mut ctx = match &self.ctx {
            Some(c) => c.clone(),
            None => {
                let first = rows.first().map_or(0, |r| r.first_column);
                Arc::new(ParseContext {
                    kind: target.kind,
                    template: target.template().starting_at(first),
                    org: target.org.clone(),
                    branches: target.branches.clone(),
                    books: vec![RangeBook::default(); target.branches.len()],
                    names: HashMap::new(),
                    today: self.today,
                })
            }
        };
        if target.kind == Kind::Members {
            let col = columns::index_of(Kind::Members, MemberField::Branch).expect("column");
            let named: HashSet<String> = rows
                .iter()
                .map(|r| r.value(col))
                .filter(|n| !n.is_empty() && !ctx.names.contains_key(*n))
                .map(str::to_string)
                .collect();
            if !named.is_empty() {
                let mut tx = self
                    .store
                    .begin_read()
                    .await
                    .map_err(|e| internal_fault(&e))?;
                let found = resolve_names(&mut tx, target, named)
                    .await
                    .map_err(|e| internal_fault(&e))?;
                let c = Arc::make_mut(&mut ctx);
                for (name, b) in found {
                    if let Branch::Found(i) = b {
                        c.books[i] = range_book(&mut tx, &target.branches[i])
                            .await
                            .map_err(|e| internal_fault(&e))?;
                    }
                    c.names.insert(name, b);
                }
                tx.rollback().await.map_err(|e| internal_fault(&e))?;
            }
        }
        self.ctx = Some(ctx);
        Ok(())
    }
}

fn internal_fault(e: &dyn std::fmt::Display) -> FileFault {
    tracing::error!(error = %e, "import failed");
    FileFault {
        code: ErrorCode::InternalError,
        message: "服务器内部错误，导入没有完成，也没有写入任何数据；请稍后重试，如果一直出现请联系系统管理员".into(),
        too_large: false,
    }
}

/// A checked file: every row's outcome, in row order.
pub struct Parsed {
    pub rows: Vec<RowOutcome>,
    pub template: Template,
}

impl Parsed {
    pub fn total(&self) -> usize {
        self.rows.len()
    }

    pub fn valid(&self) -> usize {
        self.rows.iter().filter(|r| r.ok()).count()
    }

    pub fn faulty(&self) -> usize {
        self.total() - self.valid()
    }

    /// Every fault, in row order.
    pub fn faults(&self) -> Vec<&CellFault> {
        self.rows.iter().flat_map(|r| &r.faults).collect()
    }
}

/// What the rows checked so far hold, by the row that holds it first.
#[derive(Default)]
struct Duplicates {
    ids: HashMap<String, u32>,
    posts: HashMap<(String, String), u32>,
    dev: HashMap<String, u32>,
}

impl Duplicates {
    /// Within the file: one row per person (members), one row per person and post (cadres), each
    /// development number once. Later rows are the faulty ones.
    fn mark(&mut self, ctx: &ParseContext, rows: &mut [RowResult]) {
        let id_col = columns::index_of(ctx.kind, MemberField::IdNumber).expect("column");
        let Self {
            ids: seen_ids,
            posts: seen_posts,
            dev: seen_dev,
        } = self;
        for r in rows.iter_mut() {
            let Some(id) = r.id_key.clone() else { continue };
            let mut fault = None;
            match ctx.kind {
                Kind::Members => {
                    if let Some(first) = seen_ids.get(&id) {
                        fault = Some((
                            id_col,
                            format!(
                                "身份证号码与第{first}行重复：同一人只能导入一次，请删除重复的行"
                            ),
                        ));
                    } else {
                        seen_ids.insert(id.clone(), r.number);
                    }
                }
                Kind::Cadres => {
                    if let Some(Record::Cadre(c)) = &r.record {
                        let key = (id.clone(), c.post.label().to_string());
                        if let Some(first) = seen_posts.get(&key) {
                            let col =
                                columns::index_of(Kind::Cadres, MemberField::Post).expect("column");
                            fault = Some((
                                col,
                                format!("与第{first}行是同一人的同一职务，请删除重复的行"),
                            ));
                        } else {
                            seen_posts.insert(key, r.number);
                        }
                    }
                }
            }
            if let Some(Record::Member { member, .. }) = &r.record
                && let Some(n) = &member.dev_number
            {
                if let Some(first) = seen_dev.get(n.as_str()) {
                    let col =
                        columns::index_of(Kind::Members, MemberField::DevNumber).expect("column");
                    r.faults.push(CellFault::at(
                        &ctx.template,
                        r.number,
                        col,
                        ErrorCode::DuplicateInFile,
                        format!(
                            "发展团员编号 {} 与第{first}行重复，一个编号只能属于一名团员",
                            n.as_str()
                        ),
                    ));
                } else {
                    seen_dev.insert(n.as_str().to_string(), r.number);
                }
            }
            if let Some((col, msg)) = fault {
                r.faults.push(CellFault::at(
                    &ctx.template,
                    r.number,
                    col,
                    ErrorCode::DuplicateInFile,
                    msg,
                ));
            }
            if !r.faults.is_empty() {
                r.record = None;
            }
        }
    }
}

/// What the database already holds of a file's people, numbers and posts.
struct Existing {
    /// By ID number.
    known: HashMap<String, KnownPerson>,
    /// Development numbers taken: number → (person, organisation).
    held: HashMap<String, (i64, i64)>,
    /// (person, organisation, post) held.
    posts: HashSet<(i64, i64, String)>,
    /// The organisations named in faults, as the admin may know them.
    places: HashMap<i64, Place>,
}

impl Existing {
    async fn load(tx: &mut Tx, target: &Target, rows: &[RowResult]) -> Result<Self, StoreError> {
        let ids: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.record.as_ref())
            .map(|rec| rec.profile().id_number.as_str())
            .collect();
        let known = member_bulk::known_people(tx, &ids).await?;
        let devs: Vec<&str> = rows
            .iter()
            .filter_map(|r| match &r.record {
                Some(Record::Member { member, .. }) => {
                    member.dev_number.as_ref().map(|n| n.as_str())
                }
                _ => None,
            })
            .collect();
        let held = member_bulk::held_dev_numbers(tx, &devs).await?;
        let known_ids: Vec<i64> = known.values().map(|k| k.person_id).collect();
        let posts = member_bulk::held_posts(tx, &known_ids).await?;
        let mut place_ids: Vec<i64> = known
            .values()
            .flat_map(KnownPerson::orgs)
            .chain(held.values().map(|&(_, org)| org))
            .collect();
        place_ids.sort_unstable();
        place_ids.dedup();
        let places = member_bulk::places(tx, &target.scope, &place_ids).await?;
        Ok(Self {
            known,
            held,
            posts,
            places,
        })
    }

    fn place(&self, org: i64) -> String {
        self.places
            .get(&org)
            .map(|p| p.text.clone())
            .unwrap_or_default()
    }

    /// A member row's faults: already a member (here or elsewhere), an application pending,
    /// the development number taken.
    fn member_faults(
        &self,
        person: Option<&KnownPerson>,
        branch: &Org,
        member: &NewMember,
    ) -> Vec<MemberFault> {
        let mut faults = Vec::new();
        if let Some(p) = person {
            if let Some(org) = p.member_org {
                let mut f = MemberFault::already_registered(Some(&self.place(org)));
                if org == branch.id {
                    f.message = format!(
                        "该身份证号码已是本团支部（{}）的团员，已在系统中，不需要重复导入；请删除这一行",
                        branch.full_name
                    );
                }
                faults.push(f);
            } else if let Some(org) = p.pending_org {
                let mut f = MemberFault::already_registered(Some(&self.place(org)));
                f.message = format!(
                    "该身份证号码已提交入团、注册或报到申请（申请组织：{}），请由该组织管理员审核申请，不要重复录入",
                    self.place(org)
                );
                faults.push(f);
            }
        }
        // A member already there holds their own number: one fault says it all.
        let already = person.is_some_and(|p| p.member_org.is_some());
        if let Some(n) = &member.dev_number
            && let Some(&(_, org)) = self.held.get(n.as_str())
            && !already
        {
            faults.push(MemberFault::dev_number_taken(
                n.as_str(),
                Some(&self.place(org)),
            ));
        }
        faults
    }
}

/// Against the database: an ID number already a member (here: already there; elsewhere: a
/// transfer is the way), an application pending, the same ID under another name, a development
/// number taken, a post already held. Sets the existing account of each row it may reuse.
/// `created` are the accounts this import made for earlier rows (a cadre with two posts): such a
/// row is the same person as the earlier one, not someone already in the system.
pub async fn check_system(
    tx: &mut Tx,
    target: &Target,
    template: &Template,
    rows: &mut [RowResult],
    created: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    let kind = target.kind;
    let existing = Existing::load(tx, target, rows).await?;
    for r in rows.iter_mut() {
        let Some(rec) = &r.record else { continue };
        let profile = rec.profile();
        if let Some(&id) = created.get(profile.id_number.as_str()) {
            r.person_id = Some(id);
            continue;
        }
        let person = existing.known.get(profile.id_number.as_str());
        let (mut faults, post_org, post) = match rec {
            Record::Member {
                branch,
                member,
                cadre,
            } => {
                let branch = &target.branches[*branch];
                let faults = existing.member_faults(person, branch, member);
                (faults, branch.id, cadre.as_ref().map(|c| c.post.label()))
            }
            Record::Cadre(c) => (Vec::new(), target.org.id, Some(c.post.label())),
        };
        if let Some(p) = person {
            if p.name != profile.name {
                let held =
                    Place::of_person(p.orgs().filter_map(|o| existing.places.get(&o).cloned()));
                faults.push(tuanjian_store::members::name_mismatch(
                    &p.name,
                    held.as_ref(),
                ));
            }
            if let Some(post) = post
                && faults.is_empty()
                && existing
                    .posts
                    .contains(&(p.person_id, post_org, post.to_string()))
            {
                faults.push(MemberFault::new(
                    MemberFaultCode::AlreadyRegistered,
                    Some(MemberField::Post),
                    format!(
                        "{}已在该组织担任“{post}”，不需要重复导入；请删除这一行",
                        profile.name
                    ),
                ));
            }
            r.person_id = Some(p.person_id);
        }
        if !faults.is_empty() {
            r.faults.extend(
                faults
                    .into_iter()
                    .map(|f| fault_at(template, kind, r.number, f)),
            );
            r.record = None;
        }
    }
    Ok(())
}

/// What a commit wrote.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Written {
    pub members: u64,
    pub cadres: u64,
    /// Accounts created (in their initial state: ID number and its last 8 characters).
    pub people_created: u64,
    /// Faulty rows left out of a valid-rows-only import.
    pub skipped_rows: u64,
}

/// What the writing of an import has done so far.
#[derive(Default)]
pub struct Writing {
    pub written: Written,
    /// The accounts made, by ID number.
    pub created: HashMap<String, i64>,
    /// Whose records were written, in row order (for the audit record).
    pub person_ids: Vec<i64>,
    /// Existing accounts whose fields were filled in.
    updated: HashSet<i64>,
}

impl Writing {
    /// Writes the good rows of `rows` inside `tx` (checked with `check_system` in the same
    /// transaction, after the rows before them were written).
    pub async fn rows(
        &mut self,
        tx: &mut Tx,
        target: &Target,
        rows: &[RowResult],
    ) -> Result<(), StoreError> {
        let good: Vec<&RowResult> = rows.iter().filter(|r| r.ok()).collect();
        // New accounts, once per ID number (a cadre may hold two posts).
        let mut new_people = Vec::new();
        let mut seen = HashSet::new();
        for r in &good {
            let rec = r.record.as_ref().expect("good rows have records");
            if r.person_id.is_none() && seen.insert(rec.profile().id_number.as_str()) {
                new_people.push(rec.profile());
            }
        }
        let created = member_bulk::insert_people(tx, &new_people).await?;
        let mut members = Vec::new();
        let mut posts = Vec::new();
        for r in &good {
            let rec = r.record.as_ref().expect("good rows have records");
            let profile = rec.profile();
            let person_id = match r.person_id {
                Some(id) => {
                    let made_here = self.created.get(profile.id_number.as_str()) == Some(&id);
                    if !made_here && self.updated.insert(id) {
                        member_bulk::update_profile(tx, id, profile).await?;
                    }
                    id
                }
                None => *created
                    .get(profile.id_number.as_str())
                    .ok_or_else(|| StoreError::Broken("person not created"))?,
            };
            self.person_ids.push(person_id);
            match rec {
                Record::Member {
                    branch,
                    member,
                    cadre,
                } => {
                    let b = &target.branches[*branch];
                    members.push((person_id, b, &**member));
                    if let Some(c) = cadre {
                        posts.push((person_id, b.id, c));
                    }
                }
                Record::Cadre(c) => posts.push((person_id, target.org.id, c)),
            }
        }
        member_bulk::insert_members(tx, &members).await?;
        member_bulk::insert_posts(tx, &posts).await?;
        self.written.members += members.len() as u64;
        self.written.cadres += posts.len() as u64;
        self.written.people_created += created.len() as u64;
        self.created.extend(created);
        Ok(())
    }

    /// The import's one audit record, once every good row is written.
    pub async fn record(
        &mut self,
        tx: &mut Tx,
        actor: &Actor,
        target: &Target,
        parsed: &Parsed,
        job_id: Option<i64>,
        file_name: &str,
    ) -> Result<Written, StoreError> {
        let mut written = self.written.clone();
        written.skipped_rows = (parsed.rows.len() - parsed.valid()) as u64;
        let action = match target.kind {
            Kind::Members => "member.import",
            Kind::Cadres => "cadre.import",
        };
        let mut entry = AuditEntry::new(action)
            .org(target.org.id)
            .after(serde_json::json!({
                "template": target.kind.title(),
                "file_name": file_name,
                "rows": parsed.rows.len(),
                "members": written.members,
                "cadres": written.cadres,
                "people_created": written.people_created,
                "skipped_rows": written.skipped_rows,
                "person_ids": self.person_ids,
            }));
        if let Some(id) = job_id {
            entry = entry.target("import_job", id);
        }
        audit::record(tx, actor, entry).await?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tells_scientific_notation() {
        assert!(super::scientific("4.40106E+17"));
        assert!(super::scientific("4E17"));
        assert!(!super::scientific("44010620050101001X"));
        assert!(!super::scientific("E+17"));
    }
}
