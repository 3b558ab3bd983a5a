//! 号段 (`src/dev_ranges/`): allocation and its refusals, the stored faults, and the pages in a
//! browser.

mod allocation;
mod browser;
