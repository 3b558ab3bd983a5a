//! Organisation information (issue 3, items 3, 5 and 6): who may see, change or decide what,
//! saving an admin's input (at once for the direct superior, a pending request for the own
//! admin), deciding requests, and reading the history.

pub mod access;
pub mod decide;
pub mod history;
pub mod input;
pub mod save;
