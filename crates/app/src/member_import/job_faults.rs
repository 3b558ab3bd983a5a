//! The faults a checked job keeps with it, as the page, the API and the error report read them.

use serde::{Deserialize, Serialize};
use tuanjian_store::import_jobs::Job;

/// A fault as stored with the job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobFault {
    /// Row number as Excel shows it.
    pub row: u32,
    /// Column title; empty for a fault of the whole row.
    pub column: String,
    /// Cell reference such as B5; empty for a fault of the whole row.
    pub cell: String,
    pub code: String,
    pub message: String,
}

pub fn faults_of(job: &Job) -> Vec<JobFault> {
    job.faults_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}
