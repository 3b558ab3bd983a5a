//! Operations endpoints: health and Prometheus metrics.

pub mod health;
pub mod metrics;
pub mod metrics_http;
