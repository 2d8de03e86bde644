//! The HTTP edge: only our own host and origin, security headers, body and time limits.

use crate::helpers::*;
use reqwest::StatusCode;
use std::time::Duration;

async fn post_signin(app: &TestApp, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = bare_client()
        .build()
        .unwrap()
        .post(app.url("/api/signin"))
        .header("accept", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .form(&[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn state_changes_need_our_own_origin_or_same_origin_fetch_metadata() {
    let app = spawn_app().await;
    app.bootstrap().await;
    let own = app.address.clone();
    let https_twin = own.replacen("http://", "https://", 1);
    type Headers<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(Headers, u16, &str)> = vec![
        (vec![], 403, "neither Origin nor Sec-Fetch-Site"),
        (
            vec![("sec-fetch-site", "none")],
            403,
            "typed in the address bar",
        ),
        (vec![("sec-fetch-site", "cross-site")], 403, "another site"),
        (vec![("sec-fetch-site", "same-site")], 403, "a sibling site"),
        (
            vec![("origin", "https://evil.example")],
            403,
            "foreign origin",
        ),
        (vec![("origin", "null")], 403, "opaque origin"),
        (
            vec![("origin", https_twin.as_str())],
            403,
            "https is another origin",
        ),
        (
            vec![("origin", own.as_str()), ("sec-fetch-site", "cross-site")],
            403,
            "headers that disagree",
        ),
        (
            vec![("sec-fetch-site", "same-origin")],
            200,
            "fetch metadata alone",
        ),
        (vec![("origin", own.as_str())], 200, "origin alone"),
        (
            vec![("origin", own.as_str()), ("sec-fetch-site", "same-origin")],
            200,
            "a browser's own request",
        ),
    ];
    for (headers, expected, case) in cases {
        assert_eq!(post_signin(&app, &headers).await, expected, "{case}");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM signin_attempts").await,
        3,
        "only the three accepted requests reached sign-in"
    );
}

#[tokio::test]
async fn other_hosts_are_refused_whatever_the_method() {
    let app = spawn_app().await;
    let client = bare_client().build().unwrap();
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    // DNS rebinding: a page at evil.example whose name now resolves to us.
    let evil_host = format!("evil.example:{port}");
    let page = client
        .get(app.url("/setup"))
        .header("host", &evil_host)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::MISDIRECTED_REQUEST);
    let setup = client
        .post(app.url("/api/setup"))
        .header("host", &evil_host)
        .header("origin", format!("http://{evil_host}"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("email", ROOT_EMAIL),
            ("password", ROOT_PASSWORD),
            ("password_confirmation", ROOT_PASSWORD),
            ("alias", ""),
            ("setup_token", SETUP_TOKEN),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(app.count("SELECT count(*) FROM accounts").await, 0);
    // Loopback names for our own port are ours; health checks answer any host.
    let local = client
        .get(app.url("/setup"))
        .header("host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(local.status(), StatusCode::OK);
    let health = client
        .get(app.url("/healthz"))
        .header("host", "health-checker.internal")
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_nonce_their_scripts_use() {
    let app = spawn_app().await;
    check_page_headers(&app, "/setup", 200).await;
    app.bootstrap().await;
    check_page_headers(&app, "/signin", 200).await;
    app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.unwrap();
    check_page_headers(&app, "/", 200).await;
    check_page_headers(&app, "/no-such-page", 404).await;
    // Server functions too.
    let response = app
        .client
        .post(app.url("/api/dashboard"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
}

async fn check_page_headers(app: &TestApp, path: &str, status: u16) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), status, "{path}");
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"))
        .to_owned();
    assert!(nonce.len() >= 16, "{path}: {nonce}");
    assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    assert_eq!(headers["cache-control"], "no-store", "{path}");
    assert!(
        !headers.contains_key("strict-transport-security"),
        "plain http"
    );
    let body = response.text().await.unwrap();
    let scripts: Vec<&str> = body
        .split("<script")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or_default())
        .collect();
    assert!(!scripts.is_empty(), "{path}");
    for tag in scripts {
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: a script without the page's nonce: <script{tag}>"
        );
    }
    // A second request gets a fresh nonce.
    let again = app.client.get(app.url(path)).send().await.unwrap();
    let csp_again = again.headers()["content-security-policy"].to_str().unwrap();
    assert!(!csp_again.contains(&nonce), "{path}: nonce reused");
}

#[tokio::test]
async fn over_https_the_cookie_is_host_prefixed_and_ends_with_the_browser() {
    let app = spawn_app_with(Options {
        https: true,
        ..Options::default()
    })
    .await;
    app.bootstrap().await;
    let origin = app.address.replacen("http://", "https://", 1);
    let response = bare_client()
        .build()
        .unwrap()
        .post(app.url("/api/signin"))
        .header("accept", "application/json")
        .header("origin", origin)
        .form(&[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("strict-transport-security"));
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("__Host-portcullis_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "a browser-session cookie: {cookie}"
    );
}

#[tokio::test]
async fn a_large_body_is_refused_before_anything_reads_it() {
    let app = spawn_app().await;
    app.bootstrap().await;
    let big = "x".repeat(3 * 1024 * 1024);
    let response = app
        .client
        .post(app.url("/api/signin"))
        .header("accept", "application/json")
        .form(&[("email", ROOT_EMAIL), ("password", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("SELECT count(*) FROM signin_attempts").await, 0);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let app = spawn_app().await;
    let addr = app.address.trim_start_matches("http://").to_owned();
    // A half-sent request, a silent connection and the start of an HTTP/2 preface.
    let (half, silent, preface) = tokio::join!(
        closed_after(&addr, b"GET /signin HTTP/1.1\r\nHost: "),
        closed_after(&addr, b""),
        closed_after(&addr, b"PRI * HTTP/2.0\r\n"),
    );
    for (case, waited) in [("half", half), ("silent", silent), ("preface", preface)] {
        let waited = waited.unwrap_or_else(|| panic!("{case}: still open after 20 s"));
        assert!(
            waited < Duration::from_secs(15),
            "{case}: closed after {waited:?}"
        );
    }
    assert!(half >= Some(Duration::from_secs(9)), "{half:?}");
}

/// How long the server keeps a connection that sent `bytes` and then nothing.
async fn closed_after(addr: &str, bytes: &[u8]) -> Option<Duration> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let started = std::time::Instant::now();
    let mut buffer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut buffer))
        .await
        .ok()
        .map(|_| started.elapsed())
}

/// A site root of our own: the test decides which compressed copies exist.
fn site_with_bundle() -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("portcullis-site-{}", uuid::Uuid::new_v4()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("portcullis.js"), "export const plain = 1;").unwrap();
    std::fs::write(pkg.join("portcullis.js.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("portcullis.js.gz"), b"gzip bytes").unwrap();
    std::fs::write(pkg.join("portcullis.css"), "body{}").unwrap();
    root
}

#[tokio::test]
async fn the_bundle_is_served_precompressed_to_browsers_that_accept_it() {
    let root = site_with_bundle();
    let app = spawn_app_with(Options {
        site_root: root.clone(),
        ..Options::default()
    })
    .await;
    let get = |encoding: &'static str, path: &'static str| {
        let request = bare_client()
            .build()
            .unwrap()
            .get(app.url(path))
            .header("accept-encoding", encoding);
        async move { request.send().await.unwrap() }
    };
    let brotli = get("gzip, br", "/pkg/portcullis.js").await;
    assert_eq!(brotli.status(), 200);
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert!(
        brotli.headers()["vary"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let gzip = get("gzip", "/pkg/portcullis.js").await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"gzip bytes");
    let plain = get("identity", "/pkg/portcullis.js").await;
    assert!(!plain.headers().contains_key("content-encoding"));
    assert_eq!(plain.text().await.unwrap(), "export const plain = 1;");
    // Without a compressed copy, the file itself.
    let css = get("gzip, br", "/pkg/portcullis.css").await;
    assert_eq!(css.status(), 200);
    assert!(!css.headers().contains_key("content-encoding"));
    // The test binary has no hash file beside it, so names are not hashed and the
    // browser must revalidate; a page is never stored.
    assert_eq!(css.headers()["cache-control"], "no-cache");
    assert_eq!(get("br", "/pkg/missing.js").await.status(), 404);
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn the_aws_service_catalogue_is_served_compressed_and_revalidated() {
    let app = spawn_app().await;
    let get = |encoding: &'static str, if_none_match: Option<String>| {
        let mut request = bare_client()
            .build()
            .unwrap()
            .get(app.url("/aws/catalogue.json"))
            .header("accept-encoding", encoding);
        if let Some(tag) = if_none_match {
            request = request.header("if-none-match", tag);
        }
        async move { request.send().await.unwrap() }
    };
    // Signed out: public AWS data, like the bundle.
    let gzip = get("gzip, br", None).await;
    assert_eq!(gzip.status(), 200);
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.headers()["content-type"], "application/json");
    assert_eq!(gzip.headers()["cache-control"], "public, no-cache");
    assert_eq!(gzip.headers()["vary"], "accept-encoding");
    let etag = gzip.headers()["etag"].to_str().unwrap().to_owned();
    let compressed = gzip.bytes().await.unwrap();
    let plain = get("identity", None).await;
    assert!(!plain.headers().contains_key("content-encoding"));
    let json = plain.text().await.unwrap();
    assert!(
        compressed.len() * 4 < json.len(),
        "gzip {} bytes against {} plain",
        compressed.len(),
        json.len()
    );
    let catalogue = app::policy::Catalogue::parse(&json).unwrap();
    assert!(catalogue.services().len() > 300, "every AWS service");
    assert!(catalogue.action_count() > 15_000);
    let s3 = catalogue.service("s3").unwrap();
    assert_eq!(s3.name, "Amazon S3");
    assert!(
        s3.actions
            .iter()
            .any(|a| a.name() == "GetObject" && a.access_level() == app::policy::AccessLevel::Read)
    );
    assert_eq!(catalogue.pattern_matches("iam:PassRole"), Some(true));
    // The same content again costs a 304.
    let again = get("gzip", Some(etag.clone())).await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert_eq!(
        get("gzip", Some("\"other\"".to_owned())).await.status(),
        200
    );
}
