//! Query parameters shared by the pages and the API, and their schemas in the document.
//! Forms submit empty fields (`page=`), so an empty value always means "not given"; the
//! schemas say so, so that the document accepts whatever the server accepts.

use serde::de::{Deserialize, Deserializer, Error};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};

/// An optional integer that may come empty (`page=`): empty or absent is `None`.
pub fn optional_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            D::Error::custom(format!("“{s}”不是整数；页码和每页条数应为整数，或留空"))
        }),
    }
}

fn empty_string() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0))
}

/// Schema of a parameter read with `optional_int`: an integer, or empty.
pub fn int_or_empty(description: &str) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
        )
        .item(empty_string())
        .description(Some(description))
        .into()
}

/// Schema of a text parameter that takes one of `values`, or empty for "any".
pub fn one_of_or_empty<'a>(
    description: &str,
    values: impl IntoIterator<Item = &'a str>,
) -> RefOr<Schema> {
    let mut all: Vec<&str> = vec![""];
    all.extend(values);
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(all))
        .description(Some(description))
        .into()
}

pub fn page_schema() -> RefOr<Schema> {
    int_or_empty("Page number from 1; empty or absent for the first page.")
}

pub fn per_page_schema() -> RefOr<Schema> {
    int_or_empty("Items per page, 1 to 200 (default 20); empty or absent for the default.")
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Q {
        #[serde(default, deserialize_with = "super::optional_int")]
        page: Option<i64>,
    }

    fn page(query: &str) -> Result<Option<i64>, String> {
        serde_urlencoded::from_str::<Q>(query)
            .map(|q| q.page)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn empty_means_absent() {
        assert_eq!(page(""), Ok(None));
        assert_eq!(page("page="), Ok(None));
        assert_eq!(page("page=+3"), Ok(Some(3)));
        assert_eq!(page("page=-2"), Ok(Some(-2)));
        assert!(page("page=abc").unwrap_err().contains("不是整数"));
        assert!(page("page=1.5").is_err());
    }
}
