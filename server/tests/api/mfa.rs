//! Virtual MFA devices: codes from an independent implementation (oathtool) accepted,
//! never twice (also when racing), consecutive codes to enable, at most 8 devices under
//! racing requests, sign-in with a code, and policies that require MFA.

use crate::fixture::*;
use crate::helpers::{ROOT_EMAIL, ROOT_PASSWORD, spawn_app};
use app::authz::Ctx;
use app::clock::Clock;
use app::directory::mfa;
use app::directory::sessions::PendingMfa;
use app::directory::signin::{self, SignedIn};
use app::directory::users::{self, NewUser};
use app::error::AppError;
use app::model::{AuthCode, IamPath, MfaDeviceName, MfaOwner, NewMfaDevice, Password};
use std::sync::Arc;
use time::Duration;

/// The code an authenticator shows at `at`, computed by Debian's oathtool (RFC 6238),
/// an implementation independent of ours.
pub fn oathtool(base32: &str, at: time::OffsetDateTime) -> String {
    let out = std::process::Command::new("oathtool")
        .args([
            "--totp",
            "--base32",
            base32,
            "--now",
            &format!("@{}", at.unix_timestamp()),
        ])
        .output()
        .expect("oathtool (make test installs it: Debian package oathtool)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn code(s: &str) -> AuthCode {
    AuthCode::parse(s).unwrap()
}

fn device_name(s: &str) -> MfaDeviceName {
    MfaDeviceName::parse(s).unwrap()
}

impl Fx {
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// Two consecutive codes of a device, the later one current.
    fn pair(&self, new: &NewMfaDevice) -> (AuthCode, AuthCode) {
        (
            code(&oathtool(
                &new.base32_seed,
                self.now() - Duration::seconds(30),
            )),
            code(&oathtool(&new.base32_seed, self.now())),
        )
    }

    /// A device created by `cx` and enabled for `user` (the caller when `None`).
    pub(crate) async fn enabled_device(
        &self,
        cx: &Ctx,
        name: &str,
        user: Option<&str>,
    ) -> NewMfaDevice {
        let new = mfa::create_virtual_mfa_device(cx, &device_name(name), &IamPath::root())
            .await
            .unwrap();
        let (a, b) = self.pair(&new);
        let user = user.map(crate::fixture::name);
        mfa::enable_mfa_device(cx, user.as_ref(), &new.device.serial_number, (&a, &b))
            .await
            .unwrap();
        new
    }

    async fn password_step(&self, user: &str) -> SignedIn {
        signin::sign_in_user(
            &self.state,
            self.account.id.as_str(),
            user,
            Password::new(USER_PASSWORD.to_owned()),
            &source("192.0.2.10"),
        )
        .await
        .unwrap()
    }

    fn pending(&self, signed: &SignedIn) -> PendingMfa {
        signed.pending_mfa(self.now())
    }

    fn ctx_of(&self, signed: &SignedIn) -> Ctx {
        let caller = signed.caller(uuid::Uuid::new_v4(), self.now());
        Ctx::new(self.state.clone(), Arc::new(caller), source("192.0.2.10"))
    }
}

#[tokio::test]
async fn enabled_with_oathtool_codes_then_sign_in_asks_for_a_fresh_code() {
    let fx = fixture().await;
    fx.user("alice", &[]).await;
    let root = fx.root().await;
    let new = fx.enabled_device(&root, "alice-phone", Some("alice")).await;
    assert_eq!(
        new.device.serial_number,
        format!("arn:aws:iam::{}:mfa/alice-phone", fx.account.id)
    );
    let listed = mfa::list_mfa_devices(&root, Some(&name("alice")))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].owner, Some(MfaOwner::User(name("alice"))));

    // The password alone no longer makes a session.
    let signed = fx.password_step("alice").await;
    assert!(signed.mfa_required());
    let pending = fx.pending(&signed);
    // The code that enabled the device is spent: it cannot sign in.
    let spent = oathtool(&new.base32_seed, fx.now());
    assert!(matches!(
        signin::sign_in_mfa(&fx.state, &pending, &spent, &source("192.0.2.10")).await,
        Err(AppError::InvalidAuthenticationCode { .. })
    ));
    fx.clock.advance(Duration::seconds(30));
    let fresh = oathtool(&new.base32_seed, fx.now());
    let done = signin::sign_in_mfa(&fx.state, &pending, &fresh, &source("192.0.2.10"))
        .await
        .unwrap();
    assert!(!done.mfa_required());
    assert_eq!(done.mfa_at(), Some(fx.now()));
    let cx = fx.ctx_of(&done);
    assert!(cx.caller().mfa);
    // Replayed: refused.
    assert!(matches!(
        signin::sign_in_mfa(&fx.state, &pending, &fresh, &source("192.0.2.10")).await,
        Err(AppError::InvalidAuthenticationCode { .. })
    ));
    // The log has the sign-in with MFA and the refusals; seeds are nowhere in it.
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE action = 'signin:ConsoleLogin' AND params::jsonb->>'MFAUsed' = 'Yes' AND outcome = 'success'").await,
        1
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE action = 'signin:ConsoleLogin' AND error_code = 'InvalidAuthenticationCode'").await,
        2
    );
    let leaked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE params::text LIKE '%' || $1 || '%'",
    )
    .bind(&new.base32_seed)
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    assert_eq!(leaked, 0);
}

#[tokio::test]
async fn a_code_is_accepted_once_when_twenty_requests_race() {
    let fx = fixture().await;
    fx.user("racer", &[]).await;
    let root = fx.root().await;
    let new = fx.enabled_device(&root, "racer", Some("racer")).await;
    fx.clock.advance(Duration::seconds(30));
    let signed = fx.password_step("racer").await;
    let pending = fx.pending(&signed);
    let fresh = oathtool(&new.base32_seed, fx.now());
    let attempts = (0..20).map(|_| {
        let (state, pending, fresh) = (fx.state.clone(), pending.clone(), fresh.clone());
        tokio::spawn(async move {
            signin::sign_in_mfa(&state, &pending, &fresh, &source("192.0.2.10")).await
        })
    });
    let results = futures_join(attempts).await;
    let accepted = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(accepted, 1, "{results:?}");
}

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn enabling_needs_two_consecutive_current_codes() {
    let fx = fixture().await;
    let root = fx.root().await;
    let new = mfa::create_virtual_mfa_device(
        &root,
        &device_name("root-account-mfa-device"),
        &IamPath::root(),
    )
    .await
    .unwrap();
    let serial = new.device.serial_number.clone();
    let at = |secs: i64| {
        code(&oathtool(
            &new.base32_seed,
            fx.now() + Duration::seconds(secs),
        ))
    };
    for (first, second) in [
        (at(-60), at(0)),     // not consecutive
        (at(0), at(-30)),     // in the wrong order
        (at(0), at(0)),       // the same code twice
        (at(-300), at(-270)), // consecutive, but five minutes old
        (code("000000"), at(0)),
    ] {
        assert!(
            matches!(
                mfa::enable_mfa_device(&root, None, &serial, (&first, &second)).await,
                Err(AppError::InvalidAuthenticationCode { .. })
            ),
            "accepted {first:?} {second:?}"
        );
    }
    assert_eq!(mfa::list_mfa_devices(&root, None).await.unwrap().len(), 0);
    let (a, b) = fx.pair(&new);
    mfa::enable_mfa_device(&root, None, &serial, (&a, &b))
        .await
        .unwrap();
    // Root's own device: the dashboard item and root's sign-in follow.
    let devices = mfa::list_mfa_devices(&root, None).await.unwrap();
    assert_eq!(devices[0].owner, Some(MfaOwner::Root));
    let signed = signin::sign_in_root(
        &fx.state,
        ROOT_EMAIL,
        Password::new(ROOT_PASSWORD.to_owned()),
        &source("192.0.2.1"),
    )
    .await
    .unwrap();
    assert!(signed.mfa_required());
    // Enabled already: a second enabling is refused.
    assert!(matches!(
        mfa::enable_mfa_device(&root, None, &serial, (&a, &b)).await,
        Err(AppError::AlreadyExists { .. })
    ));
}

#[tokio::test]
async fn the_ninth_device_is_refused_when_twenty_enablings_race() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("many", "/", &[]).unwrap())
        .await
        .unwrap();
    let mut devices = Vec::new();
    for i in 0..20 {
        let new =
            mfa::create_virtual_mfa_device(&root, &device_name(&format!("d{i}")), &IamPath::root())
                .await
                .unwrap();
        let pair = fx.pair(&new);
        devices.push((new.device.serial_number, pair));
    }
    let handles = devices.into_iter().map(|(serial, (a, b))| {
        let root = root.clone();
        tokio::spawn(async move {
            mfa::enable_mfa_device(&root, Some(&name("many")), &serial, (&a, &b)).await
        })
    });
    let results = futures_join(handles).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        8,
        "{results:?}"
    );
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(
            refused,
            &AppError::limit_exceeded("Cannot exceed quota for MFADevicesPerUser: 8")
        );
    }
    assert_eq!(
        mfa::list_mfa_devices(&root, Some(&name("many")))
            .await
            .unwrap()
            .len(),
        8
    );
    assert_eq!(
        mfa::list_virtual_mfa_devices(&root, Some(false))
            .await
            .unwrap()
            .len(),
        12
    );
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords() {
    let fx = fixture().await;
    fx.user("guessed", &[]).await;
    let root = fx.root().await;
    let new = fx.enabled_device(&root, "guessed", Some("guessed")).await;
    fx.clock.advance(Duration::seconds(30));
    let pending = fx.pending(&fx.password_step("guessed").await);
    let right = oathtool(&new.base32_seed, fx.now());
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    for _ in 0..5 {
        assert!(matches!(
            signin::sign_in_mfa(&fx.state, &pending, wrong, &source("192.0.2.10")).await,
            Err(AppError::InvalidAuthenticationCode { .. })
        ));
    }
    // Now even the right code waits.
    assert!(matches!(
        signin::sign_in_mfa(&fx.state, &pending, &right, &source("192.0.2.10")).await,
        Err(AppError::Throttled { .. })
    ));
    fx.clock.advance(Duration::seconds(6));
    let right = oathtool(&new.base32_seed, fx.now());
    assert!(
        signin::sign_in_mfa(&fx.state, &pending, &right, &source("192.0.2.10"))
            .await
            .is_ok()
    );
}

/// AWS's documented policy that lets users manage their own MFA device and denies
/// everything else unless they signed in with MFA, with a listing allowed as well.
const FORCE_MFA: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"AllowListUsers","Effect":"Allow","Action":"iam:ListUsers","Resource":"*"},
  {"Sid":"AllowManageOwnVirtualMFADevice","Effect":"Allow","Action":["iam:CreateVirtualMFADevice"],"Resource":"arn:aws:iam::*:mfa/*"},
  {"Sid":"AllowManageOwnUserMFA","Effect":"Allow","Action":["iam:DeactivateMFADevice","iam:EnableMFADevice","iam:ListMFADevices","iam:ResyncMFADevice"],"Resource":"arn:aws:iam::*:user/${aws:username}"},
  {"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:GetUser","iam:ListMFADevices","iam:ListVirtualMFADevices","iam:ResyncMFADevice","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}},
  {"Sid":"DenyOldMfa","Effect":"Deny","Action":"iam:ListUsers","Resource":"*","Condition":{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"}}}
]}"#;

#[tokio::test]
async fn the_force_mfa_policy_works_verbatim() {
    let fx = fixture().await;
    let without = fx.user("selfie", &[FORCE_MFA]).await;
    let list = users::ListUsers::default;
    assert!(matches!(
        users::list_users(&without, list()).await,
        Err(AppError::AccessDenied { .. })
    ));
    // The user enrols a device themselves, which the policy allows without MFA.
    let new = fx.enabled_device(&without, "selfie", None).await;
    assert_eq!(
        mfa::list_mfa_devices(&without, None).await.unwrap().len(),
        1
    );
    // Another user's devices stay out of reach.
    fx.user("other", &[]).await;
    assert!(matches!(
        mfa::list_mfa_devices(&without, Some(&name("other"))).await,
        Err(AppError::AccessDenied { .. })
    ));
    fx.clock.advance(Duration::seconds(30));
    let pending = fx.pending(&fx.password_step("selfie").await);
    let fresh = oathtool(&new.base32_seed, fx.now());
    let done = signin::sign_in_mfa(&fx.state, &pending, &fresh, &source("192.0.2.10"))
        .await
        .unwrap();
    let with = fx.ctx_of(&done);
    users::list_users(&with, list()).await.unwrap();
    // An hour and more later, aws:MultiFactorAuthAge says the code is too old.
    fx.clock.advance(Duration::minutes(61));
    let later = Ctx::new(
        fx.state.clone(),
        Arc::new(with.caller().clone()),
        source("192.0.2.10"),
    );
    assert!(matches!(
        users::list_users(&later, list()).await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn devices_in_use_are_not_deleted_and_neither_are_their_users() {
    let fx = fixture().await;
    fx.user("holder", &[]).await;
    let root = fx.root().await;
    let new = fx.enabled_device(&root, "holder", Some("holder")).await;
    let serial = new.device.serial_number.clone();
    assert!(matches!(
        mfa::delete_virtual_mfa_device(&root, &serial).await,
        Err(AppError::DeleteConflict { .. })
    ));
    users::delete_login_profile(&root, &name("holder"))
        .await
        .unwrap();
    assert!(matches!(
        users::delete_user(&root, &name("holder")).await,
        Err(AppError::DeleteConflict { .. })
    ));
    assert!(matches!(
        mfa::deactivate_mfa_device(&root, Some(&name("other")), &serial).await,
        Err(AppError::NotFound { .. })
    ));
    mfa::deactivate_mfa_device(&root, Some(&name("holder")), &serial)
        .await
        .unwrap();
    assert_eq!(
        mfa::list_virtual_mfa_devices(&root, Some(false))
            .await
            .unwrap()
            .len(),
        1
    );
    mfa::delete_virtual_mfa_device(&root, &serial)
        .await
        .unwrap();
    assert!(matches!(
        mfa::delete_virtual_mfa_device(&root, &serial).await,
        Err(AppError::NotFound { .. })
    ));
    users::delete_user(&root, &name("holder")).await.unwrap();
    // Names are unique per account, without case.
    mfa::create_virtual_mfa_device(&root, &device_name("Shared"), &IamPath::root())
        .await
        .unwrap();
    assert!(matches!(
        mfa::create_virtual_mfa_device(&root, &device_name("shared"), &IamPath::root()).await,
        Err(AppError::AlreadyExists { .. })
    ));
    // The seed is stored sealed: neither its bytes in Base32 nor the text are there.
    let stored: Vec<u8> = sqlx::query_scalar("SELECT seed_sealed FROM mfa_devices LIMIT 1")
        .fetch_one(&fx.pool)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains(&new.base32_seed));
}

#[tokio::test]
async fn console_sign_in_with_mfa_over_http() {
    let app = spawn_app().await;
    app.bootstrap().await;
    let root = app.root_ctx().await;
    let new = mfa::create_virtual_mfa_device(&root, &device_name("root-phone"), &IamPath::root())
        .await
        .unwrap();
    let now = app.clock.now();
    let (a, b) = (
        code(&oathtool(&new.base32_seed, now - Duration::seconds(30))),
        code(&oathtool(&new.base32_seed, now)),
    );
    mfa::enable_mfa_device(&root, None, &new.device.serial_number, (&a, &b))
        .await
        .unwrap();
    app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.unwrap();
    // Password only: still no console.
    let (_, location, _) = app.page("/").await;
    assert_eq!(location.as_deref(), Some("/signin"));
    let (status, _, body) = app.page("/signin-mfa").await;
    assert_eq!(status, 200);
    assert!(body.contains("MFA code"));
    assert!(matches!(
        app.call("signin/mfa", &[("code", "12345")]).await,
        Err(AppError::Validation { .. })
    ));
    app.clock.advance(Duration::seconds(30));
    let fresh = oathtool(&new.base32_seed, app.clock.now());
    app.call("signin/mfa", &[("code", &fresh)]).await.unwrap();
    let (status, _, _) = app.page("/").await;
    assert_eq!(status, 200);
    let me = app.call("me/mfa", &[]).await.unwrap();
    assert_eq!(me["devices"].as_array().unwrap().len(), 1);
    // A fresh client with no pending sign-in cannot send a code.
    let stranger = app.new_client();
    let outcome = crate::helpers::call_with(
        &stranger,
        &app.url("/api/signin/mfa"),
        &[("code", "123456")],
        reqwest::header::HeaderMap::new(),
    )
    .await;
    assert_eq!(outcome, Err(AppError::Unauthenticated));
}

/// AWS's documented self-service MFA actions on one's own user and device.
const OWN_MFA: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ListMFADevices",
              "iam:DeactivateMFADevice","iam:DeleteVirtualMFADevice"],
    "Resource":["arn:aws:iam::*:user/${aws:username}","arn:aws:iam::*:mfa/${aws:username}"]}]}"#;

#[tokio::test]
async fn a_recovery_code_signs_in_once_in_place_of_the_device() {
    use app::directory::recovery;
    let fx = fixture().await;
    let bob = fx.user("bob", &[OWN_MFA]).await;
    // Only a principal with a device has use for codes.
    assert!(matches!(
        recovery::issue_recovery_codes(&bob).await,
        Err(AppError::InvalidInput { .. })
    ));
    let new = fx.enabled_device(&bob, "bob", None).await;
    let codes = recovery::issue_recovery_codes(&bob).await.unwrap();
    assert_eq!(codes.len(), 10);
    let mut distinct: Vec<_> = codes.iter().map(|c| c.as_str().to_owned()).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10);
    assert!(codes[0].grouped().len() == 19 && codes[0].grouped().matches('-').count() == 3);
    // Kept only as hashes.
    assert_eq!(fx.count("SELECT count(*) FROM recovery_codes").await, 10);
    for code in &codes {
        let in_clear: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM recovery_codes WHERE position(convert_to($1, 'UTF8') IN code_hash) > 0",
        )
        .bind(code.as_str())
        .fetch_one(&fx.pool)
        .await
        .unwrap();
        assert_eq!(in_clear, 0);
    }
    // Another user may not issue codes for themselves without the MFA actions.
    let eve = fx.user("eve", &[]).await;
    assert!(matches!(
        recovery::issue_recovery_codes(&eve).await,
        Err(AppError::AccessDenied { .. })
    ));

    // Typed loosely (lower case, spaces), a code signs in, with MFA present.
    let signed = fx.password_step("bob").await;
    let pending = fx.pending(&signed);
    let typed = codes[3].grouped().to_lowercase().replace('-', " ");
    let done = signin::sign_in_mfa(&fx.state, &pending, &typed, &source("192.0.2.10"))
        .await
        .unwrap();
    assert_eq!(done.mfa_at(), Some(fx.now()));
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE action = 'signin:ConsoleLogin' AND params::jsonb->>'MFAUsed' = 'RecoveryCode' AND params::jsonb->>'RecoveryCodesLeft' = '9' AND outcome = 'success'").await,
        1
    );
    // Once only, also when twenty sign-ins race with another code.
    assert!(matches!(
        signin::sign_in_mfa(&fx.state, &pending, &typed, &source("192.0.2.10")).await,
        Err(AppError::InvalidAuthenticationCode { .. })
    ));
    let racing = codes[4].as_str().to_owned();
    let attempts = (0..20).map(|_| {
        let (state, pending, code) = (fx.state.clone(), pending.clone(), racing.clone());
        tokio::spawn(async move {
            signin::sign_in_mfa(&state, &pending, &code, &source("192.0.2.10")).await
        })
    });
    let results = futures_join(attempts).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert_eq!(recovery::my_remaining_codes(&bob).await.unwrap(), 8);

    // A new set replaces the old, used or not.
    let renewed = recovery::issue_recovery_codes(&bob).await.unwrap();
    assert_eq!(recovery::my_remaining_codes(&bob).await.unwrap(), 10);
    let old = codes[5].as_str().to_owned();
    // (The racing refusals made the next attempt wait: let that pass, sign in again.)
    fx.clock.advance(Duration::minutes(16));
    let pending = fx.pending(&fx.password_step("bob").await);
    assert!(matches!(
        signin::sign_in_mfa(&fx.state, &pending, &old, &source("192.0.2.10")).await,
        Err(AppError::InvalidAuthenticationCode { .. })
    ));
    assert_ne!(renewed[0], codes[0]);
    // Without a device, no codes remain.
    mfa::remove_mfa_device(&bob, None, &new.device.serial_number)
        .await
        .unwrap();
    assert_eq!(fx.count("SELECT count(*) FROM recovery_codes").await, 0);
}
