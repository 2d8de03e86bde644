//! Groups through the services: CRUD with AWS's errors, memberships and their limits
//! under races, nested groups (inheritance, cycles refused also when racing), and
//! group policies taking effect on the next request.

use crate::fixture::*;
use app::directory::groups::{self, ListGroups};
use app::directory::policies::{self, HolderName, IdentityPolicy};
use app::directory::users::{self, ListUsers, NewUser};
use app::error::AppError;
use app::model::{GroupName, IamPath, PolicyName};

const LIST_USERS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#;

fn group(n: &str) -> GroupName {
    GroupName::parse(n).unwrap()
}

async fn make_group(cx: &app::authz::Ctx, n: &str) {
    groups::create_group(cx, group(n), IamPath::root())
        .await
        .unwrap();
}

async fn put_group_policy(cx: &app::authz::Ctx, g: &str, document: &str) {
    policies::put_inline_policy(
        cx,
        HolderName::Group(&group(g)),
        &PolicyName::parse("p").unwrap(),
        IdentityPolicy::parse(document).unwrap(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn create_get_list_rename_and_delete_a_group() {
    let fx = fixture().await;
    let root = fx.root().await;
    let before = fx.events().await;
    let admins = groups::create_group(&root, group("Admins"), IamPath::parse("/ops/").unwrap())
        .await
        .unwrap();
    assert_eq!(
        fx.events().await,
        before + 1,
        "one audit event per mutation"
    );
    assert!(admins.id.as_str().starts_with("AGPA"));
    assert_eq!(
        admins.arn,
        format!("arn:aws:iam::{}:group/ops/Admins", fx.account.id)
    );
    assert_eq!(
        groups::create_group(&root, group("ADMINS"), IamPath::root()).await,
        Err(AppError::already_exists(
            "group_name",
            "Group with name ADMINS already exists."
        ))
    );
    assert_eq!(
        groups::get_group(&root, &group("nope"), None, None).await,
        Err(AppError::not_found(
            "The group with name nope cannot be found."
        ))
    );
    for n in ["b-team", "c-team", "d-team"] {
        make_group(&root, n).await;
    }
    let page = groups::list_groups(
        &root,
        ListGroups {
            max_items: Some(2),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let names: Vec<_> = page.items.iter().map(|g| g.name.to_string()).collect();
    assert_eq!(names, ["Admins", "b-team"]);
    let rest = groups::list_groups(
        &root,
        ListGroups {
            marker: page.marker.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(rest.items.len(), 2);
    assert!(!rest.is_truncated());
    let by_path = groups::list_groups(
        &root,
        ListGroups {
            path_prefix: Some("/ops/".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_path.items.len(), 1);

    let renamed = groups::update_group(&root, &group("b-team"), Some(group("Builders")), None)
        .await
        .unwrap();
    assert_eq!(renamed.name.as_str(), "Builders");
    assert_eq!(
        groups::update_group(&root, &group("Builders"), Some(group("c-team")), None).await,
        Err(AppError::already_exists(
            "group_name",
            "Group with name c-team already exists."
        ))
    );

    // A group with a member cannot be deleted; without, it can.
    users::create_user(&root, NewUser::parse("tom", "/", &[]).unwrap())
        .await
        .unwrap();
    groups::add_user_to_group(&root, &group("Builders"), &name("tom"))
        .await
        .unwrap();
    assert_eq!(
        groups::delete_group(&root, &group("Builders")).await,
        Err(AppError::delete_conflict(
            "Cannot delete entity, must remove users from group first."
        ))
    );
    groups::remove_user_from_group(&root, &group("Builders"), &name("tom"))
        .await
        .unwrap();
    groups::delete_group(&root, &group("Builders"))
        .await
        .unwrap();
    assert_eq!(
        groups::delete_group(&root, &group("Builders")).await,
        Err(AppError::not_found(
            "The group with name Builders cannot be found."
        ))
    );
}

#[tokio::test]
async fn memberships_are_idempotent_and_listed_both_ways() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("tom", "/", &[]).unwrap())
        .await
        .unwrap();
    make_group(&root, "BisDev").await;
    make_group(&root, "Readers").await;
    for g in ["BisDev", "BisDev", "Readers"] {
        groups::add_user_to_group(&root, &group(g), &name("tom"))
            .await
            .unwrap();
    }
    let detail = groups::get_group(&root, &group("bisdev"), None, None)
        .await
        .unwrap();
    assert_eq!(detail.users.items.len(), 1);
    assert_eq!(detail.users.items[0].name.as_str(), "tom");
    let mine = groups::list_groups_for_user(&root, &name("tom"), None, None)
        .await
        .unwrap();
    let names: Vec<_> = mine.items.iter().map(|g| g.name.to_string()).collect();
    assert_eq!(names, ["BisDev", "Readers"]);
    // Removing a non-member succeeds, as in AWS; an unknown user does not.
    groups::remove_user_from_group(&root, &group("BisDev"), &name("tom"))
        .await
        .unwrap();
    groups::remove_user_from_group(&root, &group("BisDev"), &name("tom"))
        .await
        .unwrap();
    assert_eq!(
        groups::add_user_to_group(&root, &group("BisDev"), &name("ghost")).await,
        Err(AppError::not_found(
            "The user with name ghost cannot be found."
        ))
    );
    assert_eq!(
        fx.count("SELECT group_count::bigint FROM iam_users WHERE name = 'tom'")
            .await,
        1
    );
}

#[tokio::test]
async fn ten_groups_per_user_even_when_fifteen_additions_race() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("busy", "/", &[]).unwrap())
        .await
        .unwrap();
    for i in 0..15 {
        make_group(&root, &format!("g{i}")).await;
    }
    let tasks: Vec<_> = (0..15)
        .map(|i| {
            let cx = root.clone();
            tokio::spawn(async move {
                groups::add_user_to_group(&cx, &group(&format!("g{i}")), &name("busy")).await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(
                e,
                AppError::limit_exceeded("Cannot exceed quota for GroupsPerUser: 10")
            ),
        }
    }
    assert_eq!(ok, 10);
    assert_eq!(
        fx.count("SELECT count(*) FROM group_users").await,
        10,
        "the database holds the limit"
    );
}

#[tokio::test]
async fn a_groups_policies_apply_to_its_members_and_stop_when_they_leave() {
    let fx = fixture().await;
    let tom = fx.user("tom", &[]).await;
    let root = fx.root().await;
    make_group(&root, "Listers").await;
    put_group_policy(&root, "Listers", LIST_USERS).await;
    assert!(matches!(
        users::list_users(&tom, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
    groups::add_user_to_group(&root, &group("Listers"), &name("tom"))
        .await
        .unwrap();
    assert!(users::list_users(&tom, ListUsers::default()).await.is_ok());
    groups::remove_user_from_group(&root, &group("Listers"), &name("tom"))
        .await
        .unwrap();
    assert!(matches!(
        users::list_users(&tom, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn nested_groups_inherit_and_refuse_cycles() {
    let fx = fixture().await;
    let tom = fx.user("tom", &[]).await;
    let root = fx.root().await;
    for g in ["Company", "Engineering", "Platform"] {
        make_group(&root, g).await;
    }
    put_group_policy(&root, "Company", LIST_USERS).await;
    // Company ⊃ Engineering ⊃ Platform ∋ tom: tom gets Company's policy.
    groups::add_group_to_group(&root, &group("Company"), &group("Engineering"))
        .await
        .unwrap();
    groups::add_group_to_group(&root, &group("Engineering"), &group("Platform"))
        .await
        .unwrap();
    groups::add_user_to_group(&root, &group("Platform"), &name("tom"))
        .await
        .unwrap();
    assert!(users::list_users(&tom, ListUsers::default()).await.is_ok());

    let cycle = groups::add_group_to_group(&root, &group("Platform"), &group("Company"))
        .await
        .unwrap_err();
    assert!(
        matches!(&cycle, AppError::InvalidInput { field, message }
            if field == "member_group_name" && message.contains("may not contain itself")),
        "{cycle:?}"
    );
    assert!(matches!(
        groups::add_group_to_group(&root, &group("Company"), &group("Company")).await,
        Err(AppError::InvalidInput { .. })
    ));
    let detail = groups::get_group(&root, &group("Engineering"), None, None)
        .await
        .unwrap();
    assert_eq!(detail.member_groups[0].name.as_str(), "Platform");
    assert_eq!(detail.parent_groups[0].name.as_str(), "Company");
    assert_eq!(
        groups::delete_group(&root, &group("Engineering")).await,
        Err(AppError::delete_conflict(
            "Cannot delete entity, must remove member groups and leave parent groups first."
        ))
    );

    // Cutting the chain takes the inherited policy away on the next request.
    groups::remove_group_from_group(&root, &group("Company"), &group("Engineering"))
        .await
        .unwrap();
    assert!(matches!(
        users::list_users(&tom, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn two_racing_opposite_nestings_cannot_both_succeed() {
    let fx = fixture().await;
    let root = fx.root().await;
    for round in 0..10 {
        let (a, b) = (format!("a{round}"), format!("b{round}"));
        make_group(&root, &a).await;
        make_group(&root, &b).await;
        let (c1, c2) = (root.clone(), root.clone());
        let (a1, b1, a2, b2) = (a.clone(), b.clone(), a.clone(), b.clone());
        let one =
            tokio::spawn(
                async move { groups::add_group_to_group(&c1, &group(&a1), &group(&b1)).await },
            );
        let two =
            tokio::spawn(
                async move { groups::add_group_to_group(&c2, &group(&b2), &group(&a2)).await },
            );
        let results = [one.await.unwrap(), two.await.unwrap()];
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "round {round}: {results:?}"
        );
    }
    assert_eq!(fx.count("SELECT count(*) FROM group_groups").await, 10);
}

#[tokio::test]
async fn group_actions_are_authorised_on_the_group() {
    let fx = fixture().await;
    let root = fx.root().await;
    make_group(&root, "Mine").await;
    make_group(&root, "Theirs").await;
    // May manage the membership of "Mine" only.
    let manager = fx
        .user(
            "manager",
            &[&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::{}:group/Mine"}}]}}"#,
                fx.account.id
            )],
        )
        .await;
    groups::add_user_to_group(&manager, &group("Mine"), &name("manager"))
        .await
        .unwrap();
    let before = fx.events().await;
    let denied = groups::add_user_to_group(&manager, &group("Theirs"), &name("manager"))
        .await
        .unwrap_err();
    let AppError::AccessDenied { message, .. } = denied else {
        panic!("{denied:?}")
    };
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::{0}:user/manager is not authorized to perform: \
             iam:AddUserToGroup on resource: arn:aws:iam::{0}:group/Theirs because no \
             identity-based policy allows the iam:AddUserToGroup action",
            fx.account.id
        )
    );
    assert_eq!(fx.events().await, before + 1, "the denial is recorded");
    assert_eq!(
        fx.count("SELECT count(*) FROM group_users").await,
        1,
        "nothing changed"
    );
}
