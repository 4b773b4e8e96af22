//! The test PostgreSQL: a fresh schema per test, so tests run in parallel on one database.

/// A URL for `SRM_TEST_POSTGRES_URL` with a fresh, empty `schema` as the search path, or
/// `None` when the tests have no PostgreSQL (the caller reports itself skipped).
pub async fn fresh_schema_url(schema: &str) -> Option<String> {
    let base = std::env::var("SRM_TEST_POSTGRES_URL").ok()?;
    use sqlx::Executor;
    let admin = sqlx::PgPool::connect(&base).await.unwrap();
    admin
        .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}
