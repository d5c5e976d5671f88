//! Source: DNS SRV records (RFC 6186, and RFC 8314 for `_submissions`).

use futures::future::join_all;

use super::{NamedServer, SourceKind, SourceResult, SourceStatus};
use crate::address::EmailAddress;
use crate::net::dns::{Dns, DnsError, Srv};
use crate::settings::{Protocol, Security, ServerSettings};

/// The service names, in RFC 8314's order of preference: implicit TLS first.
pub const SERVICES: [(&str, Protocol, Security); 6] = [
    ("_imaps._tcp", Protocol::Imap, Security::Tls),
    ("_imap._tcp", Protocol::Imap, Security::Starttls),
    ("_pop3s._tcp", Protocol::Pop3, Security::Tls),
    ("_pop3._tcp", Protocol::Pop3, Security::Starttls),
    ("_submissions._tcp", Protocol::Smtp, Security::Tls),
    ("_submission._tcp", Protocol::Smtp, Security::Starttls),
];

/// Looks up all six names at once.
pub async fn lookup(dns: &Dns, address: &EmailAddress) -> SourceResult {
    let domain = address.domain();
    let answers = join_all(SERVICES.iter().map(|(service, _, _)| {
        let name = format!("{service}.{domain}");
        async move {
            let answer = dns.srv(&name).await;
            (name, answer)
        }
    }))
    .await;
    interpret(address, &answers)
}

/// Turns the six answers into servers, "not offered" statements and a detail line.
pub fn interpret(
    address: &EmailAddress,
    answers: &[(String, Result<Vec<Srv>, DnsError>)],
) -> SourceResult {
    let mut servers = Vec::new();
    let mut declined: Vec<Protocol> = Vec::new();
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    for ((name, answer), (_, protocol, security)) in answers.iter().zip(SERVICES) {
        match answer {
            Ok(records) => {
                for record in records {
                    if record.target == "." {
                        lines.push(format!(
                            "{name} → . ({} not offered)",
                            protocol.display_name()
                        ));
                        declined.push(protocol);
                    } else {
                        lines.push(format!(
                            "{name} → {}:{} (priority {}, weight {})",
                            record.target, record.port, record.priority, record.weight
                        ));
                        servers.push(NamedServer {
                            settings: ServerSettings {
                                protocol,
                                host: record.target.clone(),
                                port: record.port,
                                security,
                                // RFC 6186 §4: try the full address first.
                                username: address.to_string(),
                            },
                            label: None,
                            insecure: false,
                        });
                    }
                }
            }
            Err(e) if e.is_absent() => {}
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    // A protocol is "not offered" only when every record for it says so.
    let not_offered: Vec<Protocol> = Protocol::ALL
        .into_iter()
        .filter(|p| declined.contains(p) && !servers.iter().any(|s| s.settings.protocol == *p))
        .collect();
    let status = if !servers.is_empty() || !not_offered.is_empty() {
        SourceStatus::Found
    } else if !failures.is_empty() {
        SourceStatus::Error
    } else {
        SourceStatus::NotFound
    };
    lines.extend(failures);
    let detail = if lines.is_empty() {
        format!(
            "no SRV records for _imaps, _imap, _pop3s, _pop3, _submissions, _submission under {}",
            address.domain()
        )
    } else {
        lines.join("; ")
    };
    let mut result = SourceResult::new(SourceKind::Srv, status, detail);
    result.servers = servers;
    result.not_offered = not_offered;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(priority: u16, port: u16, target: &str) -> Srv {
        Srv {
            priority,
            weight: 0,
            port,
            target: target.into(),
        }
    }

    #[test]
    fn dot_target_declines_a_protocol_only_when_nothing_else_offers_it() {
        let address = EmailAddress::parse("a@example.test").unwrap();
        let answers = vec![
            (
                "_imaps._tcp.example.test".into(),
                Ok(vec![record(0, 993, "mail.example.test")]),
            ),
            (
                "_imap._tcp.example.test".into(),
                Ok(vec![record(0, 0, ".")]),
            ),
            ("_pop3s._tcp.example.test".into(), Err(DnsError::NxDomain)),
            (
                "_pop3._tcp.example.test".into(),
                Ok(vec![record(0, 0, ".")]),
            ),
            (
                "_submissions._tcp.example.test".into(),
                Err(DnsError::Timeout(std::time::Duration::from_secs(1))),
            ),
            (
                "_submission._tcp.example.test".into(),
                Err(DnsError::NoRecords),
            ),
        ];
        let result = interpret(&address, &answers);
        assert_eq!(result.report.status, SourceStatus::Found);
        assert_eq!(result.not_offered, [Protocol::Pop3]);
        assert_eq!(result.servers.len(), 1);
        assert_eq!(result.servers[0].settings.security, Security::Tls);
        assert!(result.report.detail.contains("POP3 not offered"));
        assert!(
            result
                .report
                .detail
                .contains("_submissions._tcp.example.test: the DNS server did not answer")
        );
    }
}
