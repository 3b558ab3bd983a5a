//! Operations (`src/ops/`): health, metrics and security headers; requests that survive the
//! database closing the server's connections; reads from a read replica.

mod dead_connections;
mod metrics;
mod replica;
