//! The client's address: the TCP peer, unless the peer is a trusted reverse proxy, in
//! which case the nearest address in `X-Forwarded-For` that is not itself a trusted
//! proxy. A client cannot forge its address by sending the header itself: from an
//! untrusted peer the header is ignored, and behind a proxy only the part the proxies
//! appended is read (from the right).

use app::directory::ClientAddr;
use app::policy::Cidr;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub async fn resolve(
    State(trusted): State<Arc<Vec<Cidr>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        // Lossy: a byte that is not UTF-8 must not make a whole line (and the address
        // our proxy appended to it) disappear.
        let forwarded: Vec<String> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let forwarded: Vec<&str> = forwarded.iter().map(String::as_str).collect();
        let client = client_address(peer, &forwarded, &trusted);
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

/// Walks `X-Forwarded-For` from the right while the hop is a trusted proxy.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer.to_canonical();
    if !is_trusted(client) {
        return client;
    }
    let hops = forwarded_for
        .iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        match parse_hop(hop) {
            Some(ip) => {
                client = ip.to_canonical();
                if !is_trusted(client) {
                    return client;
                }
            }
            // Garbage in the chain: stop at the last address a trusted hop vouched for.
            None => {
                tracing::debug!(hop, "unreadable X-Forwarded-For entry");
                return client;
            }
        }
    }
    client
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:5000`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:5000`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = hop.rsplit_once(':')?;
    port.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted = vec![Cidr::parse("10.0.0.0/8").unwrap()];
        // Direct client: the header is the client's own claim and is ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["198.51.100.1"], &trusted),
            ip("203.0.113.9")
        );
        // Behind the proxy: the address the proxy appended.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1"], &trusted),
            ip("198.51.100.1")
        );
        // A forged entry on the left is skipped: the right-most untrusted hop wins.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["1.2.3.4, 198.51.100.1"], &trusted),
            ip("198.51.100.1")
        );
        // Two proxies.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1", "10.0.0.3"], &trusted),
            ip("198.51.100.1")
        );
        // Garbage from the client: the last trusted hop's view.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["not-an-ip"], &trusted),
            ip("10.0.0.2")
        );
        // Ports and brackets as load balancers write them.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1:4711"], &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &["[2001:db8::7]:4711"], &trusted),
            ip("2001:db8::7")
        );
        // No proxies configured: never believed.
        assert_eq!(
            client_address(ip("127.0.0.1"), &["198.51.100.1"], &[]),
            ip("127.0.0.1")
        );
    }
}
