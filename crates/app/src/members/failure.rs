//! Why a member action did not happen: faults in fields (shown beside them, nothing written)
//! or one fault (a refusal, a missing record, a conflict).

use serde::Serialize;
use tuanjian_domain::MemberFault;
use tuanjian_store::StoreError;
use tuanjian_store::corrections::{CorrectionError, FieldFault};
use tuanjian_store::members::EntryError;

use crate::fault::Fault;

/// One fault of a record, as `{code, field, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultItem {
    /// Stable code (`dev_number_taken`, `join_age_too_young` …).
    pub code: String,
    /// The form/JSON field it concerns; `None` for the record as a whole.
    pub field: Option<String>,
    /// What is wrong and how to fix it, in Chinese.
    pub message: String,
}

impl FaultItem {
    /// The messages of the faults about `field`, joined, for a form to show beside the field.
    pub fn messages_for(faults: &[FaultItem], field: &str) -> Option<String> {
        let m: Vec<&str> = faults
            .iter()
            .filter(|e| e.field.as_deref() == Some(field))
            .map(|e| e.message.as_str())
            .collect();
        (!m.is_empty()).then(|| m.join("；"))
    }

    /// The messages of the faults about no field of the form (`fields`), for its top.
    pub fn messages_besides<'a>(faults: &'a [FaultItem], fields: &[&str]) -> Vec<&'a str> {
        faults
            .iter()
            .filter(|e| !e.field.as_deref().is_some_and(|f| fields.contains(&f)))
            .map(|e| e.message.as_str())
            .collect()
    }
}

impl From<&MemberFault> for FaultItem {
    fn from(f: &MemberFault) -> Self {
        Self {
            code: f.code().to_string(),
            field: f.field.map(|x| x.key().to_string()),
            message: f.message.clone(),
        }
    }
}

impl From<&FieldFault> for FaultItem {
    fn from(f: &FieldFault) -> Self {
        Self {
            code: f.code.to_string(),
            field: (!f.field.is_empty()).then(|| f.field.to_string()),
            message: f.message.clone(),
        }
    }
}

impl From<Fault> for FaultItem {
    /// A single fault shown as a form shows a record's faults (beside its field, if any).
    fn from(f: Fault) -> Self {
        Self {
            code: f.code.to_string(),
            field: f.field.map(str::to_string),
            message: f.message,
        }
    }
}

#[derive(Debug)]
pub enum Failure {
    Fields(Vec<FaultItem>),
    Fault(Fault),
}

impl From<Fault> for Failure {
    fn from(f: Fault) -> Self {
        Failure::Fault(f)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Fault(e.into())
    }
}

impl From<EntryError> for Failure {
    fn from(e: EntryError) -> Self {
        match e {
            EntryError::Refused(r) => Failure::Fault(r.into()),
            EntryError::Store(s) => Failure::Fault(s.into()),
            EntryError::Faults(f) => Failure::Fields(f.iter().map(FaultItem::from).collect()),
        }
    }
}

impl From<CorrectionError> for Failure {
    fn from(e: CorrectionError) -> Self {
        match e {
            CorrectionError::Refused(r) => Failure::Fault(r.into()),
            CorrectionError::Store(s) => Failure::Fault(s.into()),
            CorrectionError::Faults(f) => Failure::Fields(f.iter().map(FaultItem::from).collect()),
        }
    }
}

impl Failure {
    /// The one-line summary of the faults in fields: "有 N 处需要修改，没有保存：…".
    pub fn summary(items: &[FaultItem]) -> String {
        format!(
            "有 {} 处需要修改，没有保存：{}",
            items.len(),
            items
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join("；")
        )
    }
}
