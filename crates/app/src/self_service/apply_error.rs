//! Why a submission or decision did not happen: one fault, or a record's faults each with its
//! field, and organisations to choose from when the branch's name matched none.

use serde::Serialize;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::MemberFault;
use tuanjian_domain::self_service::SelfServiceFault;
use tuanjian_store::StoreError;
use tuanjian_store::applications::ReviewError;

use crate::fault::Fault;

/// An organisation offered when the typed name is not an exact full name.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub id: i64,
    pub full_name: String,
    pub kind_label: String,
    pub is_branch: bool,
    /// May be chosen: a 团支部, or an organisation of any level for a cadre who is not a
    /// member (团员团干部注册 with `register_as=cadre`, seed Q9).
    pub pickable: bool,
}

/// One fault, or the list of a record's faults (then `fault` sums them up), with the
/// organisations to choose from when the name did not match.
#[derive(Debug, Clone)]
pub struct ApplyError {
    pub fault: Fault,
    pub faults: Vec<Fault>,
    pub suggestions: Vec<Suggestion>,
}

impl ApplyError {
    pub(crate) fn many(faults: Vec<Fault>, suggestions: Vec<Suggestion>) -> Self {
        let fault = match faults.as_slice() {
            [one] => one.clone(),
            _ => Fault::bad_request(
                ErrorCode::RecordInvalid,
                format!(
                    "填写的内容有 {} 处需要修改，请按提示逐项修改后重新提交",
                    faults.len()
                ),
            ),
        };
        Self {
            fault,
            faults,
            suggestions,
        }
    }

    /// The HTTP status it is answered with.
    pub fn status_code(&self) -> u16 {
        self.fault.status_code()
    }

    /// The message for a field, when a fault names it.
    pub fn for_field(&self, key: &str) -> Option<&str> {
        self.faults
            .iter()
            .chain(std::iter::once(&self.fault))
            .find(|f| f.field == Some(key))
            .map(|f| f.message.as_str())
    }
}

impl From<Fault> for ApplyError {
    fn from(f: Fault) -> Self {
        Self {
            faults: if f.field.is_some() {
                vec![f.clone()]
            } else {
                vec![]
            },
            fault: f,
            suggestions: vec![],
        }
    }
}

impl From<StoreError> for ApplyError {
    fn from(e: StoreError) -> Self {
        Fault::from(e).into()
    }
}

impl From<anyhow::Error> for ApplyError {
    fn from(e: anyhow::Error) -> Self {
        Fault::from(e).into()
    }
}

impl From<ReviewError> for ApplyError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::Refused(r) => Fault::from(r).into(),
            ReviewError::Faults(f) => Self::many(f.iter().map(member_fault).collect(), vec![]),
            ReviewError::Rule(f) => rule_fault(&f).into(),
            ReviewError::Store(s) => s.into(),
        }
    }
}

/// An entry rule's fault, with its field.
pub fn member_fault(f: &MemberFault) -> Fault {
    let fault = Fault::bad_request(f.code(), f.message.clone());
    match f.field {
        Some(field) => fault.field(field.key()),
        None => fault,
    }
}

/// A self-service rule's fault, with its field: a conflict when the person is already
/// registered or a stage is skipped, else bad input.
pub fn rule_fault(f: &SelfServiceFault) -> Fault {
    let status = match f.code {
        ErrorCode::AlreadyRegistered | ErrorCode::StageOutOfOrder => 409,
        _ => 400,
    };
    let fault = Fault::with_status(status, f.code, f.message.clone());
    match f.field {
        Some(field) => fault.field(field.key()),
        None => fault,
    }
}
