//! A table over every service action (`IamAction::ALL`, matched without a catch-all, so
//! a new action does not compile until it is here): each call is first shown to
//! succeed for root, then a principal without policies is denied and nothing changes,
//! a read-only principal may read and is denied every write, and a Deny on
//! aws:SourceIp blocks everything from that address.

use crate::fixture::*;
use app::authz::{Ctx, IamAction};
use app::directory::activity::{self, ListEvents};
use app::directory::assume_role::{self, AssumeRoleInput};
use app::directory::groups::{self, ListGroups};
use app::directory::policies::{
    self, EntityFilter, HolderName, IdentityPolicy, ListPolicies, NewPolicy, PolicyUsage,
};
use app::directory::roles::{self, NewRole, RoleInput, TrustPolicy};
use app::directory::users::{self, ListUsers, NewPassword, NewUser};
use app::directory::{access_keys, account_settings, mfa, password_policy};
use app::error::AppError;
use app::model::{
    AccessKeyId, AccessKeyStatus, AccountAlias, GroupName, IamPath, PasswordPolicy,
    PasswordPolicyInput, PolicyName, RoleName, Tag,
};

const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;
const BLOCKED_FROM: &str = "203.0.113.7";
const ADMIN_EXCEPT_FROM_TEST_NET_3: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"*","Resource":"*"},
    {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#;

fn r(n: &str) -> RoleName {
    RoleName::parse(n).unwrap()
}

/// A trust policy that lets the account's principals assume the role when their own
/// policies allow it.
fn trust(cx: &Ctx) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
        cx.account()
    )
}

fn g(n: &str) -> GroupName {
    GroupName::parse(n).unwrap()
}

fn p(n: &str) -> PolicyName {
    PolicyName::parse(n).unwrap()
}

fn doc() -> IdentityPolicy {
    IdentityPolicy::parse(DOC).unwrap()
}

fn policy_arn(cx: &Ctx, n: &str) -> String {
    format!("arn:aws:iam::{}:policy/{n}", cx.account())
}

/// What every call below expects to find, made by the account's root.
async fn world(root: &Ctx) {
    for n in ["target", "fresh"] {
        users::create_user(root, NewUser::parse(n, "/", &[]).unwrap())
            .await
            .unwrap();
    }
    users::create_login_profile(
        root,
        &name("target"),
        NewPassword::Chosen(app::model::Password::new(USER_PASSWORD.to_owned())),
        false,
    )
    .await
    .unwrap();
    users::tag_user(
        root,
        &name("target"),
        vec![Tag::parse("team", "a").unwrap()],
    )
    .await
    .unwrap();
    for n in ["team", "empty", "outer"] {
        groups::create_group(root, g(n), IamPath::root())
            .await
            .unwrap();
    }
    groups::add_user_to_group(root, &g("team"), &name("target"))
        .await
        .unwrap();
    groups::add_group_to_group(root, &g("outer"), &g("team"))
        .await
        .unwrap();
    for n in ["pol", "lonely"] {
        policies::create_policy(root, NewPolicy::parse(n, "/", "", DOC, &[]).unwrap())
            .await
            .unwrap();
    }
    let pol = policy_arn(root, "pol");
    policies::create_policy_version(root, &pol, doc(), false)
        .await
        .unwrap();
    policies::attach_policy(root, HolderName::User(&name("target")), &pol)
        .await
        .unwrap();
    policies::attach_policy(root, HolderName::Group(&g("team")), &pol)
        .await
        .unwrap();
    policies::put_inline_policy(root, HolderName::User(&name("target")), &p("inl"), doc())
        .await
        .unwrap();
    policies::put_inline_policy(root, HolderName::Group(&g("team")), &p("inl"), doc())
        .await
        .unwrap();
    password_policy::update_account_password_policy(root, policy_of_length("10"))
        .await
        .unwrap();
    for n in ["spare", "enabled", "loose"] {
        mfa::create_virtual_mfa_device(root, &device(n), &IamPath::root())
            .await
            .unwrap();
    }
    let (a, b) = codes(root, "enabled", 0).await;
    mfa::enable_mfa_device(
        root,
        Some(&name("target")),
        &serial(root, "enabled"),
        (&a, &b),
    )
    .await
    .unwrap();
    access_keys::create_access_key(root, Some(&name("target")))
        .await
        .unwrap();
    let trust = trust(root);
    for n in ["worker", "spare-role"] {
        roles::create_role(
            root,
            NewRole::parse(RoleInput {
                name: n,
                trust_policy: &trust,
                tags: &[("team".to_owned(), "a".to_owned())],
                ..RoleInput::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();
    }
    let worker = HolderName::Role(&r("worker"));
    policies::attach_policy(root, worker, &pol).await.unwrap();
    policies::put_inline_policy(root, worker, &p("inl"), doc())
        .await
        .unwrap();
}

/// The access key `world` made for the user "target".
async fn target_key(cx: &Ctx) -> AccessKeyId {
    let id: String = sqlx::query_scalar(
        "SELECT k.access_key_id FROM access_keys k JOIN iam_users u ON u.user_id = k.user_id
         WHERE u.account_id = $1 AND u.name = 'target'",
    )
    .bind(cx.account().as_str())
    .fetch_one(&cx.state().pool)
    .await
    .unwrap();
    AccessKeyId::parse(&id).unwrap()
}

fn device(n: &str) -> app::model::MfaDeviceName {
    app::model::MfaDeviceName::parse(n).unwrap()
}

fn serial(cx: &Ctx, n: &str) -> String {
    format!("arn:aws:iam::{}:mfa/{n}", cx.account())
}

/// Two consecutive codes of a device, the later `offset` steps from now (the seed read
/// back from the database and opened with the server's master key).
async fn codes(cx: &Ctx, n: &str, offset: i64) -> (app::model::AuthCode, app::model::AuthCode) {
    use app::crypto::totp::{Seed, step_at};
    let serial = serial(cx, n);
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT seed_sealed FROM mfa_devices WHERE serial_number = $1")
            .bind(&serial)
            .fetch_one(&cx.state().pool)
            .await
            .unwrap();
    let seed = Seed::from_bytes(
        cx.state()
            .sealer
            .open(&format!("mfa-seed:{serial}"), &sealed)
            .unwrap(),
    )
    .unwrap();
    let step = step_at(cx.state().clock.now()) + offset;
    let code = |s| app::model::AuthCode::parse(&seed.code_at(s).unwrap()).unwrap();
    (code(step - 1), code(step))
}

fn policy_of_length(n: &str) -> PasswordPolicy {
    PasswordPolicy::parse(&PasswordPolicyInput {
        minimum_password_length: Some(n.to_owned()),
        ..PasswordPolicyInput::default()
    })
    .unwrap()
}

/// Calls the service of `action` with arguments that succeed for root on `world`.
async fn call(action: IamAction, cx: &Ctx) -> Result<(), AppError> {
    use IamAction as A;
    let pol = policy_arn(cx, "pol");
    let target = name("target");
    let user = HolderName::User(&target);
    let team = g("team");
    let group = HolderName::Group(&team);
    let tags = || vec![Tag::parse("k", "v").unwrap()];
    let worker_name = r("worker");
    let worker = HolderName::Role(&worker_name);
    match action {
        A::CreateRole => roles::create_role(
            cx,
            NewRole::parse(RoleInput {
                name: "newrole",
                trust_policy: &trust(cx),
                ..RoleInput::default()
            })
            .unwrap(),
        )
        .await
        .map(drop),
        A::GetRole => roles::get_role(cx, &worker_name).await.map(drop),
        A::ListRoles => roles::list_roles(cx, None, None, None).await.map(drop),
        A::UpdateRole => roles::update_role(cx, &worker_name, Some("d".into()), Some(7200)).await,
        A::UpdateRoleDescription => roles::update_role_description(cx, &worker_name, "d")
            .await
            .map(drop),
        A::UpdateAssumeRolePolicy => {
            let document = TrustPolicy::parse(&trust(cx)).unwrap();
            roles::update_assume_role_policy(cx, &worker_name, document).await
        }
        A::DeleteRole => roles::delete_role(cx, &r("spare-role")).await,
        A::PutRolePolicy => policies::put_inline_policy(cx, worker, &p("more"), doc()).await,
        A::GetRolePolicy => policies::get_inline_policy(cx, worker, &p("inl"))
            .await
            .map(drop),
        A::DeleteRolePolicy => policies::delete_inline_policy(cx, worker, &p("inl")).await,
        A::ListRolePolicies => policies::list_inline_policies(cx, worker, None, None)
            .await
            .map(drop),
        A::AttachRolePolicy => policies::attach_policy(cx, worker, &policy_arn(cx, "lonely")).await,
        A::DetachRolePolicy => policies::detach_policy(cx, worker, &pol).await,
        A::ListAttachedRolePolicies => {
            policies::list_attached_policies(cx, worker, None, None, None)
                .await
                .map(drop)
        }
        A::PutRolePermissionsBoundary => policies::put_permissions_boundary(cx, worker, &pol).await,
        A::DeleteRolePermissionsBoundary => policies::delete_permissions_boundary(cx, worker).await,
        A::TagRole => roles::tag_role(cx, &worker_name, tags()).await,
        A::UntagRole => roles::untag_role(cx, &worker_name, vec!["team".into()]).await,
        A::ListRoleTags => roles::list_role_tags(cx, &worker_name).await.map(drop),
        A::AssumeRole => {
            let role_arn = format!("arn:aws:iam::{}:role/worker", cx.account());
            assume_role::assume_role(
                cx,
                AssumeRoleInput {
                    role_arn: &role_arn,
                    session_name: "matrix",
                    ..AssumeRoleInput::default()
                },
            )
            .await
            .map(drop)
        }
        A::CreateUser => users::create_user(cx, NewUser::parse("newbie", "/", &[]).unwrap())
            .await
            .map(drop),
        A::GetUser => users::get_user(cx, Some(&target)).await.map(drop),
        A::ListUsers => users::list_users(cx, ListUsers::default()).await.map(drop),
        A::UpdateUser => {
            users::update_user(cx, &target, None, Some(IamPath::parse("/x/").unwrap()))
                .await
                .map(drop)
        }
        A::DeleteUser => users::delete_user(cx, &name("fresh")).await,
        A::TagUser => users::tag_user(cx, &target, tags()).await,
        A::UntagUser => users::untag_user(cx, &target, vec!["team".into()]).await,
        A::ListUserTags => users::list_user_tags(cx, &target).await.map(drop),
        A::CreateLoginProfile => {
            users::create_login_profile(cx, &name("fresh"), NewPassword::Generated, true)
                .await
                .map(drop)
        }
        A::GetLoginProfile => users::get_login_profile(cx, &target).await.map(drop),
        A::UpdateLoginProfile => users::update_login_profile(cx, &target, None, Some(true)).await,
        A::DeleteLoginProfile => users::delete_login_profile(cx, &target).await,
        A::ChangePassword => {
            users::change_password(
                cx,
                &app::model::Password::new(USER_PASSWORD.to_owned()),
                app::model::Password::new("Brand-new-Passw0rd".to_owned()),
            )
            .await
        }
        A::CreateGroup => groups::create_group(cx, g("newgroup"), IamPath::root())
            .await
            .map(drop),
        A::GetGroup => groups::get_group(cx, &team, None, None).await.map(drop),
        A::ListGroups => groups::list_groups(cx, ListGroups::default())
            .await
            .map(drop),
        A::UpdateGroup => groups::update_group(cx, &team, Some(g("renamed")), None)
            .await
            .map(drop),
        A::DeleteGroup => groups::delete_group(cx, &g("empty")).await,
        A::AddUserToGroup => groups::add_user_to_group(cx, &g("empty"), &target)
            .await
            .map(drop),
        A::RemoveUserFromGroup => groups::remove_user_from_group(cx, &team, &target).await,
        A::ListGroupsForUser => groups::list_groups_for_user(cx, &target, None, None)
            .await
            .map(drop),
        A::AddGroupToGroup => groups::add_group_to_group(cx, &team, &g("empty")).await,
        A::RemoveGroupFromGroup => groups::remove_group_from_group(cx, &g("outer"), &team).await,
        A::CreatePolicy => {
            policies::create_policy(cx, NewPolicy::parse("newpol", "/", "", DOC, &[]).unwrap())
                .await
                .map(drop)
        }
        A::GetPolicy => policies::get_policy(cx, &pol).await.map(drop),
        A::ListPolicies => policies::list_policies(cx, ListPolicies::default())
            .await
            .map(drop),
        A::DeletePolicy => policies::delete_policy(cx, &policy_arn(cx, "lonely")).await,
        A::CreatePolicyVersion => policies::create_policy_version(cx, &pol, doc(), true)
            .await
            .map(drop),
        A::GetPolicyVersion => policies::get_policy_version(cx, &pol, 2).await.map(drop),
        A::ListPolicyVersions => policies::list_policy_versions(cx, &pol).await.map(drop),
        A::DeletePolicyVersion => policies::delete_policy_version(cx, &pol, 2).await,
        A::SetDefaultPolicyVersion => policies::set_default_policy_version(cx, &pol, 2).await,
        A::TagPolicy => policies::tag_policy(cx, &pol, tags()).await,
        A::UntagPolicy => policies::untag_policy(cx, &pol, vec!["k".into()]).await,
        A::ListPolicyTags => policies::list_policy_tags(cx, &pol).await.map(drop),
        A::AttachUserPolicy => policies::attach_policy(cx, user, &policy_arn(cx, "lonely")).await,
        A::DetachUserPolicy => policies::detach_policy(cx, user, &pol).await,
        A::ListAttachedUserPolicies => policies::list_attached_policies(cx, user, None, None, None)
            .await
            .map(drop),
        A::AttachGroupPolicy => policies::attach_policy(cx, group, &policy_arn(cx, "lonely")).await,
        A::DetachGroupPolicy => policies::detach_policy(cx, group, &pol).await,
        A::ListAttachedGroupPolicies => {
            policies::list_attached_policies(cx, group, None, None, None)
                .await
                .map(drop)
        }
        A::PutUserPolicy => policies::put_inline_policy(cx, user, &p("more"), doc()).await,
        A::GetUserPolicy => policies::get_inline_policy(cx, user, &p("inl"))
            .await
            .map(drop),
        A::DeleteUserPolicy => policies::delete_inline_policy(cx, user, &p("inl")).await,
        A::ListUserPolicies => policies::list_inline_policies(cx, user, None, None)
            .await
            .map(drop),
        A::PutGroupPolicy => policies::put_inline_policy(cx, group, &p("more"), doc()).await,
        A::GetGroupPolicy => policies::get_inline_policy(cx, group, &p("inl"))
            .await
            .map(drop),
        A::DeleteGroupPolicy => policies::delete_inline_policy(cx, group, &p("inl")).await,
        A::ListGroupPolicies => policies::list_inline_policies(cx, group, None, None)
            .await
            .map(drop),
        A::PutUserPermissionsBoundary => {
            policies::put_user_permissions_boundary(cx, &target, &pol).await
        }
        A::DeleteUserPermissionsBoundary => {
            policies::delete_user_permissions_boundary(cx, &target).await
        }
        A::ListEntitiesForPolicy => policies::list_entities_for_policy(
            cx,
            &pol,
            EntityFilter::All,
            PolicyUsage::PermissionsPolicy,
            None,
        )
        .await
        .map(drop),
        A::CreateAccountAlias => {
            account_settings::create_account_alias(cx, &alias(&format!("new-{}", cx.account())))
                .await
        }
        A::DeleteAccountAlias => {
            let current = cx.caller().account.alias.clone().unwrap();
            account_settings::delete_account_alias(cx, &current).await
        }
        A::ListAccountAliases => account_settings::list_account_aliases(cx).await.map(drop),
        A::GetAccountSummary => account_settings::get_account_summary(cx).await.map(drop),
        A::GetAccessKeyInfo => {
            let key = target_key(cx).await;
            app::directory::sts::get_access_key_info(cx, key.as_str())
                .await
                .map(drop)
        }
        A::GetAccountAuthorizationDetails => {
            app::directory::authorization_details::get_account_authorization_details(
                cx,
                &[],
                None,
                None,
            )
            .await
            .map(drop)
        }
        A::ListAuditEvents => activity::list_audit_events(cx, ListEvents::default())
            .await
            .map(drop),
        A::GetAccountPasswordPolicy => password_policy::get_account_password_policy(cx)
            .await
            .map(drop),
        A::UpdateAccountPasswordPolicy => {
            password_policy::update_account_password_policy(cx, policy_of_length("12")).await
        }
        A::DeleteAccountPasswordPolicy => password_policy::delete_account_password_policy(cx).await,
        A::CreateVirtualMFADevice => {
            mfa::create_virtual_mfa_device(cx, &device("newdevice"), &IamPath::root())
                .await
                .map(drop)
        }
        A::EnableMFADevice => {
            let (a, b) = codes(cx, "spare", 0).await;
            mfa::enable_mfa_device(cx, Some(&target), &serial(cx, "spare"), (&a, &b)).await
        }
        A::ResyncMFADevice => {
            let (a, b) = codes(cx, "enabled", 2).await;
            mfa::resync_mfa_device(cx, Some(&target), &serial(cx, "enabled"), (&a, &b)).await
        }
        A::DeactivateMFADevice => {
            mfa::deactivate_mfa_device(cx, Some(&target), &serial(cx, "enabled")).await
        }
        A::DeleteVirtualMFADevice => mfa::delete_virtual_mfa_device(cx, &serial(cx, "loose")).await,
        A::ListMFADevices => mfa::list_mfa_devices(cx, Some(&target)).await.map(drop),
        A::ListVirtualMFADevices => mfa::list_virtual_mfa_devices(cx, None).await.map(drop),
        A::CreateAccessKey => access_keys::create_access_key(cx, Some(&target))
            .await
            .map(drop),
        A::UpdateAccessKey => {
            let key = target_key(cx).await;
            access_keys::update_access_key(cx, Some(&target), &key, AccessKeyStatus::Inactive).await
        }
        A::DeleteAccessKey => {
            let key = target_key(cx).await;
            access_keys::delete_access_key(cx, Some(&target), &key).await
        }
        A::ListAccessKeys => access_keys::list_access_keys(cx, Some(&target))
            .await
            .map(drop),
        A::GetAccessKeyLastUsed => {
            let key = target_key(cx).await;
            access_keys::get_access_key_last_used(cx, &key)
                .await
                .map(drop)
        }
    }
}

fn alias(s: &str) -> AccountAlias {
    AccountAlias::parse(s).unwrap()
}

/// Everything the directory holds for the account, as one text, to show "nothing
/// changed" (the audit log, which records denials, is left out).
async fn snapshot(fx: &Fx) -> String {
    sqlx::query_scalar(
        "SELECT md5(coalesce(string_agg(t, '|' ORDER BY t), '')) FROM (
             SELECT row_to_json(x)::text AS t FROM iam_users x
             UNION ALL SELECT row_to_json(x)::text FROM iam_groups x
             UNION ALL SELECT row_to_json(x)::text FROM group_users x
             UNION ALL SELECT row_to_json(x)::text FROM group_groups x
             UNION ALL SELECT row_to_json(x)::text FROM managed_policies x WHERE account_id IS NOT NULL
             UNION ALL SELECT row_to_json(x)::text FROM policy_versions x
                 WHERE policy_id IN (SELECT policy_id FROM managed_policies WHERE account_id IS NOT NULL)
             UNION ALL SELECT row_to_json(x)::text FROM user_policy_attachments x
             UNION ALL SELECT row_to_json(x)::text FROM group_policy_attachments x
             UNION ALL SELECT row_to_json(x)::text FROM user_inline_policies x
             UNION ALL SELECT row_to_json(x)::text FROM group_inline_policies x
             UNION ALL SELECT row_to_json(x)::text FROM resource_tags x
             UNION ALL SELECT row_to_json(x)::text FROM login_profiles x
             UNION ALL SELECT row_to_json(x)::text FROM account_password_policies x
             UNION ALL SELECT row_to_json(x)::text FROM mfa_devices x
             UNION ALL SELECT row_to_json(x)::text FROM access_keys x
             UNION ALL SELECT row_to_json(x)::text FROM iam_roles x
             UNION ALL SELECT row_to_json(x)::text FROM role_policy_attachments x
             UNION ALL SELECT row_to_json(x)::text FROM role_inline_policies x
             UNION ALL SELECT row_to_json(x)::text FROM session_credentials x
             UNION ALL SELECT alias FROM accounts WHERE alias IS NOT NULL
         ) all_rows",
    )
    .fetch_one(&fx.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn every_call_in_the_table_succeeds_for_root() {
    // Each action on a world of its own (one account each), so no call spoils another.
    let fx = fixture().await;
    for (i, action) in IamAction::ALL.iter().enumerate() {
        let email = format!("root{i}@example.com");
        app::directory::accounts::create_additional_account(
            &fx.state,
            new_account(&email, &format!("matrix-{i}")),
        )
        .await
        .unwrap();
        let root = fx.root_of(&email).await;
        world(&root).await;
        let events = || async {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_events WHERE account_id = $1")
                .bind(root.account().as_str())
                .fetch_one(&fx.pool)
                .await
                .unwrap()
        };
        let before = events().await;
        let result = call(*action, &root).await;
        // A write leaves exactly one event in the account's log; a read none.
        let expected = i64::from(result.is_ok() && !action.is_read());
        assert_eq!(events().await - before, expected, "{action}: audit events");
        if *action == IamAction::AssumeRole {
            // Roles may not be assumed by root, as in AWS (tested for users elsewhere).
            assert!(
                matches!(&result, Err(AppError::AccessDenied { message, .. }) if message.contains("root accounts")),
                "{result:?}"
            );
            continue;
        }
        if *action == IamAction::ChangePassword {
            // IAM users' own action; root is told where its password is changed.
            assert!(
                matches!(&result, Err(AppError::InvalidInput { .. })),
                "{result:?}"
            );
            continue;
        }
        assert!(result.is_ok(), "{action}: {result:?}");
    }
}

#[tokio::test]
async fn without_policies_read_only_and_from_a_denied_address() {
    let fx = fixture().await;
    let nobody = fx.user("nobody", &[]).await;
    // AWS's own IAMReadOnlyAccess, from the built-in catalogue.
    let reader = fx.user("reader", &[]).await;
    policies::attach_policy(
        &fx.root().await,
        HolderName::User(&name("reader")),
        "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
    )
    .await
    .unwrap();
    let blocked = fx
        .user_from("blocked", &[ADMIN_EXCEPT_FROM_TEST_NET_3], BLOCKED_FROM)
        .await;
    world(&fx.root().await).await;
    let before = snapshot(&fx).await;
    // IAMReadOnlyAccess reads IAM, not STS.
    let reader_may = |a: IamAction| a.is_read() && a.service() == "iam";
    for action in IamAction::ALL.iter().copied() {
        for (who, cx) in [("nobody", &nobody), ("blocked", &blocked)] {
            let result = call(action, cx).await;
            assert!(
                matches!(result, Err(AppError::AccessDenied { .. })),
                "{who} {action}: {result:?}"
            );
        }
        let result = call(action, &reader).await;
        if reader_may(action) {
            assert!(result.is_ok(), "reader {action}: {result:?}");
        } else {
            assert!(
                matches!(result, Err(AppError::AccessDenied { .. })),
                "reader {action}: {result:?}"
            );
        }
    }
    assert_eq!(
        snapshot(&fx).await,
        before,
        "a denied call changed something"
    );
    let reader_denied = IamAction::ALL.iter().filter(|a| !reader_may(**a)).count();
    // Every denial is recorded: two principals denied everything, the reader every write
    // (and STS).
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE outcome = 'denied'")
            .await,
        i64::try_from(2 * IamAction::ALL.len() + reader_denied).unwrap()
    );
}
