//! The AWS managed policies built into the server: every database has them, read-only
//! rows with one version each, kept in step with the built-in catalogue.

use crate::helpers::fresh_database;
use app::model::{IamPath, PolicyName};
use app::store::aws_policies::{self, AwsPolicy, SyncReport};
use serde_json::Value;
use sqlx::PgPool;
use time::OffsetDateTime;
use time::macros::datetime;

const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const VIEW_ONLY: &str = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess";
const LATER: OffsetDateTime = datetime!(2027-01-01 00:00 UTC);

fn built_in(arn: &str) -> AwsPolicy {
    server::aws_policies::catalogue()
        .unwrap()
        .into_iter()
        .find(|p| p.arn == arn)
        .unwrap_or_else(|| panic!("{arn} is not in the built-in catalogue"))
}

/// An AWS managed policy as stored: (policy id, default version, next version, version
/// count, updated at, the default version's document).
type Stored = (String, i32, i32, i32, OffsetDateTime, String);

async fn stored(pool: &PgPool, arn: &str) -> Option<Stored> {
    sqlx::query_as(
        "SELECT p.policy_id, p.default_version, p.next_version, p.version_count, p.updated_at,
                v.document
           FROM managed_policies p
           JOIN policy_versions v ON v.policy_id = p.policy_id AND v.version = p.default_version
          WHERE p.account_id IS NULL AND 'arn:aws:iam::aws:policy' || p.path || p.name = $1",
    )
    .bind(arn)
    .fetch_optional(pool)
    .await
    .unwrap()
}

async fn versions(pool: &PgPool, arn: &str) -> Vec<i32> {
    sqlx::query_scalar(
        "SELECT v.version FROM policy_versions v JOIN managed_policies p USING (policy_id)
          WHERE p.account_id IS NULL AND 'arn:aws:iam::aws:policy' || p.path || p.name = $1
          ORDER BY v.version",
    )
    .bind(arn)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Everything the sync writes, row versions (xmin) included: equal snapshots mean that
/// nothing was written, not only that the values are the same.
async fn snapshot(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "SELECT md5(string_agg(p.xmin::text || p::text || v.xmin::text || v::text, ','
                               ORDER BY p.policy_id, v.version))
              || (SELECT c.xmin::text || c::text FROM aws_policy_catalogue c)
           FROM managed_policies p JOIN policy_versions v USING (policy_id)
          WHERE p.account_id IS NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn every_aws_managed_policy_is_in_a_new_database() {
    let (pool, _) = fresh_database().await;
    let catalogue = server::aws_policies::catalogue().unwrap();
    assert!(catalogue.len() >= 1500, "only {} policies", catalogue.len());
    let aws = count(
        &pool,
        "SELECT count(*) FROM managed_policies WHERE account_id IS NULL",
    )
    .await;
    assert_eq!(aws, i64::try_from(catalogue.len()).unwrap());
    // One version each, the default one.
    let versions = count(
        &pool,
        "SELECT count(*) FROM policy_versions v JOIN managed_policies p USING (policy_id)
          WHERE p.account_id IS NULL AND v.version = p.default_version AND p.version_count = 1
            AND p.next_version = p.default_version + 1",
    )
    .await;
    assert_eq!(versions, aws);
    assert_eq!(
        aws_policies::synced_fingerprint(&pool).await.unwrap(),
        Some(server::aws_policies::fingerprint().to_owned())
    );

    for arn in [READ_ONLY, VIEW_ONLY] {
        let expected = built_in(arn);
        let (id, default_version, _, _, updated_at, document) = stored(&pool, arn).await.unwrap();
        assert_eq!(id, aws_policies::policy_id(arn).as_str(), "{arn}");
        assert_eq!(default_version, expected.version, "{arn}");
        assert_eq!(updated_at, expected.updated, "{arn}");
        assert_eq!(json(&document), json(&expected.document), "{arn}");
        assert!(json(&document)["Statement"].is_array(), "{arn}");
    }
    let view_only_path: String = sqlx::query_scalar(
        "SELECT path FROM managed_policies WHERE account_id IS NULL AND name = 'ViewOnlyAccess'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(view_only_path, "/job-function/");

    // Every row reads back as the domain types the console shows.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT path, name FROM managed_policies WHERE account_id IS NULL")
            .fetch_all(&pool)
            .await
            .unwrap();
    for (path, name) in rows {
        IamPath::parse(&path).unwrap();
        PolicyName::parse(&name).unwrap();
    }
}

#[tokio::test]
async fn a_second_sync_of_the_same_catalogue_changes_nothing() {
    let (pool, _) = fresh_database().await;
    let before = snapshot(&pool).await;

    let report = server::aws_policies::sync(&pool, LATER).await.unwrap();
    assert!(report.skipped, "{report:?}");
    // The store checks again under its lock.
    let catalogue = server::aws_policies::catalogue().unwrap();
    let fingerprint = server::aws_policies::fingerprint();
    let report = aws_policies::sync(&pool, &catalogue, fingerprint, LATER)
        .await
        .unwrap();
    assert_eq!(report, SyncReport::skipped(catalogue.len()));
    assert_eq!(snapshot(&pool).await, before);

    // Under another fingerprint, the same policies are compared, not rewritten.
    let other = aws_policies::fingerprint(b"another catalogue");
    let report = aws_policies::sync(&pool, &catalogue, &other, LATER)
        .await
        .unwrap();
    assert_eq!(
        report,
        SyncReport {
            skipped: false,
            ..SyncReport::skipped(catalogue.len())
        }
    );
    let unchanged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM managed_policies p JOIN policy_versions v USING (policy_id)
          WHERE p.account_id IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(unchanged, i64::try_from(catalogue.len()).unwrap());
    assert_ne!(snapshot(&pool).await, before, "the fingerprint row changed");
    assert_eq!(
        aws_policies::synced_fingerprint(&pool).await.unwrap(),
        Some(other)
    );
}

#[tokio::test]
async fn a_changed_policy_gets_its_new_version_as_the_only_one() {
    let (pool, _) = fresh_database().await;
    let original = built_in(READ_ONLY);
    let view_only = stored(&pool, VIEW_ONLY).await.unwrap();
    let aws_before = count(
        &pool,
        "SELECT count(*) FROM managed_policies WHERE account_id IS NULL",
    )
    .await;

    let mut changed = original.clone();
    changed.version = original.version + 1;
    changed.updated = LATER;
    changed.document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#.to_owned();
    let added = AwsPolicy {
        arn: "arn:aws:iam::aws:policy/service-role/PortcullisTestPolicy".to_owned(),
        path: "/service-role/".to_owned(),
        name: "PortcullisTestPolicy".to_owned(),
        version: 3,
        created: LATER,
        updated: LATER,
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#.to_owned(),
    };
    // A small catalogue: everything it leaves out stays as it is.
    let synthetic = [changed.clone(), added.clone()];
    let report = aws_policies::sync(
        &pool,
        &synthetic,
        &aws_policies::fingerprint(b"synthetic"),
        LATER,
    )
    .await
    .unwrap();
    assert_eq!(
        report,
        SyncReport {
            skipped: false,
            policies: 2,
            inserted: 1,
            updated: 1,
            versions_added: 2,
            versions_removed: 1,
        }
    );

    let (id, default_version, next_version, version_count, updated_at, document) =
        stored(&pool, READ_ONLY).await.unwrap();
    assert_eq!(id, aws_policies::policy_id(READ_ONLY).as_str());
    assert_eq!(
        (default_version, next_version, version_count),
        (changed.version, changed.version + 1, 1)
    );
    assert_eq!(updated_at, LATER);
    assert_eq!(json(&document), json(&changed.document));
    assert_eq!(versions(&pool, READ_ONLY).await, [changed.version]);

    let (_, default_version, _, _, _, document) = stored(&pool, &added.arn).await.unwrap();
    assert_eq!(default_version, 3);
    assert_eq!(json(&document), json(&added.document));

    assert_eq!(stored(&pool, VIEW_ONLY).await.unwrap(), view_only);
    let aws_after = count(
        &pool,
        "SELECT count(*) FROM managed_policies WHERE account_id IS NULL",
    )
    .await;
    assert_eq!(aws_after, aws_before + 1, "nothing is deleted");

    // The built-in catalogue brings the policy back to its version (and keeps the one
    // it does not know).
    let report = server::aws_policies::sync(&pool, LATER).await.unwrap();
    assert_eq!(
        (
            report.inserted,
            report.updated,
            report.versions_added,
            report.versions_removed
        ),
        (0, 1, 1, 1)
    );
    let (_, default_version, _, _, _, document) = stored(&pool, READ_ONLY).await.unwrap();
    assert_eq!(default_version, original.version);
    assert_eq!(json(&document), json(&original.document));
    assert_eq!(versions(&pool, READ_ONLY).await, [original.version]);
    assert!(stored(&pool, &added.arn).await.is_some());
}

/// Two servers starting together on a database without AWS policies: one writes them,
/// the other waits for it and then finds them there. Also the first-run figure.
#[tokio::test]
async fn servers_starting_together_sync_once() {
    let (pool, _) = fresh_database().await;
    for sql in [
        "DELETE FROM policy_versions WHERE policy_id IN
            (SELECT policy_id FROM managed_policies WHERE account_id IS NULL)",
        "DELETE FROM managed_policies WHERE account_id IS NULL",
        "DELETE FROM aws_policy_catalogue",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let catalogue = server::aws_policies::catalogue().unwrap();
    let fingerprint = server::aws_policies::fingerprint();
    let started = std::time::Instant::now();
    let (a, b) = tokio::join!(
        aws_policies::sync(&pool, &catalogue, fingerprint, LATER),
        aws_policies::sync(&pool, &catalogue, fingerprint, LATER),
    );
    eprintln!(
        "full sync of {} AWS managed policies (with a second one waiting): {} ms",
        catalogue.len(),
        started.elapsed().as_millis()
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let (written, skipped) = if a.skipped { (b, a) } else { (a, b) };
    assert!(skipped.skipped, "{skipped:?}");
    assert_eq!(written.inserted, catalogue.len() as u64, "{written:?}");
    assert_eq!(written.versions_added, catalogue.len() as u64);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM managed_policies WHERE account_id IS NULL"
        )
        .await,
        i64::try_from(catalogue.len()).unwrap()
    );
}
