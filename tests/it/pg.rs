//! The test PostgreSQL: a fresh schema per test, so tests run in parallel on one database.

/// A URL for `SRM_TEST_POSTGRES_URL` with a fresh, empty `schema` as the search path, or
/// `None` when the tests have no PostgreSQL (the caller reports itself skipped); with `CI`
/// set, a missing database fails the test instead.
pub async fn fresh_schema_url(schema: &str) -> Option<String> {
    let Ok(base) = std::env::var("SRM_TEST_POSTGRES_URL") else {
        // In CI the PostgreSQL half must run: a missing database is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but SRM_TEST_POSTGRES_URL is not: .ci/run starts PostgreSQL and sets it"
        );
        return None;
    };
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
