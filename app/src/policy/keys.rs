//! The global condition keys (`aws:...`) and the type of value each carries, so lint can flag
//! a key that does not exist or an operator of the wrong type for it.

use super::operator::{OperatorKind, ValueType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    String,
    /// ARN keys take both the ARN and the String operators.
    Arn,
    Bool,
    Date,
    /// aws:EpochTime takes both the Date and the Numeric operators.
    DateOrNumeric,
    Numeric,
    Ip,
}

#[derive(Debug, Clone, Copy)]
pub struct GlobalKey {
    pub name: &'static str,
    pub kind: KeyType,
    pub multi_valued: bool,
}

const fn key(name: &'static str, kind: KeyType) -> GlobalKey {
    GlobalKey {
        name,
        kind,
        multi_valued: false,
    }
}

const fn multi(name: &'static str, kind: KeyType) -> GlobalKey {
    GlobalKey {
        name,
        kind,
        multi_valued: true,
    }
}

pub const GLOBAL_KEYS: &[GlobalKey] = &[
    multi("aws:CalledVia", KeyType::String),
    key("aws:CalledViaFirst", KeyType::String),
    key("aws:CalledViaLast", KeyType::String),
    key("aws:ChatbotSourceArn", KeyType::Arn),
    key("aws:CurrentTime", KeyType::Date),
    key("aws:Ec2InstanceSourcePrivateIPv4", KeyType::Ip),
    key("aws:Ec2InstanceSourceVpc", KeyType::String),
    key("aws:EpochTime", KeyType::DateOrNumeric),
    key("aws:FederatedProvider", KeyType::String),
    key("aws:IsMcpServiceAction", KeyType::Bool),
    key("aws:MultiFactorAuthAge", KeyType::Numeric),
    key("aws:MultiFactorAuthPresent", KeyType::Bool),
    key("aws:PrincipalAccount", KeyType::String),
    key("aws:PrincipalArn", KeyType::Arn),
    key("aws:PrincipalIsAWSService", KeyType::Bool),
    key("aws:PrincipalOrgID", KeyType::String),
    key("aws:PrincipalOrgMasterAccountId", KeyType::String),
    multi("aws:PrincipalOrgPaths", KeyType::String),
    key("aws:PrincipalServiceName", KeyType::String),
    multi("aws:PrincipalServiceNamesList", KeyType::String),
    key("aws:PrincipalTag/", KeyType::String),
    key("aws:PrincipalType", KeyType::String),
    key("aws:Referer", KeyType::String),
    key("aws:RequestedRegion", KeyType::String),
    key("aws:RequestTag/", KeyType::String),
    key("aws:ResourceAccount", KeyType::String),
    key("aws:ResourceOrgID", KeyType::String),
    multi("aws:ResourceOrgPaths", KeyType::String),
    key("aws:ResourceTag/", KeyType::String),
    key("aws:SecureTransport", KeyType::Bool),
    key("aws:SourceAccount", KeyType::String),
    key("aws:SourceArn", KeyType::Arn),
    key("aws:SourceIdentity", KeyType::String),
    key("aws:SourceIp", KeyType::Ip),
    key("aws:SourceOrgID", KeyType::String),
    multi("aws:SourceOrgPaths", KeyType::String),
    key("aws:SourceOwner", KeyType::String),
    key("aws:SourceVpc", KeyType::String),
    key("aws:SourceVpcArn", KeyType::Arn),
    key("aws:SourceVpce", KeyType::String),
    multi("aws:TagKeys", KeyType::String),
    key("aws:TokenIssueTime", KeyType::Date),
    key("aws:UserAgent", KeyType::String),
    key("aws:userid", KeyType::String),
    key("aws:username", KeyType::String),
    key("aws:ViaAWSService", KeyType::Bool),
    key("aws:VpcSourceIp", KeyType::Ip),
];

/// The global key a condition key refers to (tag keys by their prefix), if any.
pub fn global_key(name: &str) -> Option<&'static GlobalKey> {
    GLOBAL_KEYS.iter().find(|k| {
        if k.name.ends_with('/') {
            name.len() > k.name.len()
                && name
                    .get(..k.name.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(k.name))
        } else {
            name.eq_ignore_ascii_case(k.name)
        }
    })
}

pub fn is_global(name: &str) -> bool {
    name.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

/// Whether an operator suits a key of this type. Null suits every key.
pub fn operator_fits(kind: KeyType, operator: OperatorKind) -> bool {
    let value = operator.value_type();
    if value == ValueType::Null {
        return true;
    }
    match kind {
        KeyType::String => value == ValueType::String,
        KeyType::Arn => matches!(value, ValueType::String | ValueType::Arn),
        KeyType::Bool => value == ValueType::Bool,
        KeyType::Date => value == ValueType::Date,
        KeyType::DateOrNumeric => matches!(value, ValueType::Date | ValueType::Numeric),
        KeyType::Numeric => value == ValueType::Numeric,
        KeyType::Ip => value == ValueType::Ip,
    }
}

pub fn describe(kind: KeyType) -> &'static str {
    match kind {
        KeyType::String => "a string",
        KeyType::Arn => "an ARN",
        KeyType::Bool => "a boolean",
        KeyType::Date => "a date",
        KeyType::DateOrNumeric => "a date (epoch seconds)",
        KeyType::Numeric => "a number",
        KeyType::Ip => "an IP address",
    }
}
