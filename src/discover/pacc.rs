//! Source: PACC (`draft-ietf-mailmaint-pacc`), the domain's JSON document at
//! `https://ua-auto-config.<domain>/.well-known/user-agent-configuration.json`, used only when
//! it came over verified HTTPS and its SHA-256 is a digest the TXT record
//! `_ua-auto-config.<domain>` publishes (`v=UAAC1; a=sha256; d=<base64>`; any one of several
//! records may match, which allows a rollover).
//!
//! A document that fails a check is not used and raises `pacc_invalid` saying which check
//! (certificate, TXT record, version, digest, JSON) with what was expected and what was met.
//! PACC names hosts only, each protocol on its implicit-TLS port (993, 995, 465), and the
//! email address as the user name.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::Url;
use serde_json::Value;

use super::{NamedServer, SourceKind, SourceResult, SourceStatus};
use crate::address::EmailAddress;
use crate::finding::{Facts, Finding, FindingCode, PaccCheck};
use crate::net::dns::Dns;
use crate::net::fetch::{FetchError, Fetcher};
use crate::settings::{Protocol, Security, ServerSettings};

/// The document's path on `ua-auto-config.<domain>`.
pub const PATH: &str = "/.well-known/user-agent-configuration.json";
/// The TXT record's version tag and the one digest algorithm defined.
pub const VERSION: &str = "UAAC1";
pub const ALGORITHM: &str = "sha256";
/// Servers read from one document at most (one per protocol is all PACC has).
const MAX_SERVERS: usize = 3;

/// The protocols PACC names, the keys they go by (`smtp` in -02, `submit` since -03) and
/// their implicit-TLS ports, the only ones PACC has.
const PROTOCOLS: [(Protocol, &[&str]); 3] = [
    (Protocol::Imap, &["imap"]),
    (Protocol::Pop3, &["pop3"]),
    (Protocol::Smtp, &["submit", "smtp"]),
];

/// The one port PACC has for `protocol`, with implicit TLS.
pub const fn port(protocol: Protocol) -> u16 {
    match protocol {
        Protocol::Imap => 993,
        Protocol::Pop3 => 995,
        Protocol::Smtp => 465,
    }
}

pub fn url(domain: &str) -> Option<Url> {
    Url::parse(&format!("https://ua-auto-config.{domain}{PATH}")).ok()
}

/// The TXT record's name for `domain`.
pub fn record_name(domain: &str) -> String {
    format!("_ua-auto-config.{domain}")
}

/// The base64 SHA-256 of `body`, as the TXT record's `d=` carries it.
pub fn digest(body: &[u8]) -> String {
    BASE64.encode(ring::digest::digest(&ring::digest::SHA256, body).as_ref())
}

/// The TXT record's text for a document of these bytes.
pub fn txt_record(body: &[u8]) -> String {
    format!("v={VERSION}; a={ALGORITHM}; d={}", digest(body))
}

/// A failed check: which, what it wanted, what it met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failed {
    pub check: PaccCheck,
    pub expected: String,
    pub got: String,
}

/// One tag of a `v=…; a=…; d=…` record (names are case-insensitive, blanks around ignored).
fn tag<'a>(record: &'a str, name: &str) -> Option<&'a str> {
    record.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then_some(value.trim())
    })
}

/// Checks `body` against the TXT records published for it: some record must be of version
/// `UAAC1` with `sha256`, and one such record's digest must be the body's.
pub fn verify(records: &[String], body: &[u8]) -> Result<(), Failed> {
    let tagged: Vec<&String> = records
        .iter()
        .filter(|r| tag(r, "v").is_some() || tag(r, "d").is_some())
        .collect();
    let expected_form = format!("v={VERSION}; a={ALGORITHM}; d=<base64 SHA-256>");
    if tagged.is_empty() {
        return Err(Failed {
            check: PaccCheck::MissingRecord,
            expected: expected_form,
            got: if records.is_empty() {
                "no TXT record".to_owned()
            } else {
                format!("{:?}", records.join(" | "))
            },
        });
    }
    let usable: Vec<&str> = tagged
        .iter()
        .filter(|r| {
            tag(r, "v").is_some_and(|v| v.eq_ignore_ascii_case(VERSION))
                && tag(r, "a").is_some_and(|a| a.eq_ignore_ascii_case(ALGORITHM))
        })
        .filter_map(|r| tag(r, "d"))
        .collect();
    if usable.is_empty() {
        let got: Vec<String> = tagged
            .iter()
            .map(|r| {
                format!(
                    "v={}; a={}",
                    tag(r, "v").unwrap_or("(none)"),
                    tag(r, "a").unwrap_or("(none)")
                )
            })
            .collect();
        return Err(Failed {
            check: PaccCheck::Version,
            expected: format!("v={VERSION}; a={ALGORITHM}"),
            got: got.join(" | "),
        });
    }
    let actual = ring::digest::digest(&ring::digest::SHA256, body);
    // The digest is public (it is in the DNS): no secret to compare in constant time.
    let matches = |published: &&str| BASE64.decode(published).is_ok_and(|d| d == actual.as_ref());
    if usable.iter().any(matches) {
        return Ok(());
    }
    Err(Failed {
        check: PaccCheck::Digest,
        expected: usable.join(" or "),
        got: digest(body),
    })
}

/// A server PACC names, and whether the document offers OAuth only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub settings: ServerSettings,
    pub oauth_only: bool,
}

/// The IMAP, POP3 and SMTP servers of a PACC document (already verified), for `username`.
/// Other protocols (JMAP, CalDAV, …) are not probed; an entry without a usable host is skipped.
pub fn servers_in(body: &[u8], username: &str) -> Result<Vec<Named>, Failed> {
    let not_pacc = |got: String| Failed {
        check: PaccCheck::Json,
        expected: "a JSON object with a \"protocols\" object".to_owned(),
        got,
    };
    let document: Value =
        serde_json::from_slice(body).map_err(|e| not_pacc(format!("invalid JSON: {e}")))?;
    let protocols = document
        .get("protocols")
        .and_then(Value::as_object)
        .ok_or_else(|| not_pacc("no \"protocols\" object".to_owned()))?;
    let auth = document.get("authentication");
    let password = auth
        .and_then(|a| a.get("password"))
        .and_then(Value::as_bool);
    let oauth = auth.is_some_and(|a| a.get("oauth-public").is_some());
    let oauth_only = oauth && password == Some(false);
    let mut servers = Vec::new();
    for (protocol, keys) in PROTOCOLS {
        let host = keys
            .iter()
            .find_map(|k| protocols.get(*k))
            .and_then(|p| p.get("host"))
            .and_then(Value::as_str)
            .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|h| plausible_host(h));
        if let Some(host) = host {
            servers.push(Named {
                settings: ServerSettings {
                    protocol,
                    host,
                    port: port(protocol),
                    security: Security::Tls,
                    username: username.to_owned(),
                },
                oauth_only,
            });
        }
    }
    servers.truncate(MAX_SERVERS);
    Ok(servers)
}

/// A name that can be a host: labels of letters, digits, `-` and `_`, at most 253 bytes.
fn plausible_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

pub async fn lookup(fetcher: &Fetcher, dns: &Dns, address: &EmailAddress) -> SourceResult {
    let domain = address.domain();
    let Some(url) = url(domain) else {
        return SourceResult::new(
            SourceKind::Pacc,
            SourceStatus::Skipped,
            "no PACC URL for this domain",
        );
    };
    let name = record_name(domain);
    let (fetched, records) = tokio::join!(fetcher.fetch_json(url.clone()), dns.txt(&name));
    let shown = url.to_string();
    let fetched = match fetched {
        Ok(fetched) => fetched,
        Err(error) => return not_fetched(&shown, error),
    };
    let records = match records {
        Ok(records) => records,
        Err(e) if e.is_absent() => Vec::new(),
        Err(e) => {
            return SourceResult::new(
                SourceKind::Pacc,
                SourceStatus::Error,
                format!("{shown}: fetched, but the TXT lookup of {name} failed ({e}); not used"),
            );
        }
    };
    let checked = verify(&records, &fetched.bytes)
        .and_then(|()| servers_in(&fetched.bytes, &address.to_string()));
    match checked {
        Err(failed) => invalid(&shown, failed),
        Ok(servers) if servers.is_empty() => SourceResult::new(
            SourceKind::Pacc,
            SourceStatus::NotFound,
            format!("{shown}: digest matches {name}; names no IMAP, POP3 or SMTP server"),
        ),
        Ok(servers) => {
            let mut result = SourceResult::new(
                SourceKind::Pacc,
                SourceStatus::Found,
                format!(
                    "{shown} → {} server(s), digest matches {name} TXT",
                    servers.len()
                ),
            );
            result.servers = servers
                .into_iter()
                .map(|named| NamedServer {
                    settings: named.settings,
                    label: None,
                    insecure: false,
                    oauth_only: named.oauth_only,
                })
                .collect();
            result
        }
    }
}

/// No document: nothing is published (not found), or what is published could not be had.
fn not_fetched(url: &str, error: FetchError) -> SourceResult {
    if error.is_absent() {
        return SourceResult::new(
            SourceKind::Pacc,
            SourceStatus::NotFound,
            format!("{url}: {error}"),
        );
    }
    if let FetchError::Certificate(why) = &error {
        return invalid(
            url,
            Failed {
                check: PaccCheck::Certificate,
                expected: "a valid certificate for the host, from a trusted root".to_owned(),
                got: why.clone(),
            },
        );
    }
    SourceResult::new(
        SourceKind::Pacc,
        SourceStatus::Error,
        format!("{url}: {error}"),
    )
}

/// A document that failed `failed`: not used, and `pacc_invalid` says why.
fn invalid(url: &str, failed: Failed) -> SourceResult {
    let mut result = SourceResult::new(
        SourceKind::Pacc,
        SourceStatus::Error,
        format!(
            "{url}: not used: {} check failed: expected {}; got {}",
            failed.check.as_str(),
            failed.expected,
            failed.got
        ),
    );
    result.findings.push(Finding::new(
        FindingCode::PaccInvalid,
        Facts::PaccInvalid {
            check: failed.check,
            url: url.to_owned(),
            expected: failed.expected,
            got: failed.got,
        },
    ));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &[u8] = br#"{"protocols":{"imap":{"host":"imap.example.test"},"submit":{"host":"smtp.example.test"},"jmap":{"url":"https://jmap.example.test/"}},"authentication":{"password":true}}"#;

    #[test]
    fn a_record_of_the_document_verifies_and_one_changed_byte_does_not() {
        let record = txt_record(DOC);
        assert!(record.starts_with("v=UAAC1; a=sha256; d="), "{record}");
        assert_eq!(verify(std::slice::from_ref(&record), DOC), Ok(()));
        let mut changed = DOC.to_vec();
        changed.push(b' ');
        let failed = verify(&[record], &changed).unwrap_err();
        assert_eq!(failed.check, PaccCheck::Digest);
        assert_eq!(failed.got, digest(&changed));
    }

    #[test]
    fn any_of_several_records_may_match_and_unrelated_records_are_ignored() {
        let records = [
            "v=spf1 -all".to_owned(),
            "v=UAAC1; a=sha256; d=AAAA".to_owned(),
            format!(" V=uaac1 ;A=SHA256; d={} ", digest(DOC)),
        ];
        assert_eq!(verify(&records, DOC), Ok(()));
    }

    #[test]
    fn each_failed_check_is_told_apart() {
        assert_eq!(
            verify(&[], DOC).unwrap_err().check,
            PaccCheck::MissingRecord
        );
        let wrong_version = format!("v=UAAC2; a=sha256; d={}", digest(DOC));
        let failed = verify(&[wrong_version], DOC).unwrap_err();
        assert_eq!(failed.check, PaccCheck::Version);
        assert_eq!(failed.got, "v=UAAC2; a=sha256");
        let wrong_algorithm = format!("v=UAAC1; a=sha1; d={}", digest(DOC));
        assert_eq!(
            verify(&[wrong_algorithm], DOC).unwrap_err().check,
            PaccCheck::Version
        );
    }

    #[test]
    fn the_document_names_implicit_tls_servers_for_the_address() {
        let servers = servers_in(DOC, "a@example.test").unwrap();
        let found: Vec<_> = servers
            .iter()
            .map(|n| {
                (
                    n.settings.protocol,
                    n.settings.host.as_str(),
                    n.settings.port,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (Protocol::Imap, "imap.example.test", 993),
                (Protocol::Smtp, "smtp.example.test", 465)
            ]
        );
        assert!(
            servers
                .iter()
                .all(|n| n.settings.security == Security::Tls && !n.oauth_only)
        );
    }

    #[test]
    fn malformed_or_foreign_json_is_a_json_failure_never_a_panic() {
        for body in [
            &b"{\"protocols\": {\"imap\": "[..],
            b"[1, 2, 3]",
            b"\xff\xfe",
            b"",
            b"{\"protocols\": 7}",
        ] {
            assert_eq!(
                servers_in(body, "a@b.test").unwrap_err().check,
                PaccCheck::Json
            );
        }
        let odd = br#"{"protocols":{"imap":{"host":"bad host!"},"pop3":{"host":42},"smtp":{}}}"#;
        assert!(servers_in(odd, "a@b.test").unwrap().is_empty());
    }

    #[test]
    fn oauth_only_when_passwords_are_off_and_an_issuer_is_named() {
        let doc = br#"{"protocols":{"imap":{"host":"imap.b.test"}},"authentication":{"password":false,"oauth-public":{"issuer":"https://id.b.test"}}}"#;
        assert!(servers_in(doc, "a@b.test").unwrap()[0].oauth_only);
    }
}
