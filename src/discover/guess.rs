//! Source: guessing, the last resort, for protocols no other source answered. Host names and
//! ports follow Thunderbird's guessConfig; a guess whose host does not resolve is dropped, the
//! rest are candidates for probing to confirm or reject.

use futures::future::join_all;

use super::{NamedServer, SourceKind, SourceResult, SourceStatus};
use crate::address::EmailAddress;
use crate::net::dns::{Dns, DnsError};
use crate::settings::{Protocol, Security, ServerSettings};

/// Host name prefixes per protocol, in Thunderbird's order ("" is the bare domain).
fn prefixes(protocol: Protocol) -> &'static [&'static str] {
    match protocol {
        Protocol::Imap => &["imap.", "mail.", ""],
        Protocol::Pop3 => &["pop3.", "pop.", "mail.", ""],
        Protocol::Smtp => &["smtp.", "mail.", ""],
    }
}

/// The guesses for one protocol: implicit TLS before STARTTLS, host order kept. Plaintext is
/// not guessed: probing STARTTLS already shows whether a server offers no TLS at all.
pub fn guesses(protocol: Protocol, address: &EmailAddress) -> Vec<ServerSettings> {
    let mut out = Vec::new();
    for security in [Security::Tls, Security::Starttls] {
        for prefix in prefixes(protocol) {
            out.push(ServerSettings {
                protocol,
                host: format!("{prefix}{}", address.domain()),
                port: protocol.default_port(security),
                security,
                username: address.to_string(),
            });
        }
    }
    out
}

/// The guessed host names of some protocols, each looked up once (A/AAAA).
pub struct Resolved(Vec<(String, Result<(), DnsError>)>);

/// Looks up every host name guessed for `protocols`, all at once.
pub async fn resolve(dns: &Dns, address: &EmailAddress, protocols: &[Protocol]) -> Resolved {
    let mut hosts: Vec<String> = protocols
        .iter()
        .flat_map(|p| guesses(*p, address))
        .map(|s| s.host)
        .collect();
    hosts.sort_unstable();
    hosts.dedup();
    Resolved(
        join_all(hosts.into_iter().map(|host| async move {
            let answer = dns.ips(&host).await.map(|_| ());
            (host, answer)
        }))
        .await,
    )
}

pub async fn lookup(dns: &Dns, address: &EmailAddress, protocols: &[Protocol]) -> SourceResult {
    let resolved = resolve(dns, address, protocols).await;
    result(&resolved, address, protocols)
}

/// The guesses for `protocols` whose host names resolved. `resolved` may hold more names
/// than these protocols need (they were looked up before it was known which are needed).
pub fn result(resolved: &Resolved, address: &EmailAddress, protocols: &[Protocol]) -> SourceResult {
    if protocols.is_empty() {
        return SourceResult::new(
            SourceKind::Guess,
            SourceStatus::Skipped,
            "every protocol was answered by another source",
        );
    }
    let all: Vec<ServerSettings> = protocols
        .iter()
        .flat_map(|p| guesses(*p, address))
        .collect();
    let mut hosts: Vec<&str> = all.iter().map(|s| s.host.as_str()).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let answer = |host: &str| resolved.0.iter().find(|(h, _)| h == host).map(|(_, r)| r);
    let exists = |host: &str| answer(host).is_some_and(|r| r.is_ok());
    // "None resolves" is only true when DNS said so; a server that did not answer says
    // nothing about the names.
    let failure = hosts.iter().find_map(|h| {
        answer(h)
            .and_then(|r| r.as_ref().err())
            .filter(|e| !e.is_absent())
    });
    let servers: Vec<NamedServer> = all
        .iter()
        .filter(|s| exists(&s.host))
        .map(|s| NamedServer {
            settings: s.clone(),
            label: None,
            insecure: false,
            oauth_only: false,
        })
        .collect();
    let names: Vec<&str> = protocols.iter().map(|p| p.display_name()).collect();
    let found_hosts: Vec<&str> = hosts.iter().copied().filter(|h| exists(h)).collect();
    let (status, detail) = if let (true, Some(error)) = (servers.is_empty(), failure) {
        (
            SourceStatus::Error,
            format!(
                "for {}: cannot tell whether {} exist: {error}",
                names.join(", "),
                hosts.join(", ")
            ),
        )
    } else if servers.is_empty() {
        (
            SourceStatus::NotFound,
            format!(
                "for {}: none of {} resolves",
                names.join(", "),
                hosts.join(", ")
            ),
        )
    } else {
        (
            SourceStatus::Found,
            format!(
                "for {}: {} guess(es) on {}",
                names.join(", "),
                servers.len(),
                found_hosts.join(", ")
            ),
        )
    };
    let mut result = SourceResult::new(SourceKind::Guess, status, detail);
    result.servers = servers;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_follow_thunderbirds_hosts_and_ports() {
        let a = EmailAddress::parse("a@example.org").unwrap();
        let imap: Vec<String> = guesses(Protocol::Imap, &a)
            .iter()
            .map(|s| format!("{}:{}:{}", s.host, s.port, s.security))
            .collect();
        assert_eq!(
            imap,
            [
                "imap.example.org:993:tls",
                "mail.example.org:993:tls",
                "example.org:993:tls",
                "imap.example.org:143:starttls",
                "mail.example.org:143:starttls",
                "example.org:143:starttls",
            ]
        );
        assert_eq!(guesses(Protocol::Pop3, &a).len(), 8);
        assert_eq!(guesses(Protocol::Smtp, &a)[3].port, 587);
    }
}
