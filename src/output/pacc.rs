//! `--emit pacc`: the settings mailcheck verified, as a PACC document (`draft-ietf-mailmaint-pacc`)
//! to serve at `https://ua-auto-config.<domain>/.well-known/user-agent-configuration.json`,
//! and the `_ua-auto-config.<domain>` TXT record holding its digest.
//!
//! The same proof as `--emit autoconfig` (see [`super::autoconfig`]), narrowed to what PACC can
//! say: a host per protocol on its implicit-TLS port (IMAP 993, POP3 995, submission 465), the
//! email address as the user name. A protocol verified only over STARTTLS or on another port
//! has no place in PACC and is left out ([`left_out`]).

use serde::Serialize;

use super::autoconfig::verified;
use crate::discover::pacc;
use crate::report::{Report, ServerEntry};
use crate::settings::{Protocol, Security};

/// The emitted document and the TXT record to publish with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emitted {
    /// The exact bytes to serve: the digest is of them, a changed byte breaks it.
    pub document: String,
    /// A zone-file line: `_ua-auto-config.<domain>. IN TXT "v=UAAC1; a=sha256; d=…"`.
    pub record: String,
}

/// PACC's longest provider name.
const MAX_NAME: usize = 60;

/// The server PACC can carry for `protocol`: the first verified one (recommended first) on
/// implicit TLS on the protocol's PACC port.
fn carried(report: &Report, protocol: Protocol) -> Option<&ServerEntry> {
    let port = pacc::port(protocol);
    verified(report, protocol)
        .into_iter()
        .find(|s| s.security == Security::Tls && s.port == port)
}

/// The protocols that had candidate servers but none PACC can carry: missing from the
/// document, and the user should hear why.
pub fn left_out(report: &Report) -> Vec<Protocol> {
    Protocol::ALL
        .into_iter()
        .filter(|p| {
            report.servers.iter().any(|s| s.protocol == *p) && carried(report, *p).is_none()
        })
        .collect()
}

#[derive(Serialize)]
struct Document {
    protocols: Protocols,
    authentication: Authentication,
    info: Info,
}

#[derive(Serialize)]
struct Protocols {
    #[serde(skip_serializing_if = "Option::is_none")]
    imap: Option<Host>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pop3: Option<Host>,
    #[serde(skip_serializing_if = "Option::is_none")]
    submit: Option<Host>,
}

#[derive(Serialize)]
struct Host {
    host: String,
}

#[derive(Serialize)]
struct Authentication {
    password: bool,
}

#[derive(Serialize)]
struct Info {
    provider: Provider,
}

#[derive(Serialize)]
struct Provider {
    name: String,
}

/// The document and its record, or `None` when no server PACC can carry was verified.
pub fn render(report: &Report) -> Option<Emitted> {
    let host = |protocol| {
        carried(report, protocol).map(|s| Host {
            host: s.host.clone(),
        })
    };
    let protocols = Protocols {
        imap: host(Protocol::Imap),
        pop3: host(Protocol::Pop3),
        submit: host(Protocol::Smtp),
    };
    if protocols.imap.is_none() && protocols.pop3.is_none() && protocols.submit.is_none() {
        return None;
    }
    let name: String = report
        .provider
        .as_ref()
        .map_or(report.domain.as_str(), |p| p.name.as_str())
        .chars()
        .take(MAX_NAME)
        .collect();
    let document = Document {
        protocols,
        // Verified means a password login was proved, or the settings were up to it.
        authentication: Authentication { password: true },
        info: Info {
            provider: Provider { name },
        },
    };
    let mut text =
        serde_json::to_string_pretty(&document).expect("a PACC document always serializes");
    text.push('\n');
    let record = format!(
        "{}. IN TXT \"{}\"",
        pacc::record_name(&report.domain),
        pacc::txt_record(text.as_bytes())
    );
    Some(Emitted {
        document: text,
        record,
    })
}
