//! `--format prometheus`: the Prometheus text exposition format (version 0.0.4), for
//! node_exporter's textfile collector or any scraper of a file. One document for a whole batch:
//! every metric family once, with a sample per account (and per server), so that
//! `mailcheck --batch accounts.txt --format prometheus > mailcheck.prom.$$ && mv …` publishes a
//! fleet's state atomically.
//!
//! Labels: `account` (the address), and for servers `protocol`, `host`, `port`, `security`.
//! A series is left out where its value is unknown (no TLS, no login tried), never given a
//! made-up value.

use std::fmt::Write as _;

use crate::finding::{FindingCode, Severity};
use crate::report::{Report, ServerEntry};

/// The metric families, in the order written: name, type, help.
const FAMILIES: [(&str, &str); 11] = [
    (
        "mailcheck_account_ok",
        "1 when the account's check found no error-severity finding (exit status 0), else 0.",
    ),
    (
        "mailcheck_account_servers_found",
        "1 when some source named server settings for the account, 0 when none did (exit status 4).",
    ),
    (
        "mailcheck_account_findings",
        "Findings of the account's check by severity.",
    ),
    (
        "mailcheck_findings",
        "Findings of the account's check by finding code (only codes found are listed).",
    ),
    (
        "mailcheck_server_up",
        "1 when the probe reached a usable session (TLS established, or greeting read), else 0.",
    ),
    (
        "mailcheck_server_login_ok",
        "1 when the login succeeded, 0 when it was refused; absent when no login was tried.",
    ),
    (
        "mailcheck_server_probe_seconds",
        "How long the server's probe took.",
    ),
    (
        "mailcheck_server_connect_seconds",
        "Time to the TCP connection.",
    ),
    (
        "mailcheck_server_login_seconds",
        "How long the login step took.",
    ),
    (
        "mailcheck_server_cert_expiry_timestamp_seconds",
        "When the server's certificate expires, in seconds since 1970.",
    ),
    (
        "mailcheck_server_recommended",
        "1 for the server mailcheck recommends for its protocol, else 0.",
    ),
];

/// The exposition of `reports`, every family once.
pub fn render(reports: &[Report]) -> String {
    let mut out = String::new();
    for (name, help) in FAMILIES {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for report in reports {
            samples(&mut out, name, report);
        }
    }
    out
}

fn samples(out: &mut String, family: &str, report: &Report) {
    let account = format!("account=\"{}\"", label(&report.address));
    let mut sample = |labels: &str, value: String| {
        let _ = writeln!(out, "{family}{{{labels}}} {value}");
    };
    match family {
        "mailcheck_account_ok" => sample(&account, flag(report.ok)),
        "mailcheck_account_servers_found" => sample(
            &account,
            flag(
                !report
                    .findings
                    .iter()
                    .any(|f| f.code == FindingCode::NoSettingsFound),
            ),
        ),
        "mailcheck_account_findings" => {
            for severity in [Severity::Error, Severity::Warning] {
                let n = report
                    .findings
                    .iter()
                    .filter(|f| f.severity == severity)
                    .count();
                sample(
                    &format!("{account},severity=\"{}\"", severity.as_str()),
                    n.to_string(),
                );
            }
        }
        "mailcheck_findings" => {
            let mut codes: Vec<(FindingCode, usize)> = Vec::new();
            for f in &report.findings {
                match codes.iter_mut().find(|(c, _)| *c == f.code) {
                    Some((_, n)) => *n += 1,
                    None => codes.push((f.code, 1)),
                }
            }
            for (code, n) in codes {
                sample(
                    &format!(
                        "{account},code=\"{}\",severity=\"{}\"",
                        code.as_str(),
                        code.severity().as_str()
                    ),
                    n.to_string(),
                );
            }
        }
        _ => {
            for server in &report.servers {
                if let Some(value) = server_value(family, report, server) {
                    sample(&format!("{account},{}", server_labels(server)), value);
                }
            }
        }
    }
}

fn server_value(family: &str, report: &Report, server: &ServerEntry) -> Option<String> {
    let secs = |ms: Option<u64>| ms.map(|ms| format!("{:.3}", ms as f64 / 1000.0));
    match family {
        "mailcheck_server_up" => {
            (server.status != "untested").then(|| flag(server.handshake_ms.is_some()))
        }
        "mailcheck_server_login_ok" => match server.login.as_str() {
            "ok" => Some(flag(true)),
            "failed" => Some(flag(false)),
            _ => None,
        },
        "mailcheck_server_probe_seconds" => secs(server.elapsed_ms),
        "mailcheck_server_connect_seconds" => secs(server.connect_ms),
        "mailcheck_server_login_seconds" => secs(server.login_ms),
        "mailcheck_server_cert_expiry_timestamp_seconds" => server
            .tls
            .as_ref()
            .and_then(|tls| super::unix_time(&tls.cert_not_after))
            .map(|t| t.to_string()),
        "mailcheck_server_recommended" => Some(flag(
            report
                .recommended_for(server.protocol)
                .and_then(|settings| report.server_for(server.protocol, settings))
                .is_some_and(|chosen| std::ptr::eq(chosen, server)),
        )),
        _ => None,
    }
}

fn server_labels(server: &ServerEntry) -> String {
    format!(
        "protocol=\"{}\",host=\"{}\",port=\"{}\",security=\"{}\"",
        server.protocol.as_str(),
        label(&server.host),
        server.port,
        server.security.as_str()
    )
}

fn flag(value: bool) -> String {
    u8::from(value).to_string()
}

/// A label value: backslash, double quote and line feed escaped, as the format wants; other
/// control characters are shown (`escape`), so that a hostile host name cannot break a line.
fn label(value: &str) -> String {
    super::escape::text(value)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}
