//! Domain types that can only be built by a parser that checks them. Pure: they run
//! in the browser too, so forms check as you type with the same rules the server uses.

mod access_key;
mod account;
pub mod csv;
mod directory;
mod email;
mod ids;
pub mod messages;
mod mfa;
mod names;
mod password;
mod password_policy;
pub mod password_strength;
mod recovery;
mod tags;
pub mod trust;
mod user_order;

pub use access_key::{
    AccessKey, AccessKeyId, AccessKeyStatus, KEY_ID_RANDOM_LEN, KeyAdvice, KeyLastUse,
    MAX_ACCESS_KEYS, NewAccessKey, SECRET_LEN, key_advice,
};
pub use account::{Account, AccountAlias, AccountId};
pub use directory::{
    AttachedPolicy, AuditEvent, Group, GroupDetail, Page, Policy, PolicySource, PolicyVersion,
    Role, User, UserPolicy,
};
pub use email::EmailAddress;
pub use ids::{ID_RANDOM_LEN, IdKind, UniqueId, arn};
pub use mfa::{AuthCode, MfaDevice, MfaOwner, NewMfaDevice};
pub use names::{
    GroupName, IamPath, MfaDeviceName, PolicyName, RoleName, UserName, parse_description,
};
pub use password::{Password, PasswordRule, RootPasswordCheck};
pub use password_policy::{
    PasswordPolicy, PasswordPolicyInput, PasswordRequirements, PasswordRules, PolicyRule,
    SYMBOLS as PASSWORD_SYMBOLS,
};
pub use password_strength::{DEFAULT_MINIMUM_SCORE, Strength, StrengthScore};
pub use recovery::{RECOVERY_CODE_LEN, RECOVERY_CODES, RecoveryCode};
pub use tags::{MAX_TAGS, Tag, parse_tags};
pub use user_order::{UserOrder, UserSort};
