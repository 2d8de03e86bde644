//! The trust policies the create-role wizard writes for each kind of trusted entity
//! (pure, so the browser shows the very document the server will store).

use serde::{Deserialize, Serialize};
use serde_json::json;

/// Who may assume a role, as the wizard asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrustedEntity {
    /// Principals of this account whose own policies allow sts:AssumeRole on it.
    ThisAccount { require_mfa: bool },
    /// Principals of another account (12 digits) its administrators allow.
    OtherAccount {
        account_id: String,
        external_id: Option<String>,
        require_mfa: bool,
    },
    /// An AWS service (`ec2.amazonaws.com`).
    Service { service: String },
}

impl TrustedEntity {
    /// The trust policy, for the role in account `own_account`.
    pub fn document(&self, own_account: &str) -> String {
        let mut conditions = serde_json::Map::new();
        let principal = match self {
            Self::ThisAccount { require_mfa } => {
                if *require_mfa {
                    conditions.insert(
                        "Bool".to_owned(),
                        json!({"aws:MultiFactorAuthPresent": "true"}),
                    );
                }
                json!({"AWS": format!("arn:aws:iam::{own_account}:root")})
            }
            Self::OtherAccount {
                account_id,
                external_id,
                require_mfa,
            } => {
                if let Some(id) = external_id.as_deref().filter(|id| !id.is_empty()) {
                    conditions.insert("StringEquals".to_owned(), json!({"sts:ExternalId": id}));
                }
                if *require_mfa {
                    conditions.insert(
                        "Bool".to_owned(),
                        json!({"aws:MultiFactorAuthPresent": "true"}),
                    );
                }
                json!({"AWS": format!("arn:aws:iam::{}:root", account_id.trim())})
            }
            Self::Service { service } => json!({"Service": service.trim()}),
        };
        let mut statement = json!({
            "Effect": "Allow",
            "Principal": principal,
            "Action": "sts:AssumeRole",
        });
        if !conditions.is_empty()
            && let Some(map) = statement.as_object_mut()
        {
            map.insert(
                "Condition".to_owned(),
                serde_json::Value::Object(conditions),
            );
        }
        serde_json::to_string_pretty(&json!({
            "Version": "2012-10-17",
            "Statement": [statement],
        }))
        .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_account_with_an_external_id_and_mfa() {
        let document = TrustedEntity::OtherAccount {
            account_id: "111122223333".into(),
            external_id: Some("contract-7781".into()),
            require_mfa: true,
        }
        .document("444455556666");
        let value: serde_json::Value = serde_json::from_str(&document).unwrap();
        let statement = &value["Statement"][0];
        assert_eq!(
            statement["Principal"]["AWS"],
            "arn:aws:iam::111122223333:root"
        );
        assert_eq!(
            statement["Condition"]["StringEquals"]["sts:ExternalId"],
            "contract-7781"
        );
        assert_eq!(
            statement["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
            "true"
        );
        let plain = TrustedEntity::ThisAccount { require_mfa: false }.document("444455556666");
        assert!(!plain.contains("Condition"));
        let service = TrustedEntity::Service {
            service: "ec2.amazonaws.com".into(),
        }
        .document("444455556666");
        assert!(service.contains(r#""Service": "ec2.amazonaws.com""#));
    }
}
