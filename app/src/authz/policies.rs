//! A principal's effective policies, loaded once per operation, compiled once per
//! immutable version. Policy versions never change once written and an inline policy
//! gets a new revision on every put, so the cache needs no invalidation: which versions
//! apply is read from the database on every request, so a change made through any
//! server sharing the database takes effect on the next request everywhere.

use super::RoleSession;
use crate::error::AppError;
use crate::policy::{CompiledPolicy, EvaluationInput, Request};
use crate::store::{self, authz::PolicyRef};
use sqlx::PgConnection;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Managed(String, i64),
    Inline(i64),
}

impl Key {
    fn of(r: &PolicyRef) -> Self {
        if r.inline {
            Self::Inline(r.number)
        } else {
            Self::Managed(r.policy_id.clone(), r.number)
        }
    }
}

/// Compiled policy versions shared by every request of this server.
#[derive(Debug, Default)]
pub struct PolicyCache {
    compiled: Mutex<HashMap<Key, Arc<CompiledPolicy>>>,
}

/// More than this many compiled versions and the cache starts afresh (cheap to refill).
const MAX_CACHED: usize = 20_000;

impl PolicyCache {
    fn get(&self, key: &Key) -> Option<Arc<CompiledPolicy>> {
        self.lock().get(key).cloned()
    }

    fn put(&self, key: Key, policy: Arc<CompiledPolicy>) {
        let mut map = self.lock();
        if map.len() >= MAX_CACHED {
            map.clear();
        }
        map.insert(key, policy);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<CompiledPolicy>>> {
        self.compiled
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Effective {
    identity: Vec<(String, Arc<CompiledPolicy>)>,
    boundary: Option<(String, Arc<CompiledPolicy>)>,
    /// A role session's session policies (inline and managed).
    session: Vec<(String, Arc<CompiledPolicy>)>,
}

/// What stands in for a role session's managed session policy that has since been
/// deleted: what it allowed is no longer known, so the session may do nothing rather
/// than everything its role allows (fail closed).
const VANISHED_SESSION_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#;

impl Effective {
    pub fn input<'a>(&'a self, request: &'a Request) -> EvaluationInput<'a> {
        let mut input = EvaluationInput::new(request);
        for (name, policy) in &self.identity {
            input = input.identity(name, policy);
        }
        if let Some((name, policy)) = &self.boundary {
            input = input.boundary(name, policy);
        }
        for (name, policy) in &self.session {
            input = input.session(name, policy);
        }
        input
    }

    /// The identity policies (own, groups', nested groups'), compiled.
    pub fn identity_policies(&self) -> Vec<&CompiledPolicy> {
        self.identity.iter().map(|(_, p)| p.as_ref()).collect()
    }

    pub fn boundary_policy(&self) -> Option<&CompiledPolicy> {
        self.boundary.as_ref().map(|(_, p)| p.as_ref())
    }

    pub fn policy_count(&self) -> usize {
        self.identity.len() + usize::from(self.boundary.is_some()) + self.session.len()
    }

    pub async fn load_for_user(
        conn: &mut PgConnection,
        cache: &PolicyCache,
        user_id: &str,
    ) -> Result<Self, AppError> {
        let refs = store::authz::user_policy_refs(conn, user_id).await?;
        Self::from_refs(conn, cache, refs).await
    }

    /// A role session's: the role's policies and boundary, and the session's policies.
    pub async fn load_for_role_session(
        conn: &mut PgConnection,
        cache: &PolicyCache,
        session: &RoleSession,
    ) -> Result<Self, AppError> {
        let refs = store::authz::role_policy_refs(
            conn,
            session.role.id.as_str(),
            &session.session_policy_ids,
        )
        .await?;
        let managed_sessions = refs.iter().filter(|r| r.role == "session").count();
        let mut effective = Self::from_refs(conn, cache, refs).await?;
        if managed_sessions < session.session_policy_ids.len() {
            let deny = CompiledPolicy::parse(VANISHED_SESSION_POLICY)
                .map_err(|e| AppError::internal("session policy", e))?;
            effective
                .session
                .push(("(deleted session policy)".to_owned(), Arc::new(deny)));
        }
        if let Some(text) = &session.session_policy {
            // Checked when the session was issued; failing closed if it no longer parses.
            let compiled =
                CompiledPolicy::parse(text).map_err(|e| AppError::internal("session policy", e))?;
            effective
                .session
                .push(("session policy".to_owned(), Arc::new(compiled)));
        }
        Ok(effective)
    }

    async fn from_refs(
        conn: &mut PgConnection,
        cache: &PolicyCache,
        refs: Vec<PolicyRef>,
    ) -> Result<Self, AppError> {
        let mut missing_managed = Vec::new();
        let mut missing_inline = Vec::new();
        for r in &refs {
            if cache.get(&Key::of(r)).is_none() {
                if r.inline {
                    missing_inline.push(r.number);
                } else {
                    missing_managed.push((r.policy_id.clone(), r.number));
                }
            }
        }
        if !missing_managed.is_empty() || !missing_inline.is_empty() {
            let docs = store::authz::documents(conn, &missing_managed, &missing_inline).await?;
            for (policy_id, number, inline, text) in docs {
                // Stored documents were checked when written; one that no longer parses
                // is a fault, and failing closed is the only safe answer.
                let compiled = CompiledPolicy::parse(&text)
                    .map_err(|e| AppError::internal("stored policy", e))?;
                let key = if inline {
                    Key::Inline(number)
                } else {
                    Key::Managed(policy_id, number)
                };
                cache.put(key, Arc::new(compiled));
            }
        }
        let mut effective = Effective::default();
        for r in refs {
            let Some(policy) = cache.get(&Key::of(&r)) else {
                return Err(AppError::internal(
                    "policy cache",
                    format!("policy {} {} vanished", r.policy_id, r.number),
                ));
            };
            match r.role.as_str() {
                "boundary" => effective.boundary = Some((r.label, policy)),
                "session" => effective.session.push((r.label, policy)),
                _ => effective.identity.push((r.label, policy)),
            }
        }
        Ok(effective)
    }
}
