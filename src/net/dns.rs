//! DNS for every stage: MX and SRV for discovery, A/AAAA for probing and for the host names of
//! autoconfig URLs. With `--dns-server` every query goes to that one server.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{LookupIpStrategy, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::xfer::Protocol as Transport;
use hickory_resolver::{ResolveError, TokioResolver};

/// Why a lookup gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    #[error("the name does not exist (NXDOMAIN)")]
    NxDomain,
    #[error("no records of that type")]
    NoRecords,
    #[error("the DNS server did not answer within {0:?}")]
    Timeout(Duration),
    #[error("DNS lookup failed: {0}")]
    Failed(String),
}

impl DnsError {
    /// The name or record does not exist, as opposed to a lookup that failed.
    pub fn is_absent(&self) -> bool {
        matches!(self, DnsError::NxDomain | DnsError::NoRecords)
    }
}

/// An MX record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mx {
    pub preference: u16,
    pub exchange: String,
}

/// An SRV record. A `target` of `.` is kept as `"."`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

/// A resolver with a per-query time limit.
#[derive(Clone)]
pub struct Dns {
    resolver: Arc<TokioResolver>,
    timeout: Duration,
    server: Option<SocketAddr>,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns")
            .field("server", &self.server)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Dns {
    /// The system's resolver configuration (`/etc/resolv.conf`), or `server` for every query.
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Self, DnsError> {
        let mut options = ResolverOpts::default();
        options.timeout = timeout;
        options.attempts = 1;
        // Mail names are absolute; search domains would only invent wrong answers.
        options.ndots = 0;
        // A and AAAA both, at once: probes connect to every address (Happy Eyeballs, RFC 8305),
        // where hickory's default asks for AAAA only when there is no A.
        options.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
        let resolver = match server {
            Some(addr) => {
                let mut config = ResolverConfig::new();
                config.add_name_server(NameServerConfig::new(addr, Transport::Udp));
                config.add_name_server(NameServerConfig::new(addr, Transport::Tcp));
                TokioResolver::builder_with_config(config, TokioConnectionProvider::default())
                    .with_options(options)
                    .build()
            }
            None => {
                let mut builder = TokioResolver::builder_tokio().map_err(|e| {
                    DnsError::Failed(format!("cannot read the system's DNS settings: {e}"))
                })?;
                *builder.options_mut() = options;
                builder.options_mut().ndots = 0;
                builder.build()
            }
        };
        Ok(Self {
            resolver: Arc::new(resolver),
            timeout,
            server,
        })
    }

    /// Parses `IP[:PORT]` (port 53 by default; `[v6]:port` for IPv6 with a port).
    pub fn parse_server(spec: &str) -> Result<SocketAddr, String> {
        if let Ok(addr) = spec.parse::<SocketAddr>() {
            return Ok(addr);
        }
        spec.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .map(|ip| SocketAddr::new(ip, 53))
            .map_err(|_| format!("{spec:?} is not IP or IP:PORT"))
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// MX records, most preferred first.
    pub async fn mx(&self, domain: &str) -> Result<Vec<Mx>, DnsError> {
        let lookup = self
            .limit(self.resolver.mx_lookup(absolute(domain)))
            .await?;
        let mut records: Vec<Mx> = lookup
            .iter()
            .map(|mx| Mx {
                preference: mx.preference(),
                exchange: relative(&mx.exchange().to_ascii()),
            })
            .collect();
        records.sort_by(|a, b| (a.preference, &a.exchange).cmp(&(b.preference, &b.exchange)));
        Ok(records)
    }

    /// SRV records in the order RFC 2782 says to try them: priority, then weight (heaviest
    /// first, deterministically, so that the report is stable).
    pub async fn srv(&self, name: &str) -> Result<Vec<Srv>, DnsError> {
        let lookup = self.limit(self.resolver.srv_lookup(absolute(name))).await?;
        let mut records: Vec<Srv> = lookup
            .iter()
            .map(|srv| Srv {
                priority: srv.priority(),
                weight: srv.weight(),
                port: srv.port(),
                target: if srv.target().is_root() {
                    ".".to_owned()
                } else {
                    relative(&srv.target().to_ascii())
                },
            })
            .collect();
        sort_srv(&mut records);
        Ok(records)
    }

    /// The addresses of a host (A and AAAA). An IP literal is its own address.
    pub async fn ips(&self, host: &str) -> Result<Vec<IpAddr>, DnsError> {
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return Ok(vec![ip]);
        }
        let lookup = self.limit(self.resolver.lookup_ip(absolute(host))).await?;
        let ips: Vec<IpAddr> = lookup.iter().collect();
        if ips.is_empty() {
            return Err(DnsError::NoRecords);
        }
        Ok(ips)
    }

    /// The CNAME chain of `host`: each alias target in turn, at most 8 of them (a loop ends
    /// there). Empty when the host is no alias or the lookup fails.
    pub async fn cname_chain(&self, host: &str) -> Vec<String> {
        use hickory_resolver::proto::rr::{RData, RecordType};
        let mut chain: Vec<String> = Vec::new();
        let mut name = relative(host);
        for _ in 0..8 {
            let Ok(lookup) = self
                .limit(self.resolver.lookup(absolute(&name), RecordType::CNAME))
                .await
            else {
                break;
            };
            let target = lookup.record_iter().find_map(|r| match r.data() {
                RData::CNAME(c) if relative(&r.name().to_ascii()) == name => {
                    Some(relative(&c.0.to_ascii()))
                }
                _ => None,
            });
            match target {
                Some(t) if t != name && !chain.contains(&t) => {
                    chain.push(t.clone());
                    name = t;
                }
                _ => break,
            }
        }
        chain
    }

    async fn limit<T>(
        &self,
        lookup: impl Future<Output = Result<T, ResolveError>>,
    ) -> Result<T, DnsError> {
        match tokio::time::timeout(self.timeout, lookup).await {
            Err(_) => Err(DnsError::Timeout(self.timeout)),
            Ok(Ok(found)) => Ok(found),
            Ok(Err(e)) if e.is_nx_domain() => Err(DnsError::NxDomain),
            Ok(Err(e)) if e.is_no_records_found() => Err(DnsError::NoRecords),
            Ok(Err(e)) => {
                let text = e.to_string();
                if text.contains("timed out") || text.contains("timeout") {
                    Err(DnsError::Timeout(self.timeout))
                } else {
                    Err(DnsError::Failed(text))
                }
            }
        }
    }
}

/// Lets reqwest resolve autoconfig and ISPDB host names through the same DNS server.
impl reqwest::dns::Resolve for Dns {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let dns = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let ips = dns.http_ips(&host).await?;
            let addrs: reqwest::dns::Addrs =
                Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

impl Dns {
    /// [`Dns::ips`] for reqwest, whose errors name the host.
    pub(crate) async fn http_ips(
        &self,
        host: &str,
    ) -> Result<Vec<IpAddr>, Box<dyn std::error::Error + Send + Sync>> {
        self.ips(host)
            .await
            .map_err(|e| Box::new(std::io::Error::other(format!("{host}: {e}"))) as _)
    }
}

fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    }
}

fn relative(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// RFC 2782 order: lowest priority first; within a priority, heavier weight first.
pub fn sort_srv(records: &mut [Srv]) {
    records.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(b.weight.cmp(&a.weight))
            .then(a.target.cmp(&b.target))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(priority: u16, weight: u16, target: &str) -> Srv {
        Srv {
            priority,
            weight,
            port: 993,
            target: target.into(),
        }
    }

    #[test]
    fn srv_records_sort_by_priority_then_weight() {
        let mut records = vec![
            srv(20, 0, "c"),
            srv(10, 5, "b"),
            srv(10, 60, "a"),
            srv(0, 0, "z"),
        ];
        sort_srv(&mut records);
        let order: Vec<_> = records.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(order, ["z", "a", "b", "c"]);
    }

    #[test]
    fn dns_server_spec() {
        assert_eq!(Dns::parse_server("127.0.0.53").unwrap().port(), 53);
        assert_eq!(Dns::parse_server("127.0.0.53:5353").unwrap().port(), 5353);
        assert_eq!(Dns::parse_server("[::1]:53").unwrap().port(), 53);
        assert!(Dns::parse_server("dns.example").is_err());
    }
}
