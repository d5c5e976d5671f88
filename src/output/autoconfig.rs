//! `--emit autoconfig`: the settings mailcheck verified, as a Thunderbird config-v1.1 document
//! ready to publish at `https://autoconfig.<domain>/mail/config-v1.1.xml`.
//!
//! Only what was proved goes in: a server whose connection, TLS or dialogue failed, that was
//! never probed, or that speaks no TLS at all is left out, and so are labelled alternates
//! (they serve a particular audience, which the format cannot say). What the account's own
//! login met (a wrong password, IMAP switched off for this account, an app password needed)
//! says nothing about the settings, which every other user of the domain needs: such a
//! server stays in. The recommended server of each protocol comes first, since mail clients
//! take the first server they can use.

use std::fmt::Write as _;

use crate::finding::Severity;
use crate::report::{Report, ServerEntry};
use crate::settings::{Protocol, Security};

/// The protocols that had candidate servers but none that was verified: they are missing
/// from the document, and the user should hear why.
pub fn left_out(report: &Report) -> Vec<Protocol> {
    Protocol::ALL
        .into_iter()
        .filter(|p| {
            report.servers.iter().any(|s| s.protocol == *p) && verified(report, *p).is_empty()
        })
        .collect()
}

/// The document, or `None` when no server was verified to work.
pub fn render(report: &Report) -> Option<String> {
    let incoming: Vec<&ServerEntry> = [Protocol::Imap, Protocol::Pop3]
        .into_iter()
        .flat_map(|protocol| verified(report, protocol))
        .collect();
    let outgoing = verified(report, Protocol::Smtp);
    if incoming.is_empty() && outgoing.is_empty() {
        return None;
    }
    let domain = escape(&report.domain);
    let name = report
        .provider
        .as_ref()
        .map_or_else(|| domain.clone(), |p| escape(&p.name));
    let mut out = String::new();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        "<!-- Settings verified by mailcheck {} for {}. Publish at \
         https://autoconfig.{domain}/mail/config-v1.1.xml -->",
        escape(&report.mailcheck_version),
        escape(&report.address)
    );
    let _ = writeln!(out, r#"<clientConfig version="1.1">"#);
    let _ = writeln!(out, r#"  <emailProvider id="{domain}">"#);
    let _ = writeln!(out, "    <domain>{domain}</domain>");
    let _ = writeln!(out, "    <displayName>{name}</displayName>");
    let _ = writeln!(out, "    <displayShortName>{name}</displayShortName>");
    for server in incoming {
        server_element(&mut out, "incomingServer", server, report);
    }
    for server in outgoing {
        server_element(&mut out, "outgoingServer", server, report);
    }
    if let Some(url) = report
        .provider
        .as_ref()
        .and_then(|p| p.documentation.as_deref())
    {
        let _ = writeln!(out, r#"    <documentation url="{}"/>"#, escape(url));
    }
    let _ = writeln!(out, "  </emailProvider>");
    let _ = writeln!(out, "</clientConfig>");
    Some(out)
}

/// The servers of `protocol` that were proved to work, the recommended one first.
pub(super) fn verified(report: &Report, protocol: Protocol) -> Vec<&ServerEntry> {
    let best = report
        .recommended_for(protocol)
        .and_then(|r| report.server_for(protocol, r));
    let is_recommended = |s: &ServerEntry| best.is_some_and(|b| std::ptr::eq(b, s));
    let mut servers: Vec<&ServerEntry> = report
        .servers
        .iter()
        .filter(|s| {
            s.protocol == protocol
                && settings_proved(report, s)
                && s.security != Security::Plain
                && s.label.is_none()
        })
        .collect();
    // Stable: the report's own order (by preference) stays among the rest.
    servers.sort_by_key(|s| !is_recommended(s));
    servers
}

/// Whether the probe proved the server's settings: it works, or it got as far as the login
/// (TLS and the protocol's dialogue as the settings say) and every error about it is one of
/// the account's ([`crate::finding::FindingCode::is_about_the_account`]).
fn settings_proved(report: &Report, server: &ServerEntry) -> bool {
    match server.status.as_str() {
        "ok" | "warning" => true,
        "error" => {
            // Not when the probe stopped before the login, or the TLS was not verified.
            let reached_login = !matches!(
                server.login_skipped.as_deref(),
                Some("not_reached" | "not_probed" | "not_verified_tls")
            );
            reached_login
                && server.tls.is_some()
                && report
                    .findings
                    .iter()
                    .filter(|f| {
                        f.severity == Severity::Error
                            && f.protocol == Some(server.protocol)
                            && f.host.as_deref() == Some(server.host.as_str())
                            && f.port == Some(server.port)
                    })
                    .all(|f| f.code.is_about_the_account())
        }
        _ => false,
    }
}

fn server_element(out: &mut String, element: &str, server: &ServerEntry, report: &Report) {
    let socket_type = match server.security {
        Security::Tls => "SSL",
        Security::Starttls => "STARTTLS",
        Security::Plain => "plain",
    };
    let local_part = report.address.rsplit_once('@').map(|(l, _)| l);
    let username = if server.username == report.address {
        "%EMAILADDRESS%".to_owned()
    } else if Some(server.username.as_str()) == local_part {
        "%EMAILLOCALPART%".to_owned()
    } else {
        escape(&server.username)
    };
    let _ = writeln!(out, r#"    <{element} type="{}">"#, server.protocol);
    let _ = writeln!(out, "      <hostname>{}</hostname>", escape(&server.host));
    let _ = writeln!(out, "      <port>{}</port>", server.port);
    let _ = writeln!(out, "      <socketType>{socket_type}</socketType>");
    for method in authentication(&server.auth_mechanisms) {
        let _ = writeln!(out, "      <authentication>{method}</authentication>");
    }
    let _ = writeln!(out, "      <username>{username}</username>");
    let _ = writeln!(out, "    </{element}>");
}

/// config-v1.1 authentication methods for the SASL mechanisms a server offered. A password
/// over TLS (what mailcheck itself logs in with) comes first.
fn authentication(mechanisms: &[String]) -> Vec<&'static str> {
    let offers = |names: &[&str]| {
        mechanisms
            .iter()
            .any(|m| names.iter().any(|n| m.eq_ignore_ascii_case(n)))
    };
    let mut methods = Vec::new();
    // POP3 USER/PASS and IMAP LOGIN offer no SASL name, and are a cleartext password too.
    if mechanisms.is_empty() || offers(&["PLAIN", "LOGIN"]) {
        methods.push("password-cleartext");
    }
    if offers(&["CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]) {
        methods.push("password-encrypted");
    }
    if offers(&["XOAUTH2", "OAUTHBEARER"]) {
        methods.push("OAuth2");
    }
    if offers(&["GSSAPI"]) {
        methods.push("GSSAPI");
    }
    if offers(&["NTLM"]) {
        methods.push("NTLM");
    }
    if methods.is_empty() {
        methods.push("password-cleartext");
    }
    methods
}

pub(super) fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mechanisms_map_to_config_methods() {
        let names =
            |m: &[&str]| authentication(&m.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(names(&[]), ["password-cleartext"]);
        assert_eq!(names(&["PLAIN", "LOGIN"]), ["password-cleartext"]);
        assert_eq!(
            names(&["XOAUTH2", "PLAIN", "CRAM-MD5"]),
            ["password-cleartext", "password-encrypted", "OAuth2"]
        );
        assert_eq!(names(&["OAUTHBEARER"]), ["OAuth2"]);
        assert_eq!(names(&["GSSAPI"]), ["GSSAPI"]);
        assert_eq!(names(&["SOMETHING-NEW"]), ["password-cleartext"]);
    }

    #[test]
    fn markup_in_values_is_escaped() {
        assert_eq!(escape(r#"a<b>&"c""#), "a&lt;b&gt;&amp;&quot;c&quot;");
        assert_eq!(escape("o'neil"), "o&apos;neil");
    }
}
