//! The closest full names to a name that was not found (most often a short name or a class
//! written differently), so the 组织不存在 message can offer the right one.

use std::collections::HashSet;

/// Character pairs of a name, ignoring spaces and the width of brackets and digits.
fn bigrams(s: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            other => other,
        })
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice similarity of two names' character pairs, 0 to 1.
fn similarity(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.intersection(b).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Up to `n` of `candidates` most like `name`, best first; none that share too little.
pub fn closest<'a>(name: &str, candidates: &[&'a str], n: usize) -> Vec<&'a str> {
    let wanted = bigrams(name);
    let mut scored: Vec<(f64, &'a str)> = candidates
        .iter()
        .map(|c| {
            let mut s = similarity(&wanted, &bigrams(c));
            // A short name is usually contained in the full name.
            if !name.trim().is_empty() && c.contains(name.trim()) {
                s += 0.5;
            }
            (s, *c)
        })
        .filter(|(s, _)| *s >= 0.3)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn offers_the_full_names_closest_to_what_was_typed() {
        let names = [
            "共青团广州市天河区第一中学高一1班支部",
            "共青团广州市天河区第一中学高一2班支部",
            "共青团广州市天河区第一中学高二1班支部",
        ];
        assert_eq!(
            closest("天河一中高一2班团支部", &names, 1),
            ["共青团广州市天河区第一中学高一2班支部"]
        );
        assert_eq!(closest("高一1班", &names, 3)[0], names[0]);
        assert!(closest("北京大学", &names, 3).is_empty());
    }
}
