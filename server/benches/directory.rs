//! The directory's benchmarks (issue 7), on the embedded PostgreSQL as `portcullis serve`
//! runs it (durable commits), seeded once with 1,000,000 users, 100,000 groups and
//! 10,000 customer managed policies.
//!
//!     cargo bench -p server --bench directory -- [seed] [list] [authz] [create]
//!
//! With no step named, all run. The data directory (PORTCULLIS_BENCH_DIR, default
//! target/bench-data) is kept, so the seeding (a few minutes) happens once; remove it to
//! seed again. Figures are server-side: the service functions the console and the API
//! call, authorisation and audit included, without HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use app::authz::{Ctx, IamAction};
use app::crypto::{Entropy, OsEntropy};
use app::directory::accounts::{self, NewAccount, NewAccountInput};
use app::directory::policies::{self, HolderName, IdentityPolicy, NewPolicy};
use app::directory::users::{self, ListUsers, NewPassword, NewUser};
use app::directory::{RequestSource, groups, signin};
use app::model::{
    Account, GroupName, IamPath, IdKind, Password, PolicyName, UserName, UserOrder, UserSort, arn,
};
use app::state::AppState;
use server::database::{self, EmbeddedPostgres};
use sqlx::PgPool;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const USERS: usize = 1_000_000;
const GROUPS: usize = 100_000;
const POLICIES: usize = 10_000;
const BATCH: usize = 20_000;
const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "Bench-Password-1";
const ACCOUNT_ID: &str = "123456789012";
const AUTHZ_USER: &str = "bench.authz";

const FIRST: [&str; 24] = [
    "olivia", "liam", "emma", "noah", "amelia", "oliver", "ava", "elijah", "sophia", "lucas",
    "mia", "mateo", "isabella", "levi", "evelyn", "asher", "harper", "james", "luna", "leo",
    "camila", "jack", "gianna", "ezra",
];
const LAST: [&str; 20] = [
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
];
const DEPARTMENTS: [&str; 8] = [
    "engineering",
    "finance",
    "sales",
    "support",
    "marketing",
    "legal",
    "operations",
    "research",
];
const SERVICES: [(&str, &str); 8] = [
    ("s3", "arn:aws:s3:::team-bucket-{n}/*"),
    ("ec2", "arn:aws:ec2:eu-west-1:123456789012:instance/*"),
    (
        "dynamodb",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/t{n}",
    ),
    ("sqs", "arn:aws:sqs:eu-west-1:123456789012:queue-{n}"),
    (
        "lambda",
        "arn:aws:lambda:eu-west-1:123456789012:function:f{n}",
    ),
    (
        "logs",
        "arn:aws:logs:eu-west-1:123456789012:log-group:/app/{n}:*",
    ),
    ("kms", "arn:aws:kms:eu-west-1:123456789012:key/{n}"),
    ("iam", "arn:aws:iam::123456789012:user/${aws:username}"),
];

fn user_name(i: usize) -> String {
    format!(
        "{}.{}.{i:07}",
        FIRST[i % FIRST.len()],
        LAST[(i / 7) % LAST.len()]
    )
}

/// A realistic customer managed policy: three statements with conditions.
fn policy_document(n: usize) -> String {
    let (service, resource) = SERVICES[n % SERVICES.len()];
    let resource = resource.replace("{n}", &n.to_string());
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": [format!("{service}:Get*"), format!("{service}:List*"), format!("{service}:Describe*")],
                "Resource": "*"
            },
            {
                "Sid": "WriteFromOffice",
                "Effect": "Allow",
                "Action": [format!("{service}:Put*"), format!("{service}:Update*")],
                "Resource": resource,
                "Condition": {
                    "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]},
                    "Bool": {"aws:SecureTransport": "true"}
                }
            },
            {
                "Sid": "NoDeleteWithoutMfa",
                "Effect": "Deny",
                "Action": format!("{service}:Delete*"),
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
            }
        ]
    })
    .to_string()
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `f` `warm` times unmeasured, then `n` times, and prints p50, p95 and max.
async fn timed<F, Fut>(label: &str, warm: usize, n: usize, mut f: F)
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    for i in 0..warm {
        f(i).await;
    }
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        f(warm + i).await;
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{label}: n={n} p50 {} p95 {} max {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times[times.len() - 1])
    );
}

fn source() -> RequestSource {
    RequestSource::new(
        Some("192.0.2.10".parse().unwrap()),
        Some("bench/1.0".to_owned()),
    )
}

async fn root_ctx(state: &AppState) -> Ctx {
    let signed = signin::sign_in_root(state, EMAIL, Password::new(PASSWORD.to_owned()), &source())
        .await
        .unwrap();
    let caller = signed.caller(uuid::Uuid::new_v4(), OffsetDateTime::now_utc());
    Ctx::new(state.clone(), Arc::new(caller), source())
}

async fn user_ctx(state: &AppState, name: &str) -> Ctx {
    let signed = signin::sign_in_user(
        state,
        ACCOUNT_ID,
        name,
        Password::new(PASSWORD.to_owned()),
        &source(),
    )
    .await
    .unwrap();
    let caller = signed.caller(uuid::Uuid::new_v4(), OffsetDateTime::now_utc());
    Ctx::new(state.clone(), Arc::new(caller), source())
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(ACCOUNT_ID)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Seeds the account unless it is there already.
async fn seed(state: &AppState) {
    let pool = &state.pool;
    let users = count(pool, "SELECT count(*) FROM iam_users WHERE account_id = $1").await;
    if users >= USERS as i64 {
        println!("seed: already seeded ({users} users)");
        return;
    }
    if users > 0 {
        panic!("a partly seeded database: remove the bench data directory and run again");
    }
    let started = Instant::now();
    let account: Account = accounts::create_first_account(
        state,
        NewAccount::parse(NewAccountInput {
            email: EMAIL.to_owned(),
            password: PASSWORD.to_owned(),
            account_id: Some(ACCOUNT_ID.to_owned()),
            alias: Some("bench".to_owned()),
            ..Default::default()
        })
        .unwrap(),
    )
    .await
    .unwrap();
    let entropy = OsEntropy;
    let now = OffsetDateTime::now_utc();
    let acct = account.id.as_str();

    // Policies, each with one version.
    let mut policy_ids = Vec::with_capacity(POLICIES);
    for chunk in (0..POLICIES).collect::<Vec<_>>().chunks(BATCH) {
        let (mut ids, mut names, mut keys, mut docs) = (vec![], vec![], vec![], vec![]);
        for &i in chunk {
            let (service, _) = SERVICES[i % SERVICES.len()];
            let name = PolicyName::parse(&format!("{service}-team-{i:05}")).unwrap();
            let id = entropy.unique_id(IdKind::Policy);
            policy_ids.push(id.as_str().to_owned());
            ids.push(id.as_str().to_owned());
            keys.push(name.key());
            names.push(name.as_str().to_owned());
            docs.push(policy_document(i));
        }
        sqlx::query(
            "INSERT INTO managed_policies (policy_id, account_id, name, name_key, path,
                 description, created_at, updated_at, default_version)
             SELECT id, $1, n, k, '/', 'Seeded for benchmarks', $2, $2, 1
             FROM UNNEST($3::text[], $4::text[], $5::text[]) AS t(id, n, k)",
        )
        .bind(acct)
        .bind(now)
        .bind(&ids)
        .bind(&names)
        .bind(&keys)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO policy_versions (policy_id, version, document, created_at)
             SELECT id, 1, d, $1 FROM UNNEST($2::text[], $3::text[]) AS t(id, d)",
        )
        .bind(now)
        .bind(&ids)
        .bind(&docs)
        .execute(pool)
        .await
        .unwrap();
    }

    // Groups under department paths, 10% nested in another (chains up to 4 deep), each
    // with two managed policies.
    let mut group_ids = Vec::with_capacity(GROUPS);
    for chunk in (0..GROUPS).collect::<Vec<_>>().chunks(BATCH) {
        let (mut ids, mut names, mut keys, mut paths) = (vec![], vec![], vec![], vec![]);
        for &g in chunk {
            let dept = DEPARTMENTS[g % DEPARTMENTS.len()];
            let name = GroupName::parse(&format!("{dept}-team-{g:06}")).unwrap();
            let id = entropy.unique_id(IdKind::Group);
            group_ids.push(id.as_str().to_owned());
            ids.push(id.as_str().to_owned());
            keys.push(name.key());
            names.push(name.as_str().to_owned());
            paths.push(format!("/{dept}/"));
        }
        sqlx::query(
            "INSERT INTO iam_groups (group_id, account_id, name, name_key, path, created_at)
             SELECT id, $1, n, k, p, $2
             FROM UNNEST($3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, n, k, p)",
        )
        .bind(acct)
        .bind(now)
        .bind(&ids)
        .bind(&names)
        .bind(&keys)
        .bind(&paths)
        .execute(pool)
        .await
        .unwrap();
    }
    let (mut parents, mut children) = (vec![], vec![]);
    for g in (10..GROUPS).step_by(10) {
        parents.push(group_ids[g / 10].clone());
        children.push(group_ids[g].clone());
    }
    sqlx::query(
        "INSERT INTO group_groups (account_id, parent_id, child_id, added_at)
         SELECT $1, p, c, $2 FROM UNNEST($3::text[], $4::text[]) AS t(p, c)",
    )
    .bind(acct)
    .bind(now)
    .bind(&parents)
    .bind(&children)
    .execute(pool)
    .await
    .unwrap();
    for chunk in (0..GROUPS).collect::<Vec<_>>().chunks(BATCH) {
        let (mut gs, mut ps) = (vec![], vec![]);
        for &g in chunk {
            let a = g % POLICIES;
            let b = (g * 31 + 7) % POLICIES;
            gs.push(group_ids[g].clone());
            ps.push(policy_ids[a].clone());
            if b != a {
                gs.push(group_ids[g].clone());
                ps.push(policy_ids[b].clone());
            }
        }
        sqlx::query(
            "INSERT INTO group_policy_attachments (account_id, group_id, policy_id, attached_at)
             SELECT $1, g, p, $2 FROM UNNEST($3::text[], $4::text[]) AS t(g, p)",
        )
        .bind(acct)
        .bind(now)
        .bind(&gs)
        .bind(&ps)
        .execute(pool)
        .await
        .unwrap();
    }
    println!(
        "seed: {POLICIES} policies, {GROUPS} groups in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    // Users, created over the past two years, in one to three groups.
    for (batch, chunk) in (0..USERS).collect::<Vec<_>>().chunks(BATCH).enumerate() {
        let (mut ids, mut names, mut keys, mut paths, mut created, mut counts) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        let mut signed_in: Vec<Option<OffsetDateTime>> = vec![];
        let (mut member_groups, mut member_users) = (vec![], vec![]);
        for &i in chunk {
            let name = UserName::parse(&user_name(i)).unwrap();
            let id = entropy.unique_id(IdKind::User).as_str().to_owned();
            let mut groups = vec![(i * 7919) % GROUPS];
            if i % 2 == 0 {
                groups.push((i * 104_729 + 13) % GROUPS);
            }
            if i % 5 == 0 {
                groups.push((i * 15_485_863 + 7) % GROUPS);
            }
            groups.sort_unstable();
            groups.dedup();
            for g in &groups {
                member_groups.push(group_ids[*g].clone());
                member_users.push(id.clone());
            }
            counts.push(groups.len() as i32);
            let created_at = now - time::Duration::minutes((USERS - i) as i64);
            created.push(created_at);
            // Seven in ten have signed in to the console, at some time in the last 90
            // days (never before they existed).
            signed_in.push((i % 10 < 7).then(|| {
                let ago = time::Duration::minutes(((i * 7_919) % (90 * 24 * 60)) as i64);
                (now - ago).max(created_at)
            }));
            paths.push(format!("/{}/", DEPARTMENTS[i % DEPARTMENTS.len()]));
            keys.push(name.key());
            names.push(name.as_str().to_owned());
            ids.push(id);
        }
        sqlx::query(
            "INSERT INTO iam_users (user_id, account_id, name, name_key, path, created_at,
                 group_count, password_last_used)
             SELECT id, $1, n, k, p, c, gc, s
             FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                         $7::int[], $8::timestamptz[])
                AS t(id, n, k, p, c, gc, s)",
        )
        .bind(acct)
        .bind(&ids)
        .bind(&names)
        .bind(&keys)
        .bind(&paths)
        .bind(&created)
        .bind(&counts)
        .bind(&signed_in)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO group_users (account_id, group_id, user_id, added_at)
             SELECT $1, g, u, $2 FROM UNNEST($3::text[], $4::text[]) AS t(g, u)",
        )
        .bind(acct)
        .bind(now)
        .bind(&member_groups)
        .bind(&member_users)
        .execute(pool)
        .await
        .unwrap();
        if batch % 10 == 9 {
            println!(
                "seed: {} users in {:.0} s",
                (batch + 1) * BATCH,
                started.elapsed().as_secs_f64()
            );
        }
    }

    // The counters the services keep.
    for sql in [
        "UPDATE iam_groups g SET member_count = c.n FROM
            (SELECT group_id, count(*) AS n FROM group_users WHERE account_id = $1 GROUP BY group_id) c
          WHERE g.group_id = c.group_id",
        "UPDATE iam_groups g SET child_count = c.n FROM
            (SELECT parent_id, count(*) AS n FROM group_groups WHERE account_id = $1 GROUP BY parent_id) c
          WHERE g.group_id = c.parent_id",
        "UPDATE iam_groups g SET parent_count = c.n FROM
            (SELECT child_id, count(*) AS n FROM group_groups WHERE account_id = $1 GROUP BY child_id) c
          WHERE g.group_id = c.child_id",
        "UPDATE iam_groups g SET attached_count = c.n FROM
            (SELECT group_id, count(*) AS n FROM group_policy_attachments WHERE account_id = $1 GROUP BY group_id) c
          WHERE g.group_id = c.group_id",
        "UPDATE managed_policies p SET attachment_count = c.n FROM
            (SELECT policy_id, count(*) AS n FROM group_policy_attachments WHERE account_id = $1 GROUP BY policy_id) c
          WHERE p.policy_id = c.policy_id",
    ] {
        sqlx::query(sql).bind(acct).execute(pool).await.unwrap();
    }
    sqlx::query("VACUUM ANALYZE").execute(pool).await.unwrap();
    println!(
        "seed: {USERS} users, {GROUPS} groups, {POLICIES} policies in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    seed_authz_user(state).await;
}

/// `bench.authz`: in 4 groups which are nested in 3 more, which are nested in 3 more
/// (10 groups, 3 deep), with 30 policies: 2 managed on each group, 4 group inline, 3
/// managed and 2 inline on the user, and AdministratorAccess on an outer group.
async fn seed_authz_user(state: &AppState) {
    let root = root_ctx(state).await;
    let user = UserName::parse(AUTHZ_USER).unwrap();
    users::create_user(&root, NewUser::parse(AUTHZ_USER, "/", &[]).unwrap())
        .await
        .unwrap();
    users::create_login_profile(
        &root,
        &user,
        NewPassword::Chosen(Password::new(PASSWORD.to_owned())),
        false,
    )
    .await
    .unwrap();
    let group = |n: &str| GroupName::parse(n).unwrap();
    let names = [
        "authz-d1", "authz-d2", "authz-d3", "authz-d4", "authz-p1", "authz-p2", "authz-p3",
        "authz-q1", "authz-q2", "authz-q3",
    ];
    for n in names {
        groups::create_group(&root, group(n), IamPath::root())
            .await
            .unwrap();
    }
    for (child, parent) in [
        ("authz-d1", "authz-p1"),
        ("authz-d2", "authz-p2"),
        ("authz-d3", "authz-p3"),
        ("authz-d4", "authz-p1"),
        ("authz-p1", "authz-q1"),
        ("authz-p2", "authz-q2"),
        ("authz-p3", "authz-q3"),
    ] {
        groups::add_group_to_group(&root, &group(parent), &group(child))
            .await
            .unwrap();
    }
    for d in &names[..4] {
        groups::add_user_to_group(&root, &group(d), &user)
            .await
            .unwrap();
    }
    let mut n = 90_000;
    let mut new_policy = || {
        n += 1;
        NewPolicy::parse(
            &format!("authz-policy-{n}"),
            "/",
            "",
            &policy_document(n),
            &[],
        )
        .unwrap()
    };
    for g in names {
        for _ in 0..2 {
            let p = policies::create_policy(&root, new_policy()).await.unwrap();
            policies::attach_policy(&root, HolderName::Group(&group(g)), &p.arn)
                .await
                .unwrap();
        }
    }
    for _ in 0..3 {
        let p = policies::create_policy(&root, new_policy()).await.unwrap();
        policies::attach_policy(&root, HolderName::User(&user), &p.arn)
            .await
            .unwrap();
    }
    for (i, g) in names[..4].iter().enumerate() {
        policies::put_inline_policy(
            &root,
            HolderName::Group(&group(g)),
            &PolicyName::parse(&format!("inline-{i}")).unwrap(),
            IdentityPolicy::parse(&policy_document(95_000 + i)).unwrap(),
        )
        .await
        .unwrap();
    }
    for i in 0..2 {
        policies::put_inline_policy(
            &root,
            HolderName::User(&user),
            &PolicyName::parse(&format!("inline-{i}")).unwrap(),
            IdentityPolicy::parse(&policy_document(96_000 + i)).unwrap(),
        )
        .await
        .unwrap();
    }
    policies::attach_policy(
        &root,
        HolderName::Group(&group("authz-q1")),
        "arn:aws:iam::aws:policy/AdministratorAccess",
    )
    .await
    .unwrap();
    println!("seed: {AUTHZ_USER} in 10 groups (3 deep) with 30 policies");
}

async fn bench_list(state: &AppState) {
    let cx = user_ctx(state, AUTHZ_USER).await;
    let list = |search: Option<&str>, marker: Option<String>| ListUsers {
        path_prefix: None,
        search: search.map(str::to_owned),
        order: UserOrder::default(),
        marker,
        max_items: Some(50),
    };
    let deep = UserName::parse(&user_name(900_000)).unwrap().key();
    timed("ListUsers first page (50)", 20, 200, |_| {
        let cx = &cx;
        async move {
            let page = users::list_users(cx, list(None, None)).await.unwrap();
            assert_eq!(page.items.len(), 50);
        }
    })
    .await;
    timed("ListUsers search \"sophia.mar\" (50)", 20, 200, |_| {
        let cx = &cx;
        async move {
            let page = users::list_users(cx, list(Some("sophia.mar"), None))
                .await
                .unwrap();
            assert_eq!(page.items.len(), 50);
        }
    })
    .await;
    timed("ListUsers search prefix \"ezra.t\" (50)", 20, 200, |_| {
        let cx = &cx;
        async move {
            let page = users::list_users(cx, list(Some("ezra.t"), None))
                .await
                .unwrap();
            assert_eq!(page.items.len(), 50);
        }
    })
    .await;
    timed(
        "ListUsers search two letters (a prefix) \"ja\" (50)",
        20,
        200,
        |_| {
            let cx = &cx;
            async move {
                let page = users::list_users(cx, list(Some("ja"), None)).await.unwrap();
                assert_eq!(page.items.len(), 50);
            }
        },
    )
    .await;
    timed(
        "ListUsers search a common \"son\" (50 of 200,000)",
        5,
        50,
        |_| {
            let cx = &cx;
            async move {
                let page = users::list_users(cx, list(Some("son"), None))
                    .await
                    .unwrap();
                assert_eq!(page.items.len(), 50);
            }
        },
    )
    .await;
    timed("ListUsers search a rare \"0424242\" (1)", 20, 200, |_| {
        let cx = &cx;
        async move {
            let page = users::list_users(cx, list(Some("0424242"), None))
                .await
                .unwrap();
            assert_eq!(page.items.len(), 1);
        }
    })
    .await;
    timed("ListUsers deep keyset page (after 90%)", 20, 200, |_| {
        let cx = &cx;
        let deep = deep.clone();
        async move {
            let page = users::list_users(cx, list(None, Some(deep))).await.unwrap();
            assert_eq!(page.items.len(), 50);
        }
    })
    .await;
    // 90% of the way through the department's users by name.
    let finance_deep: String = sqlx::query_scalar(
        "SELECT name_key FROM iam_users WHERE account_id = $1 AND path = '/finance/'
         ORDER BY name_key OFFSET (SELECT count(*) * 9 / 10 FROM iam_users
                                    WHERE account_id = $1 AND path = '/finance/') LIMIT 1",
    )
    .bind(ACCOUNT_ID)
    .fetch_one(&state.pool)
    .await
    .unwrap();
    timed("ListUsers path /finance/, deep page", 20, 200, |_| {
        let cx = &cx;
        let deep = finance_deep.clone();
        async move {
            let mut options = list(None, Some(deep));
            options.path_prefix = Some("/finance/".to_owned());
            let page = users::list_users(cx, options).await.unwrap();
            assert_eq!(page.items.len(), 50);
        }
    })
    .await;
    bench_sorted_lists(&cx).await;
}

/// The console's other orders: each column down (the way a header is clicked twice),
/// first page and a page 90% of the way in, reached by following markers, and one
/// order over a substring search.
async fn bench_sorted_lists(cx: &Ctx) {
    for sort in [UserSort::Groups, UserSort::LastSignIn, UserSort::Created] {
        for descending in [true, false] {
            let order = UserOrder { sort, descending };
            let options = move |marker: Option<String>| ListUsers {
                order,
                marker,
                max_items: Some(50),
                ..ListUsers::default()
            };
            let label = format!("{}{}", sort.as_str(), if descending { " desc" } else { "" });
            timed(
                &format!("ListUsers by {label}, first page (50)"),
                20,
                200,
                |_| async move {
                    let page = users::list_users(cx, options(None)).await.unwrap();
                    assert_eq!(page.items.len(), 50);
                },
            )
            .await;
            // The marker 90% of the way in: walk there in pages of 1,000.
            let mut marker = None;
            for _ in 0..(USERS * 9 / 10 / 1000) {
                let page = users::list_users(
                    cx,
                    ListUsers {
                        max_items: Some(1000),
                        ..options(marker)
                    },
                )
                .await
                .unwrap();
                marker = page.marker;
            }
            let deep = marker.expect("a marker 90% of the way in");
            timed(
                &format!("ListUsers by {label}, deep page (after 90%)"),
                20,
                200,
                |_| {
                    let deep = deep.clone();
                    async move {
                        let page = users::list_users(cx, options(Some(deep))).await.unwrap();
                        assert_eq!(page.items.len(), 50);
                    }
                },
            )
            .await;
        }
    }
    timed(
        "ListUsers search \"sophia.mar\" by last sign-in desc (50)",
        20,
        200,
        |_| async move {
            let page = users::list_users(
                cx,
                ListUsers {
                    search: Some("sophia.mar".to_owned()),
                    order: UserOrder {
                        sort: UserSort::LastSignIn,
                        descending: true,
                    },
                    max_items: Some(50),
                    ..ListUsers::default()
                },
            )
            .await
            .unwrap();
            assert_eq!(page.items.len(), 50);
        },
    )
    .await;
}

async fn bench_authz(state: &AppState) {
    let cx = user_ctx(state, AUTHZ_USER).await;
    let target = arn::user(
        cx.account(),
        &IamPath::parse("/finance/").unwrap(),
        &UserName::parse(&user_name(424_242)).unwrap(),
    );
    timed(
        "authorise iam:GetUser, 10 groups 3 deep, 30 policies (begin + read + decide)",
        50,
        2000,
        |_| {
            let cx = &cx;
            let target = &target;
            async move {
                let mut op = cx.begin().await.unwrap();
                op.authorize(IamAction::GetUser, target).await.unwrap();
            }
        },
    )
    .await;
    let name = UserName::parse(&user_name(424_242)).unwrap();
    timed("GetUser service call, same principal", 50, 2000, |_| {
        let cx = &cx;
        let name = &name;
        async move {
            users::get_user(cx, Some(name)).await.unwrap();
        }
    })
    .await;
}

async fn bench_create(state: &AppState) {
    const CLIENTS: usize = 16;
    const PER_CLIENT: usize = 250;
    let cx = Arc::new(user_ctx(state, AUTHZ_USER).await);
    let run = OffsetDateTime::now_utc().unix_timestamp();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let cx = cx.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(PER_CLIENT);
            for i in 0..PER_CLIENT {
                let name = format!("load.{run}.{client}.{i}");
                let t = Instant::now();
                users::create_user(&cx, NewUser::parse(&name, "/load/", &[]).unwrap())
                    .await
                    .unwrap();
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    times.sort();
    let total = CLIENTS * PER_CLIENT;
    println!(
        "CreateUser with audit, {CLIENTS} concurrent clients, {total} users: {:.0}/s (p50 {} p95 {})",
        total as f64 / elapsed.as_secs_f64(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
    );
    // Keep the database at its seeded size for the next run.
    sqlx::query("DELETE FROM iam_users WHERE account_id = $1 AND path = '/load/'")
        .bind(ACCOUNT_ID)
        .execute(&state.pool)
        .await
        .unwrap();
}

#[tokio::main]
async fn main() {
    let steps: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wants = |s: &str| steps.is_empty() || steps.iter().any(|a| a == s);
    let dir = std::env::var_os("PORTCULLIS_BENCH_DIR")
        .map_or_else(|| PathBuf::from("target/bench-data"), PathBuf::from);
    // cargo bench runs in the package's directory; the default is the workspace's target.
    let dir = if dir.is_relative() {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir)
    } else {
        dir
    };
    std::fs::create_dir_all(&dir).unwrap();
    let mut embedded = EmbeddedPostgres::start(&dir).unwrap();
    let pool = embedded.pool().await.unwrap();
    database::migrate(&pool).await.unwrap();
    server::aws_policies::sync(&pool, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let state = support::state(pool.clone());
    seed(&state).await;
    if wants("list") {
        bench_list(&state).await;
    }
    if wants("authz") {
        bench_authz(&state).await;
    }
    if wants("create") {
        bench_create(&state).await;
    }
    pool.close().await;
    embedded.stop();
}
