//! SQL text rendered once per database backend, for the few queries every
//! request runs: each execution then only binds its values.
//!
//! Building a sea-query statement allocates for every column, join and
//! condition, and rendering it walks the whole tree; dropping it frees it
//! all again. On the lesson page that was about a tenth of the server's CPU.

use std::sync::OnceLock;

use sea_orm::sea_query::SelectStatement;
use sea_orm::{DbBackend, Statement, Value};

/// A query whose SQL text does not depend on its values, rendered the first
/// time each backend asks for it.
///
/// `build` makes the statement with any values: only its text is kept. The
/// values given to [`FixedSql::bind`] must follow the order of the
/// statement's placeholders; each user has a test comparing the bound
/// statement with one built afresh, on SQLite and PostgreSQL.
pub struct FixedSql {
    build: fn() -> SelectStatement,
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
}

impl FixedSql {
    pub const fn new(build: fn() -> SelectStatement) -> Self {
        Self {
            build,
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    /// The statement for `backend` with these values bound, in placeholder order.
    pub fn bind(&self, backend: DbBackend, values: Vec<Value>) -> Statement {
        match self.text(backend) {
            Some(sql) => Statement::from_sql_and_values(backend, sql, values),
            // Not a backend this application runs on: rendered every time.
            None => Statement::from_sql_and_values(backend, self.render(backend), values),
        }
    }

    /// The SQL text for SQLite or PostgreSQL, rendered once (None for other
    /// backends).
    fn text(&self, backend: DbBackend) -> Option<&str> {
        match backend {
            DbBackend::Sqlite => Some(self.sqlite()),
            DbBackend::Postgres => Some(self.postgres.get_or_init(|| self.render(backend))),
            _ => None,
        }
    }

    /// The SQL text for SQLite (`?` placeholders), rendered once: what the
    /// direct reads (`store::direct_read`) prepare.
    pub fn sqlite(&self) -> &str {
        self.sqlite.get_or_init(|| self.render(DbBackend::Sqlite))
    }

    fn render(&self, backend: DbBackend) -> String {
        backend.build(&(self.build)()).sql
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};

    use super::*;

    fn by_name(name: &str) -> SelectStatement {
        Query::select()
            .column("id")
            .from("users")
            .and_where(Expr::col("name").eq(name))
            .to_owned()
    }

    static BY_NAME: FixedSql = FixedSql::new(|| by_name(""));

    #[test]
    fn the_bound_statement_is_the_one_built_with_those_values() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            assert_eq!(
                BY_NAME.bind(backend, vec!["Ann".into()]),
                backend.build(&by_name("Ann"))
            );
        }
    }
}
