//! What the benchmark programs share: timing, a table of percentiles beside the issue's floor,
//! number formatting.

use std::time::{Duration, Instant};

/// Timings of one measurement.
pub struct Sample(pub Vec<Duration>);

impl Sample {
    pub fn ms(&self, q: f64) -> f64 {
        let mut v = self.0.clone();
        v.sort_unstable();
        let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
        v[i].as_secs_f64() * 1000.0
    }
}

const LABEL_WIDTH: usize = 72;

/// `s` padded with spaces to `width` columns, Chinese characters taking two.
fn pad(s: &str, width: usize) -> String {
    let used: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(used)))
}

/// Prints the table, one row at a time.
pub struct Table {
    pub database: &'static str,
}

impl Table {
    pub fn header(issue: &str) {
        println!("floor: {issue}'s limit in ms; ! marks a p95 above it");
        println!(
            "{:<9} {} {:>5} {:>9} {:>9} {:>9} {:>7}",
            "database",
            pad("measurement", LABEL_WIDTH),
            "n",
            "p50 ms",
            "p95 ms",
            "max ms",
            "floor"
        );
    }

    pub fn row(&self, what: &str, floor_ms: f64, s: &Sample) {
        let (p50, p95, max) = (s.ms(0.50), s.ms(0.95), s.ms(1.0));
        let verdict = if p95 <= floor_ms { "" } else { " !" };
        println!(
            "{:<9} {} {:>5} {:>9.2} {:>9.2} {:>9.2} {:>7}{verdict}",
            self.database,
            pad(what, LABEL_WIDTH),
            s.0.len(),
            p50,
            p95,
            max,
            floor_ms
        );
    }

    pub fn note(&self, what: &str) {
        println!("{:<9} {what}", self.database);
    }
}

/// Runs `f` `warmup` times untimed, then `reps` times timed.
pub async fn time<F, Fut, T>(warmup: usize, reps: usize, mut f: F) -> anyhow::Result<Sample>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    for _ in 0..warmup {
        f().await?;
    }
    let mut out = Vec::with_capacity(reps);
    for _ in 0..reps {
        let started = Instant::now();
        std::hint::black_box(f().await?);
        out.push(started.elapsed());
    }
    Ok(Sample(out))
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The command line every benchmark program takes: a database (`sqlite://FILE`, a bare file
/// name, or `postgres://URL`), numbers as `--name N` over their defaults, and `--no-header`.
pub struct Args {
    pub url: String,
    pub header: bool,
    numbers: Vec<(&'static str, u64)>,
}

impl Args {
    pub fn parse(program: &str, defaults: &[(&'static str, u64)]) -> anyhow::Result<Self> {
        use anyhow::{Context, bail};
        let flags: String = defaults
            .iter()
            .map(|(n, _)| format!(" [--{n} N]"))
            .collect();
        let usage = format!(
            "usage: {program} DATABASE{flags} [--no-header] (DATABASE: sqlite://FILE or postgres://URL)"
        );
        let mut out = Self {
            url: String::new(),
            header: true,
            numbers: defaults.to_vec(),
        };
        let mut url = None;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            if arg == "--no-header" {
                out.header = false;
            } else if arg == "-h" || arg == "--help" {
                println!("{usage}");
                std::process::exit(0);
            } else if let Some(slot) = arg
                .strip_prefix("--")
                .and_then(|name| out.numbers.iter_mut().find(|(n, _)| *n == name))
            {
                slot.1 = args
                    .next()
                    .with_context(|| format!("{arg} needs a value; {usage}"))?
                    .parse()
                    .with_context(|| format!("{arg}: not a number; {usage}"))?;
            } else if url.is_none() && !arg.starts_with('-') {
                url = Some(arg);
            } else {
                bail!("unexpected argument {arg}; {usage}");
            }
        }
        let url = url.context(usage)?;
        out.url = if url.starts_with("sqlite:") || url.starts_with("postgres") {
            url
        } else {
            format!("sqlite://{url}")
        };
        Ok(out)
    }

    /// The value of `--name`, given or default.
    pub fn number(&self, name: &str) -> u64 {
        self.numbers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("no option --{name}"))
    }
}

/// The store at `url` holding the demo set, its table (header printed unless `header` is
/// false), and the demo's 团中央 admin as the acting person. An empty database first gets the
/// demo set (`tuanjian demo` with `demo`), on PostgreSQL followed by the `VACUUM ANALYZE`
/// autovacuum would soon run: the bulk load leaves dead row versions and no statistics.
pub async fn open_demo(
    url: &str,
    issue: &str,
    header: bool,
    demo: tuanjian_demo::DemoOptions,
) -> anyhow::Result<(
    tuanjian_store::Store,
    Table,
    tuanjian_store::people::Person,
    tuanjian_store::audit::Actor,
)> {
    use anyhow::Context;
    use argon2::password_hash::PasswordHasher as _;
    use tuanjian_store::Backend;
    let store = tuanjian_store::Store::open(url).await?;
    let table = Table {
        database: match store.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        },
    };
    if header {
        Table::header(issue);
    }
    if store.org_count().await? < 100 {
        let hash = argon2::Argon2::default()
            .hash_password(tuanjian_demo::DEMO_PASSWORD.as_bytes())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
            .to_string();
        let command = match demo.orgs {
            Some(orgs) => format!("tuanjian demo --orgs {orgs} --members {}", demo.members),
            None => format!("tuanjian demo --members {}", demo.members),
        };
        let summary = tuanjian_demo::generate(&store, demo, &hash).await?;
        table.note(&format!(
            "generated {} organisations, {} members, {} cadres in {:.1} s ({command})",
            thousands(summary.orgs),
            thousands(summary.members),
            thousands(summary.cadres),
            summary.elapsed.as_secs_f64(),
        ));
        if store.backend() == Backend::Postgres {
            let started = Instant::now();
            sqlx::raw_sql("VACUUM ANALYZE")
                .execute(store.pool())
                .await?;
            table.note(&format!(
                "VACUUM ANALYZE in {:.1} s",
                started.elapsed().as_secs_f64()
            ));
        }
    }
    let admin = store
        .person_by_id_number(&tuanjian_demo::central_admin_id_number())
        .await?
        .context("no demo central admin: use an empty database or one made by this program")?;
    let actor = tuanjian_store::audit::Actor {
        person_id: Some(admin.id),
        role: Some("bench".into()),
        client_addr: None,
    };
    Ok((store, table, admin, actor))
}
