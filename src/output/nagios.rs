//! `--format nagios`: the monitoring-plugins convention (Nagios, Icinga, Naemon, Zabbix,
//! Checkmk's active checks). One status line, `MAILCHECK <STATE> - <conclusion> | <perfdata>`,
//! then a line per finding (the plugin's long output); the process's exit status is the
//! state's: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (see `docs/report.md`).
//!
//! Performance data, per protocol, of the server mailcheck recommends: `imap_connect` and
//! `imap_login` (ms), `imap_cert_days` (days left, with the thresholds as its warn and crit
//! values). In a batch every label starts with the account: `'alice@example.com imap_connect'`.

use std::fmt::Write as _;

use crate::finding::{FindingCode, Severity};
use crate::lang::Lang;
use crate::report::{Report, ServerEntry};
use crate::settings::Protocol;
use crate::text::catalogue;

/// A plugin's state, its exit status as the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// 0: the service works.
    Ok = 0,
    /// 1: it works, but something needs attention soon.
    Warning = 1,
    /// 2: it does not work for a mail client.
    Critical = 2,
    /// 3: the check could not tell.
    Unknown = 3,
}

impl State {
    /// The state's word in the status line.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }
}

/// Certificate thresholds in days left (`--warning-days`, `--critical-days`).
#[derive(Clone, Copy, Debug)]
pub struct Thresholds {
    /// WARNING at this many days left, or fewer.
    pub warning_days: i64,
    /// CRITICAL at this many days left, or fewer.
    pub critical_days: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warning_days: 30,
            critical_days: 14,
        }
    }
}

/// The plugin's output for `reports` (one account, or a batch) as of `now`, and its state.
pub fn render(
    reports: &[Report],
    thresholds: Thresholds,
    now: time::OffsetDateTime,
    lang: Lang,
) -> (String, State) {
    let t = catalogue(lang);
    let reports: Vec<Report> = reports.iter().map(super::escape::report).collect();
    let batch = reports.len() > 1;
    let mut state = State::Ok;
    let mut perf = Vec::new();
    let mut long = Vec::new();
    let mut summary = Vec::new();
    for report in &reports {
        let prefix = if batch {
            format!("{} ", report.address)
        } else {
            String::new()
        };
        let mut account = account_state(report);
        for protocol in Protocol::ALL {
            let Some(server) = recommended(report, protocol) else {
                continue;
            };
            let name = protocol.as_str();
            if let Some(ms) = server.connect_ms {
                perf.push(format!("{}={ms}ms;;;0", quoted(&prefix, name, "connect")));
            }
            if let Some(ms) = server.login_ms {
                perf.push(format!("{}={ms}ms;;;0", quoted(&prefix, name, "login")));
            }
            let Some(tls) = &server.tls else { continue };
            let Some(days) = days_left(&tls.cert_not_after, now) else {
                continue;
            };
            perf.push(format!(
                "{}={days};{};{};;",
                quoted(&prefix, name, "cert_days"),
                thresholds.warning_days,
                thresholds.critical_days
            ));
            let cert_state = if days <= thresholds.critical_days {
                State::Critical
            } else if days <= thresholds.warning_days {
                State::Warning
            } else {
                State::Ok
            };
            if cert_state > State::Ok {
                account = account.max(cert_state);
                let at = format!("{}:{}", server.host, server.port);
                long.push(format!(
                    "{}{}",
                    prefix,
                    t.cert_expiring(&at, days, &tls.cert_not_after)
                ));
            }
        }
        for f in &report.findings {
            long.push(format!(
                "{prefix}[{}] {}: {}",
                f.code.as_str(),
                f.severity.as_str(),
                f.message
            ));
        }
        if !batch || account > State::Ok {
            let message = report
                .conclusion
                .as_ref()
                .map_or_else(String::new, |c| c.message.clone());
            summary.push(format!("{prefix}{message}"));
        }
        state = state.max(account);
    }
    let mut out = format!("MAILCHECK {} - ", state.as_str());
    if batch {
        let failing = reports
            .iter()
            .filter(|r| account_state(r) > State::Ok)
            .count();
        let total = t.accounts_checked(reports.len(), reports.len() - failing, failing);
        out.push_str(total.trim());
        if !summary.is_empty() {
            out.push_str("; ");
        }
    }
    // The status line is one line: what the conclusion says, joined.
    // A `|` would start the performance data.
    out.push_str(&summary.join("; ").replace('\n', " ").replace('|', "/"));
    if !perf.is_empty() {
        let _ = write!(out, " | {}", perf.join(" "));
    }
    out.push('\n');
    for line in long {
        out.push_str(&line.replace('|', "/"));
        out.push('\n');
    }
    (out, state)
}

/// An account's state from its findings alone (certificates are judged by the thresholds).
fn account_state(report: &Report) -> State {
    if report.servers.iter().all(|s| s.status == "untested")
        && !report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::NoSettingsFound)
    {
        // Nothing was probed (`--offline`, `--no-probe`): nothing is known of the service.
        return State::Unknown;
    }
    if !report.ok {
        return State::Critical;
    }
    let warned = report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Warning && f.code != FindingCode::CertExpiring);
    if warned { State::Warning } else { State::Ok }
}

fn recommended(report: &Report, protocol: Protocol) -> Option<&ServerEntry> {
    report
        .recommended_for(protocol)
        .and_then(|settings| report.server_for(protocol, settings))
}

/// A performance label, quoted when it holds a space (a batch's account prefix).
fn quoted(prefix: &str, protocol: &str, what: &str) -> String {
    if prefix.is_empty() {
        format!("{protocol}_{what}")
    } else {
        // `'` and `=` cannot stand in a label; an address holds neither in practice.
        let prefix = prefix.replace(['\'', '='], "_");
        format!("'{prefix}{protocol}_{what}'")
    }
}

/// Whole days from `now` until `not_after` (RFC 3339); negative once it has passed.
fn days_left(not_after: &str, now: time::OffsetDateTime) -> Option<i64> {
    let at = super::unix_time(not_after)?;
    Some((at - now.unix_timestamp()).div_euclid(86_400))
}
