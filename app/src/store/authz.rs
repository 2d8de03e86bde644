//! What the authoriser reads: which policy versions apply to a principal.

use super::StoreError;
use sqlx::{FromRow, PgConnection};

/// One policy that applies, by immutable key: a managed policy's default version, or
/// an inline policy's revision.
#[derive(Debug, Clone, PartialEq, Eq, Hash, FromRow)]
pub struct PolicyRef {
    /// `identity`, `boundary` or `session`.
    pub role: String,
    /// For managed: the policy id; for inline: empty.
    pub policy_id: String,
    /// For managed: the version; for inline: the revision.
    pub number: i64,
    pub inline: bool,
    /// How explanations name it.
    pub label: String,
}

/// Every policy that applies to a user: own inline and attached, those of every group the
/// user is in and of every group those groups are in (nested), and the boundary.
pub async fn user_policy_refs(
    conn: &mut PgConnection,
    user_id: &str,
) -> Result<Vec<PolicyRef>, StoreError> {
    Ok(sqlx::query_as(
        "WITH RECURSIVE member_of(group_id) AS (
             SELECT group_id FROM group_users WHERE user_id = $1
             UNION
             SELECT gg.parent_id FROM group_groups gg JOIN member_of m ON gg.child_id = m.group_id
         )
         SELECT 'identity' AS role, p.policy_id, p.default_version::bigint AS number,
                false AS inline, p.name AS label
           FROM user_policy_attachments a JOIN managed_policies p USING (policy_id)
          WHERE a.user_id = $1
         UNION ALL
         SELECT 'identity', p.policy_id, p.default_version::bigint, false, p.name
           FROM member_of m
           JOIN group_policy_attachments a ON a.group_id = m.group_id
           JOIN managed_policies p ON p.policy_id = a.policy_id
         UNION ALL
         SELECT 'identity', '', i.revision, true, i.name
           FROM user_inline_policies i WHERE i.user_id = $1
         UNION ALL
         SELECT 'identity', '', i.revision, true, g.name || '/' || i.name
           FROM member_of m
           JOIN group_inline_policies i ON i.group_id = m.group_id
           JOIN iam_groups g ON g.group_id = m.group_id
         UNION ALL
         SELECT 'boundary', p.policy_id, p.default_version::bigint, false, p.name
           FROM iam_users u JOIN managed_policies p ON p.policy_id = u.boundary_policy_id
          WHERE u.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Every policy that applies to a role session: the role's inline and attached policies,
/// its boundary, and the managed policies the session was given (`session_policy_ids`),
/// each at its default version now.
pub async fn role_policy_refs(
    conn: &mut PgConnection,
    role_id: &str,
    session_policy_ids: &[String],
) -> Result<Vec<PolicyRef>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT 'identity' AS role, p.policy_id, p.default_version::bigint AS number,
                false AS inline, p.name AS label
           FROM role_policy_attachments a JOIN managed_policies p USING (policy_id)
          WHERE a.role_id = $1
         UNION ALL
         SELECT 'identity', '', i.revision, true, i.name
           FROM role_inline_policies i WHERE i.role_id = $1
         UNION ALL
         SELECT 'boundary', p.policy_id, p.default_version::bigint, false, p.name
           FROM iam_roles r JOIN managed_policies p ON p.policy_id = r.boundary_policy_id
          WHERE r.role_id = $1
         UNION ALL
         SELECT 'session', p.policy_id, p.default_version::bigint, false, p.name
           FROM managed_policies p WHERE p.policy_id = ANY($2)",
    )
    .bind(role_id)
    .bind(session_policy_ids)
    .fetch_all(conn)
    .await?)
}

/// The documents of managed policy versions `(policy_id, version)` and inline policies
/// by revision.
pub async fn documents(
    conn: &mut PgConnection,
    managed: &[(String, i64)],
    inline: &[i64],
) -> Result<Vec<(String, i64, bool, String)>, StoreError> {
    let ids: Vec<&str> = managed.iter().map(|(id, _)| id.as_str()).collect();
    let versions: Vec<i32> = managed
        .iter()
        .map(|(_, v)| i32::try_from(*v).unwrap_or(i32::MAX))
        .collect();
    Ok(sqlx::query_as(
        "SELECT v.policy_id, v.version::bigint, false, v.document
           FROM policy_versions v
           JOIN unnest($1::text[], $2::int[]) AS k(policy_id, version)
             ON v.policy_id = k.policy_id AND v.version = k.version
         UNION ALL
         SELECT '', revision, true, document FROM user_inline_policies
          WHERE revision = ANY($3)
         UNION ALL
         SELECT '', revision, true, document FROM group_inline_policies
          WHERE revision = ANY($3)
         UNION ALL
         SELECT '', revision, true, document FROM role_inline_policies
          WHERE revision = ANY($3)",
    )
    .bind(&ids)
    .bind(&versions)
    .bind(inline)
    .fetch_all(conn)
    .await?)
}
