//! The console's Switch role: the signed-in user assumes a role (AssumeRole, with every
//! check it makes, for an hour) and the console session then acts as that role session
//! until it ends or the user switches back.

use super::assume_role::{AssumeRoleInput, AssumedRole, assume_role};
use crate::authz::Ctx;
use crate::error::{AppError, Problems};
use crate::model::{IamPath, RoleName, arn};
use crate::store;

/// How long a console role session lasts, as in AWS's console.
pub const CONSOLE_SESSION_SECS: i64 = 3_600;
/// The colours the console offers for a role's banner (AWS's console's).
pub const COLORS: [(&str, &str); 5] = [
    ("f2b0a9", "Red"),
    ("fbc8aa", "Orange"),
    ("efda95", "Yellow"),
    ("b7ca9d", "Green"),
    ("83d4e8", "Blue"),
];
pub const MAX_DISPLAY_NAME: usize = 64;

/// What the Switch role form asks for.
#[derive(Debug, Clone, Default)]
pub struct SwitchRoleInput<'a> {
    /// The account's id or alias.
    pub account: &'a str,
    /// The role's name, with its path when it has one (`ops/Admin`).
    pub role: &'a str,
    pub display_name: Option<&'a str>,
    pub color: Option<&'a str>,
}

/// A switch the console can make: the role session's credentials and its label.
pub struct Switched {
    pub assumed: AssumedRole,
    pub display_name: String,
    pub color: String,
}

/// Assumes the role for the signed-in user `cx` (never a role session: the console
/// switches from who signed in). Every rule broken is reported at once, by field.
pub async fn switch_role(cx: &Ctx, input: SwitchRoleInput<'_>) -> Result<Switched, AppError> {
    let mut problems = Problems::new();
    let account_text = input.account.trim();
    if account_text.is_empty() {
        problems.refuse("account", "Enter the account's id or alias.");
    }
    let role_text = input.role.trim().trim_start_matches('/');
    let (path, name) = match role_text.rsplit_once('/') {
        Some((path, name)) => (format!("/{path}/"), name),
        None => ("/".to_owned(), role_text),
    };
    let path = problems.check("role", IamPath::parse(&path));
    let name = problems.check("role", RoleName::parse(name));
    let color = input
        .color
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or(COLORS[0].0)
        .to_ascii_lowercase();
    if !COLORS.iter().any(|(hex, _)| *hex == color) {
        problems.refuse("color", "Choose one of the offered colours.");
    }
    let display = input.display_name.map(str::trim).unwrap_or("").to_owned();
    if display.chars().count() > MAX_DISPLAY_NAME {
        problems.refuse(
            "display_name",
            format!("must be at most {MAX_DISPLAY_NAME} characters"),
        );
    }
    let (path, name) = problems.finish((|| Some((path?, name?)))())?;
    let account = {
        let mut conn = store::acquire(&cx.state().pool).await?;
        store::accounts::find_by_signin_name(&mut conn, account_text).await?
    };
    // An unknown account is refused as AssumeRole refuses an unknown role: the same
    // denial, naming nothing more (so no one learns which aliases exist).
    let account_id = match account {
        Some(account) => account.id,
        None => crate::model::AccountId::parse(account_text).map_err(|_| {
            AppError::AccessDenied {
                message: format!(
                    "User: {} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{account_text}:role{path}{name}",
                    cx.caller().arn()
                ),
                explanation: None,
            }
        })?,
    };
    let role_arn = arn::role(&account_id, &path, &name);
    let caller = cx.caller();
    let user_name = caller
        .user()
        .map(|u| u.name.to_string())
        .unwrap_or_default();
    // A session name is 2 to 64 characters; a one-letter user name gets a suffix.
    let session_name = if user_name.chars().count() < 2 {
        format!("{user_name}-console")
    } else {
        user_name
    };
    let assumed = assume_role(
        cx,
        AssumeRoleInput {
            role_arn: &role_arn,
            session_name: &session_name,
            duration_secs: Some(CONSOLE_SESSION_SECS),
            ..AssumeRoleInput::default()
        },
    )
    .await?;
    let display_name = if display.is_empty() {
        let label = format!("{name} @ {account_text}");
        label.chars().take(MAX_DISPLAY_NAME).collect()
    } else {
        display
    };
    Ok(Switched {
        assumed,
        display_name,
        color,
    })
}
