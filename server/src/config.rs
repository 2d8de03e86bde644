//! Typed settings from `PORTCULLIS_*` environment variables. A malformed value is an
//! error naming the variable, never a silent default.

use app::policy::Cidr;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use time::Duration;

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn config_error(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub session_idle_timeout: Duration,
    pub session_max_lifetime: Duration,
    /// The rotation assistant warns about access keys older than this.
    pub access_key_max_age: Duration,
    pub log_filter: String,
    pub log_json: bool,
    /// PORTCULLIS_MASTER_KEY: the key that seals, then keys that may still open older
    /// secrets (during a rotation); empty when not set.
    pub master_keys: Vec<MasterKey>,
    pub public_url: String,
    /// The console answers only under these hosts (the `Host` header) and these
    /// origins: the public URL's, and when that was not set and the address is a
    /// loopback one, the loopback names for the same port.
    pub allowed_origins: AllowedOrigins,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<Cidr>,
    pub site_root: PathBuf,
}

/// The hosts and origins the console answers to (lowercase, `host[:port]` and
/// `scheme://host[:port]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedOrigins {
    pub hosts: Vec<String>,
    pub origins: Vec<String>,
}

impl AllowedOrigins {
    pub fn allows_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }

    fn from_public_url(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        // Browsers leave the default port out of Host and Origin; other clients may
        // spell it out. Both name the same place.
        let has_port = authority.rsplit_once(':').is_some_and(|(host, port)| {
            !host.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty()
        });
        let (bare, with_port) = match authority.strip_suffix(default_port) {
            Some(bare) => (bare.to_owned(), authority.clone()),
            None if has_port => (authority.clone(), authority.clone()),
            None => (authority.clone(), format!("{authority}{default_port}")),
        };
        let mut allowed = Self {
            hosts: Vec::new(),
            origins: Vec::new(),
        };
        allowed.add(scheme, &bare, &with_port);
        Some(allowed)
    }

    /// Adds a host under both spellings, and its origin (browsers send the short one).
    fn add(&mut self, scheme: &str, host: &str, spelled_out: &str) {
        for name in [host, spelled_out] {
            if !self.hosts.iter().any(|h| h == name) {
                self.hosts.push(name.to_owned());
            }
        }
        let origin = format!("{scheme}://{host}");
        if !self.origins.contains(&origin) {
            self.origins.push(origin);
        }
    }

    fn with_loopback_names(mut self, addr: SocketAddr) -> Self {
        let port = addr.port();
        for name in ["127.0.0.1", "localhost", "[::1]"] {
            let spelled_out = format!("{name}:{port}");
            let short = if port == 80 {
                name.to_owned()
            } else {
                spelled_out.clone()
            };
            self.add("http", &short, &spelled_out);
        }
        self
    }
}

/// The key that seals recoverable secrets (access-key secrets, TOTP seeds).
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = BASE64.decode(text.trim()).map_err(|_| {
            "must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)".to_owned()
        })?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "must be exactly 32 bytes once base64-decoded".to_owned())?;
        Ok(Self(key))
    }

    /// Keys separated by commas or white space (a key file holds one per line): the
    /// first seals, all open.
    pub fn parse_ring(text: &str) -> Result<Vec<Self>, String> {
        let keys = text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .enumerate()
            .map(|(i, part)| Self::parse(part).map_err(|m| format!("key {}: {m}", i + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err("no key: 32 bytes in base64 (e.g. `openssl rand -base64 32`)".to_owned());
        }
        Ok(keys)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
        Self(key)
    }

    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(****)")
    }
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` so tests can supply their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let addr = match get("PORTCULLIS_ADDR") {
            Some(v) => v.trim().parse().map_err(|_| {
                config_error(
                    "PORTCULLIS_ADDR",
                    format!("expected an address like 127.0.0.1:3000, got {v:?}"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let database_url = get("PORTCULLIS_DATABASE_URL").or_else(|| get("DATABASE_URL"));
        if let Some(url) = &database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(config_error(
                "DATABASE_URL",
                "expected a PostgreSQL URL starting with postgres://",
            ));
        }
        let data_dir =
            PathBuf::from(get("PORTCULLIS_DATA_DIR").unwrap_or_else(|| ".data".to_owned()));
        let session_idle_timeout =
            duration_setting(&get, "PORTCULLIS_SESSION_IDLE_TIMEOUT", Duration::hours(1))?;
        let session_max_lifetime =
            duration_setting(&get, "PORTCULLIS_SESSION_MAX_LIFETIME", Duration::hours(12))?;
        let access_key_max_age =
            duration_setting(&get, "PORTCULLIS_ACCESS_KEY_MAX_AGE", Duration::days(90))?;
        let log_filter = get("PORTCULLIS_LOG").unwrap_or_else(|| "info,sqlx=warn".to_owned());
        tracing_subscriber::EnvFilter::try_new(&log_filter).map_err(|e| {
            config_error(
                "PORTCULLIS_LOG",
                format!("not a valid log filter ({e}); try info or debug"),
            )
        })?;
        let log_json = match get("PORTCULLIS_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(config_error(
                    "PORTCULLIS_LOG_FORMAT",
                    format!("expected text or json, got {other:?}"),
                ));
            }
        };
        let master_keys = get("PORTCULLIS_MASTER_KEY")
            .map(|v| {
                MasterKey::parse_ring(&v).map_err(|m| config_error("PORTCULLIS_MASTER_KEY", m))
            })
            .transpose()?
            .unwrap_or_default();
        let (public_url, allowed_origins) = match get("PORTCULLIS_PUBLIC_URL") {
            Some(url) => {
                let url = url.trim().trim_end_matches('/').to_owned();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(config_error(
                        "PORTCULLIS_PUBLIC_URL",
                        "expected a URL starting with http:// or https://",
                    ));
                }
                let allowed = AllowedOrigins::from_public_url(&url).ok_or_else(|| {
                    config_error(
                        "PORTCULLIS_PUBLIC_URL",
                        "expected a URL like https://iam.example.com with a host name",
                    )
                })?;
                (url, allowed)
            }
            None if addr.ip().is_unspecified() => {
                return Err(config_error(
                    "PORTCULLIS_PUBLIC_URL",
                    format!(
                        "required when listening on all addresses ({addr}): the URL people \
                         use, e.g. https://iam.example.com; requests for other hosts are refused"
                    ),
                ));
            }
            None => {
                let url = format!("http://{addr}");
                let allowed = AllowedOrigins::from_public_url(&url)
                    .ok_or_else(|| config_error("PORTCULLIS_ADDR", "not a usable address"))?;
                let allowed = if addr.ip().is_loopback() {
                    allowed.with_loopback_names(addr)
                } else {
                    allowed
                };
                (url, allowed)
            }
        };
        let trusted_proxies = match get("PORTCULLIS_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .filter(|item| !item.trim().is_empty())
                .map(|item| {
                    Cidr::parse(item).ok_or_else(|| {
                        config_error(
                            "PORTCULLIS_TRUSTED_PROXIES",
                            format!(
                                "expected addresses or networks like 10.0.0.5,10.1.0.0/16,fd00::/8; \
                                 {:?} is neither",
                                item.trim()
                            ),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let site_root = PathBuf::from(
            get("PORTCULLIS_SITE_ROOT")
                .or_else(|| get("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".to_owned()),
        );
        Ok(Self {
            addr,
            database_url,
            data_dir,
            session_idle_timeout,
            access_key_max_age,
            session_max_lifetime,
            log_filter,
            log_json,
            master_keys,
            public_url,
            allowed_origins,
            trusted_proxies,
            site_root,
        })
    }

    /// Cookies are marked Secure when people reach the console over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn duration_setting(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    match get(variable) {
        None => Ok(default),
        Some(text) => parse_duration(&text).ok_or_else(|| {
            config_error(
                variable,
                format!("expected a duration like 90s, 30m or 12h, got {text:?}"),
            )
        }),
    }
}

/// `90`, `90s`, `30m`, `12h` or `1d`; at least one second.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: i64 = number.parse().ok()?;
    let seconds = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    (seconds >= 1).then(|| Duration::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_are_local_and_documented() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.session_idle_timeout, Duration::hours(1));
        assert_eq!(s.session_max_lifetime, Duration::hours(12));
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert!(!s.secure_cookies());
        assert!(s.database_url.is_none());
    }

    #[test]
    fn malformed_values_name_the_variable() {
        let e = settings(&[("PORTCULLIS_ADDR", "nowhere")]).unwrap_err();
        assert_eq!(e.variable, "PORTCULLIS_ADDR");
        let e = settings(&[("PORTCULLIS_SESSION_IDLE_TIMEOUT", "soon")]).unwrap_err();
        assert_eq!(e.variable, "PORTCULLIS_SESSION_IDLE_TIMEOUT");
        let e = settings(&[("PORTCULLIS_MASTER_KEY", "c2hvcnQ=")]).unwrap_err();
        assert_eq!(e.variable, "PORTCULLIS_MASTER_KEY");
        let e = settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(e.variable, "DATABASE_URL");
        let e = settings(&[("PORTCULLIS_LOG_FORMAT", "xml")]).unwrap_err();
        assert_eq!(e.variable, "PORTCULLIS_LOG_FORMAT");
    }

    #[test]
    fn only_the_public_urls_host_and_origin_are_allowed() {
        let s = settings(&[("PORTCULLIS_PUBLIC_URL", "https://IAM.example.com:443/")]).unwrap();
        assert!(s.allowed_origins.allows_host("iam.example.com"));
        assert!(s.allowed_origins.allows_host("iam.example.com:443"));
        assert!(s.allowed_origins.allows_origin("https://iam.example.com"));
        assert!(!s.allowed_origins.allows_origin("http://iam.example.com"));
        assert!(!s.allowed_origins.allows_host("127.0.0.1:3000"));
        assert!(!s.allowed_origins.allows_host("evil.example"));

        let local = settings(&[]).unwrap();
        assert!(local.allowed_origins.allows_host("127.0.0.1:3000"));
        assert!(local.allowed_origins.allows_host("localhost:3000"));
        assert!(local.allowed_origins.allows_origin("http://localhost:3000"));
        assert!(!local.allowed_origins.allows_host("localhost:3001"));
        assert!(
            !local
                .allowed_origins
                .allows_origin("https://127.0.0.1:3000")
        );

        let e = settings(&[("PORTCULLIS_ADDR", "0.0.0.0:3000")]).unwrap_err();
        assert_eq!(e.variable, "PORTCULLIS_PUBLIC_URL");

        let plain = settings(&[("PORTCULLIS_PUBLIC_URL", "https://iam.example.com?x#y")]).unwrap();
        assert!(plain.allowed_origins.allows_host("iam.example.com"));
        assert!(plain.allowed_origins.allows_host("iam.example.com:443"));
        assert!(
            plain
                .allowed_origins
                .allows_origin("https://iam.example.com")
        );
        assert!(!plain.allowed_origins.allows_host("iam.example.com:8443"));

        let port80 = settings(&[("PORTCULLIS_ADDR", "127.0.0.1:80")]).unwrap();
        assert!(port80.allowed_origins.allows_host("localhost"));
        assert!(port80.allowed_origins.allows_origin("http://localhost"));

        let v6 = settings(&[("PORTCULLIS_PUBLIC_URL", "http://[::1]:3000")]).unwrap();
        assert!(v6.allowed_origins.allows_host("[::1]:3000"));
        assert!(!v6.allowed_origins.allows_host("[::1]:3000:80"));
    }

    #[test]
    fn trusted_proxies_are_networks() {
        let s = settings(&[(
            "PORTCULLIS_TRUSTED_PROXIES",
            "10.0.0.0/8, fd00::/8,192.0.2.7",
        )])
        .unwrap();
        let proxies = &s.trusted_proxies;
        let trusted = |ip: &str| proxies.iter().any(|n| n.contains(ip.parse().unwrap()));
        assert!(trusted("10.200.1.1"));
        assert!(trusted("::ffff:10.0.0.1"));
        assert!(trusted("fd12::1"));
        assert!(trusted("192.0.2.7"));
        assert!(!trusted("192.0.2.8"));
        assert!(!trusted("11.0.0.1"));
        let e = settings(&[("PORTCULLIS_TRUSTED_PROXIES", "10.0.0.0/33")]).unwrap_err();
        assert_eq!(e.variable, "PORTCULLIS_TRUSTED_PROXIES");
    }

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("90"), Some(Duration::seconds(90)));
        assert_eq!(parse_duration("30m"), Some(Duration::minutes(30)));
        assert_eq!(parse_duration("12h"), Some(Duration::hours(12)));
        assert_eq!(parse_duration("1d"), Some(Duration::days(1)));
        assert_eq!(parse_duration("0s"), None);
        assert_eq!(parse_duration("1w"), None);
        assert_eq!(parse_duration("-5m"), None);
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let s = settings(&[("PORTCULLIS_PUBLIC_URL", "https://iam.example.com/")]).unwrap();
        assert!(s.secure_cookies());
        assert_eq!(s.public_url, "https://iam.example.com");
    }

    #[test]
    fn master_key_round_trips_and_hides_itself() {
        let key = MasterKey::generate();
        let parsed = MasterKey::parse(&key.to_base64()).unwrap();
        assert_eq!(parsed.bytes(), key.bytes());
        assert_eq!(format!("{parsed:?}"), "MasterKey(****)");
        let other = MasterKey::generate();
        let ring = MasterKey::parse_ring(&format!("{}, {}\n", key.to_base64(), other.to_base64()))
            .unwrap();
        assert_eq!(ring.len(), 2);
        assert_eq!(ring[1].bytes(), other.bytes());
        assert!(MasterKey::parse_ring(" , ").is_err());
        assert!(
            MasterKey::parse_ring(&format!("{},short", key.to_base64()))
                .unwrap_err()
                .starts_with("key 2:")
        );
    }
}
