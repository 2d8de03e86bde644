//! Services: each operation authenticates, validates and executes in one transaction.
//! Server functions and the CLI call these; neither does SQL itself.

pub mod access_keys;
pub mod account_settings;
pub mod accounts;
pub mod activity;
pub mod assume_role;
pub mod authorization_details;
pub mod dashboard;
pub mod groups;
pub mod mfa;
pub mod paging;
pub mod password_policy;
pub mod passwords;
pub mod policies;
pub mod principal;
pub mod recovery;
pub mod roles;
pub mod sealed_secrets;
pub mod sessions;
pub mod setup_token;
pub mod signin;
pub mod signing;
pub mod sts;
pub mod switch_role;
pub mod throttle;
pub mod users;

/// Where a request came from, for the sign-in limits, the sign-in log and the session
/// record.
#[derive(Debug, Clone, Default)]
pub struct RequestSource {
    pub ip: Option<std::net::IpAddr>,
    ip_text: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestSource {
    pub fn new(ip: Option<std::net::IpAddr>, user_agent: Option<String>) -> Self {
        Self {
            ip,
            ip_text: ip.map(|ip| ip.to_canonical().to_string()),
            user_agent,
        }
    }

    pub fn ip_text(&self) -> Option<&str> {
        self.ip_text.as_deref()
    }

    /// A request's source as the edge resolved it: the client address (`ClientAddr`,
    /// or the socket's peer when no layer set one) and the user agent, cut to 512
    /// characters. The console and the AWS API both read it here.
    pub fn from_parts(parts: &axum::http::request::Parts) -> Self {
        let ip = parts
            .extensions
            .get::<ClientAddr>()
            .map(|ClientAddr(ip)| *ip)
            .or_else(|| {
                parts
                    .extensions
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                    .map(|axum::extract::ConnectInfo(addr)| addr.ip())
            });
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(512).collect());
        Self::new(ip, user_agent)
    }
}

/// The client's address as the edge resolved it (the peer, or the address a trusted
/// proxy forwarded); put in the request's extensions before any handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);
