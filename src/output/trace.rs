//! `--trace`: every probe's dialogue as plain text, credentials already replaced by `***`,
//! in a form a helpdesk can paste into a ticket. Colourless on purpose: tickets are plain text.

use std::fmt::Write as _;

use crate::report::Report;
use crate::text::{Catalogue, Phrase};

/// Every probe's dialogue (`--trace`), worded by the catalogue `t`.
pub fn render(report: &Report, t: &dyn Catalogue) -> String {
    let report = &super::escape::report(report);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        t.dialogue_heading(&report.address, &report.mailcheck_version)
    );
    for server in &report.servers {
        let _ = writeln!(
            out,
            "\n== {} {}:{} {} [{}]",
            server.protocol.display_name(),
            server.host,
            server.port,
            server.security,
            server.status
        );
        if server.transcript.is_empty() {
            let none = t.phrase(Phrase::NoDialogue);
            let _ = writeln!(out, "   {none}");
        }
        for line in &server.transcript {
            let who = match line.from.as_str() {
                "client" => "C:",
                "server" => "S:",
                // Why the dialogue stopped is framed by dashes of its own.
                _ if line.text.starts_with('—') => "  ",
                _ => "--",
            };
            let _ = writeln!(out, "{:>6} ms {who} {}", line.ms, line.text);
        }
    }
    out
}
