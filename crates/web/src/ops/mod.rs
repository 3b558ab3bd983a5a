//! Operations endpoints: health and Prometheus metrics.

pub mod health;
pub mod metrics;
