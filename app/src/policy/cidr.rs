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

    /// Whether the network holds the address. IPv4 and IPv6 are separate, as in AWS (whose
    /// dual-stack guidance has policies list IPv6 ranges beside their IPv4 ones): an IPv4
    /// network holds only IPv4 addresses and an IPv6 one only IPv6 addresses, so `::/0` does
    /// not hold `10.1.2.3`. An address in IPv4-mapped form (`::ffff:10.1.2.3`, as a dual-stack
    /// socket reports an IPv4 peer) is that IPv4 client and is compared as one, so spelling it
    /// that way can neither escape a Deny on its IPv4 range nor land in an IPv6 range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self, ip.to_canonical()) {
            (Cidr::V4 { network, prefix }, IpAddr::V4(v4)) => {
                u32::from(v4) & mask32(*prefix) == *network
            }
            (Cidr::V6 { network, prefix }, IpAddr::V6(v6)) => {
                u128::from(v6) & mask128(*prefix) == *network
            }
            _ => false,
        }
    }

    /// For an IPv6 network inside `::ffff:0:0/96` (IPv4-mapped addresses), the IPv4 network
    /// it spells. No request address is in such a network (see [`Cidr::contains`]), so lint
    /// suggests this one instead.
    pub fn mapped_ipv4(&self) -> Option<Cidr> {
        let Cidr::V6 { network, prefix } = *self else {
            return None;
        };
        if prefix < 96 || network >> 32 != 0xffff {
            return None;
        }
        Some(Cidr::V4 {
            network: (network & u128::from(u32::MAX)) as u32,
            prefix: prefix - 96,
        })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Cidr::V4 { network, prefix } => {
                write!(f, "{}/{prefix}", std::net::Ipv4Addr::from(network))
            }
            Cidr::V6 { network, prefix } => {
                write!(f, "{}/{prefix}", std::net::Ipv6Addr::from(network))
            }
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
    fn families_are_separate_and_mapped_addresses_are_ipv4() {
        assert!(holds("10.0.0.0/8", "10.1.2.3"));
        assert!(holds("10.0.0.0/8", "::ffff:10.1.2.3"));
        assert!(!holds("10.0.0.0/8", "::ffff:11.1.2.3"));
        assert!(!holds("10.0.0.0/8", "::10.1.2.3"));
        assert!(!holds("10.0.0.0/8", "2001:db8::1"));
        assert!(!holds("2001:db8::/32", "10.1.2.3"));
        assert!(!holds("::/0", "10.1.2.3"));
        assert!(!holds("::/0", "::ffff:10.1.2.3"));
        assert!(holds("::/0", "2001:db8::1"));
        assert!(holds("0.0.0.0/0", "::ffff:8.8.8.8"));
        assert!(!holds("::ffff:0:0/96", "10.1.2.3"));
        assert!(!holds("::ffff:10.0.0.0/104", "::ffff:10.1.2.3"));
    }

    #[test]
    fn mapped_networks_name_their_ipv4_network() {
        let v4 = |text: &str| {
            Cidr::parse(text)
                .unwrap()
                .mapped_ipv4()
                .map(|c| c.to_string())
        };
        assert_eq!(v4("::ffff:10.0.0.0/104").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(v4("::ffff:0:0/96").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(v4("::ffff:192.0.2.1").as_deref(), Some("192.0.2.1/32"));
        assert_eq!(v4("::/0"), None);
        assert_eq!(v4("::/96"), None);
        assert_eq!(v4("::ffff:0:0/95"), None);
        assert_eq!(v4("10.0.0.0/8"), None);
        assert_eq!(v4("2001:db8::/32"), None);
    }
}
