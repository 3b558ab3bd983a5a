//! Bounded free text: names and other fields people type.

/// A trimmed, non-empty text of at most `MAX` characters, without control characters.
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
    #[error("{0}含有不可见的控制字符，请删除后重新填写")]
    ControlCharacter(&'static str),
}

impl TextError {
    pub fn code(&self) -> &'static str {
        match self {
            TextError::Empty(_) => "required_missing",
            TextError::TooLong { .. } => "too_long",
            TextError::ControlCharacter(_) => "invalid_text",
        }
    }
}

impl<const MAX: usize> BoundedText<MAX> {
    /// `field` is the Chinese name of the field, used in the message.
    pub fn parse(input: &str, field: &'static str) -> Result<Self, TextError> {
        let t = input.trim();
        if t.is_empty() {
            return Err(TextError::Empty(field));
        }
        if t.chars().any(char::is_control) {
            return Err(TextError::ControlCharacter(field));
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
}
