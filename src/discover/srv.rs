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

/// How many records of one name a detail lists one by one; a zone of 1,000 records is counted,
/// not listed.
const RECORDS_SHOWN: usize = 4;

/// Looks up all six names at once, then the addresses of the hosts they name (within the caps):
/// a target that does not exist is left out, and the detail says so.
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
    let mut result = interpret(address, &answers);
    super::caps::cap_source(&mut result);
    let mut targets: Vec<String> = Vec::new();
    for server in &result.servers {
        if !targets.contains(&server.settings.host) {
            targets.push(server.settings.host.clone());
        }
    }
    let addresses = join_all(targets.into_iter().map(|host| async move {
        let answer = dns.ips(&host).await.map(|_| ());
        (host, answer)
    }))
    .await;
    drop_targets_without_address(&mut result, &addresses);
    result
}

/// Turns the six answers into servers, "not offered" statements and a detail line. A record
/// whose target is its own name (a loop, not a host) is ignored.
pub fn interpret(
    address: &EmailAddress,
    answers: &[(String, Result<Vec<Srv>, DnsError>)],
) -> SourceResult {
    let mut servers = Vec::new();
    let mut declined: Vec<Protocol> = Vec::new();
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    // "N more records" per name whose records are not all listed.
    let mut hidden = Vec::new();
    // A record was ignored: the answer was there, but named nothing usable.
    let mut pointless = false;
    for ((name, answer), (_, protocol, security)) in answers.iter().zip(SERVICES) {
        match answer {
            Ok(records) => {
                if records.len() > RECORDS_SHOWN {
                    hidden.push(format!(
                        "{name}: {} more records",
                        records.len() - RECORDS_SHOWN
                    ));
                }
                for (i, record) in records.iter().enumerate() {
                    let shown = i < RECORDS_SHOWN;
                    if record.target == "." {
                        if shown {
                            lines.push(format!(
                                "{name} → . ({} not offered)",
                                protocol.display_name()
                            ));
                        }
                        declined.push(protocol);
                    } else if record.target == *name {
                        if shown {
                            lines.push(format!(
                                "{name} → {}:{}: the record points at itself; ignored",
                                record.target, record.port
                            ));
                        }
                        pointless = true;
                    } else {
                        if shown {
                            lines.push(format!(
                                "{name} → {}:{} (priority {}, weight {})",
                                record.target, record.port, record.priority, record.weight
                            ));
                        }
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
                            oauth_only: false,
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
    } else if !failures.is_empty() || pointless {
        SourceStatus::Error
    } else {
        SourceStatus::NotFound
    };
    lines.extend(hidden);
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

/// Leaves out the servers whose host does not exist (or has no address, or is a CNAME loop),
/// saying so; a host whose lookup failed stays (nothing is known about it; the probe will
/// tell). When no server is left, the records are an error: they name no usable host.
pub fn drop_targets_without_address(
    result: &mut SourceResult,
    addresses: &[(String, Result<(), DnsError>)],
) {
    let absent = |host: &str| {
        addresses
            .iter()
            .find(|(h, _)| h == host)
            .and_then(|(_, answer)| answer.as_ref().err())
            .filter(|e| e.is_absent())
    };
    let mut notes = Vec::new();
    for (host, _) in addresses {
        if let Some(error) = absent(host) {
            notes.push(format!("{host} has no address ({error}): not used"));
        }
    }
    if notes.is_empty() {
        return;
    }
    result
        .servers
        .retain(|s| absent(&s.settings.host).is_none());
    if result.servers.is_empty() && result.not_offered.is_empty() {
        result.report.status = SourceStatus::Error;
    }
    result.report.detail = format!("{}; {}", result.report.detail, notes.join("; "));
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

    /// The six names of `example.test`, none of them with records.
    fn nothing_published() -> Vec<(String, Result<Vec<Srv>, DnsError>)> {
        SERVICES
            .iter()
            .map(|(service, _, _)| (format!("{service}.example.test"), Err(DnsError::NxDomain)))
            .collect()
    }

    #[test]
    fn a_record_pointing_at_itself_is_ignored_and_said() {
        let address = EmailAddress::parse("a@example.test").unwrap();
        let mut answers = nothing_published();
        answers[0].1 = Ok(vec![record(0, 993, "_imaps._tcp.example.test")]);
        let result = interpret(&address, &answers);
        assert!(result.servers.is_empty());
        assert_eq!(result.report.status, SourceStatus::Error);
        assert_eq!(
            result.report.detail,
            "_imaps._tcp.example.test → _imaps._tcp.example.test:993: the record points at itself; ignored"
        );
    }

    #[test]
    fn targets_without_an_address_are_left_out_and_said() {
        let address = EmailAddress::parse("a@example.test").unwrap();
        let mut answers = nothing_published();
        answers[0].1 = Ok(vec![record(0, 993, "gone.example.test")]);
        answers[4].1 = Ok(vec![record(0, 465, "mail.example.test")]);
        let mut result = interpret(&address, &answers);
        drop_targets_without_address(
            &mut result,
            &[
                ("gone.example.test".into(), Err(DnsError::NxDomain)),
                ("mail.example.test".into(), Err(DnsError::ServFail)),
            ],
        );
        let hosts: Vec<&str> = result
            .servers
            .iter()
            .map(|s| s.settings.host.as_str())
            .collect();
        assert_eq!(
            hosts,
            ["mail.example.test"],
            "a failed lookup proves nothing"
        );
        assert_eq!(result.report.status, SourceStatus::Found);
        assert!(
            result.report.detail.ends_with(
                "; gone.example.test has no address (the name does not exist (NXDOMAIN)): not used"
            ),
            "{}",
            result.report.detail
        );
        drop_targets_without_address(
            &mut result,
            &[("mail.example.test".into(), Err(DnsError::NoRecords))],
        );
        assert!(result.servers.is_empty());
        assert_eq!(result.report.status, SourceStatus::Error);
    }
}
