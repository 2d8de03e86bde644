//! The service-level fixture: a fresh database, a manual clock, seeded entropy and
//! cheap argon2, with services called directly (no HTTP), so many rules are cheap.

use crate::helpers::{ROOT_EMAIL, ROOT_PASSWORD, fresh_database, test_state};
use app::authz::Ctx;
use app::clock::ManualClock;
use app::directory::accounts::{self, NewAccount, NewAccountInput};
use app::directory::passwords::{HashCost, HashLimits};
use app::directory::policies::{self, HolderName, IdentityPolicy};
use app::directory::users::{self, NewPassword, NewUser};
use app::directory::{RequestSource, signin};
use app::model::{Account, Password, PolicyName, UserName};
use app::state::AppState;
use sqlx::PgPool;
use std::net::IpAddr;
use std::sync::Arc;
use time::macros::datetime;

pub const USER_PASSWORD: &str = "User-Passw0rd!";

pub const CHEAP: HashCost = HashCost {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};

pub struct Fx {
    pub state: AppState,
    pub clock: ManualClock,
    pub pool: PgPool,
    pub account: Account,
    /// The database's URL, for a second server on the same database.
    pub url: String,
}

pub async fn fixture() -> Fx {
    let (pool, url) = fresh_database().await;
    let clock = ManualClock::new(datetime!(2026-11-23 09:00 UTC));
    let state = test_state(
        pool.clone(),
        &clock,
        CHEAP,
        HashLimits::for_this_machine(),
        "https://iam.example.com".to_owned(),
    );
    let account = accounts::create_first_account(&state, new_account(ROOT_EMAIL, "acme"))
        .await
        .unwrap();
    Fx {
        state,
        clock,
        pool,
        account,
        url,
    }
}

pub fn new_account(email: &str, alias: &str) -> NewAccount {
    NewAccount::parse(NewAccountInput {
        email: email.to_owned(),
        password: ROOT_PASSWORD.to_owned(),
        alias: Some(alias.to_owned()),
        ..Default::default()
    })
    .unwrap()
}

pub fn source(ip: &str) -> RequestSource {
    RequestSource::new(
        Some(ip.parse::<IpAddr>().unwrap()),
        Some("fixture/1.0".to_owned()),
    )
}

pub fn name(s: &str) -> UserName {
    UserName::parse(s).unwrap()
}

impl Fx {
    /// The root user of the fixture's account, signed in.
    pub async fn root(&self) -> Ctx {
        self.root_of(ROOT_EMAIL).await
    }

    pub async fn root_of(&self, email: &str) -> Ctx {
        let signed = signin::sign_in_root(
            &self.state,
            email,
            Password::new(ROOT_PASSWORD.to_owned()),
            &source("192.0.2.1"),
        )
        .await
        .unwrap();
        self.ctx(&signed, "192.0.2.1")
    }

    /// The root user signed in on another server (`second_server`).
    pub async fn root_on(&self, state: &AppState) -> Ctx {
        let signed = signin::sign_in_root(
            state,
            ROOT_EMAIL,
            Password::new(ROOT_PASSWORD.to_owned()),
            &source("192.0.2.1"),
        )
        .await
        .unwrap();
        let caller = signed.caller(uuid::Uuid::new_v4(), self.clock_now());
        Ctx::new(state.clone(), Arc::new(caller), source("192.0.2.1"))
    }

    fn ctx(&self, signed: &signin::SignedIn, ip: &str) -> Ctx {
        let caller = signed.caller(uuid::Uuid::new_v4(), self.clock_now());
        Ctx::new(self.state.clone(), Arc::new(caller), source(ip))
    }

    pub fn clock_now(&self) -> time::OffsetDateTime {
        app::clock::Clock::now(&self.clock)
    }

    /// Creates user `user` (by root) with a console password and the given inline
    /// policies, and returns it signed in from `ip`.
    pub async fn user_from(&self, user: &str, policies: &[&str], ip: &str) -> Ctx {
        let root = self.root().await;
        let created = users::create_user(&root, NewUser::parse(user, "/", &[]).unwrap())
            .await
            .unwrap();
        users::create_login_profile(
            &root,
            &created.name,
            NewPassword::Chosen(Password::new(USER_PASSWORD.to_owned())),
            false,
        )
        .await
        .unwrap();
        for (i, document) in policies.iter().enumerate() {
            self.put_inline(user, &format!("p{i}"), document).await;
        }
        self.sign_in_user(user, ip).await
    }

    pub async fn user(&self, user: &str, policies: &[&str]) -> Ctx {
        self.user_from(user, policies, "192.0.2.10").await
    }

    pub async fn sign_in_user(&self, user: &str, ip: &str) -> Ctx {
        self.sign_in_user_on(&self.state, user, ip).await
    }

    /// Another Portcullis server on the same database: its own pool and policy cache.
    pub async fn second_server(&self) -> AppState {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(5)
            .connect(&self.url)
            .await
            .unwrap();
        test_state(
            pool,
            &self.clock,
            CHEAP,
            HashLimits::for_this_machine(),
            "https://iam.example.com".to_owned(),
        )
    }

    /// `user` signed in through `state` (this or another server).
    pub async fn sign_in_user_on(&self, state: &AppState, user: &str, ip: &str) -> Ctx {
        let signed = signin::sign_in_user(
            state,
            self.account.id.as_str(),
            user,
            Password::new(USER_PASSWORD.to_owned()),
            &source(ip),
        )
        .await
        .unwrap();
        let caller = signed.caller(uuid::Uuid::new_v4(), self.clock_now());
        Ctx::new(state.clone(), Arc::new(caller), source(ip))
    }

    /// Puts an inline policy on a user, as root, through PutUserPolicy.
    pub async fn put_inline(&self, user: &str, policy_name: &str, document: &str) {
        let root = self.root().await;
        policies::put_inline_policy(
            &root,
            HolderName::User(&name(user)),
            &PolicyName::parse(policy_name).unwrap(),
            IdentityPolicy::parse(document).unwrap(),
        )
        .await
        .unwrap();
    }

    /// Events recorded so far in the fixture's account.
    pub async fn events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE account_id = $1")
            .bind(self.account.id.as_str())
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }
}
