//! `--trace`: every probe's dialogue as plain text, credentials already replaced by `***`,
//! in a form a helpdesk can paste into a ticket. Colourless on purpose: tickets are plain text.

use std::fmt::Write as _;

use crate::lang::Lang;
use crate::report::Report;

pub fn render(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({} {}, mailcheck {})",
        lang.pick("Protocol dialogue", "协议对话记录"),
        lang.pick("address", "地址"),
        report.address,
        report.mailcheck_version
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
            let none = lang.pick(
                "(no dialogue: the connection did not get that far; see the findings)",
                "（无对话：未能建立连接，请查看发现的问题）",
            );
            let _ = writeln!(out, "   {none}");
        }
        for line in &server.transcript {
            let who = match line.from.as_str() {
                "client" => "C:",
                "server" => "S:",
                _ => "--",
            };
            let _ = writeln!(out, "{:>6} ms {who} {}", line.ms, line.text);
        }
    }
    out
}
