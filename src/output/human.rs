//! The report for a person: provider, where the settings came from, a verdict per protocol,
//! the findings worst first with their hints, and the settings to type into a mail client.

use std::fmt::Write as _;

use owo_colors::{OwoColorize, Style as Paint};

use super::Style;
use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::{FindingEntry, Report, ServerEntry, Settings};
use crate::settings::{Protocol, Security};

pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let t = Words(style.lang);
    let p = Painter(style.color);

    // Header: who and which provider.
    let provider = match &report.provider {
        Some(provider) => {
            let how = t.matched_by(&provider.matched_by);
            format!("{} ({how})", provider.name)
        }
        None => t.pick("unknown provider", "未识别的服务商").to_owned(),
    };
    let _ = writeln!(out, "{}  {}", p.bold(&report.address), provider);
    out.push('\n');

    // Per-protocol verdict and the settings to type.
    let tested = report.servers.iter().any(|s| s.status != "untested");
    let heading = if tested {
        t.pick("Settings that work", "可用的设置")
    } else {
        t.pick("Recommended settings (not tested)", "推荐设置（未测试）")
    };
    let _ = writeln!(out, "{}", p.bold(heading));
    for protocol in Protocol::ALL {
        let settings = match protocol {
            Protocol::Imap => &report.recommended.imap,
            Protocol::Pop3 => &report.recommended.pop3,
            Protocol::Smtp => &report.recommended.smtp,
        };
        let line = match settings {
            Some(s) => settings_line(s, report, protocol, &t, &p),
            None => p
                .dim(t.pick("not offered / nothing works", "不可用"))
                .to_string(),
        };
        let _ = writeln!(out, "  {:<5} {line}", protocol.display_name());
    }

    // Alternates: labelled servers such as Exmail's overseas hosts.
    let alternates: Vec<&ServerEntry> = report
        .servers
        .iter()
        .filter(|s| s.label.is_some())
        .collect();
    if !alternates.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", p.bold(t.pick("Alternates", "备用服务器")));
        for s in alternates {
            let _ = writeln!(
                out,
                "  {:<5} {}:{} {}  [{}]{}",
                s.protocol.display_name(),
                s.host,
                s.port,
                security_label(s.security, &t),
                s.label.as_deref().unwrap_or_default(),
                timing(s)
            );
        }
    }

    // Findings, worst first (the report is already sorted so).
    if !report.findings.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", p.bold(t.pick("Findings", "发现的问题")));
        for f in &report.findings {
            finding_block(&mut out, f, &t, &p);
        }
    }

    // Provider notes and what to switch on.
    if let Some(provider) = &report.provider
        && (provider.enable.is_some() || !provider.notes.is_empty())
    {
        out.push('\n');
        let _ = writeln!(out, "{}", p.bold(t.pick("Notes", "提示")));
        if let Some(enable) = &provider.enable {
            let _ = writeln!(out, "  • {enable}");
        }
        for note in &provider.notes {
            let _ = writeln!(out, "  • {note}");
        }
        if let Some(doc) = &provider.documentation {
            let _ = writeln!(out, "  {} {doc}", t.pick("Help:", "帮助："));
        }
    }

    // Where the settings came from.
    out.push('\n');
    let _ = writeln!(out, "{}", p.bold(t.pick("Sources", "设置来源")));
    for s in &report.sources {
        let status = match s.status.as_str() {
            "found" => p.green(&s.status),
            "error" => p.red(&s.status),
            _ => p.dim(&s.status),
        };
        let _ = writeln!(
            out,
            "  {:<12} {:<9} {} {}",
            s.source,
            status,
            s.detail,
            p.dim(&format!("({} ms)", s.elapsed_ms))
        );
    }
    out
}

fn settings_line(
    s: &Settings,
    report: &Report,
    protocol: Protocol,
    t: &Words,
    p: &Painter,
) -> String {
    let server = report.servers.iter().find(|e| {
        e.protocol == protocol && e.host == s.host && e.port == s.port && e.security == s.security
    });
    let verdict = match server.map(|e| e.status.as_str()) {
        Some("ok") => p.green("✓").to_string(),
        Some("warning") => p.yellow("!").to_string(),
        Some("error") => p.red("✗").to_string(),
        _ => " ".to_owned(),
    };
    let sources = server.map(|e| e.sources.join(", ")).unwrap_or_default();
    format!(
        "{verdict} {} {}  {} {}  {}  {} {}  {}",
        t.pick("server", "服务器"),
        p.bold(&s.host),
        t.pick("port", "端口"),
        s.port,
        security_label(s.security, t),
        t.pick("user", "用户名"),
        s.username,
        p.dim(&format!("[{sources}]"))
    )
}

fn finding_block(out: &mut String, f: &FindingEntry, t: &Words, p: &Painter) {
    let tag = match f.severity {
        Severity::Error => p.red(t.pick("error", "错误")),
        Severity::Warning => p.yellow(t.pick("warning", "警告")),
    };
    let proto = f
        .protocol
        .map(|p| format!(" {}", p.display_name()))
        .unwrap_or_default();
    let _ = writeln!(out, "  {tag} [{}]{proto}: {}", f.code, f.message);
    if !f.hint.is_empty() {
        let _ = writeln!(out, "      → {}", f.hint);
    }
    if let Some(evidence) = &f.evidence {
        let _ = writeln!(
            out,
            "      {} {}",
            p.dim(t.pick("server said:", "服务器返回：")),
            p.dim(evidence)
        );
    }
}

/// Connect and handshake times, so a user abroad can pick the faster alternate.
fn timing(s: &ServerEntry) -> String {
    match (s.connect_ms, s.handshake_ms) {
        (Some(connect), Some(handshake)) => {
            format!("  connect {connect} ms, handshake {handshake} ms")
        }
        (Some(connect), None) => format!("  connect {connect} ms"),
        _ => String::new(),
    }
}

fn security_label(security: Security, t: &Words) -> &'static str {
    match security {
        Security::Tls => "SSL/TLS",
        Security::Starttls => "STARTTLS",
        Security::Plain => t.pick("no encryption", "不加密"),
    }
}

/// The fixed words of the report in the chosen language.
struct Words(Lang);

impl Words {
    fn pick(&self, en: &'static str, zh: &'static str) -> &'static str {
        self.0.pick(en, zh)
    }

    fn matched_by(&self, how: &str) -> &'static str {
        match how {
            "mx" => self.pick("recognised by its MX records", "通过 MX 记录识别"),
            _ => self.pick("recognised by its domain", "通过域名识别"),
        }
    }
}

/// Colour when asked for, plain text otherwise.
struct Painter(bool);

impl Painter {
    fn paint(&self, text: &str, style: Paint) -> String {
        if self.0 {
            text.style(style).to_string()
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint(text, Paint::new().bold())
    }
    fn dim(&self, text: &str) -> String {
        self.paint(text, Paint::new().dimmed())
    }
    fn red(&self, text: &str) -> String {
        self.paint(text, Paint::new().red().bold())
    }
    fn yellow(&self, text: &str) -> String {
        self.paint(text, Paint::new().yellow().bold())
    }
    fn green(&self, text: &str) -> String {
        self.paint(text, Paint::new().green())
    }
}
