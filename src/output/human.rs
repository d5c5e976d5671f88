//! The report for a person, top to bottom: who and which provider; where the settings came
//! from; one verdict line per protocol; the findings, worst first, each with its hint; the
//! settings that work, as the fields a mail client asks for; the provider's notes. `-v` adds
//! every server considered and every source's answer; `--trace` adds the dialogues.

use std::fmt::Write as _;

use owo_colors::{OwoColorize, Style as Paint};
use unicode_width::UnicodeWidthStr;

use super::Style;
use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::{FindingEntry, Report, ServerEntry, Settings};
use crate::settings::{Protocol, Security};
use crate::source::SourceKind;

pub fn render(report: &Report, style: Style) -> String {
    let r = Renderer {
        report,
        t: Words(style.lang),
        p: Painter(style.color),
        out: String::new(),
    };
    r.render(style.verbose)
}

struct Renderer<'a> {
    report: &'a Report,
    t: Words,
    p: Painter,
    out: String,
}

/// How one protocol fared, for its verdict line (and the batch summary's cell).
pub(super) enum Verdict<'a> {
    /// Proved to work, login included.
    Works(&'a Settings),
    /// Reachable and secure, but the login was not tried (no password).
    Reachable(&'a Settings),
    /// Not probed (`--offline`, `--no-probe`): the most likely settings.
    Untested(&'a Settings),
    /// The server is right but refused this account (the finding says why).
    Refused(&'a Settings, Option<&'a FindingEntry>),
    /// No candidate works; the worst finding says why.
    Broken(Option<&'a FindingEntry>, usize),
    /// No source names a server, or SRV says the protocol is not offered.
    NotOffered,
}

impl Renderer<'_> {
    fn render(mut self, verbose: bool) -> String {
        self.header();
        self.verdicts();
        self.findings();
        self.client_settings();
        self.alternates();
        self.notes();
        if verbose {
            self.servers();
            self.sources();
        }
        let mut out = self.out;
        if self.report.servers.iter().any(|s| !s.transcript.is_empty()) {
            out.push('\n');
            out.push_str(&super::trace::render(self.report, self.t.0));
        }
        out
    }

    fn line(&mut self, text: impl AsRef<str>) {
        // An empty last column (no timing, say) must not leave spaces at the end of the line.
        self.out.push_str(text.as_ref().trim_end());
        self.out.push('\n');
    }

    fn heading(&mut self, en: &'static str, zh: &'static str) {
        self.out.push('\n');
        let text = self.p.bold(self.t.pick(en, zh));
        self.line(text);
    }

    /// The address, the provider, and the sources that named servers.
    fn header(&mut self) {
        let provider = match &self.report.provider {
            Some(provider) => format!(
                "{} ({})",
                provider.name,
                self.t.matched_by(&provider.matched_by)
            ),
            None => self
                .t
                .pick("provider not recognised", "未识别的服务商")
                .to_owned(),
        };
        let title = format!("{}  {}", self.p.bold(&self.report.address), provider);
        self.line(title);
        let found: Vec<&str> = self
            .report
            .sources
            .iter()
            .filter(|s| s.status == "found")
            .map(|s| source_title(&s.source, self.t.0))
            .collect();
        let from = if found.is_empty() {
            self.p.red(self.t.pick("no source", "无来源"))
        } else {
            found.join(self.t.pick(", ", "、"))
        };
        let line = format!("{}{from}", self.t.pick("Settings from: ", "设置来源："));
        self.line(line);
    }

    fn verdicts(&mut self) {
        self.out.push('\n');
        for protocol in Protocol::ALL {
            let verdict = verdict(self.report, protocol);
            let text = self.verdict_line(protocol, &verdict);
            self.line(text);
        }
    }

    fn verdict_line(&self, protocol: Protocol, verdict: &Verdict) -> String {
        let (t, p) = (&self.t, &self.p);
        let at = |s: &Settings| format!("{}:{} {}", s.host, s.port, security_label(s.security, t));
        // (mark, what happened, the details in dim), each already painted.
        let (mark, word, detail) = match verdict {
            Verdict::Works(s) => (
                p.green("✓"),
                p.green(t.pick("works", "可用")),
                format!("{}, {}", at(s), t.pick("login succeeded", "登录成功")),
            ),
            Verdict::Reachable(s) => (
                p.green("✓"),
                p.green(t.pick("reachable", "可连接")),
                format!(
                    "{}, {}",
                    at(s),
                    t.pick(
                        "login not tested (no password given)",
                        "未测试登录（未提供密码）"
                    )
                ),
            ),
            Verdict::Untested(s) => (p.dim("?"), t.pick("not tested", "未检测").to_owned(), at(s)),
            Verdict::Refused(s, finding) => (
                p.red("✗"),
                p.red(t.pick("login refused", "登录被拒绝")),
                format!(
                    "{}{}",
                    at(s),
                    finding.map(|f| format!(": {}", f.code)).unwrap_or_default()
                ),
            ),
            Verdict::Broken(finding, tried) => {
                let why = finding.map_or_else(
                    || t.pick("no server works", "没有可用的服务器").to_owned(),
                    |f| format!("{} [{}]", f.message, f.code),
                );
                let tried = match t.0 {
                    Lang::En => format!("({tried} server(s) tried)"),
                    Lang::Zh => format!("(已尝试 {tried} 个服务器)"),
                };
                (p.red("✗"), p.red(&why), tried)
            }
            Verdict::NotOffered => (
                p.dim("–"),
                p.dim(t.pick("not offered", "未提供")),
                String::new(),
            ),
        };
        let name = format!("{:<5}", protocol.display_name());
        if detail.is_empty() {
            format!("{name} {mark} {word}")
        } else {
            format!("{name} {mark} {word}  {}", p.dim(&detail))
        }
    }

    fn findings(&mut self) {
        if self.report.findings.is_empty() {
            return;
        }
        self.heading("Findings, worst first", "发现的问题（按严重程度排序）");
        for f in &self.report.findings {
            let block = self.finding_block(f);
            self.out.push_str(&block);
        }
    }

    fn finding_block(&self, f: &FindingEntry) -> String {
        let (t, p) = (&self.t, &self.p);
        let tag = match f.severity {
            Severity::Error => p.red(&format!("✗ {}", t.pick("error", "错误"))),
            Severity::Warning => p.yellow(&format!("! {}", t.pick("warning", "警告"))),
        };
        let place = match (f.protocol, &f.host, f.port) {
            (Some(protocol), Some(host), Some(port)) => {
                format!(" {} {host}:{port}", protocol.display_name())
            }
            (Some(protocol), _, _) => format!(" {}", protocol.display_name()),
            _ => String::new(),
        };
        let mut out = format!("  {tag} {}{place}\n", p.dim(&format!("[{}]", f.code)));
        let _ = writeln!(out, "    {}", f.message);
        if !f.hint.is_empty() {
            let _ = writeln!(out, "    {} {}", p.bold("→"), f.hint);
        }
        if f.possible_causes.len() > 1 {
            let causes: Vec<&str> = f.possible_causes.iter().map(|c| c.as_str()).collect();
            let label = t.pick(
                "Possible causes, most likely first:",
                "可能原因（按可能性排序）：",
            );
            let _ = writeln!(out, "    {}", t.0.labelled(label, &causes.join(", ")));
        }
        if let Some(evidence) = &f.evidence {
            let text = t.0.labelled(t.pick("Evidence:", "证据："), evidence);
            let _ = writeln!(out, "    {}", p.dim(&text));
        }
        out
    }

    /// The fields a user types into Outlook, Thunderbird or an iPhone.
    fn client_settings(&mut self) {
        let report = self.report;
        let settings: Vec<(Protocol, &Settings)> = Protocol::ALL
            .into_iter()
            .filter_map(|p| report.recommended_for(p).map(|s| (p, s)))
            .collect();
        if settings.is_empty() {
            return;
        }
        let tested = settings.iter().any(|(p, s)| {
            report
                .server_for(*p, s)
                .is_some_and(|e| e.status != "untested")
        });
        if tested {
            self.heading("Settings for your mail client", "邮件客户端设置");
        } else {
            self.heading(
                "Settings for your mail client (not tested)",
                "邮件客户端设置（未检测）",
            );
        }
        for (protocol, s) in settings {
            let mark = report
                .server_for(protocol, s)
                .map_or_else(|| self.p.dim("?"), |e| status_mark(e, &self.p));
            let title = format!("  {mark} {}", self.p.bold(self.t.server_kind(protocol)));
            self.line(title);
            let mut fields = vec![
                (self.t.pick("Server", "服务器"), self.p.bold(&s.host)),
                (self.t.pick("Port", "端口"), s.port.to_string()),
                (
                    self.t.pick("Encryption", "加密方式"),
                    security_label(s.security, &self.t).to_owned(),
                ),
                (self.t.pick("User name", "用户名"), s.username.clone()),
            ];
            if needs_app_password(report, protocol) {
                fields.push((
                    self.t.pick("Password", "密码"),
                    self.t
                        .pick(
                            "an app password / authorization code, not the account password",
                            "应用专用密码 / 授权码，而不是账户密码",
                        )
                        .to_owned(),
                ));
            }
            if protocol == Protocol::Smtp {
                fields.push((
                    self.t.pick("Authentication", "身份验证"),
                    self.t
                        .pick(
                            "required, same user name and password",
                            "需要，与收件服务器相同的用户名和密码",
                        )
                        .to_owned(),
                ));
            }
            let width = fields.iter().map(|(l, _)| l.width()).max().unwrap_or(0) + 2;
            for (label, value) in fields {
                let pad = " ".repeat(width.saturating_sub(label.width()));
                self.line(format!("      {label}{pad}{value}"));
            }
        }
        // A ✗ beside the right settings would read as "these settings are wrong".
        let refused = Protocol::ALL
            .into_iter()
            .any(|p| matches!(verdict(report, p), Verdict::Refused(..)));
        if refused {
            let note = self.p.dim(self.t.pick(
                "  ✗ above: the server refused this account's login; the settings are right, the findings say why.",
                "  上面的 ✗：服务器拒绝了该账户登录；设置本身正确，原因见上方的问题。",
            ));
            self.line(note);
        }
    }

    /// A server as the lists show it: mark, protocol, host:port, encryption.
    fn server_row(&self, s: &ServerEntry) -> String {
        format!(
            "  {} {:<5} {}:{} {}",
            status_mark(s, &self.p),
            s.protocol.display_name(),
            s.host,
            s.port,
            security_label(s.security, &self.t)
        )
    }

    /// Labelled servers such as Exmail's overseas hosts, with their timings.
    fn alternates(&mut self) {
        let alternates: Vec<&ServerEntry> = self
            .report
            .servers
            .iter()
            .filter(|s| s.label.is_some())
            .collect();
        if alternates.is_empty() {
            return;
        }
        self.heading("Alternates", "备用服务器");
        for s in alternates {
            let row = format!(
                "{}  [{}]  {}",
                self.server_row(s),
                s.label.as_deref().unwrap_or_default(),
                self.p.dim(&timing(s, &self.t))
            );
            self.line(row);
        }
    }

    fn notes(&mut self) {
        let Some(provider) = &self.report.provider else {
            return;
        };
        if provider.enable.is_none() && provider.notes.is_empty() {
            return;
        }
        self.heading("Notes", "提示");
        if let Some(enable) = &provider.enable {
            self.line(format!("  • {enable}"));
        }
        for note in &provider.notes {
            self.line(format!("  • {note}"));
        }
        if let Some(doc) = &provider.documentation {
            let row = format!("  {}{doc}", self.t.pick("Help: ", "帮助："));
            self.line(row);
        }
    }

    /// `-v`: every server considered.
    fn servers(&mut self) {
        if self.report.servers.is_empty() {
            return;
        }
        self.heading("Servers considered", "检测过的服务器");
        for s in &self.report.servers {
            let mut row = format!(
                "{}  {}",
                self.server_row(s),
                self.p.dim(&format!("[{}]", s.sources.join(", "))),
            );
            let timing = timing(s, &self.t);
            if !timing.is_empty() {
                row.push_str(&format!("  {}", self.p.dim(&timing)));
            }
            if let Some(label) = &s.label {
                row.push_str(&format!("  [{label}]"));
            }
            self.line(row);
            let login = match s.login.as_str() {
                "ok" => self.t.pick("login succeeded", "登录成功"),
                "failed" => self.t.pick("login refused", "登录被拒绝"),
                _ => self.t.pick("login not tested", "未测试登录"),
            };
            let mut facts = vec![
                format!("{}: {}", self.t.pick("user", "用户名"), s.username),
                login.to_owned(),
            ];
            if !s.auth_mechanisms.is_empty() {
                facts.push(format!("AUTH {}", s.auth_mechanisms.join(" ")));
            }
            self.line(format!("      {}", facts.join("; ")));
            if let Some(tls) = &s.tls {
                let rows = [
                    format!(
                        "{} {}, {} {}",
                        tls.version,
                        self.t.pick("certificate", "证书"),
                        tls.cert_subject,
                        self.p.dim(&format!("({})", tls.cert_issuer))
                    ),
                    format!(
                        "{} {}; {} {}",
                        self.t.pick("names:", "域名："),
                        tls.cert_names.join(", "),
                        self.t.pick("valid until", "有效期至"),
                        tls.cert_not_after
                    ),
                ];
                for row in rows {
                    self.line(format!("      {row}"));
                }
            }
        }
    }

    /// `-v`: every source's answer.
    fn sources(&mut self) {
        self.heading("Sources", "设置来源");
        for s in &self.report.sources {
            let status = match s.status.as_str() {
                "found" => self.p.green(&s.status),
                "error" => self.p.red(&s.status),
                _ => self.p.dim(&s.status),
            };
            let pad = " ".repeat(9usize.saturating_sub(s.status.len()));
            let row = format!(
                "  {:<12} {status}{pad} {} {}",
                s.source,
                s.detail,
                self.p.dim(&format!("({} ms)", s.elapsed_ms))
            );
            self.line(row);
        }
    }
}

pub(super) fn verdict(report: &Report, protocol: Protocol) -> Verdict<'_> {
    let servers: Vec<&ServerEntry> = report
        .servers
        .iter()
        .filter(|s| s.protocol == protocol)
        .collect();
    let worst = report
        .findings
        .iter()
        .find(|f| f.protocol == Some(protocol) && f.severity == Severity::Error);
    let Some(settings) = report.recommended_for(protocol) else {
        return if servers.is_empty() {
            Verdict::NotOffered
        } else {
            Verdict::Broken(worst, servers.len())
        };
    };
    match report.server_for(protocol, settings) {
        None => Verdict::Untested(settings),
        Some(server) => match (server.status.as_str(), server.login.as_str()) {
            ("untested", _) => Verdict::Untested(settings),
            (_, "ok") => Verdict::Works(settings),
            (_, "failed") => Verdict::Refused(settings, worst),
            ("error", _) => Verdict::Broken(worst, servers.len()),
            _ => Verdict::Reachable(settings),
        },
    }
}

pub(super) fn status_mark(s: &ServerEntry, p: &Painter) -> String {
    match s.status.as_str() {
        "ok" => p.green("✓"),
        "warning" => p.yellow("!"),
        "error" => p.red("✗"),
        _ => p.dim("?"),
    }
}

/// Whether the findings say this protocol wants an app password or authorization code.
fn needs_app_password(report: &Report, protocol: Protocol) -> bool {
    report.findings.iter().any(|f| {
        f.code == crate::finding::FindingCode::AppPasswordRequired
            && f.protocol.is_none_or(|p| p == protocol)
    })
}

fn source_title(name: &str, lang: Lang) -> &str {
    SourceKind::from_name(name).map_or(name, |k| k.title(lang))
}

/// Connect and handshake times, so a user abroad can pick the faster alternate.
fn timing(s: &ServerEntry, t: &Words) -> String {
    let (connect, handshake) = (t.pick("connect", "连接"), t.pick("handshake", "握手"));
    match (s.connect_ms, s.handshake_ms) {
        (Some(c), Some(h)) => format!("{connect} {c} ms, {handshake} {h} ms"),
        (Some(c), None) => format!("{connect} {c} ms"),
        _ => String::new(),
    }
}

fn security_label(security: Security, t: &Words) -> &'static str {
    match security {
        Security::Tls => "SSL/TLS",
        Security::Starttls => "STARTTLS",
        Security::Plain => t.pick("none", "无"),
    }
}

/// The fixed words of the report in the chosen language.
pub(super) struct Words(pub(super) Lang);

impl Words {
    pub(super) fn pick(&self, en: &'static str, zh: &'static str) -> &'static str {
        self.0.pick(en, zh)
    }

    fn matched_by(&self, how: &str) -> &'static str {
        match how {
            "mx" => self.pick("recognised by its MX records", "通过 MX 记录识别"),
            _ => self.pick("recognised by its domain", "通过域名识别"),
        }
    }

    fn server_kind(&self, protocol: Protocol) -> &'static str {
        match protocol {
            Protocol::Imap => self.pick("Incoming mail server (IMAP)", "收件服务器（IMAP）"),
            Protocol::Pop3 => self.pick("Incoming mail server (POP3)", "收件服务器（POP3）"),
            Protocol::Smtp => self.pick("Outgoing mail server (SMTP)", "发件服务器（SMTP）"),
        }
    }
}

/// Colour when asked for, plain text otherwise.
pub(super) struct Painter(pub(super) bool);

impl Painter {
    fn paint(&self, text: &str, style: Paint) -> String {
        if self.0 {
            text.style(style).to_string()
        } else {
            text.to_owned()
        }
    }
    pub(super) fn bold(&self, text: &str) -> String {
        self.paint(text, Paint::new().bold())
    }
    pub(super) fn dim(&self, text: &str) -> String {
        self.paint(text, Paint::new().dimmed())
    }
    pub(super) fn red(&self, text: &str) -> String {
        self.paint(text, Paint::new().red().bold())
    }
    pub(super) fn yellow(&self, text: &str) -> String {
        self.paint(text, Paint::new().yellow().bold())
    }
    pub(super) fn green(&self, text: &str) -> String {
        self.paint(text, Paint::new().green())
    }
}
