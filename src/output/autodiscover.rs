//! `--emit autodiscover`: the settings mailcheck verified, as an Exchange Autodiscover (POX)
//! response ready to serve at `https://autodiscover.<domain>/autodiscover/autodiscover.xml`
//! (answering the POST of any address of the domain). The same servers as `--emit autoconfig`
//! (see [`super::autoconfig`]): only what was proved, the recommended server of each protocol
//! first.

use std::fmt::Write as _;

use super::autoconfig::{escape, verified};
use crate::report::{Report, ServerEntry};
use crate::settings::{Protocol, Security};

/// The document, or `None` when no server was verified to work.
pub fn render(report: &Report) -> Option<String> {
    let servers: Vec<&ServerEntry> = Protocol::ALL
        .into_iter()
        .flat_map(|protocol| verified(report, protocol))
        .collect();
    if servers.is_empty() {
        return None;
    }
    let domain = escape(&report.domain);
    let mut out = String::new();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="utf-8"?>"#);
    let _ = writeln!(
        out,
        "<!-- Settings verified by mailcheck {} for {}. Serve at \
         https://autodiscover.{domain}/autodiscover/autodiscover.xml (POST) -->",
        escape(&report.mailcheck_version),
        escape(&report.address)
    );
    let _ = writeln!(
        out,
        r#"<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">"#
    );
    let _ = writeln!(
        out,
        r#"  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">"#
    );
    let _ = writeln!(out, "    <Account>");
    let _ = writeln!(out, "      <AccountType>email</AccountType>");
    let _ = writeln!(out, "      <Action>settings</Action>");
    for server in servers {
        protocol_element(&mut out, server);
    }
    let _ = writeln!(out, "    </Account>");
    let _ = writeln!(out, "  </Response>");
    let _ = writeln!(out, "</Autodiscover>");
    Some(out)
}

fn protocol_element(out: &mut String, server: &ServerEntry) {
    // `Encryption` says the mode outright; `SSL on` alone is read by the port, and clients
    // disagree on what it means off the usual ports.
    let (ssl, encryption) = match server.security {
        Security::Tls => ("on", "SSL"),
        Security::Starttls => ("on", "TLS"),
        Security::Plain => ("off", "None"),
    };
    let kind = match server.protocol {
        Protocol::Imap => "IMAP",
        Protocol::Pop3 => "POP3",
        Protocol::Smtp => "SMTP",
    };
    let _ = writeln!(out, "      <Protocol>");
    let _ = writeln!(out, "        <Type>{kind}</Type>");
    let _ = writeln!(out, "        <Server>{}</Server>", escape(&server.host));
    let _ = writeln!(out, "        <Port>{}</Port>", server.port);
    let _ = writeln!(out, "        <SSL>{ssl}</SSL>");
    let _ = writeln!(out, "        <Encryption>{encryption}</Encryption>");
    // Absent, SPA means on (NTLM), which no IMAP/POP3/SMTP server here was proved to take.
    let _ = writeln!(out, "        <SPA>off</SPA>");
    let _ = writeln!(
        out,
        "        <LoginName>{}</LoginName>",
        escape(&server.username)
    );
    if server.protocol == Protocol::Smtp {
        let _ = writeln!(out, "        <AuthRequired>on</AuthRequired>");
    }
    let _ = writeln!(out, "      </Protocol>");
}
