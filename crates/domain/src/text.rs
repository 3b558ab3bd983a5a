//! Text people type: what any text input may contain, and bounded names and other fields.
//!
//! Two levels, one place:
//! - every string that arrives (query strings, forms, JSON, upload fields) may hold no control
//!   character but tab and line breaks (`check_input`); the web extractors call it before any
//!   handler runs, so no NUL ever reaches a query (PostgreSQL refuses it with an error);
//! - a field people read as a name or a line of text (`BoundedText`: organisation names, person
//!   names, comments …) is trimmed and may hold no invisible character at all: controls, Unicode
//!   format characters (zero width space, direction overrides, BOM …) and line/paragraph
//!   separators are refused, naming the character, so two names that look the same are the same.
//!
//! Names are kept as typed (full-width brackets in 初三（1）班团支部 stay full-width); where names
//! must be unique they are compared on their NFKC form (`comparison_key`), which folds full-width
//! Latin letters, digits and brackets into their plain forms: “ＡＢＣ团委” and “ABC团委” collide.

use crate::error_code::ErrorCode;
use std::fmt;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// A trimmed, non-empty text of at most `MAX` characters, without invisible characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText<const MAX: usize>(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{0}不能为空")]
    Empty(&'static str),
    #[error("{field}最多{max}个字，现在是{len}个字")]
    TooLong {
        field: &'static str,
        max: usize,
        len: usize,
    },
    #[error("{field}含有不可见字符（{}），请删除后重新填写", CharName(*ch))]
    Invisible { field: &'static str, ch: char },
}

impl TextError {
    pub fn code(&self) -> ErrorCode {
        match self {
            TextError::Empty(_) => ErrorCode::RequiredMissing,
            TextError::TooLong { .. } => ErrorCode::TooLong,
            TextError::Invisible { .. } => ErrorCode::InvalidText,
        }
    }
}

/// A character as a person can find it: its code point and, for the usual suspects, its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharName(pub char);

impl fmt::Display for CharName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ch = self.0;
        let name = match ch {
            '\0' => "空字符",
            '\t' => "制表符",
            '\n' => "换行符",
            '\r' => "回车符",
            '\u{7f}' => "删除符",
            '\u{ad}' => "软连字符",
            '\u{200b}' => "零宽空格",
            '\u{200c}' => "零宽非连接符",
            '\u{200d}' => "零宽连接符",
            '\u{200e}' => "从左到右标记",
            '\u{200f}' => "从右到左标记",
            '\u{202a}'..='\u{202c}' | '\u{2066}'..='\u{2069}' => "文字方向控制符",
            '\u{202d}' => "从左到右覆盖",
            '\u{202e}' => "从右到左覆盖",
            '\u{2028}' => "行分隔符",
            '\u{2029}' => "段分隔符",
            '\u{2060}' => "词连接符",
            '\u{feff}' => "零宽不换行空格",
            c if c.is_control() => "控制字符",
            _ => "格式字符",
        };
        write!(f, "U+{:04X} {name}", u32::from(ch))
    }
}

/// Controls, format characters (category Cf) and line/paragraph separators: nothing a person
/// sees, so nothing a name or a line of text may hold.
pub fn is_invisible(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// The first invisible character in `s`, if any.
pub fn first_invisible(s: &str) -> Option<char> {
    s.chars().find(|&c| is_invisible(c))
}

/// What any text input may contain: no control character but tab and line breaks (a
/// multi-line field may hold those). On failure, the character found.
pub fn check_input(s: &str) -> Result<(), char> {
    match s
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        Some(c) => Err(c),
        None => Ok(()),
    }
}

/// The form two names are compared in for uniqueness: NFKC of the trimmed text. The text is
/// kept as typed; only the comparison folds full-width and compatibility forms.
pub fn comparison_key(s: &str) -> String {
    s.trim().nfkc().collect::<String>().trim().to_string()
}

/// `s` without its invisible characters and surrounding whitespace (used on names stored
/// before the rule existed).
pub fn without_invisible(s: &str) -> String {
    s.chars()
        .filter(|&c| !is_invisible(c))
        .collect::<String>()
        .trim()
        .to_string()
}

impl<const MAX: usize> BoundedText<MAX> {
    /// `field` is the Chinese name of the field, used in the message.
    pub fn parse(input: &str, field: &'static str) -> Result<Self, TextError> {
        let t = input.trim();
        if t.is_empty() {
            return Err(TextError::Empty(field));
        }
        if let Some(ch) = first_invisible(t) {
            return Err(TextError::Invisible { field, ch });
        }
        let len = t.chars().count();
        if len > MAX {
            return Err(TextError::TooLong {
                field,
                max: MAX,
                len,
            });
        }
        Ok(Self(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// See `comparison_key`.
    pub fn comparison_key(&self) -> String {
        comparison_key(&self.0)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(
            BoundedText::<4>::parse("  张三 ", "姓名").unwrap().as_str(),
            "张三"
        );
        assert_eq!(
            BoundedText::<4>::parse(" ", "姓名").unwrap_err(),
            TextError::Empty("姓名")
        );
        assert!(matches!(
            BoundedText::<4>::parse("一二三四五", "姓名"),
            Err(TextError::TooLong { len: 5, .. })
        ));
        assert!(BoundedText::<4>::parse("a\u{0}b", "姓名").is_err());
    }

    #[test]
    fn invisible_characters_are_refused_by_name() {
        let e = BoundedText::<50>::parse("某某团委\u{200b}", "组织全称").unwrap_err();
        assert_eq!(
            e,
            TextError::Invisible {
                field: "组织全称",
                ch: '\u{200b}'
            }
        );
        assert_eq!(e.code(), "invalid_text");
        assert_eq!(
            e.to_string(),
            "组织全称含有不可见字符（U+200B 零宽空格），请删除后重新填写"
        );
        let e = BoundedText::<50>::parse("\u{202e}委团某某", "组织全称").unwrap_err();
        assert!(e.to_string().contains("U+202E 从右到左覆盖"), "{e}");
        for bad in [
            "a\u{0}b",
            "a\nb",
            "a\u{7f}",
            "a\u{ad}b",
            "a\u{200d}b",
            "a\u{2060}b",
            "\u{feff}a",
            "a\u{2028}b",
            "a\u{e0001}b",
            "a\u{2066}b",
        ] {
            assert!(
                matches!(
                    BoundedText::<50>::parse(bad, "姓名"),
                    Err(TextError::Invisible { .. })
                ),
                "{bad:?}"
            );
        }
        let e = BoundedText::<50>::parse("a\u{0}b", "姓名").unwrap_err();
        assert!(e.to_string().contains("U+0000 空字符"), "{e}");
        // Visible text of every kind passes: CJK, full-width forms, the ideographic space inside.
        for good in [
            "初三（1）班团支部",
            "ＡＢＣ团委",
            "阿依古丽·买买提",
            "团　委",
        ] {
            assert_eq!(BoundedText::<50>::parse(good, "x").unwrap().as_str(), good);
        }
    }

    #[test]
    fn comparison_key_folds_compatibility_forms_only() {
        assert_eq!(comparison_key("ＡＢＣ团委１"), "ABC团委1");
        assert_eq!(comparison_key("初三（1）班"), "初三(1)班");
        assert_eq!(comparison_key(" 团委 "), "团委");
        // Case and Chinese characters are not folded: different names stay different.
        assert_ne!(comparison_key("abc团委"), comparison_key("ABC团委"));
        let t = BoundedText::<50>::parse("ＡＢＣ团委", "x").unwrap();
        assert_eq!(t.as_str(), "ＡＢＣ团委");
        assert_eq!(t.comparison_key(), "ABC团委");
    }

    #[test]
    fn any_input_may_hold_line_breaks_but_no_other_control() {
        assert_eq!(check_input("第一行\r\n第二行\t完"), Ok(()));
        assert_eq!(check_input("a\u{0}b"), Err('\0'));
        assert_eq!(check_input("a\u{1b}b"), Err('\u{1b}'));
        assert_eq!(check_input("a\u{85}b"), Err('\u{85}'));
        // Format characters are a matter for the fields that are names, not for any input.
        assert_eq!(check_input("a\u{200b}b"), Ok(()));
    }

    #[test]
    fn stored_names_can_be_cleaned() {
        assert_eq!(without_invisible(" 某某\u{200b}团委\u{202e} "), "某某团委");
        assert_eq!(without_invisible("\u{200b}"), "");
    }

    proptest::proptest! {
        #[test]
        fn parsed_text_has_no_invisible_and_a_stable_key(s in "\\PC{0,40}") {
            if let Ok(t) = BoundedText::<40>::parse(&s, "x") {
                proptest::prop_assert!(first_invisible(t.as_str()).is_none());
                proptest::prop_assert!(check_input(t.as_str()).is_ok());
                let k = t.comparison_key();
                proptest::prop_assert_eq!(comparison_key(&k), k);
            }
        }
    }
}
