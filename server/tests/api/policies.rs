//! Managed policies, versions, attachments, inline policies and boundaries through the
//! services: AWS's errors and limits (also under races), iam:PolicyARN, and changes
//! taking effect on the next request.

use crate::fixture::*;
use app::directory::groups;
use app::directory::policies::{
    self, EntityFilter, HolderName, IdentityPolicy, ListPolicies, NewPolicy, PolicyUsage, Scope,
};
use app::directory::users::{self, ListUsers, NewUser};
use app::error::AppError;
use app::model::{GroupName, IamPath, PolicyName};

const LIST_USERS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#;
const GET_USER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;

fn doc(text: &str) -> IdentityPolicy {
    IdentityPolicy::parse(text).unwrap()
}

fn pname(n: &str) -> PolicyName {
    PolicyName::parse(n).unwrap()
}

async fn create(cx: &app::authz::Ctx, n: &str, document: &str) -> app::model::Policy {
    policies::create_policy(cx, NewPolicy::parse(n, "/", "", document, &[]).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn documents_are_checked_with_the_json_path() {
    for (text, wanted) in [
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers"}]}"#,
            "Statement[0]: Policy statement must contain resources.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
            "Statement[0].Principal: Policy document should not specify a principal.",
        ),
    ] {
        assert_eq!(
            IdentityPolicy::parse(text).unwrap_err(),
            AppError::MalformedPolicy {
                message: wanted.to_owned()
            }
        );
    }
    let bad = IdentityPolicy::parse(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Action":"s3:*","Resource":"*"}]}"#,
    )
    .unwrap_err();
    let AppError::MalformedPolicy { message } = bad else {
        panic!("{bad:?}")
    };
    assert!(message.starts_with("Statement[0].Effect"), "{message}");
}

#[tokio::test]
async fn create_get_list_and_delete_a_policy() {
    let fx = fixture().await;
    let root = fx.root().await;
    let tags = [("team".to_owned(), "blue".to_owned())];
    let policy = policies::create_policy(
        &root,
        NewPolicy::parse("ListEveryone", "/team/", "Lists users", LIST_USERS, &tags).unwrap(),
    )
    .await
    .unwrap();
    assert!(policy.id.as_str().starts_with("ANPA"));
    assert_eq!(
        policy.arn,
        format!("arn:aws:iam::{}:policy/team/ListEveryone", fx.account.id)
    );
    assert_eq!(policy.default_version_id(), "v1");
    assert_eq!(policy.tags.len(), 1);
    assert_eq!(
        policies::create_policy(
            &root,
            NewPolicy::parse("listeveryone", "/", "", LIST_USERS, &[]).unwrap()
        )
        .await,
        Err(AppError::already_exists(
            "policy_name",
            "A policy called listeveryone already exists. Duplicate names are not allowed."
        ))
    );
    let fetched = policies::get_policy(&root, &policy.arn).await.unwrap();
    assert_eq!(fetched.description, "Lists users");
    let missing = format!("arn:aws:iam::{}:policy/Nope", fx.account.id);
    assert_eq!(
        policies::get_policy(&root, &missing).await,
        Err(AppError::not_found(format!(
            "Policy {missing} was not found."
        )))
    );
    let local = policies::list_policies(
        &root,
        ListPolicies {
            scope: Scope::Local,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(local.items.len(), 1);

    // Too big for a managed policy (6,144 characters without whitespace).
    let actions: Vec<String> = (0..400).map(|i| format!("\"iam:Action{i:04}\"")).collect();
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    );
    assert_eq!(
        policies::create_policy(&root, NewPolicy::parse("Big", "/", "", &big, &[]).unwrap()).await,
        Err(AppError::limit_exceeded(
            "Cannot exceed quota for PolicySize: 6144"
        ))
    );

    policies::delete_policy(&root, &policy.arn).await.unwrap();
    assert_eq!(
        policies::get_policy(&root, &policy.arn).await,
        Err(AppError::not_found(format!(
            "Policy {} was not found.",
            policy.arn
        )))
    );
    assert_eq!(fx.count("SELECT count(*) FROM policy_versions v JOIN managed_policies p USING (policy_id) WHERE p.account_id IS NOT NULL").await, 0);
}

#[tokio::test]
async fn versions_default_rollback_and_the_limit_of_five() {
    let fx = fixture().await;
    let root = fx.root().await;
    let policy = create(&root, "Evolving", LIST_USERS).await;
    let v2 = policies::create_policy_version(&root, &policy.arn, doc(GET_USER), true)
        .await
        .unwrap();
    assert_eq!((v2.version, v2.is_default), (2, true));
    let v3 = policies::create_policy_version(&root, &policy.arn, doc(LIST_USERS), false)
        .await
        .unwrap();
    assert!(!v3.is_default);
    let all = policies::list_policy_versions(&root, &policy.arn)
        .await
        .unwrap();
    assert_eq!(all.iter().map(|v| v.version).collect::<Vec<_>>(), [3, 2, 1]);
    // Roll back to v1.
    policies::set_default_policy_version(&root, &policy.arn, 1)
        .await
        .unwrap();
    assert_eq!(
        policies::get_policy(&root, &policy.arn)
            .await
            .unwrap()
            .default_version,
        1
    );
    assert_eq!(
        policies::delete_policy_version(&root, &policy.arn, 1).await,
        Err(AppError::delete_conflict(
            "Cannot delete the default version of a policy."
        ))
    );
    assert_eq!(
        policies::get_policy_version(&root, &policy.arn, 9).await,
        Err(AppError::not_found(format!(
            "Policy {} version v9 does not exist or is not attachable.",
            policy.arn
        )))
    );
    // A policy with several versions cannot be deleted.
    assert_eq!(
        policies::delete_policy(&root, &policy.arn).await,
        Err(AppError::delete_conflict(
            "This policy has more than one version. Before you delete a policy, you must \
             delete the policy's versions. The default version is deleted with the policy."
        ))
    );
    policies::delete_policy_version(&root, &policy.arn, 2)
        .await
        .unwrap();
    // Version numbers are never reused.
    let v4 = policies::create_policy_version(&root, &policy.arn, doc(GET_USER), false)
        .await
        .unwrap();
    assert_eq!(v4.version, 4);
    assert_eq!(
        policies::get_policy_version(&root, &policy.arn, 4)
            .await
            .unwrap()
            .document,
        GET_USER
    );
}

#[tokio::test]
async fn twenty_racing_new_versions_never_make_more_than_five() {
    let fx = fixture().await;
    let root = fx.root().await;
    let policy = create(&root, "Raced", LIST_USERS).await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (cx, arn) = (root.clone(), policy.arn.clone());
            tokio::spawn(async move {
                policies::create_policy_version(&cx, &arn, doc(GET_USER), false).await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(
                e,
                AppError::limit_exceeded(
                    "A managed policy can have up to 5 versions. Before you create a new \
                     version, you must delete an existing version."
                )
            ),
        }
    }
    assert_eq!(ok, 4);
    assert_eq!(fx.count("SELECT count(*) FROM policy_versions v JOIN managed_policies p USING (policy_id) WHERE p.account_id IS NOT NULL").await, 5);
}

#[tokio::test]
async fn attached_policies_take_effect_and_count() {
    let fx = fixture().await;
    let tom = fx.user("tom", &[]).await;
    let root = fx.root().await;
    let lister = create(&root, "Lister", LIST_USERS).await;
    assert!(matches!(
        users::list_users(&tom, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
    policies::attach_policy(&root, HolderName::User(&name("tom")), &lister.arn)
        .await
        .unwrap();
    // Attaching again changes nothing.
    policies::attach_policy(&root, HolderName::User(&name("tom")), &lister.arn)
        .await
        .unwrap();
    assert!(users::list_users(&tom, ListUsers::default()).await.is_ok());
    assert_eq!(
        policies::get_policy(&root, &lister.arn)
            .await
            .unwrap()
            .attachment_count,
        1
    );
    let attached =
        policies::list_attached_policies(&root, HolderName::User(&name("tom")), None, None, None)
            .await
            .unwrap();
    assert_eq!(attached.items.len(), 1);
    assert_eq!(attached.items[0].arn, lister.arn);
    assert_eq!(
        policies::delete_policy(&root, &lister.arn).await,
        Err(AppError::delete_conflict(
            "Cannot delete a policy attached to entities."
        ))
    );
    let entities = policies::list_entities_for_policy(
        &root,
        &lister.arn,
        EntityFilter::All,
        PolicyUsage::PermissionsPolicy,
        None,
    )
    .await
    .unwrap();
    assert_eq!(entities.users.len(), 1);
    assert_eq!(entities.users[0].name, "tom");

    // A new default version changes what the attachment grants, on the next request.
    policies::create_policy_version(&root, &lister.arn, doc(GET_USER), true)
        .await
        .unwrap();
    assert!(matches!(
        users::list_users(&tom, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
    policies::set_default_policy_version(&root, &lister.arn, 1)
        .await
        .unwrap();
    assert!(users::list_users(&tom, ListUsers::default()).await.is_ok());

    policies::detach_policy(&root, HolderName::User(&name("tom")), &lister.arn)
        .await
        .unwrap();
    assert_eq!(
        policies::detach_policy(&root, HolderName::User(&name("tom")), &lister.arn).await,
        Err(AppError::not_found(format!(
            "Policy {} was not found.",
            lister.arn
        )))
    );
    let ghost = format!("arn:aws:iam::{}:policy/Ghost", fx.account.id);
    assert_eq!(
        policies::attach_policy(&root, HolderName::User(&name("tom")), &ghost).await,
        Err(AppError::not_found(format!(
            "Policy {ghost} does not exist or is not attachable."
        )))
    );
}

#[tokio::test]
async fn ten_policies_per_user_and_group_even_when_racing() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("many", "/", &[]).unwrap())
        .await
        .unwrap();
    groups::create_group(&root, GroupName::parse("Many").unwrap(), IamPath::root())
        .await
        .unwrap();
    let mut arns = Vec::new();
    for i in 0..12 {
        arns.push(create(&root, &format!("P{i}"), LIST_USERS).await.arn);
    }
    for holder in ["user", "group"] {
        let tasks: Vec<_> = arns
            .iter()
            .cloned()
            .map(|arn| {
                let cx = root.clone();
                tokio::spawn(async move {
                    if holder == "user" {
                        policies::attach_policy(&cx, HolderName::User(&name("many")), &arn).await
                    } else {
                        let g = GroupName::parse("Many").unwrap();
                        policies::attach_policy(&cx, HolderName::Group(&g), &arn).await
                    }
                })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(AppError::LimitExceeded { message }) => assert!(
                    message == "Cannot exceed quota for PoliciesPerUser: 10"
                        || message == "Cannot exceed quota for PoliciesPerGroup: 10",
                    "{message}"
                ),
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(ok, 10, "{holder}");
    }
    assert_eq!(
        fx.count("SELECT sum(attachment_count)::bigint FROM managed_policies")
            .await,
        20
    );
}

#[tokio::test]
async fn policy_arn_conditions_limit_what_may_be_attached() {
    let fx = fixture().await;
    let root = fx.root().await;
    let allowed = create(&root, "Allowed", LIST_USERS).await;
    let other = create(&root, "Other", GET_USER).await;
    let delegate = fx
        .user(
            "delegate",
            &[&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{{"ArnEquals":{{"iam:PolicyARN":"{}"}}}}}}]}}"#,
                allowed.arn
            )],
        )
        .await;
    users::create_user(&root, NewUser::parse("junior", "/", &[]).unwrap())
        .await
        .unwrap();
    policies::attach_policy(&delegate, HolderName::User(&name("junior")), &allowed.arn)
        .await
        .unwrap();
    assert!(matches!(
        policies::attach_policy(&delegate, HolderName::User(&name("junior")), &other.arn).await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn inline_policies_share_one_size_budget() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("inline", "/", &[]).unwrap())
        .await
        .unwrap();
    let user = name("inline");
    let holder = HolderName::User(&user);
    // About 1,100 characters each: one fits, two do not (2,048 in all).
    let actions: Vec<String> = (0..70).map(|i| format!("\"iam:Get{i:04}x\"")).collect();
    let sized = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    );
    assert!((1000..1400).contains(&doc(&sized).size()));
    policies::put_inline_policy(&root, holder, &pname("one"), doc(&sized))
        .await
        .unwrap();
    // Replacing it does not count it twice.
    policies::put_inline_policy(&root, holder, &pname("one"), doc(&sized))
        .await
        .unwrap();
    assert_eq!(
        policies::put_inline_policy(&root, holder, &pname("two"), doc(&sized)).await,
        Err(AppError::limit_exceeded(
            "Maximum policy size of 2048 bytes exceeded for user inline"
        ))
    );
    policies::put_inline_policy(&root, holder, &pname("small"), doc(LIST_USERS))
        .await
        .unwrap();
    let names = policies::list_inline_policies(&root, holder, None, None)
        .await
        .unwrap();
    assert_eq!(
        names.items.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        ["one", "small"]
    );
    let got = policies::get_inline_policy(&root, holder, &pname("small"))
        .await
        .unwrap();
    assert_eq!(got.document, LIST_USERS);
    policies::delete_inline_policy(&root, holder, &pname("one"))
        .await
        .unwrap();
    assert_eq!(
        policies::get_inline_policy(&root, holder, &pname("one")).await,
        Err(AppError::not_found(
            "The user policy with name one cannot be found."
        ))
    );
    // With "one" gone there is room again.
    policies::put_inline_policy(&root, holder, &pname("two"), doc(&sized))
        .await
        .unwrap();
    assert_eq!(
        fx.count("SELECT inline_chars::bigint FROM iam_users WHERE name = 'inline'")
            .await,
        i64::try_from(doc(&sized).size() + doc(LIST_USERS).size()).unwrap()
    );
}

#[tokio::test]
async fn a_boundary_is_listed_counted_and_removable() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("bounded", "/", &[]).unwrap())
        .await
        .unwrap();
    let cap = create(&root, "Cap", LIST_USERS).await;
    policies::put_user_permissions_boundary(&root, &name("bounded"), &cap.arn)
        .await
        .unwrap();
    assert_eq!(
        policies::get_policy(&root, &cap.arn)
            .await
            .unwrap()
            .boundary_count,
        1
    );
    let entities = policies::list_entities_for_policy(
        &root,
        &cap.arn,
        EntityFilter::User,
        PolicyUsage::PermissionsBoundary,
        None,
    )
    .await
    .unwrap();
    assert_eq!(entities.users.len(), 1);
    assert_eq!(
        policies::delete_policy(&root, &cap.arn).await,
        Err(AppError::delete_conflict(
            "Cannot delete a policy attached to entities."
        ))
    );
    policies::delete_user_permissions_boundary(&root, &name("bounded"))
        .await
        .unwrap();
    assert!(
        users::get_user(&root, Some(&name("bounded")))
            .await
            .unwrap()
            .permissions_boundary
            .is_none()
    );
    policies::delete_policy(&root, &cap.arn).await.unwrap();
}

#[tokio::test]
async fn group_inline_policies_have_their_own_budget_and_messages() {
    let fx = fixture().await;
    let root = fx.root().await;
    let g = GroupName::parse("Readers").unwrap();
    groups::create_group(&root, g.clone(), IamPath::root())
        .await
        .unwrap();
    let holder = HolderName::Group(&g);
    policies::put_inline_policy(&root, holder, &pname("read"), doc(LIST_USERS))
        .await
        .unwrap();
    assert_eq!(
        groups::delete_group(&root, &g).await,
        Err(AppError::delete_conflict(
            "Cannot delete entity, must delete policies first."
        ))
    );
    assert_eq!(
        policies::delete_inline_policy(&root, holder, &pname("nope")).await,
        Err(AppError::not_found(
            "The group policy with name nope cannot be found."
        ))
    );
    policies::delete_inline_policy(&root, holder, &pname("read"))
        .await
        .unwrap();
    groups::delete_group(&root, &g).await.unwrap();
}

#[tokio::test]
async fn a_change_through_one_server_holds_on_the_next_request_of_another() {
    let fx = fixture().await;
    fx.user("tom", &[]).await;
    let other = fx.second_server().await;
    let tom_elsewhere = fx.sign_in_user_on(&other, "tom", "192.0.2.10").await;
    let root = fx.root().await;
    let lister = create(&root, "Lister", LIST_USERS).await;
    policies::attach_policy(&root, HolderName::User(&name("tom")), &lister.arn)
        .await
        .unwrap();
    // The other server compiles and caches v1 ...
    assert!(
        users::list_users(&tom_elsewhere, ListUsers::default())
            .await
            .is_ok()
    );
    // ... this one makes v2 (no ListUsers) the default ...
    policies::create_policy_version(&root, &lister.arn, doc(GET_USER), true)
        .await
        .unwrap();
    // ... and the other server's very next request is decided by v2.
    assert!(matches!(
        users::list_users(&tom_elsewhere, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
    // Inline changes too: a put gets a new revision every server reads.
    fx.put_inline("tom", "again", LIST_USERS).await;
    assert!(
        users::list_users(&tom_elsewhere, ListUsers::default())
            .await
            .is_ok()
    );
    policies::delete_inline_policy(&root, HolderName::User(&name("tom")), &pname("again"))
        .await
        .unwrap();
    assert!(matches!(
        users::list_users(&tom_elsewhere, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn a_users_policy_sources_are_authorised_as_the_list_calls_they_stand_for() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("tom", "/", &[]).unwrap())
        .await
        .unwrap();
    let team = GroupName::parse("Team").unwrap();
    groups::create_group(&root, team.clone(), IamPath::root())
        .await
        .unwrap();
    groups::add_user_to_group(&root, &team, &name("tom"))
        .await
        .unwrap();
    policies::put_inline_policy(
        &root,
        HolderName::Group(&team),
        &PolicyName::parse("team").unwrap(),
        doc(GET_USER),
    )
    .await
    .unwrap();
    let lists_user = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":
        ["iam:ListAttachedUserPolicies","iam:ListUserPolicies","iam:ListGroupsForUser"],
        "Resource":"*"}]}"#;
    let reader = fx.user("reader", &[lists_user]).await;
    let refused = policies::list_user_policy_sources(&reader, &name("tom")).await;
    match refused {
        Err(AppError::AccessDenied { message, .. }) => assert!(
            message.contains(&format!(
                "iam:ListAttachedGroupPolicies on resource: arn:aws:iam::{}:group/Team",
                root.account()
            )),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    let lists_all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":
        ["iam:ListAttached*","iam:List*Policies","iam:ListGroupsForUser"],"Resource":"*"}]}"#;
    let auditor = fx.user("auditor", &[lists_all]).await;
    let sources = policies::list_user_policy_sources(&auditor, &name("tom"))
        .await
        .unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].name.as_str(), "team");
    // A user that does not exist is "not found", after the check.
    assert!(matches!(
        policies::list_user_policy_sources(&auditor, &name("nobody")).await,
        Err(AppError::NotFound { .. })
    ));
}

/// The level summary of `prefix` in a user's access summary: (granted, total) per level.
fn levels(
    summary: &app::policy::AccessSummary,
    prefix: &str,
) -> Option<Vec<(app::policy::AccessLevel, u32, u32)>> {
    summary
        .services
        .iter()
        .find(|s| s.prefix == prefix)
        .map(|s| {
            s.levels
                .iter()
                .map(|l| (l.level, l.full + l.limited, l.total))
                .collect()
        })
}

#[tokio::test]
async fn a_users_access_summary_reads_every_policy_that_applies_and_is_authorised_as_its_reads() {
    use app::policy::AccessLevel;
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("tom", "/", &[]).unwrap())
        .await
        .unwrap();
    let team = GroupName::parse("BisDev").unwrap();
    groups::create_group(&root, team.clone(), IamPath::root())
        .await
        .unwrap();
    groups::add_user_to_group(&root, &team, &name("tom"))
        .await
        .unwrap();
    let s3_read = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    policies::attach_policy(&root, HolderName::Group(&team), s3_read)
        .await
        .unwrap();
    fx.put_inline(
        "tom",
        "mfa-get-user",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*",
            "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
    )
    .await;

    // Allowed the List calls but not the reads of the documents: AWS's denial.
    let lists = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":
        ["iam:ListAttached*","iam:List*Policies","iam:ListGroupsForUser"],"Resource":"*"}]}"#;
    let lister = fx.user("lister", &[lists]).await;
    match policies::summarise_user_access(&lister, &name("tom")).await {
        Err(AppError::AccessDenied { message, .. }) => {
            assert!(
                message.contains(&format!("iam:GetPolicyVersion on resource: {s3_read}")),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }

    let auditor = fx
        .user(
            "auditor",
            &[lists, GET_USER.replace("iam:GetUser", "iam:Get*").as_str()],
        )
        .await;
    let summary = policies::summarise_user_access(&auditor, &name("tom"))
        .await
        .unwrap()
        .expect("the test server has the catalogue");
    assert!(!summary.bounded && !summary.is_everything());
    assert!(
        summary.catalogue_services > 400,
        "{}",
        summary.catalogue_services
    );
    let s3 = levels(&summary, "s3").expect("s3 is granted");
    for (level, granted, total) in &s3 {
        match level {
            AccessLevel::List | AccessLevel::Read => assert!(*granted > 0 && *granted <= *total),
            _ => assert_eq!(*granted, 0, "{level:?}"),
        }
    }
    // The inline GetUser under a condition: iam is limited to that one read.
    let iam = summary.services.iter().find(|s| s.prefix == "iam").unwrap();
    assert_eq!(iam.granted(), 1);
    assert_eq!(iam.describe(), "Limited: Read");
    assert!(levels(&summary, "ec2").is_none());

    // AdministratorAccess: everything; a boundary then keeps only what it allows.
    policies::attach_policy(
        &root,
        HolderName::User(&name("tom")),
        "arn:aws:iam::aws:policy/AdministratorAccess",
    )
    .await
    .unwrap();
    let summary = policies::summarise_user_access(&auditor, &name("tom"))
        .await
        .unwrap()
        .unwrap();
    assert!(summary.is_everything(), "{:?}", summary.services.len());
    policies::put_user_permissions_boundary(&root, &name("tom"), s3_read)
        .await
        .unwrap();
    let summary = policies::summarise_user_access(&auditor, &name("tom"))
        .await
        .unwrap()
        .unwrap();
    assert!(summary.bounded);
    let prefixes: Vec<&str> = summary.services.iter().map(|s| s.prefix.as_str()).collect();
    assert!(
        prefixes.contains(&"s3") && !prefixes.contains(&"iam"),
        "{prefixes:?}"
    );
    assert!(matches!(
        policies::summarise_user_access(&auditor, &name("nobody")).await,
        Err(AppError::NotFound { .. })
    ));
}

/// The API's caches (signing keys with their holder, effective policies) are filed
/// under the account's generation in the database: a change made through another
/// server sharing it holds on the very next call here, as without them.
#[tokio::test]
async fn api_caches_follow_changes_made_through_another_server() {
    use app::directory::{access_keys, signing};
    let fx = fixture().await;
    fx.user("tom", &[LIST_USERS]).await;
    let root = fx.root().await;
    let created = access_keys::create_access_key(&root, Some(&name("tom")))
        .await
        .unwrap();
    let id = created.key.id.as_str();
    let now = fx.clock_now();
    // What the API does for a call signed by the key (the signature taken as proven).
    let call = || async {
        let (key, generation) = signing::find_key(&fx.state, id, now).await?;
        let caller = key
            .prove("20261206/us-east-1/iam", |_| [0; 32], |_| true, now)
            .unwrap();
        let cx = app::authz::Ctx::new(
            fx.state.clone(),
            std::sync::Arc::new(caller),
            source("192.0.2.10"),
        )
        .with_generation(generation);
        users::list_users(&cx, ListUsers::default()).await.map(drop)
    };
    call().await.unwrap();
    call().await.unwrap();
    let other = fx.second_server().await;
    let root_elsewhere = fx.root_on(&other).await;
    policies::put_inline_policy(
        &root_elsewhere,
        HolderName::User(&name("tom")),
        &pname("deny"),
        IdentityPolicy::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}"#,
        )
        .unwrap(),
    )
    .await
    .unwrap();
    assert!(matches!(call().await, Err(AppError::AccessDenied { .. })));
    policies::delete_inline_policy(
        &root_elsewhere,
        HolderName::User(&name("tom")),
        &pname("deny"),
    )
    .await
    .unwrap();
    call().await.unwrap();
    access_keys::update_access_key(
        &root_elsewhere,
        Some(&name("tom")),
        &created.key.id,
        app::model::AccessKeyStatus::Inactive,
    )
    .await
    .unwrap();
    assert!(matches!(call().await, Err(AppError::InvalidCredentials)));
}
