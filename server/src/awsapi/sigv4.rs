//! Signature Version 4, checked as AWS specifies it: the canonical request (method,
//! the path normalised and encoded again, the query sorted and encoded, the signed
//! headers trimmed and sorted, the payload's hash), the string to sign, and the key
//! derived from the secret by date, region and service. Pure: the caller looks up the
//! secret and passes `now`.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// How far a request's time may be from ours, either way.
pub const MAX_SKEW: time::Duration = time::Duration::minutes(15);
/// The longest a presigned URL may live (AWS's limit, seven days).
pub const MAX_EXPIRES_SECS: i64 = 604_800;

const AMZ_DATE: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// The request as it arrived: what the signature covers.
pub struct Incoming<'a> {
    pub method: &'a str,
    /// The path as sent, still percent-encoded.
    pub raw_path: &'a str,
    /// The query string as sent, without the `?`.
    pub raw_query: Option<&'a str>,
    /// Header names (any case) with their values, repeated names included.
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

/// Where the signature was: the Authorization header or a presigned URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Header,
    Query,
}

/// What a signature names: `<key id>/<date>/<region>/<service>/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
}

impl Scope {
    fn parse(credential: &str) -> Result<Self, SigError> {
        let parts: Vec<&str> = credential.split('/').collect();
        match parts.as_slice() {
            [key, date, region, service, "aws4_request"]
                if !key.is_empty() && !region.is_empty() && !service.is_empty() =>
            {
                Ok(Self {
                    access_key_id: (*key).to_owned(),
                    date: (*date).to_owned(),
                    region: (*region).to_owned(),
                    service: (*service).to_owned(),
                })
            }
            [_, _, _, _, terminal] => Err(SigError::SignatureDoesNotMatch(format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminal}'."
            ))),
            _ => Err(SigError::IncompleteSignature(format!(
                "Credential should be scoped to a valid region, service and terminator: '{credential}' is malformed."
            ))),
        }
    }

    /// `<date>/<region>/<service>/aws4_request`, as the string to sign holds it.
    pub fn text(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// A signature as the request states it, parsed but not yet checked.
#[derive(Debug, Clone)]
pub struct Signed {
    pub form: Form,
    pub scope: Scope,
    /// Lower-case header names, in the order given (AWS wants them sorted).
    pub signed_headers: Vec<String>,
    pub signature: String,
    pub amz_date: String,
    pub at: OffsetDateTime,
    /// A presigned URL's lifetime in seconds.
    pub expires: Option<i64>,
    /// `X-Amz-Security-Token`, for temporary credentials.
    pub security_token: Option<String>,
}

/// Why a request's signature was refused, with AWS's code for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigError {
    /// Neither an Authorization header nor a presigned query.
    Missing,
    /// The signature's parts are missing or malformed (AWS: IncompleteSignature, 400).
    IncompleteSignature(String),
    /// AWS: SignatureDoesNotMatch (403), also for a time out of range.
    SignatureDoesNotMatch(String),
}

pub const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

fn header<'a>(incoming: &'a Incoming<'_>, name: &str) -> Option<&'a str> {
    incoming
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The query's pairs, percent-decoded (RFC 3986: `+` stays `+`).
pub fn query_pairs(raw_query: Option<&str>) -> Vec<(String, String)> {
    raw_query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Finds the signature in the request, in either form, and parses its parts.
pub fn parse(incoming: &Incoming<'_>) -> Result<Signed, SigError> {
    if let Some(authorization) = header(incoming, "authorization") {
        return parse_header(incoming, authorization);
    }
    let query = query_pairs(incoming.raw_query);
    if query.iter().any(|(k, _)| k == "X-Amz-Algorithm") {
        return parse_query(&query);
    }
    Err(SigError::Missing)
}

fn parse_header(incoming: &Incoming<'_>, authorization: &str) -> Result<Signed, SigError> {
    let Some(rest) = authorization.trim().strip_prefix(ALGORITHM) else {
        return Err(SigError::IncompleteSignature(format!(
            "Unsupported AWS 'algorithm': '{}'; only {ALGORITHM} is accepted.",
            authorization.split_whitespace().next().unwrap_or("")
        )));
    };
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key.trim() {
            "Credential" => credential = Some(value.trim()),
            "SignedHeaders" => signed_headers = Some(value.trim()),
            "Signature" => signature = Some(value.trim()),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    if credential.is_none() {
        missing.push("Authorization header requires 'Credential' parameter.");
    }
    if signature.is_none() {
        missing.push("Authorization header requires 'Signature' parameter.");
    }
    if signed_headers.is_none() {
        missing.push("Authorization header requires 'SignedHeaders' parameter.");
    }
    let amz_date = header(incoming, "x-amz-date");
    if amz_date.is_none() {
        missing.push(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(amz_date)) =
        (credential, signed_headers, signature, amz_date)
    else {
        return Err(SigError::IncompleteSignature(format!(
            "{} Authorization={authorization_shown}",
            missing.join(" "),
            authorization_shown = authorization.split_whitespace().next().unwrap_or("")
        )));
    };
    finish(
        Form::Header,
        credential,
        signed_headers,
        signature,
        amz_date,
        None,
        header(incoming, "x-amz-security-token").map(str::to_owned),
    )
}

fn parse_query(query: &[(String, String)]) -> Result<Signed, SigError> {
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if get("X-Amz-Algorithm") != Some(ALGORITHM) {
        return Err(SigError::IncompleteSignature(format!(
            "X-Amz-Algorithm only supports \"{ALGORITHM}\""
        )));
    }
    let mut missing = Vec::new();
    for name in [
        "X-Amz-Credential",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Date",
    ] {
        if get(name).is_none() {
            missing.push(format!(
                "AWS query-string parameters must include '{name}'."
            ));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(amz_date)) = (
        get("X-Amz-Credential"),
        get("X-Amz-SignedHeaders"),
        get("X-Amz-Signature"),
        get("X-Amz-Date"),
    ) else {
        return Err(SigError::IncompleteSignature(missing.join(" ")));
    };
    let expires = match get("X-Amz-Expires") {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(secs) if (0..=MAX_EXPIRES_SECS).contains(&secs) => Some(secs),
            _ => {
                return Err(SigError::IncompleteSignature(format!(
                    "X-Amz-Expires must be a whole number of seconds from 0 to {MAX_EXPIRES_SECS}."
                )));
            }
        },
    };
    finish(
        Form::Query,
        credential,
        signed_headers,
        signature,
        amz_date,
        expires,
        get("X-Amz-Security-Token").map(str::to_owned),
    )
}

fn finish(
    form: Form,
    credential: &str,
    signed_headers: &str,
    signature: &str,
    amz_date: &str,
    expires: Option<i64>,
    security_token: Option<String>,
) -> Result<Signed, SigError> {
    let scope = Scope::parse(credential)?;
    let at = time::PrimitiveDateTime::parse(amz_date, AMZ_DATE)
        .map(time::PrimitiveDateTime::assume_utc)
        .map_err(|_| {
            SigError::IncompleteSignature(format!(
                "Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601"
            ))
        })?;
    if !amz_date.starts_with(&scope.date) {
        return Err(SigError::SignatureDoesNotMatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
            scope.date,
            &amz_date[..8.min(amz_date.len())]
        )));
    }
    let signed_headers: Vec<String> = signed_headers
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    if !signed_headers.iter().any(|h| h == "host") {
        return Err(SigError::SignatureDoesNotMatch(
            "'Host' must be a 'SignedHeader' in the AWS Authorization.".to_owned(),
        ));
    }
    Ok(Signed {
        form,
        scope,
        signed_headers,
        signature: signature.to_ascii_lowercase(),
        amz_date: amz_date.to_owned(),
        at,
        expires,
        security_token,
    })
}

/// Refuses a request whose time is more than 15 minutes from `now`, or a presigned URL
/// past its expiry, in AWS's words.
pub fn check_time(signed: &Signed, now: OffsetDateTime) -> Result<(), SigError> {
    let show = |t: OffsetDateTime| t.format(AMZ_DATE).unwrap_or_default();
    if let Some(expires) = signed.expires {
        let until = signed.at + time::Duration::seconds(expires);
        if now > until {
            return Err(SigError::SignatureDoesNotMatch(format!(
                "Signature expired: {} is now earlier than {} ({} - {expires} sec.)",
                show(until),
                show(now),
                show(now)
            )));
        }
        if signed.at > now + MAX_SKEW {
            return Err(not_yet_current(signed, now));
        }
        return Ok(());
    }
    if signed.at < now - MAX_SKEW {
        return Err(SigError::SignatureDoesNotMatch(format!(
            "Signature expired: {} is now earlier than {} ({} - 15 min.)",
            signed.amz_date,
            show(now - MAX_SKEW),
            show(now)
        )));
    }
    if signed.at > now + MAX_SKEW {
        return Err(not_yet_current(signed, now));
    }
    Ok(())
}

fn not_yet_current(signed: &Signed, now: OffsetDateTime) -> SigError {
    let show = |t: OffsetDateTime| t.format(AMZ_DATE).unwrap_or_default();
    SigError::SignatureDoesNotMatch(format!(
        "Signature not yet current: {} is still later than {} ({} + 15 min.)",
        signed.amz_date,
        show(now + MAX_SKEW),
        show(now)
    ))
}

/// AWS's URI encoding: every byte but the unreserved characters `A-Z a-z 0-9 - _ . ~`
/// as `%XX` (upper case); `/` kept when `keep_slash`.
pub fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b'/' if keep_slash => out.push('/'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
        }
    }
    out
}

/// The path as the canonical request holds it (services other than S3): dot segments
/// and empty segments removed, then encoded again as sent.
pub fn canonical_path(raw_path: &str) -> String {
    if raw_path.is_empty() {
        return "/".to_owned();
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in raw_path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut path = String::new();
    if raw_path.starts_with('/') {
        path.push('/');
    }
    path.push_str(&segments.join("/"));
    if raw_path.ends_with('/') && !segments.is_empty() {
        path.push('/');
    }
    uri_encode(&path, true)
}

/// The query as the canonical request holds it: each name and value encoded, sorted by
/// name then value; a presigned URL's own signature left out.
pub fn canonical_query(raw_query: Option<&str>, form: Form) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(raw_query)
        .into_iter()
        .filter(|(k, _)| !(form == Form::Query && k == "X-Amz-Signature"))
        .map(|(k, v)| (uri_encode(&k, false), uri_encode(&v, false)))
        .collect();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn trim_all(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The canonical request, or the name of a signed header the request lacks.
pub fn canonical_request(incoming: &Incoming<'_>, signed: &Signed) -> Result<String, SigError> {
    let mut names = signed.signed_headers.clone();
    names.sort();
    names.dedup();
    let mut headers = String::new();
    for name in &names {
        let values: Vec<String> = incoming
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| trim_all(v))
            .collect();
        if values.is_empty() {
            return Err(SigError::SignatureDoesNotMatch(format!(
                "The request signature names the header '{name}', which the request does not carry."
            )));
        }
        headers.push_str(name);
        headers.push(':');
        headers.push_str(&values.join(","));
        headers.push('\n');
    }
    let body_hash = hex(&Sha256::digest(incoming.body));
    let payload = match header(incoming, "x-amz-content-sha256") {
        Some(claimed) if claimed != body_hash => {
            return Err(SigError::SignatureDoesNotMatch(
                "The provided 'x-amz-content-sha256' header does not match what was computed."
                    .to_owned(),
            ));
        }
        _ => body_hash,
    };
    Ok(format!(
        "{method}\n{path}\n{query}\n{headers}\n{signed}\n{payload}",
        method = incoming.method.to_ascii_uppercase(),
        path = canonical_path(incoming.raw_path),
        query = canonical_query(incoming.raw_query, signed.form),
        signed = names.join(";"),
    ))
}

pub fn string_to_sign(signed: &Signed, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        signed.amz_date,
        signed.scope.text(),
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// HMAC-SHA256 (RFC 2104), written out: it is a few lines, and cannot fail.
fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut padded = [0u8; BLOCK];
    if key.len() > BLOCK {
        padded[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        padded[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(padded.map(|b| b ^ 0x36));
    inner.update(data);
    let mut outer = Sha256::new();
    outer.update(padded.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The key derived from the secret for one day, region and service (what a cache
/// keeps, so a request costs one HMAC instead of five).
pub fn signing_key(secret: &str, scope: &Scope) -> [u8; 32] {
    let date = hmac(format!("AWS4{secret}").as_bytes(), scope.date.as_bytes());
    let region = hmac(&date, scope.region.as_bytes());
    let service = hmac(&region, scope.service.as_bytes());
    hmac(&service, b"aws4_request")
}

/// The signature for a string to sign, in lower-case hex.
pub fn sign(key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&hmac(key, string_to_sign.as_bytes()))
}

/// Whether the request's signature is the one `key` makes, compared in constant time.
pub fn matches(key: &[u8; 32], signed: &Signed, string_to_sign: &str) -> bool {
    let expected = sign(key, string_to_sign);
    expected
        .as_bytes()
        .ct_eq(signed.signature.as_bytes())
        .into()
}

pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// AWS's documented example (IAM ListUsers, GET, 2015-08-30), from the SigV4
    /// documentation's worked example; its secret is AWS's published example secret.
    fn example() -> (Incoming<'static>, &'static str) {
        (
            Incoming {
                method: "GET",
                raw_path: "/",
                raw_query: Some("Action=ListUsers&Version=2010-05-08"),
                headers: vec![
                    (
                        "Content-Type".to_owned(),
                        "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
                    ),
                    ("Host".to_owned(), "iam.amazonaws.com".to_owned()),
                    ("X-Amz-Date".to_owned(), "20150830T123600Z".to_owned()),
                    (
                        "Authorization".to_owned(),
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7".to_owned(),
                    ),
                ],
                body: b"",
            },
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
    }

    #[test]
    fn the_documented_example_verifies() {
        let (incoming, secret) = example();
        let signed = parse(&incoming).unwrap();
        assert_eq!(signed.form, Form::Header);
        assert_eq!(signed.scope.service, "iam");
        let canonical = canonical_request(&incoming, &signed).unwrap();
        assert_eq!(
            hex(&Sha256::digest(canonical.as_bytes())),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        let sts = string_to_sign(&signed, &canonical);
        let key = signing_key(secret, &signed.scope);
        assert!(matches(&key, &signed, &sts));
        let wrong = signing_key("not-the-secret", &signed.scope);
        assert!(!matches(&wrong, &signed, &sts));
    }

    #[test]
    fn time_is_checked_against_fifteen_minutes_either_way() {
        let (incoming, _) = example();
        let signed = parse(&incoming).unwrap();
        let at = datetime!(2015-08-30 12:36:00 UTC);
        assert!(check_time(&signed, at + time::Duration::minutes(15)).is_ok());
        assert!(check_time(&signed, at - time::Duration::minutes(15)).is_ok());
        let late = check_time(&signed, at + time::Duration::minutes(16)).unwrap_err();
        assert_eq!(
            late,
            SigError::SignatureDoesNotMatch(
                "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)".to_owned()
            )
        );
        assert!(matches!(
            check_time(&signed, at - time::Duration::minutes(16)),
            Err(SigError::SignatureDoesNotMatch(m)) if m.starts_with("Signature not yet current")
        ));
    }

    #[test]
    fn paths_and_queries_are_canonicalised_as_aws_says() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/a/./b/../c//d/"), "/a/c/d/");
        // Encoded as sent, then again.
        assert_eq!(canonical_path("/a%20b"), "/a%2520b");
        assert_eq!(
            canonical_query(Some("b=2&a=z&a=y&c=&d"), Form::Header),
            "a=y&a=z&b=2&c=&d="
        );
        assert_eq!(
            canonical_query(Some("k=%7e+%2F"), Form::Header),
            "k=~%2B%2F"
        );
        assert_eq!(
            canonical_query(Some("X-Amz-Signature=abc&X-Amz-Date=1"), Form::Query),
            "X-Amz-Date=1"
        );
    }

    #[test]
    fn malformed_signatures_say_what_is_missing() {
        let mut incoming = example().0;
        incoming.headers[3].1 =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request"
                .to_owned();
        assert!(matches!(
            parse(&incoming),
            Err(SigError::IncompleteSignature(m)) if m.contains("'Signature'") && m.contains("'SignedHeaders'")
        ));
        incoming.headers[3].1 = "AWS Basic abc".to_owned();
        assert!(matches!(
            parse(&incoming),
            Err(SigError::IncompleteSignature(_))
        ));
        incoming.headers.remove(3);
        assert_eq!(parse(&incoming).unwrap_err(), SigError::Missing);
    }

    #[test]
    fn a_tampered_body_hash_is_refused() {
        let (mut incoming, _) = example();
        incoming
            .headers
            .push(("X-Amz-Content-SHA256".to_owned(), "0".repeat(64)));
        let signed = parse(&incoming).unwrap();
        assert!(matches!(
            canonical_request(&incoming, &signed),
            Err(SigError::SignatureDoesNotMatch(_))
        ));
    }
}
