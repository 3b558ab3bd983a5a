//! Counters and latency histograms by route, in Prometheus text format. Written by hand: a
//! few dozen lines against a crate and its registry.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tuanjian_store::CacheStats;
use tuanjian_store::replica::ReplicaStats;

const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<(String, u16), u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, RouteStats>>,
    logins_ok: AtomicU64,
    logins_failed: AtomicU64,
    lockouts: AtomicU64,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let stats = routes.entry(route.to_string()).or_default();
        *stats
            .by_status
            .entry((method.to_string(), status))
            .or_default() += 1;
        stats.count += 1;
        stats.sum += seconds;
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                stats.buckets[i] += 1;
            }
        }
    }

    pub fn login(&self, ok: bool) {
        let c = if ok {
            &self.logins_ok
        } else {
            &self.logins_failed
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    pub fn lockout(&self) {
        self.lockouts.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, pool: (u32, usize), cache: Option<CacheStats>) -> String {
        let mut out = String::new();
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str(
            "# HELP tuanjian_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE tuanjian_http_requests_total counter\n");
        for (route, s) in routes.iter() {
            for ((method, status), n) in &s.by_status {
                let _ = writeln!(
                    out,
                    "tuanjian_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str("# HELP tuanjian_http_request_duration_seconds Request latency by route.\n");
        out.push_str("# TYPE tuanjian_http_request_duration_seconds histogram\n");
        for (route, s) in routes.iter() {
            let r = escape(route);
            for (le, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "tuanjian_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "tuanjian_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "tuanjian_http_request_duration_seconds_sum{{route=\"{r}\"}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "tuanjian_http_request_duration_seconds_count{{route=\"{r}\"}} {}",
                s.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP tuanjian_logins_total Login attempts by result.\n# TYPE tuanjian_logins_total counter"
        );
        let _ = writeln!(
            out,
            "tuanjian_logins_total{{result=\"success\"}} {}",
            self.logins_ok.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "tuanjian_logins_total{{result=\"failure\"}} {}",
            self.logins_failed.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP tuanjian_lockouts_total Temporary lockouts started.\n# TYPE tuanjian_lockouts_total counter"
        );
        let _ = writeln!(
            out,
            "tuanjian_lockouts_total {}",
            self.lockouts.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP tuanjian_db_pool_connections Database pool connections.\n# TYPE tuanjian_db_pool_connections gauge"
        );
        let _ = writeln!(
            out,
            "tuanjian_db_pool_connections{{state=\"open\"}} {}",
            pool.0
        );
        let _ = writeln!(
            out,
            "tuanjian_db_pool_connections{{state=\"idle\"}} {}",
            pool.1
        );
        if let Some(c) = cache {
            let _ = writeln!(
                out,
                "# HELP tuanjian_read_cache_live 1 while the cache of hot reads hears of every change.\n# TYPE tuanjian_read_cache_live gauge\ntuanjian_read_cache_live {}",
                u8::from(c.live)
            );
            let _ = writeln!(
                out,
                "# HELP tuanjian_read_cache_lookups_total Cached session, role and organisation page reads.\n# TYPE tuanjian_read_cache_lookups_total counter\ntuanjian_read_cache_lookups_total{{result=\"hit\"}} {}\ntuanjian_read_cache_lookups_total{{result=\"miss\"}} {}",
                c.hits, c.misses
            );
        }
        out
    }
}

/// Where replica-eligible reads ran (`Store::replica_read`); nothing without a replica.
pub fn render_replica(stats: Option<ReplicaStats>) -> String {
    let Some(stats) = stats else {
        return String::new();
    };
    let mut out = String::from(
        "# HELP tuanjian_replica_reads_total Reads that may use the read replica, by where they ran.\n# TYPE tuanjian_replica_reads_total counter\n",
    );
    for (source, n) in stats.all() {
        let _ = writeln!(
            out,
            "tuanjian_replica_reads_total{{source=\"{}\"}} {n}",
            source.code()
        );
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Logins and lockouts counted where the use cases report them.
impl tuanjian_app::account::Tally for Metrics {
    fn login(&self, ok: bool) {
        Metrics::login(self, ok);
    }

    fn lockout(&self) {
        Metrics::lockout(self);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_replica_reads_only_with_a_replica() {
        assert_eq!(super::render_replica(None), "");
        let text = super::render_replica(Some(Default::default()));
        assert!(text.contains("tuanjian_replica_reads_total{source=\"replica\"} 0\n"));
        assert!(text.contains("tuanjian_replica_reads_total{source=\"primary_own_write\"} 0\n"));
    }

    #[test]
    fn renders_counts_and_buckets() {
        let m = super::Metrics::default();
        m.observe("GET", "/orgs/{id}", 200, 0.003);
        m.login(false);
        let text = m.render((3, 1), None);
        assert!(!text.contains("read_cache"), "no cache, no lines");
        assert!(text.contains(
            "tuanjian_http_requests_total{route=\"/orgs/{id}\",method=\"GET\",status=\"200\"} 1"
        ));
        assert!(text.contains(
            "tuanjian_http_request_duration_seconds_bucket{route=\"/orgs/{id}\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "tuanjian_http_request_duration_seconds_bucket{route=\"/orgs/{id}\",le=\"0.0025\"} 0"
        ));
        assert!(text.contains("tuanjian_logins_total{result=\"failure\"} 1"));
        assert!(text.contains("tuanjian_db_pool_connections{state=\"open\"} 3"));
    }

    #[test]
    fn renders_the_read_cache() {
        let stats = tuanjian_store::CacheStats {
            live: true,
            hits: 7,
            misses: 2,
        };
        let text = super::Metrics::default().render((1, 1), Some(stats));
        assert!(text.contains("tuanjian_read_cache_live 1\n"));
        assert!(text.contains("tuanjian_read_cache_lookups_total{result=\"hit\"} 7\n"));
        assert!(text.contains("tuanjian_read_cache_lookups_total{result=\"miss\"} 2\n"));
    }
}
