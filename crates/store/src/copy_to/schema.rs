//! What the copy checks of both databases before it writes: the source's migrations, the
//! target's emptiness and tables, and each table's columns on both sides.

use sqlx::{AnyConnection, AssertSqlSafe};

use super::CopyError;
use super::rows::{Column, Kind};
use super::tables::{self, CopyTable};

/// The source holds exactly the migrations this program has: no fewer (its schema would lack
/// columns the target has), no more (it was written by a newer program).
pub fn check_versions(applied: &[i64], known: &[i64]) -> Result<(), CopyError> {
    if applied == known {
        return Ok(());
    }
    let show = |v: &[i64]| v.last().map_or("无".to_string(), |n| format!("{n:04}"));
    let newer = applied.iter().any(|v| !known.contains(v));
    let advice = if newer {
        "源数据库由更新版本的 tuanjian 迁移过：请用那个版本执行 copy-to"
    } else {
        "请先用本程序执行 tuanjian migrate --database-url <源数据库地址>，再执行 copy-to"
    };
    Err(CopyError::Refused(format!(
        "源数据库的迁移版本（{}）与本程序（{}）不一致，没有复制任何数据。{advice}",
        show(applied),
        show(known)
    )))
}

/// The versions the source has applied; refused when it was never migrated.
pub async fn applied_versions(conn: &mut AnyConnection) -> Result<Vec<i64>, CopyError> {
    let exists: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(tables::MIGRATIONS_TABLE)
            .fetch_one(&mut *conn)
            .await?;
    if exists == 0 {
        return Err(CopyError::Refused(
            "源数据库不是 tuanjian 的数据库，或从未迁移过（没有迁移记录），没有复制任何数据。请检查 --database-url".into(),
        ));
    }
    Ok(sqlx::query_scalar(
        "SELECT version FROM _sqlx_migrations WHERE success = 1 ORDER BY version",
    )
    .fetch_all(conn)
    .await?)
}

/// The base tables of the target's schema.
pub async fn target_tables(conn: &mut AnyConnection) -> Result<Vec<String>, CopyError> {
    Ok(sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
    )
    .fetch_all(conn)
    .await?)
}

/// Refuses a target where any table other than the migrations' own holds a row: the copy
/// only fills a new, empty database.
pub async fn check_empty(conn: &mut AnyConnection) -> Result<(), CopyError> {
    let mut filled = Vec::new();
    for name in target_tables(conn).await? {
        if name == tables::MIGRATIONS_TABLE {
            continue;
        }
        let name = plain(&name)?;
        // Safe: an identifier read from the catalog and checked by `plain`; no values.
        let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {name} LIMIT 1) AS x");
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await?;
        if n > 0 {
            filled.push(name.to_string());
        }
    }
    if filled.is_empty() {
        return Ok(());
    }
    Err(CopyError::Refused(format!(
        "目标数据库不是空的（表 {} 已有数据），没有做任何修改。请新建一个空的 PostgreSQL 数据库（如 createdb tuanjian）作为目标；copy-to 会自己执行迁移",
        filled.join("、")
    )))
}

/// After migrating: every table of the target is one this program copies or skips, so a
/// table added by a future migration cannot be forgotten silently.
pub async fn check_all_known(conn: &mut AnyConnection) -> Result<(), CopyError> {
    let unknown: Vec<String> = target_tables(conn)
        .await?
        .into_iter()
        .filter(|t| t != tables::MIGRATIONS_TABLE && !tables::known(t))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(CopyError::Refused(format!(
        "本程序不知道如何复制表 {}（程序缺陷，请报告），没有复制任何数据",
        unknown.join("、")
    )))
}

/// An identifier as the catalog names it, refused unless plain (lower-case letters, digits,
/// underscores), so it can stand in SQL text unquoted.
pub fn plain(name: &str) -> Result<&str, CopyError> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(name)
    } else {
        Err(CopyError::Refused(format!(
            "数据库中有名称不寻常的表或列“{name}”，没有复制任何数据"
        )))
    }
}

/// The columns copied of `table`: the target's stored columns (not generated, not rebuilt by
/// a trigger) with their kinds, which the source must have too.
pub async fn columns(
    source: &mut AnyConnection,
    target: &mut AnyConnection,
    table: &CopyTable,
) -> Result<Vec<Column>, CopyError> {
    let target_cols: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_generated::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table.name)
    .fetch_all(&mut *target)
    .await?;
    // hidden: 0 for an ordinary column, 2 or 3 for a generated one.
    let source_cols: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, hidden FROM pragma_table_xinfo($1)")
            .bind(table.name)
            .fetch_all(&mut *source)
            .await?;
    let mut out = Vec::new();
    for (name, data_type, generated) in target_cols {
        if generated != "NEVER" || table.rebuilt.contains(&name.as_str()) {
            continue;
        }
        let kind = Kind::of_postgres(&data_type).ok_or_else(|| {
            CopyError::Refused(format!(
                "表 {} 的列 {name} 的类型 {data_type} 本程序不会复制（程序缺陷，请报告），没有复制任何数据",
                table.name
            ))
        })?;
        plain(&name)?;
        out.push(Column { name, kind });
    }
    let mut stored: Vec<&str> = source_cols
        .iter()
        .filter(|(n, hidden)| *hidden == 0 && !table.rebuilt.contains(&n.as_str()))
        .map(|(n, _)| n.as_str())
        .collect();
    let mut wanted: Vec<&str> = out.iter().map(|c| c.name.as_str()).collect();
    stored.sort_unstable();
    wanted.sort_unstable();
    if stored != wanted {
        return Err(CopyError::Refused(format!(
            "表 {} 在两个数据库中的列不同（源：{}；目标：{}），没有复制任何数据",
            table.name,
            stored.join(", "),
            wanted.join(", ")
        )));
    }
    Ok(out)
}

/// Sets every serial column's sequence of the copied tables so the next id is max(id) + 1.
pub async fn reset_sequences(conn: &mut AnyConnection) -> Result<(), CopyError> {
    let serials: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, \
                pg_get_serial_sequence(quote_ident(table_name::text), column_name::text)::text \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND column_default::text LIKE 'nextval(%' \
         ORDER BY table_name",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table, column, sequence) in serials {
        let (table, column) = (plain(&table)?, plain(&column)?);
        // Safe: identifiers from the catalog, checked by `plain`; the sequence is bound.
        let sql = format!(
            "SELECT setval($1::regclass, (SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), false)"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(sequence)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_must_match_and_the_message_says_what_to_do() {
        assert!(check_versions(&[1, 2, 3], &[1, 2, 3]).is_ok());
        let older = check_versions(&[1, 2], &[1, 2, 3]).unwrap_err().to_string();
        assert!(older.contains("0002") && older.contains("0003"), "{older}");
        assert!(older.contains("tuanjian migrate"), "{older}");
        let newer = check_versions(&[1, 2, 3, 4], &[1, 2, 3])
            .unwrap_err()
            .to_string();
        assert!(newer.contains("更新版本"), "{newer}");
    }

    #[test]
    fn only_plain_identifiers_stand_in_sql() {
        assert!(plain("audit_log").is_ok());
        for bad in ["", "a b", "x;drop", "Orgs", "1a", "\"q\""] {
            assert!(plain(bad).is_err(), "{bad}");
        }
    }
}
