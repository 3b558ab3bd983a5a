//! Times as every user of the system reads them: Beijing time, to the minute, and the day
//! the rules are judged on.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// Today in Beijing: the day the entry, age and month rules judge (the store's recheck and
/// organisation moves use the same day).
pub fn today() -> NaiveDate {
    tuanjian_store::entry_faults::beijing_today()
}

/// Unix seconds as Beijing time ("2024-05-01 09:30"); empty when out of range.
pub fn beijing(ts: i64) -> String {
    let offset = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    DateTime::from_timestamp(ts, 0)
        .map(|t| {
            t.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn eight_hours_ahead_of_utc() {
        assert_eq!(super::beijing(0), "1970-01-01 08:00");
    }
}
