//! IAM users: the services named after AWS's actions. Each authorises through the
//! engine, writes through the permit, and leaves its audit event in the same
//! transaction.

use crate::authz::{Ctx, IamAction, Op};
use crate::error::{AppError, Problems};
use crate::model::{
    IamPath, IdKind, Page, Password, PasswordRequirements, PasswordRules, Tag, UniqueId, User,
    UserName, UserOrder, UserSort, arn, parse_tags,
};
use crate::policy::Context;
use crate::store::{self, StoreError, name_page::Sort, tags::Tagged, users::NewUser as NewUserRow};
use serde_json::json;
use time::OffsetDateTime;

pub use super::paging::{DEFAULT_MAX_ITEMS, MAX_MAX_ITEMS, max_items};
use super::paging::{paginate, search};

/// A user name from a form or request field, refused with that field's name.
pub fn parse_user_name(field: &str, input: &str) -> Result<UserName, AppError> {
    UserName::parse(input).map_err(|m| AppError::validation(field, m))
}

pub fn no_such_user(name: &str) -> AppError {
    AppError::not_found(format!("The user with name {name} cannot be found."))
}

fn user_exists(name: &UserName) -> AppError {
    AppError::already_exists(
        "user_name",
        format!("User with name {name} already exists."),
    )
}

fn tag_limit() -> AppError {
    AppError::limit_exceeded("Cannot exceed quota for TagsPerUser: 50")
}

/// The context keys a tagging request adds: aws:RequestTag/<key> and aws:TagKeys.
pub fn request_tag_context(tags: &[Tag]) -> Context {
    let mut context = Context::new();
    if !tags.is_empty() {
        for tag in tags {
            context.insert(&format!("aws:RequestTag/{}", tag.key), tag.value.as_str());
        }
        context.insert(
            "aws:TagKeys",
            tags.iter().map(|t| t.key.as_str()).collect::<Vec<_>>(),
        );
    }
    context
}

/// aws:ResourceTag/<key> for every tag the target carries.
pub fn resource_tag_context(mut context: Context, tags: &[Tag]) -> Context {
    for tag in tags {
        context.insert(&format!("aws:ResourceTag/{}", tag.key), tag.value.as_str());
    }
    context
}

/// Tags as AWS's parameters name them, for audit events.
pub(super) fn tags_json(tags: &[Tag]) -> serde_json::Value {
    json!(
        tags.iter()
            .map(|t| json!({"Key": t.key, "Value": t.value}))
            .collect::<Vec<_>>()
    )
}

/// A validated CreateUser request.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: UserName,
    pub path: IamPath,
    pub tags: Vec<Tag>,
    /// CreateUser's PermissionsBoundary: a managed policy's ARN, set in the same
    /// transaction and authorised as AWS does, through CreateUser's
    /// `iam:PermissionsBoundary` condition key (so a policy may require one).
    pub permissions_boundary: Option<String>,
}

impl NewUser {
    pub fn parse(name: &str, path: &str, tags: &[(String, String)]) -> Result<Self, AppError> {
        let mut problems = Problems::new();
        let parsed = Self::parse_into(&mut problems, name, path, tags);
        problems.finish(parsed)
    }

    /// As [`NewUser::parse`], noting each broken rule in `problems` (so a form that
    /// asks for more than the user reports everything at once).
    pub fn parse_into(
        problems: &mut Problems,
        name: &str,
        path: &str,
        tags: &[(String, String)],
    ) -> Option<Self> {
        let name = problems.check("user_name", UserName::parse(name));
        let path = problems.check("path", IamPath::parse(path));
        let tags = match parse_tags(tags) {
            Ok(tags) => Some(tags),
            Err((field, message)) => {
                problems.refuse(field, message);
                None
            }
        };
        Some(Self {
            name: name?,
            path: path?,
            tags: tags?,
            permissions_boundary: None,
        })
    }
}

/// Reads a user by name for an operation: found or not, the ARN to authorise on.
pub(super) async fn target(
    op: &mut Op<'_>,
    name: &UserName,
) -> Result<(Option<User>, String), AppError> {
    let account = op.cx().account().clone();
    let user = store::users::find_by_name(op.reader(), &account, name).await?;
    let arn = user.as_ref().map_or_else(
        || arn::user(&account, &IamPath::root(), name),
        |u| u.arn.clone(),
    );
    Ok((user, arn))
}

pub(super) fn tagged_context(user: Option<&User>) -> Context {
    resource_tag_context(Context::new(), user.map_or(&[][..], |u| u.tags.as_slice()))
}

/// Authorises `action` on the named user in a read-only operation of its own and
/// returns the user: the check made before an expensive step (hashing) that must not
/// hold a transaction open. The write that follows authorises again in its own.
async fn authorized_user(cx: &Ctx, action: IamAction, name: &UserName) -> Result<User, AppError> {
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, name).await?;
    op.authorize_with(action, &arn, tagged_context(user.as_ref()))
        .await?;
    user.ok_or_else(|| no_such_user(name.as_str()))
}

pub async fn create_user(cx: &Ctx, new: NewUser) -> Result<User, AppError> {
    let mut op = cx.begin().await?;
    let arn = arn::user(cx.account(), &new.path, &new.name);
    let mut context = request_tag_context(&new.tags);
    if let Some(boundary) = &new.permissions_boundary {
        context = context.with("iam:PermissionsBoundary", boundary.as_str());
    }
    let permit = op
        .authorize_with(IamAction::CreateUser, &arn, context)
        .await?;
    let boundary = match &new.permissions_boundary {
        None => None,
        Some(policy_arn) => Some(
            store::policies::find_by_arn(op.reader(), cx.account(), policy_arn)
                .await?
                .ok_or_else(|| super::policies::not_attachable(policy_arn))?,
        ),
    };
    let id = cx.entropy().unique_id(IdKind::User);
    store::users::insert(
        &mut op.writer(&permit),
        NewUserRow {
            id: &id,
            account: cx.account(),
            name: &new.name,
            path: &new.path,
            tags: &new.tags,
            now: cx.now(),
        },
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_users_name_key") => user_exists(&new.name),
        Some("iam_users_tag_limit") => tag_limit(),
        _ => e.into(),
    })?;
    if let Some(policy) = &boundary {
        store::policies::set_boundary(
            &mut op.writer(&permit),
            store::policies::Holder::User,
            &id,
            Some(&policy.id),
        )
        .await
        .map_err(|e| match e.constraint() {
            Some("iam_users_boundary_fkey") => super::policies::not_attachable(&policy.arn),
            _ => e.into(),
        })?;
    }
    op.audit(
        &permit,
        json!({
            "UserName": new.name,
            "Path": new.path,
            "Tags": tags_json(&new.tags),
            "PermissionsBoundary": boundary.as_ref().map(|p| &p.arn),
        }),
    );
    let user = store::users::find_by_id(op.reader(), id.as_str())
        .await?
        .ok_or_else(|| AppError::internal("create user", "the new user vanished"))?;
    op.commit().await?;
    Ok(user)
}

/// GetUser: the named user, or the caller when no name is given.
pub async fn get_user(cx: &Ctx, name: Option<&UserName>) -> Result<User, AppError> {
    let name = match (name, cx.caller().user()) {
        (Some(name), _) => name.clone(),
        (None, Some(me)) => me.name.clone(),
        (None, None) if cx.caller().role_session().is_some() => {
            return Err(AppError::validation(
                "user_name",
                "Must specify userName when calling with non-User credentials",
            ));
        }
        (None, None) => {
            return Err(AppError::validation(
                "user_name",
                "is required when the caller is the root user",
            ));
        }
    };
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, &name).await?;
    op.authorize_with(IamAction::GetUser, &arn, tagged_context(user.as_ref()))
        .await?;
    user.ok_or_else(|| no_such_user(name.as_str()))
}

/// Options of ListUsers (and the console's Users page).
#[derive(Debug, Clone, Default)]
pub struct ListUsers {
    pub path_prefix: Option<String>,
    /// Our extension for the console: names containing this, without case.
    pub search: Option<String>,
    /// Our extension for the console: AWS lists by name only.
    pub order: UserOrder,
    pub marker: Option<String>,
    pub max_items: Option<i64>,
}

pub async fn list_users(cx: &Ctx, options: ListUsers) -> Result<Page<User>, AppError> {
    let prefix = IamPath::parse_prefix(options.path_prefix.as_deref().unwrap_or("/"))
        .map_err(|m| AppError::validation("path_prefix", m))?;
    let limit = max_items(options.max_items)?;
    let sort = user_sort(options.order.sort, options.marker.as_deref())?;
    let mut op = cx.begin().await?;
    op.authorize(IamAction::ListUsers, &arn::all(cx.account(), "user"))
        .await?;
    let items = store::users::list(
        op.reader(),
        cx.account(),
        &prefix,
        search(options.search.as_deref()),
        sort,
        options.order.descending,
        limit + 1,
    )
    .await?;
    let order = options.order.sort;
    Ok(paginate(items, limit, |u| user_marker(order, u)))
}

/// A Users-list marker: the last user's name key, after its sort value when the list is
/// not sorted by name (`3:alice`, `1733142000123456:alice`, `never:alice`).
fn user_marker(sort: UserSort, user: &User) -> String {
    let micros = |t: OffsetDateTime| (t.unix_timestamp_nanos() / 1000).to_string();
    let value = match sort {
        UserSort::Name => return user.name.key(),
        UserSort::Groups => user.group_count.to_string(),
        UserSort::LastSignIn => user
            .password_last_used
            .map_or_else(|| "never".to_owned(), micros),
        UserSort::Created => micros(user.created_at),
    };
    format!("{value}:{}", user.name.key())
}

/// The store's sort for `sort`, continuing after `marker` (made by [`user_marker`]).
fn user_sort(sort: UserSort, marker: Option<&str>) -> Result<Sort<'_>, AppError> {
    let bad = || AppError::validation("marker", "is not a marker of this list and order");
    fn split(m: &str) -> Option<(&str, &str)> {
        m.split_once(':').filter(|(_, name)| !name.is_empty())
    }
    let time = |v: &str| -> Result<OffsetDateTime, AppError> {
        let micros: i128 = v.parse().map_err(|_| bad())?;
        OffsetDateTime::from_unix_timestamp_nanos(micros.saturating_mul(1000)).map_err(|_| bad())
    };
    Ok(match sort {
        UserSort::Name => Sort::Name { after: marker },
        UserSort::Groups => Sort::Integer {
            column: "group_count",
            after: match marker {
                None => None,
                Some(m) => {
                    let (v, name) = split(m).ok_or_else(bad)?;
                    Some((v.parse().map_err(|_| bad())?, name))
                }
            },
        },
        UserSort::LastSignIn => Sort::Time {
            column: "password_last_used",
            nullable: true,
            after: match marker {
                None => None,
                Some(m) => {
                    let (v, name) = split(m).ok_or_else(bad)?;
                    let t = if v == "never" { None } else { Some(time(v)?) };
                    Some((t, name))
                }
            },
        },
        UserSort::Created => Sort::Time {
            column: "created_at",
            nullable: false,
            after: match marker {
                None => None,
                Some(m) => {
                    let (v, name) = split(m).ok_or_else(bad)?;
                    Some((Some(time(v)?), name))
                }
            },
        },
    })
}

/// UpdateUser: rename and/or move. Authorised on the user's current and new ARN.
pub async fn update_user(
    cx: &Ctx,
    name: &UserName,
    new_name: Option<UserName>,
    new_path: Option<IamPath>,
) -> Result<User, AppError> {
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, name).await?;
    let permit = op
        .authorize_with(IamAction::UpdateUser, &arn, tagged_context(user.as_ref()))
        .await?;
    let user = user.ok_or_else(|| no_such_user(name.as_str()))?;
    let final_name = new_name.clone().unwrap_or_else(|| user.name.clone());
    let final_path = new_path.clone().unwrap_or_else(|| user.path.clone());
    let new_arn = arn::user(cx.account(), &final_path, &final_name);
    if new_arn != arn {
        op.authorize(IamAction::UpdateUser, &new_arn).await?;
    }
    store::users::rename(&mut op.writer(&permit), &user.id, &final_name, &final_path)
        .await
        .map_err(|e| match e.constraint() {
            Some("iam_users_name_key") => user_exists(&final_name),
            _ => e.into(),
        })?;
    op.audit(
        &permit,
        json!({"UserName": name, "NewUserName": new_name, "NewPath": new_path}),
    );
    let updated = store::users::find_by_id(op.reader(), user.id.as_str())
        .await?
        .ok_or_else(|| no_such_user(name.as_str()))?;
    op.commit().await?;
    Ok(updated)
}

pub async fn delete_user(cx: &Ctx, name: &UserName) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, name).await?;
    let permit = op
        .authorize_with(IamAction::DeleteUser, &arn, tagged_context(user.as_ref()))
        .await?;
    let user = user.ok_or_else(|| no_such_user(name.as_str()))?;
    let deps = store::users::dependents(op.reader(), &user.id).await?;
    if deps.login_profile {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must delete login profile first.",
        ));
    }
    if deps.groups > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must remove users from group first.",
        ));
    }
    if deps.attached > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must detach all policies first.",
        ));
    }
    if deps.inline > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must delete policies first.",
        ));
    }
    if super::access_keys::user_keys(op.reader(), cx, user.id.as_str()).await? > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must delete access keys first.",
        ));
    }
    let holder = store::Holder::User(user.id.as_str());
    if store::mfa::enabled_count(op.reader(), cx.account(), holder).await? > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must delete MFA device first.",
        ));
    }
    store::users::delete(&mut op.writer(&permit), &user.id).await?;
    op.audit(&permit, json!({"UserName": name}));
    op.commit().await
}

pub async fn tag_user(cx: &Ctx, name: &UserName, tags: Vec<Tag>) -> Result<(), AppError> {
    if tags.is_empty() {
        return Err(AppError::validation("tags", "at least one tag is required"));
    }
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, name).await?;
    let context = resource_tag_context(
        request_tag_context(&tags),
        user.as_ref().map_or(&[][..], |u| u.tags.as_slice()),
    );
    let permit = op.authorize_with(IamAction::TagUser, &arn, context).await?;
    let user = user.ok_or_else(|| no_such_user(name.as_str()))?;
    let mut w = op.writer(&permit);
    store::users::lock(&mut w, &user.id).await?;
    store::tags::add(&mut w, Tagged::User, cx.account(), &user.id, &tags)
        .await
        .map_err(|e| match e.constraint() {
            Some("iam_users_tag_limit") => tag_limit(),
            _ => e.into(),
        })?;
    op.audit(&permit, json!({"UserName": name, "Tags": tags_json(&tags)}));
    op.commit().await
}

pub async fn untag_user(cx: &Ctx, name: &UserName, keys: Vec<String>) -> Result<(), AppError> {
    for key in &keys {
        Tag::parse_key(key).map_err(|m| AppError::validation("tag_key", m))?;
    }
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, name).await?;
    let mut context = tagged_context(user.as_ref());
    context.insert(
        "aws:TagKeys",
        keys.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let permit = op
        .authorize_with(IamAction::UntagUser, &arn, context)
        .await?;
    let user = user.ok_or_else(|| no_such_user(name.as_str()))?;
    let mut w = op.writer(&permit);
    store::users::lock(&mut w, &user.id).await?;
    store::tags::remove(&mut w, Tagged::User, &user.id, &keys).await?;
    op.audit(&permit, json!({"UserName": name, "TagKeys": keys}));
    op.commit().await
}

pub async fn list_user_tags(cx: &Ctx, name: &UserName) -> Result<Vec<Tag>, AppError> {
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, name).await?;
    op.authorize_with(IamAction::ListUserTags, &arn, tagged_context(user.as_ref()))
        .await?;
    Ok(user.ok_or_else(|| no_such_user(name.as_str()))?.tags)
}

/// A user's console access, as GetLoginProfile answers (never the password).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoginProfile {
    pub user_name: UserName,
    pub created_at: OffsetDateTime,
    pub password_reset_required: bool,
}

/// The password for CreateLoginProfile / UpdateLoginProfile: chosen, or generated
/// (shown once).
#[derive(Debug)]
pub enum NewPassword {
    Chosen(Password),
    Generated,
}

/// Checks a password against the account's rules (its password policy, or AWS's
/// default rules: 8-128 characters of at least three kinds), naming every rule broken,
/// and then against the account's minimum strength.
pub fn check_password(
    requirements: &PasswordRequirements,
    password: &Password,
) -> Result<(), AppError> {
    let mut problems = Problems::new();
    for message in requirements.problems(password.expose()) {
        problems.refuse("password", message);
    }
    problems.finish(Some(()))
}

/// Refuses a new password that is one of the user's last passwords, as many as the
/// policy's reuse prevention remembers (the current one included, as in AWS).
async fn check_not_reused(
    cx: &Ctx,
    rules: &PasswordRules,
    user_id: &str,
    password: &Password,
    field: &str,
) -> Result<(), AppError> {
    let PasswordRules::Policy(policy) = rules else {
        return Ok(());
    };
    let Some(count) = policy.password_reuse_prevention else {
        return Ok(());
    };
    let hashes = {
        let mut conn = store::acquire(&cx.state().pool).await?;
        store::users::recent_password_hashes(&mut conn, user_id, count).await?
    };
    let hasher = &cx.state().passwords;
    for hash in hashes {
        if hasher
            .verify(hasher.admit().await?, password, Some(hash))
            .await?
        {
            return Err(AppError::validation(
                field,
                format!("must not be any of the last {count} passwords of this user"),
            ));
        }
    }
    Ok(())
}

/// How many whole days an IAM user's console password has left under the account's
/// maximum age (`None`: no maximum, no password, or the root user). Zero or less: it
/// must be changed at the next sign-in.
pub async fn password_days_left(
    state: &crate::state::AppState,
    caller: &crate::authz::Caller,
    now: time::OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    let Some(user) = caller.user() else {
        return Ok(None);
    };
    let mut conn = store::acquire(&state.pool).await?;
    let Some(days) = store::password_policy::find(&mut conn, &caller.account.id)
        .await?
        .and_then(|p| p.max_password_age)
    else {
        return Ok(None);
    };
    let profile = store::users::login_profile(&mut conn, user.id.as_str()).await?;
    // Part of a day counts as a day: a password with 9.5 days left "expires in 10 days".
    Ok(profile.map(|p| {
        let left = p.password_changed_at + time::Duration::days(i64::from(days)) - now;
        (left.whole_seconds() + 86_399).div_euclid(86_400)
    }))
}

/// What a new password in the caller's account must meet (the person it is for adds
/// their own words with `with_context`).
pub async fn password_requirements(cx: &Ctx) -> Result<PasswordRequirements, AppError> {
    let mut conn = store::acquire(&cx.state().pool).await?;
    super::password_policy::requirements(&mut conn, &cx.caller().account).await
}

/// What the caller's own new password must meet, knowing their user name (or, for the
/// root user, the account's email).
pub async fn my_password_requirements(cx: &Ctx) -> Result<PasswordRequirements, AppError> {
    let requirements = password_requirements(cx).await?;
    let caller = cx.caller();
    Ok(match caller.user() {
        Some(user) => requirements.with_context([user.name.as_str()]),
        None => requirements.with_context([caller.account.root_email.as_str()]),
    })
}

/// 20 characters (or the policy's minimum, when longer) with every kind present, from
/// the injected entropy: it meets any password policy.
pub fn generate_password(cx: &Ctx, rules: &PasswordRules) -> Password {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"!@#$%^&*()_+-=[]{}|";
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
    let length = rules.minimum_length().max(20);
    let mut random = vec![0u8; length * 2];
    cx.entropy().fill(&mut random);
    let pick = |set: &[u8], r: u8| char::from(set[usize::from(r) % set.len()]);
    let mut chars: Vec<char> = vec![
        pick(UPPER, random[0]),
        pick(LOWER, random[1]),
        pick(DIGITS, random[2]),
        pick(SYMBOLS, random[3]),
    ];
    chars.extend(random[4..length].iter().map(|r| pick(&all, *r)));
    // Shuffle so the kinds are not always in the same places.
    for i in (1..chars.len()).rev() {
        let j = usize::from(random[length + i % length]) % (i + 1);
        chars.swap(i, j);
    }
    // Never a symbol first: a spreadsheet opening the credentials CSV would take a
    // leading `=`, `+`, `-` or `@` for a formula.
    if let Some(first) = chars.iter().position(char::is_ascii_alphanumeric) {
        chars.swap(0, first);
    }
    Password::new(chars.into_iter().collect())
}

/// CreateLoginProfile: returns the profile and, when generated, the password (once).
pub async fn create_login_profile(
    cx: &Ctx,
    name: &UserName,
    password: NewPassword,
    reset_required: bool,
) -> Result<(LoginProfile, Option<Password>), AppError> {
    let requirements = password_requirements(cx)
        .await?
        .with_context([name.as_str()]);
    let (password, generated) = match password {
        NewPassword::Chosen(p) => {
            check_password(&requirements, &p)?;
            (p, false)
        }
        NewPassword::Generated => (generate_password(cx, &requirements.rules), true),
    };
    // Authorise and look up first, cheaply; hash holding no connection; then write.
    let user = authorized_user(cx, IamAction::CreateLoginProfile, name).await?;
    let hasher = &cx.state().passwords;
    let hash = hasher.hash(hasher.admit().await?, &password).await?;
    let mut op = cx.begin().await?;
    let permit = op
        .authorize_with(
            IamAction::CreateLoginProfile,
            &user.arn,
            tagged_context(Some(&user)),
        )
        .await?;
    store::users::insert_login_profile(
        &mut op.writer(&permit),
        cx.account(),
        &user.id,
        &hash,
        reset_required,
        cx.now(),
    )
    .await
    .map_err(|e| match &e {
        StoreError::Unique(c) if c == "login_profiles_pkey" => AppError::already_exists(
            "user_name",
            format!("Login Profile for user {name} already exists."),
        ),
        StoreError::ForeignKey(_) => no_such_user(name.as_str()),
        _ => e.into(),
    })?;
    op.audit(
        &permit,
        json!({"UserName": name, "PasswordResetRequired": reset_required, "Password": "(hidden)"}),
    );
    op.commit().await?;
    let profile = LoginProfile {
        user_name: user.name,
        created_at: cx.now(),
        password_reset_required: reset_required,
    };
    Ok((profile, generated.then_some(password)))
}

pub async fn get_login_profile(cx: &Ctx, name: &UserName) -> Result<LoginProfile, AppError> {
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, name).await?;
    op.authorize_with(
        IamAction::GetLoginProfile,
        &arn,
        tagged_context(user.as_ref()),
    )
    .await?;
    let user = user.ok_or_else(|| no_such_user(name.as_str()))?;
    let profile = store::users::login_profile(op.reader(), user.id.as_str())
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!("Login Profile for User {name} cannot be found."))
        })?;
    Ok(LoginProfile {
        user_name: user.name,
        created_at: profile.created_at,
        password_reset_required: profile.reset_required,
    })
}

/// UpdateLoginProfile: a new password and/or the reset flag.
pub async fn update_login_profile(
    cx: &Ctx,
    name: &UserName,
    password: Option<Password>,
    reset_required: Option<bool>,
) -> Result<(), AppError> {
    let requirements = password_requirements(cx)
        .await?
        .with_context([name.as_str()]);
    if let Some(p) = &password {
        check_password(&requirements, p)?;
    }
    let user = authorized_user(cx, IamAction::UpdateLoginProfile, name).await?;
    if let Some(p) = &password {
        check_not_reused(cx, &requirements.rules, user.id.as_str(), p, "password").await?;
    }
    let hash = match &password {
        Some(p) => {
            let hasher = &cx.state().passwords;
            Some(hasher.hash(hasher.admit().await?, p).await?)
        }
        None => None,
    };
    let mut op = cx.begin().await?;
    let permit = op
        .authorize_with(
            IamAction::UpdateLoginProfile,
            &user.arn,
            tagged_context(Some(&user)),
        )
        .await?;
    let updated = store::users::update_login_profile(
        &mut op.writer(&permit),
        &user.id,
        hash.as_deref(),
        reset_required,
        cx.now(),
    )
    .await?;
    if !updated {
        return Err(AppError::not_found(format!(
            "Login Profile for User {name} cannot be found."
        )));
    }
    let sessions_ended = if hash.is_some() {
        end_sessions_of(cx, op.writer(&permit).conn(), &user.id).await?
    } else {
        0
    };
    op.audit(
        &permit,
        json!({"UserName": name, "PasswordResetRequired": reset_required,
               "Password": password.as_ref().map(|_| "(hidden)"),
               "SessionsEnded": sessions_ended}),
    );
    op.commit().await
}

pub async fn delete_login_profile(cx: &Ctx, name: &UserName) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (user, arn) = target(&mut op, name).await?;
    let permit = op
        .authorize_with(
            IamAction::DeleteLoginProfile,
            &arn,
            tagged_context(user.as_ref()),
        )
        .await?;
    let user = user.ok_or_else(|| no_such_user(name.as_str()))?;
    if !store::users::delete_login_profile(&mut op.writer(&permit), &user.id).await? {
        return Err(AppError::not_found(format!(
            "Login Profile for User {name} cannot be found."
        )));
    }
    let sessions_ended = end_sessions_of(cx, op.writer(&permit).conn(), &user.id).await?;
    op.audit(
        &permit,
        json!({"UserName": name, "SessionsEnded": sessions_ended}),
    );
    op.commit().await
}

/// Ends the user's console sessions, except the caller's own: whoever signed in with
/// the old password is signed out when it is replaced or removed.
async fn end_sessions_of(
    cx: &Ctx,
    conn: &mut sqlx::PgConnection,
    user_id: &UniqueId,
) -> Result<u64, AppError> {
    let caller = cx.caller();
    let keep = caller
        .user()
        .is_some_and(|u| u.id == *user_id)
        .then(|| caller.console_session())
        .flatten();
    Ok(store::sessions::end_principal_sessions(
        conn,
        cx.account(),
        Some(user_id.as_str()),
        keep,
        cx.now(),
        store::sessions::EndReason::PasswordChanged,
    )
    .await?)
}

/// The rules a password of one's own choosing must meet, noted under `new_password`:
/// the account's rules, and not the current password again.
pub fn check_new_password(
    problems: &mut Problems,
    requirements: &PasswordRequirements,
    old_password: &Password,
    new_password: &Password,
) {
    if let Err(error) = check_password(requirements, new_password) {
        for (_, message) in error.field_problems() {
            problems.refuse("new_password", message);
        }
    } else if new_password.expose() == old_password.expose() {
        problems.refuse("new_password", "must differ from the current password");
    }
}

/// ChangePassword: an IAM user changes their own console password, giving the current
/// one. Clears "must reset"; the session's next request sees it.
pub async fn change_password(
    cx: &Ctx,
    old_password: &Password,
    new_password: Password,
) -> Result<(), AppError> {
    let requirements = my_password_requirements(cx).await?;
    let mut problems = Problems::new();
    check_new_password(&mut problems, &requirements, old_password, &new_password);
    problems.finish(Some(()))?;
    let user = {
        let mut op = cx.begin().await?;
        op.authorize_own_password_change().await?;
        cx.caller()
            .user()
            .cloned()
            .ok_or_else(|| AppError::internal("change password", "no user"))?
    };
    let stored = {
        let mut conn = store::acquire(&cx.state().pool).await?;
        store::users::login_profile(&mut conn, user.id.as_str()).await?
    };
    let Some(stored) = stored else {
        return Err(AppError::not_found(format!(
            "Login Profile for User {} cannot be found.",
            user.name
        )));
    };
    let hasher = &cx.state().passwords;
    let matched = hasher
        .verify(
            hasher.admit().await?,
            old_password,
            Some(stored.password_hash),
        )
        .await?;
    if !matched {
        return Err(AppError::validation(
            "old_password",
            "is not your current password",
        ));
    }
    check_not_reused(
        cx,
        &requirements.rules,
        user.id.as_str(),
        &new_password,
        "new_password",
    )
    .await?;
    let hash = hasher.hash(hasher.admit().await?, &new_password).await?;
    let mut op = cx.begin().await?;
    let permit = op.authorize_own_password_change().await?;
    let updated = store::users::update_login_profile(
        &mut op.writer(&permit),
        &user.id,
        Some(&hash),
        Some(false),
        cx.now(),
    )
    .await?;
    if !updated {
        return Err(AppError::not_found(format!(
            "Login Profile for User {} cannot be found.",
            user.name
        )));
    }
    let sessions_ended = end_sessions_of(cx, op.writer(&permit).conn(), &user.id).await?;
    op.audit(
        &permit,
        json!({"UserName": user.name, "Password": "(hidden)", "SessionsEnded": sessions_ended}),
    );
    op.commit().await
}
