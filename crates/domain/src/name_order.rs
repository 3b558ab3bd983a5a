//! The order in which names are listed, as people reading Chinese expect it (issue 13): Chinese
//! characters by pinyin, numbers by value (高一（2）班 before 高一（10）班, 高一 < 高二 < 高三 < 高十),
//! full-width and half-width forms alike, Latin letters without regard to case.
//!
//! The order is a key, a string compared byte by byte, so the database can store it and sort
//! pages on an index (`orgs.sort_key`, `people.name_sort`; PostgreSQL's columns are
//! `COLLATE "C"`), and Rust sorts small lists with the very same key.
//!
//! The key is a sequence of tokens, one per character or run of digits, of the name's NFKC form,
//! then a separator and the NFKC form itself. Each token begins with a byte saying its class —
//! punctuation and other signs, then numbers, then Latin letters, then Chinese characters — and
//! no token is the beginning of another, so comparing two keys byte by byte compares their
//! tokens one after the other. The NFKC form at the end decides only between names whose tokens
//! are all equal (ABC and abc, 01 and 1): two names have the same key exactly when their NFKC
//! forms are equal.
//!
//! A Chinese character's token is its toneless pinyin (ü written v), a terminator, its tone
//! (neutral last) and the character itself, so characters of one reading and tone stay apart
//! and a list keeps each surname's people together (李 after 黎, both li). A character without
//! pinyin data (a rare ideograph) comes after all readings, in code point order.
//!
//! Chinese numerals (一二三四五六七八九十百千零〇两) are read as numbers where they count
//! something in an organisation's name: after 第, 高 or 初, before a measure word (班, 年, 级,
//! 中, 连 …), before anything not a Chinese character, or at the end. Elsewhere they are words
//! (三明市, 十堰市, 七台河市 sort by their pinyin among the other cities), and people's names
//! (`person_sort_key`) keep them as words always (张三 among the zhang).

use pinyin::ToPinyin;
use unicode_normalization::UnicodeNormalization;

/// Separates the tokens from the NFKC form; below every token's first byte, so a name whose
/// tokens are the beginning of another's comes first.
const SEPARATOR: char = ' ';
/// The classes of tokens, in the order they are listed.
const SIGN: char = '0';
const NUMBER: char = '1';
const LATIN: char = '2';
const HAN: char = '3';
/// Ends a Chinese character's letters: below every letter, so "zhan" comes before "zhang".
const LETTERS_END: char = '.';
/// The letters of a Chinese character without pinyin data: after every reading.
const NO_READING: &str = "~";
/// Numbers are written with their count of digits, three digits wide: longer runs are cut
/// into pieces of this many digits (no real name holds one).
const MAX_DIGITS: usize = 999;

/// The key an organisation's name is listed by.
pub fn sort_key(name: &str) -> String {
    key(name, true)
}

/// The key a person's name is listed by: like `sort_key`, but Chinese numerals are read as
/// words (a person called 张三 is listed among the zhang, not before them).
pub fn person_sort_key(name: &str) -> String {
    key(name, false)
}

fn key(name: &str, numerals: bool) -> String {
    let nfkc: Vec<char> = name.nfkc().collect();
    let mut out = String::with_capacity(nfkc.len() * 10);
    let mut i = 0;
    while i < nfkc.len() {
        let ch = nfkc[i];
        if ch.is_ascii_digit() {
            let end = run_end(&nfkc, i, |c| c.is_ascii_digit());
            let digits: String = nfkc[i..end].iter().collect();
            push_number(&mut out, &digits);
            i = end;
        } else if numerals && is_numeral(ch) && counts(&nfkc, i) {
            let end = run_end(&nfkc, i, is_numeral);
            push_number(&mut out, &numeral_value(&nfkc[i..end]));
            i = end;
        } else {
            push_char(&mut out, ch);
            i += 1;
        }
    }
    out.push(SEPARATOR);
    out.extend(nfkc);
    out
}

/// Where the run of characters starting at `start` that `keep` accepts ends.
fn run_end(chars: &[char], start: usize, keep: impl Fn(char) -> bool) -> usize {
    chars[start..]
        .iter()
        .position(|&c| !keep(c))
        .map_or(chars.len(), |n| start + n)
}

/// One token per character that is neither a digit nor a counted numeral.
fn push_char(out: &mut String, ch: char) {
    if ch.is_ascii_alphabetic() {
        out.push(LATIN);
        out.push(ch.to_ascii_lowercase());
    } else if let Some(reading) = ch.to_pinyin() {
        out.push(HAN);
        let (letters, tone) = split_tone(reading.with_tone_num_end());
        out.extend(letters.chars().map(|c| if c == 'ü' { 'v' } else { c }));
        out.push(LETTERS_END);
        out.push(tone);
        out.push(ch);
    } else if is_han(ch) {
        out.push(HAN);
        out.push_str(NO_READING);
        out.push(LETTERS_END);
        out.push('0');
        out.push(ch);
    } else {
        out.push(SIGN);
        out.push(ch);
    }
}

/// The letters of a reading such as "zhang1" and its tone; the neutral tone ("de") after the
/// four others.
fn split_tone(reading: &str) -> (&str, char) {
    match reading.chars().last() {
        Some(d @ '1'..='4') => (&reading[..reading.len() - 1], d),
        _ => (reading, '5'),
    }
}

/// A number token: its count of significant digits (three wide) and the digits, so a longer
/// number is the larger and numbers of one length compare digit by digit.
fn push_number(out: &mut String, digits: &str) {
    let significant = digits.trim_start_matches('0');
    let significant = if significant.is_empty() {
        "0"
    } else {
        significant
    };
    let chunks: Vec<&[u8]> = significant.as_bytes().chunks(MAX_DIGITS).collect();
    for chunk in chunks {
        out.push(NUMBER);
        out.push_str(&format!("{:03}", chunk.len()));
        out.extend(chunk.iter().map(|&b| b as char));
    }
}

/// CJK Unified Ideographs and their extensions, compatibility ideographs aside (NFKC maps those).
fn is_han(ch: char) -> bool {
    matches!(ch as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x323AF)
}

fn digit_value(ch: char) -> Option<u64> {
    Some(match ch {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn unit_value(ch: char) -> Option<u64> {
    Some(match ch {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

fn is_numeral(ch: char) -> bool {
    digit_value(ch).is_some() || unit_value(ch).is_some()
}

/// Characters before which a numeral counts something (一班, 三年级, 二中, 十一连 …).
const MEASURE_WORDS: &str = "班年级届期中小学校院系区部队组连营排师团号室处科分支";
/// Characters after which a numeral counts (第三, 高一, 初二).
const ORDINAL_MARKS: &str = "第高初";

/// Whether the numeral run starting at `start` is a number in an organisation's name.
fn counts(chars: &[char], start: usize) -> bool {
    if start > 0 && ORDINAL_MARKS.contains(chars[start - 1]) {
        return true;
    }
    let end = run_end(chars, start, is_numeral);
    match chars.get(end) {
        None => true,
        Some(&next) => !is_han(next) || MEASURE_WORDS.contains(next),
    }
}

/// The value of a run of Chinese numerals, as decimal digits: read digit by digit when it holds
/// no unit (二〇二四 = 2024), else by place (十一 = 11, 二十 = 20, 一百零五 = 105). A run no
/// one writes (十十) still gets a value, so every name has a key.
fn numeral_value(run: &[char]) -> String {
    if run.iter().all(|&c| unit_value(c).is_none()) {
        return run
            .iter()
            .filter_map(|&c| digit_value(c))
            .map(|d| char::from(b'0' + d as u8))
            .collect();
    }
    let (mut total, mut pending): (u64, Option<u64>) = (0, None);
    for &c in run {
        if let Some(unit) = unit_value(c) {
            total = total.saturating_add(pending.unwrap_or(1).saturating_mul(unit));
            pending = None;
        } else if let Some(d) = digit_value(c) {
            pending = Some(d);
        }
    }
    total.saturating_add(pending.unwrap_or(0)).to_string()
}

#[cfg(test)]
mod tests;
