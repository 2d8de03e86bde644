//! The list options and delete conflicts that AWS clients rely on: ListPolicies by
//! scope, attachment and path; the activity log's filters and pages; DeleteUser's
//! DeleteConflict for each thing still attached.

use crate::fixture::*;
use app::directory::activity::{self, ListEvents};
use app::directory::groups;
use app::directory::policies::{self, HolderName, ListPolicies, NewPolicy, Scope};
use app::directory::users::{self, NewUser};
use app::error::AppError;
use app::model::{GroupName, IamPath};

const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

fn names(page: &app::model::Page<app::model::Policy>) -> Vec<String> {
    page.items.iter().map(|p| p.name.to_string()).collect()
}

#[tokio::test]
async fn list_policies_by_scope_attachment_and_path() {
    let fx = fixture().await;
    let root = fx.root().await;
    for (name, path) in [
        ("billing-read", "/finance/"),
        ("ops-read", "/ops/"),
        ("loose", "/"),
    ] {
        policies::create_policy(&root, NewPolicy::parse(name, path, "", DOC, &[]).unwrap())
            .await
            .unwrap();
    }
    users::create_user(&root, NewUser::parse("pat", "/", &[]).unwrap())
        .await
        .unwrap();
    let arn = |n: &str, p: &str| format!("arn:aws:iam::{}:policy{p}{n}", fx.account.id);
    policies::attach_policy(
        &root,
        HolderName::User(&name("pat")),
        &arn("billing-read", "/finance/"),
    )
    .await
    .unwrap();
    policies::attach_policy(
        &root,
        HolderName::User(&name("pat")),
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )
    .await
    .unwrap();
    let list = |scope, only_attached, prefix: &str| ListPolicies {
        scope,
        only_attached,
        path_prefix: Some(prefix.to_owned()),
        max_items: Some(1000),
        ..ListPolicies::default()
    };
    let local = policies::list_policies(&root, list(Scope::Local, false, "/"))
        .await
        .unwrap();
    assert_eq!(names(&local), ["billing-read", "loose", "ops-read"]);
    let attached = policies::list_policies(&root, list(Scope::All, true, "/"))
        .await
        .unwrap();
    assert_eq!(names(&attached), ["billing-read", "ReadOnlyAccess"]);
    let aws_attached = policies::list_policies(&root, list(Scope::Aws, true, "/"))
        .await
        .unwrap();
    assert_eq!(names(&aws_attached), ["ReadOnlyAccess"]);
    assert_eq!(aws_attached.items[0].attachment_count, 1);
    let finance = policies::list_policies(&root, list(Scope::Local, false, "/finance/"))
        .await
        .unwrap();
    assert_eq!(names(&finance), ["billing-read"]);
    // AWS managed policies by their own paths: job-function/ holds ViewOnlyAccess.
    let jobs = policies::list_policies(&root, list(Scope::Aws, false, "/job-function/"))
        .await
        .unwrap();
    assert!(
        names(&jobs).contains(&"ViewOnlyAccess".to_owned()),
        "{:?}",
        names(&jobs)
    );
    assert!(matches!(
        policies::list_policies(&root, list(Scope::All, false, "finance")).await,
        Err(AppError::Validation { .. })
    ));
}

#[tokio::test]
async fn activity_filters_by_actor_resource_time_and_pages_by_marker() {
    let fx = fixture().await;
    let root = fx.root().await;
    for n in ["a1", "a2", "a3"] {
        users::create_user(&root, NewUser::parse(n, "/", &[]).unwrap())
            .await
            .unwrap();
    }
    fx.clock.advance(time::Duration::hours(1));
    let later = fx.root().await;
    groups::create_group(&later, GroupName::parse("late").unwrap(), IamPath::root())
        .await
        .unwrap();
    let list = |options: ListEvents| activity::list_audit_events(&root, options);
    let root_arn = fx.account.root_arn();
    let by_actor = list(ListEvents {
        actor: Some(root_arn.clone()),
        action: Some("iam:CreateUser".to_owned()),
        ..ListEvents::default()
    })
    .await
    .unwrap();
    assert_eq!(by_actor.items.len(), 3);
    assert!(by_actor.items.iter().all(|e| e.actor_arn == root_arn));
    let a2 = format!("arn:aws:iam::{}:user/a2", fx.account.id);
    let by_resource = list(ListEvents {
        resource: Some(a2.clone()),
        ..ListEvents::default()
    })
    .await
    .unwrap();
    assert_eq!(by_resource.items.len(), 1);
    assert_eq!(by_resource.items[0].resource, a2);
    let since = fx.now() - time::Duration::minutes(1);
    let recent = list(ListEvents {
        from: Some(since),
        action: Some("iam:CreateGroup".to_owned()),
        ..ListEvents::default()
    })
    .await
    .unwrap();
    assert_eq!(recent.items.len(), 1);
    let before = list(ListEvents {
        to: Some(since),
        action: Some("iam:CreateGroup".to_owned()),
        ..ListEvents::default()
    })
    .await
    .unwrap();
    assert!(before.items.is_empty());
    // Newest first, two at a time, following the marker to the end.
    let mut seen = Vec::new();
    let mut marker = None;
    loop {
        let page = list(ListEvents {
            action: Some("iam:CreateUser".to_owned()),
            marker: marker.clone(),
            max_items: Some(2),
            ..ListEvents::default()
        })
        .await
        .unwrap();
        seen.extend(page.items.iter().map(|e| e.resource.clone()));
        marker = page.marker.clone();
        if marker.is_none() {
            break;
        }
    }
    let user = |n: &str| format!("arn:aws:iam::{}:user/{n}", fx.account.id);
    assert_eq!(seen, [user("a3"), user("a2"), user("a1")]);
}

#[tokio::test]
async fn delete_user_names_what_is_still_attached() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("sticky", "/", &[]).unwrap())
        .await
        .unwrap();
    let team = GroupName::parse("team").unwrap();
    groups::create_group(&root, team.clone(), IamPath::root())
        .await
        .unwrap();
    groups::add_user_to_group(&root, &team, &name("sticky"))
        .await
        .unwrap();
    let conflict = |message: &str| Err(AppError::delete_conflict(message));
    assert_eq!(
        users::delete_user(&root, &name("sticky")).await,
        conflict("Cannot delete entity, must remove users from group first.")
    );
    groups::remove_user_from_group(&root, &team, &name("sticky"))
        .await
        .unwrap();
    let holder = HolderName::User(&name("sticky"));
    let managed = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    policies::attach_policy(&root, holder, managed)
        .await
        .unwrap();
    assert_eq!(
        users::delete_user(&root, &name("sticky")).await,
        conflict("Cannot delete entity, must detach all policies first.")
    );
    policies::detach_policy(&root, holder, managed)
        .await
        .unwrap();
    fx.put_inline("sticky", "own", DOC).await;
    assert_eq!(
        users::delete_user(&root, &name("sticky")).await,
        conflict("Cannot delete entity, must delete policies first.")
    );
    policies::remove_all_policies(&root, holder).await.unwrap();
    users::delete_user(&root, &name("sticky")).await.unwrap();
}
