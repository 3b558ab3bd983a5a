//! Excel import and export of members and cadres (issue 5): the two templates from one column
//! specification, checking every row before anything is written, a commit of all rows (or
//! explicitly the valid ones) in one transaction, run as jobs whose state lives in the database
//! (the page's uploads) or directly (the command line); and the export of the lists in the same
//! columns.

pub mod access;
pub mod check;
pub mod columns;
pub mod export;
pub mod export_selected;
pub mod files;
pub mod job_faults;
pub mod jobs;
pub mod run;
pub mod start;
pub mod suggest;
