//! IP networks for IpAddress / NotIpAddress, on std::net alone.

use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cidr {
    V4 { network: u32, prefix: u8 },
    V6 { network: u128, prefix: u8 },
}

impl Cidr {
    /// `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128).
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => {
                if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (addr, Some(prefix.parse::<u8>().ok()?))
            }
            None => (text, None),
        };
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(v4) => {
                let prefix = prefix.unwrap_or(32);
                if prefix > 32 {
                    return None;
                }
                Some(Cidr::V4 {
                    network: u32::from(v4) & mask32(prefix),
                    prefix,
                })
            }
            IpAddr::V6(v6) => {
                let prefix = prefix.unwrap_or(128);
                if prefix > 128 {
                    return None;
                }
                Some(Cidr::V6 {
                    network: u128::from(v6) & mask128(prefix),
                    prefix,
                })
            }
        }
    }

    /// Whether the network holds the address. An IPv4 address and its IPv4-mapped IPv6 form
    /// (`::ffff:10.1.2.3`) are the same client, so both forms are tried: a v4 network holds a
    /// mapped address, and a mapped v6 network (`::ffff:10.0.0.0/104`) holds a v4 address.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (v4, v6) = match ip {
            IpAddr::V4(v4) => (Some(v4), v4.to_ipv6_mapped()),
            IpAddr::V6(v6) => (v6.to_ipv4_mapped(), v6),
        };
        match self {
            Cidr::V4 { network, prefix } => {
                v4.is_some_and(|v4| u32::from(v4) & mask32(*prefix) == *network)
            }
            Cidr::V6 { network, prefix } => u128::from(v6) & mask128(*prefix) == *network,
        }
    }
}

/// A request's source address; tolerates a trailing `/32` style suffix some callers send.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let addr = text.split_once('/').map(|(a, _)| a).unwrap_or(text);
    addr.parse().ok()
}

fn mask32(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

fn mask128(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn holds(cidr: &str, ip: &str) -> bool {
        Cidr::parse(cidr).unwrap().contains(ip.parse().unwrap())
    }

    #[test]
    fn v4_and_mapped_v6_are_the_same_client() {
        assert!(holds("10.0.0.0/8", "10.1.2.3"));
        assert!(holds("10.0.0.0/8", "::ffff:10.1.2.3"));
        assert!(holds("::ffff:10.0.0.0/104", "10.1.2.3"));
        assert!(holds("::ffff:10.0.0.0/104", "::ffff:10.1.2.3"));
        assert!(!holds("::ffff:10.0.0.0/104", "11.1.2.3"));
        assert!(!holds("10.0.0.0/8", "2001:db8::1"));
        assert!(!holds("2001:db8::/32", "10.1.2.3"));
        assert!(holds("::/0", "10.1.2.3"));
    }
}
