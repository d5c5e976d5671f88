//! The report for a person, top to bottom: who and which provider; where the settings came
//! from; one verdict line per protocol; the findings, worst first, each with its hint; the
//! settings that work, as the fields a mail client asks for; the provider's notes. `-v` adds
//! every server considered and every source's answer; `--trace` adds the dialogues.

use std::fmt::Write as _;

use owo_colors::{OwoColorize, Style as Paint};
use unicode_width::UnicodeWidthStr;

use super::Style;
use crate::clientconfig::PasswordKind;
use crate::diagnose::LoginSkipped;
use crate::finding::Severity;
use crate::report::{FindingEntry, Report, ServerEntry, Settings};
use crate::settings::Protocol;
use crate::source::SourceKind;
use crate::text::{Catalogue, Phrase, catalogue};

/// The report for a person (what `mailcheck` prints by default).
pub fn render(report: &Report, style: Style) -> String {
    let report = &super::escape::report(report);
    let r = Renderer {
        report,
        t: catalogue(style.lang),
        p: Painter(style.color),
        out: String::new(),
    };
    r.render(style.verbose)
}

struct Renderer<'a> {
    report: &'a Report,
    t: &'static dyn Catalogue,
    p: Painter,
    out: String,
}

/// How one protocol fared, for its verdict line (and the batch summary's cell).
pub(super) enum ProtocolVerdict<'a> {
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
    /// The domain says the protocol is not offered (an SRV record whose target is `.`).
    NotOffered,
    /// No source named a server of the protocol: nothing is known about it.
    NotNamed,
}

impl Renderer<'_> {
    fn render(mut self, verbose: bool) -> String {
        self.header();
        self.verdicts();
        self.not_logged_in();
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
            out.push_str(&super::trace::render(self.report, self.t));
        }
        out
    }

    fn line(&mut self, text: impl AsRef<str>) {
        // An empty last column (no timing, say) must not leave spaces at the end of the line.
        self.out.push_str(text.as_ref().trim_end());
        self.out.push('\n');
    }

    fn heading(&mut self, phrase: Phrase) {
        self.out.push('\n');
        let text = self.p.bold(self.t.phrase(phrase));
        self.line(text);
    }

    /// The address and the provider; the conclusion and its fix; the sources that named
    /// servers. A helpdesk reads what is wrong and what to do in the first three lines.
    fn header(&mut self) {
        let provider = match &self.report.provider {
            Some(provider) => format!(
                "{}{}",
                provider.name,
                self.t
                    .paren(self.t.phrase(match provider.matched_by.as_str() {
                        "mx" => Phrase::MatchedByMx,
                        "autodiscover" => Phrase::MatchedByAutodiscover,
                        _ => Phrase::MatchedByDomain,
                    }))
            ),
            None => self.t.phrase(Phrase::ProviderNotRecognised).to_owned(),
        };
        let title = format!("{}  {}", self.p.bold(&self.report.address), provider);
        self.line(title);
        if let Some(conclusion) = &self.report.conclusion {
            let untested = self.report.servers.iter().all(|s| s.status == "untested");
            let mark = if conclusion.code != "ok" {
                self.p.red("✗")
            } else if untested {
                self.p.dim("?")
            } else if self.report.findings.is_empty() {
                self.p.green("✓")
            } else {
                self.p.yellow("!")
            };
            let line = format!("{mark} {}", self.p.bold(&conclusion.message));
            self.line(line);
            if !conclusion.hint.is_empty() {
                let line = format!("  {} {}", self.p.bold("→"), conclusion.hint);
                self.line(line);
            }
        }
        let found: Vec<&str> = self
            .report
            .sources
            .iter()
            .filter(|s| s.status == "found")
            .map(|s| source_title(&s.source, self.t))
            .collect();
        let from = if found.is_empty() {
            self.p.red(self.t.phrase(Phrase::NoSource))
        } else {
            found.join(self.t.phrase(Phrase::SourceSeparator))
        };
        let line = format!("{}{from}", self.t.phrase(Phrase::SettingsFrom));
        self.line(line);
    }

    fn verdicts(&mut self) {
        self.out.push('\n');
        for protocol in Protocol::ALL {
            let verdict = verdict(self.report, protocol);
            let text = self.verdict_line(protocol, &verdict);
            self.line(text);
            if !matches!(
                verdict,
                ProtocolVerdict::NotOffered | ProtocolVerdict::NotNamed
            ) {
                self.mailbox(protocol);
            }
        }
    }

    /// Under a protocol's verdict: what its recommended server's mailbox showed, what that
    /// means, and what the provider's service of the protocol cannot do.
    fn mailbox(&mut self, protocol: Protocol) {
        const INDENT: &str = "      ";
        let report = self.report;
        let mailbox = report
            .recommended_for(protocol)
            .and_then(|s| report.server_for(protocol, s))
            .and_then(|s| s.mailbox.as_ref());
        if let Some(m) = mailbox {
            let line = self.t.labelled(self.t.mailbox_label(), &m.summary);
            let line = format!("{INDENT}{}", self.p.dim(&line));
            self.line(line);
            for note in &m.notes {
                self.line(format!("{INDENT}• {note}"));
            }
        }
        let limitations = report.provider.iter().flat_map(|p| &p.limitations);
        for limitation in limitations.filter(|l| l.protocol == protocol) {
            self.line(format!("{INDENT}• {}", limitation.text));
        }
    }

    fn verdict_line(&self, protocol: Protocol, verdict: &ProtocolVerdict) -> String {
        let (t, p) = (self.t, &self.p);
        let at = |s: &Settings| format!("{}:{} {}", s.host, s.port, t.security_label(s.security));
        // (mark, what happened, the details in dim), each already painted.
        let (mark, word, detail) = match verdict {
            ProtocolVerdict::Works(s) => (
                p.green("✓"),
                p.green(t.phrase(Phrase::Works)),
                format!(
                    "{}{}{}",
                    at(s),
                    t.field_separator(),
                    t.phrase(Phrase::LoginSucceeded)
                ),
            ),
            ProtocolVerdict::Reachable(s) => {
                let skipped = self.report.server_for(protocol, s).and_then(skipped_words);
                let login = match skipped {
                    Some((short, _)) => t.login_not_tried(t.phrase(short)),
                    None => t.phrase(Phrase::LoginNotTestedNoPassword).to_owned(),
                };
                (
                    p.green("✓"),
                    p.green(t.phrase(Phrase::Reachable)),
                    format!("{}{}{login}", at(s), t.field_separator()),
                )
            }
            ProtocolVerdict::Untested(s) => {
                (p.dim("?"), t.phrase(Phrase::NotTested).to_owned(), at(s))
            }
            ProtocolVerdict::Refused(s, finding) => (
                p.red("✗"),
                p.red(t.phrase(Phrase::LoginRefused)),
                format!(
                    "{}{}",
                    at(s),
                    finding
                        .map(|f| format!("{}{}", t.phrase(Phrase::ClauseColon), f.code))
                        .unwrap_or_default()
                ),
            ),
            ProtocolVerdict::Broken(finding, tried) => {
                let why = finding.map_or_else(
                    || t.phrase(Phrase::NoServerWorks).to_owned(),
                    |f| format!("{} [{}]", f.message, f.code),
                );
                let tried = t.servers_tried(*tried);
                (p.red("✗"), p.red(&why), tried)
            }
            ProtocolVerdict::NotOffered => (
                p.dim("–"),
                p.dim(t.phrase(Phrase::NotOffered)),
                String::new(),
            ),
            ProtocolVerdict::NotNamed => {
                (p.dim("–"), p.dim(t.phrase(Phrase::NotNamed)), String::new())
            }
        };
        let name = format!("{:<5}", protocol.display_name());
        if detail.is_empty() {
            format!("{name} {mark} {word}")
        } else {
            format!("{name} {mark} {word}  {}", p.dim(&detail))
        }
    }

    /// The servers a password was kept from, and why: one line per reason.
    fn not_logged_in(&mut self) {
        let mut reasons: Vec<(Phrase, Vec<String>)> = Vec::new();
        for s in &self.report.servers {
            let Some((_, why)) = skipped_words(s) else {
                continue;
            };
            // The conclusion says why the password was not tried again after a refusal.
            if why == Phrase::WhyAfterRefusal {
                continue;
            }
            let server = format!("{} {}:{}", s.protocol.display_name(), s.host, s.port);
            match reasons.iter_mut().find(|(w, _)| *w == why) {
                Some((_, servers)) => servers.push(server),
                None => reasons.push((why, vec![server])),
            }
        }
        if reasons.is_empty() {
            return;
        }
        self.heading(Phrase::NotLoggedInHeading);
        for (why, servers) in reasons {
            let servers = servers.join(self.t.phrase(Phrase::SourceSeparator));
            let line = self.t.not_logged_in(&servers, self.t.phrase(why));
            self.line(format!("  {line}"));
        }
    }

    /// The findings, worst first. The same finding on several servers (same code, hint and
    /// evidence) is shown once with every server it is about; the hint the conclusion already
    /// gave is not repeated.
    fn findings(&mut self) {
        if self.report.findings.is_empty() {
            return;
        }
        let said = self.report.conclusion.as_ref().map(|c| c.hint.as_str());
        let mut groups: Vec<(usize, Vec<String>)> = Vec::new();
        for (i, f) in self.report.findings.iter().enumerate() {
            let same = groups.iter_mut().find(|(first, _)| {
                let g = &self.report.findings[*first];
                g.code == f.code && g.hint == f.hint && g.evidence == f.evidence
            });
            let place = f.place().unwrap_or_default();
            match same {
                Some((_, places)) => places.push(place),
                None => groups.push((i, vec![place])),
            }
        }
        self.heading(Phrase::FindingsHeading);
        for (first, places) in groups {
            let f = &self.report.findings[first];
            let hint_shown = said == Some(f.hint.as_str());
            let block = self.finding_block(f, &places, hint_shown);
            self.out.push_str(&block);
        }
    }

    fn finding_block(&self, f: &FindingEntry, places: &[String], hint_shown: bool) -> String {
        let (t, p) = (self.t, &self.p);
        let tag = match f.severity {
            Severity::Error => p.red(&format!("✗ {}", t.phrase(Phrase::Error))),
            Severity::Warning => p.yellow(&format!("! {}", t.phrase(Phrase::Warning))),
        };
        let places: Vec<&str> = places
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        let place = if places.is_empty() {
            String::new()
        } else {
            format!(" {}", places.join(t.phrase(Phrase::SourceSeparator)))
        };
        let mut out = format!("  {tag} {}{place}\n", p.dim(&format!("[{}]", f.code)));
        let _ = writeln!(out, "    {}", f.message);
        if !f.hint.is_empty() && !hint_shown {
            let _ = writeln!(out, "    {} {}", p.bold("→"), f.hint);
        }
        if f.possible_causes.len() > 1 {
            let causes: Vec<&str> = f.possible_causes.iter().map(|c| c.as_str()).collect();
            let label = t.phrase(Phrase::PossibleCauses);
            let causes = causes.join(t.phrase(Phrase::SourceSeparator));
            let _ = writeln!(out, "    {}", t.labelled(label, &causes));
        }
        if let Some(evidence) = &f.evidence {
            let text = t.labelled(t.phrase(Phrase::Evidence), evidence);
            let _ = writeln!(out, "    {}", p.dim(&text));
        }
        out
    }

    /// The fields a user types into Outlook, Thunderbird or an iPhone, one row per protocol;
    /// a protocol whose servers all failed says so, a protocol nobody named is left out.
    fn client_settings(&mut self) {
        let report = self.report;
        let rows: Vec<(Protocol, Option<&Settings>)> = Protocol::ALL
            .into_iter()
            .filter_map(|p| match verdict(report, p) {
                ProtocolVerdict::NotOffered | ProtocolVerdict::NotNamed => None,
                ProtocolVerdict::Broken(..) => Some((p, None)),
                _ => Some((p, report.recommended_for(p))),
            })
            .collect();
        if rows.iter().all(|(_, s)| s.is_none()) {
            return;
        }
        let tested = rows.iter().any(|(p, s)| {
            s.and_then(|s| report.server_for(*p, s))
                .is_some_and(|e| e.status != "untested")
        });
        self.heading(if tested {
            Phrase::ClientSettingsHeading
        } else {
            Phrase::ClientSettingsUntestedHeading
        });
        let t = self.t;
        let mut table: Vec<Vec<String>> = vec![vec![
            String::new(),
            t.phrase(Phrase::Server).to_owned(),
            t.phrase(Phrase::Port).to_owned(),
            t.phrase(Phrase::Encryption).to_owned(),
            t.phrase(Phrase::UserName).to_owned(),
        ]];
        for (protocol, settings) in &rows {
            let name = protocol.display_name().to_owned();
            table.push(match settings {
                Some(s) => vec![
                    name,
                    s.host.clone(),
                    s.port.to_string(),
                    t.security_label(s.security).to_owned(),
                    s.username.clone(),
                ],
                None => vec![name, t.phrase(Phrase::NothingWorks).to_owned()],
            });
        }
        let columns = table.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                table
                    .iter()
                    .filter(|row| row.len() == columns)
                    .filter_map(|row| row.get(c))
                    .map(|cell| cell.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (i, row) in table.iter().enumerate() {
            let mut line = String::from("  ");
            for (c, cell) in row.iter().enumerate() {
                let cell_text = if i == 0 {
                    self.p.dim(cell)
                } else if c == 1 && row.len() == columns {
                    self.p.bold(cell)
                } else {
                    cell.clone()
                };
                line.push_str(&cell_text);
                if c + 1 < row.len() {
                    line.push_str(&" ".repeat(widths[c].saturating_sub(cell.width()) + 2));
                }
            }
            self.line(line);
        }
        // What the password field takes: the provider's rule, or what a refusal showed.
        let refused_for_app_password = rows
            .iter()
            .any(|(p, s)| s.is_some_and(|s| needs_app_password(report, *p, s)));
        let kind = report
            .provider
            .as_ref()
            .and_then(|p| p.password.as_deref())
            .and_then(|k| PasswordKind::ALL.into_iter().find(|x| x.as_str() == k));
        let kind = match kind {
            Some(kind) if kind != PasswordKind::Account => kind,
            _ if refused_for_app_password => PasswordKind::AppPassword,
            _ => PasswordKind::Account,
        };
        // Where only OAuth is taken, no password goes in the field at all.
        let oauth: Vec<Protocol> = rows
            .iter()
            .filter(|(p, s)| s.is_some() && oauth_only(report, *p))
            .map(|(p, _)| *p)
            .collect();
        let listed = rows.iter().filter(|(_, s)| s.is_some()).count();
        let password = if !oauth.is_empty() && oauth.len() == listed {
            t.phrase(Phrase::PasswordOauthOnly).to_owned()
        } else if !oauth.is_empty() {
            let names: Vec<&str> = oauth.iter().map(|p| p.display_name()).collect();
            format!(
                "{}{}{}",
                t.password_field(kind),
                t.field_separator(),
                t.oauth_only_for(&t.list(&names))
            )
        } else {
            t.password_field(kind).to_owned()
        };
        let line = t.labelled(t.phrase(Phrase::PasswordLabel), &password);
        self.line(format!("  {line}"));
        if rows
            .iter()
            .any(|(p, s)| *p == Protocol::Smtp && s.is_some())
        {
            let auth = if oauth.contains(&Protocol::Smtp) {
                t.phrase(Phrase::SmtpAuthOauth)
            } else {
                t.smtp_authentication(kind)
            };
            let line = t.labelled(t.phrase(Phrase::SmtpAuthLabel), auth);
            self.line(format!("  {line}"));
        }
        // A ✗ verdict beside the right settings would read as "these settings are wrong".
        let refused: Vec<&Settings> = Protocol::ALL
            .into_iter()
            .filter_map(|p| match verdict(report, p) {
                ProtocolVerdict::Refused(s, _) => Some(s),
                _ => None,
            })
            .collect();
        if !refused.is_empty() {
            let typed_only = refused.iter().any(|s| {
                report
                    .servers
                    .iter()
                    .find(|e| e.host == s.host && e.port == s.port && e.security == s.security)
                    .is_some_and(|e| e.sources == ["user"])
            });
            let note = self.p.dim(self.t.phrase(if typed_only {
                Phrase::RefusedNoteTypedOnly
            } else {
                Phrase::RefusedNote
            }));
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
            self.t.security_label(s.security)
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
        self.heading(Phrase::AlternatesHeading);
        for s in alternates {
            let row = format!(
                "{}  [{}]  {}",
                self.server_row(s),
                s.label.as_deref().unwrap_or_default(),
                self.p.dim(&timing(s, self.t))
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
        self.heading(Phrase::NotesHeading);
        if let Some(enable) = &provider.enable {
            self.line(format!("  • {enable}"));
        }
        for note in &provider.notes {
            self.line(format!("  • {note}"));
        }
        if let Some(doc) = &provider.documentation {
            let row = format!("  {}{doc}", self.t.phrase(Phrase::Help));
            self.line(row);
        }
    }

    /// `-v`: every server considered.
    fn servers(&mut self) {
        if self.report.servers.is_empty() {
            return;
        }
        self.heading(Phrase::ServersHeading);
        for s in &self.report.servers {
            let mut row = format!(
                "{}  {}",
                self.server_row(s),
                self.p.dim(&format!("[{}]", s.sources.join(", "))),
            );
            let timing = timing(s, self.t);
            if !timing.is_empty() {
                row.push_str(&format!("  {}", self.p.dim(&timing)));
            }
            if let Some(label) = &s.label {
                row.push_str(&format!("  [{label}]"));
            }
            self.line(row);
            let login = match (s.login.as_str(), skipped_words(s)) {
                ("ok", _) => self.t.phrase(Phrase::LoginSucceeded).to_owned(),
                ("failed", _) => self.t.phrase(Phrase::LoginRefused).to_owned(),
                (_, Some((short, _))) => self.t.login_not_tried(self.t.phrase(short)),
                _ => self.t.phrase(Phrase::LoginNotTested).to_owned(),
            };
            let mut facts = vec![
                self.t.labelled(self.t.phrase(Phrase::User), &s.username),
                login,
            ];
            if !s.auth_mechanisms.is_empty() {
                facts.push(format!("AUTH {}", s.auth_mechanisms.join(" ")));
            }
            self.line(format!("      {}", facts.join(self.t.clause_separator())));
            if !s.addresses.is_empty() {
                let row = self.addresses(s);
                self.line(format!("      {row}"));
            }
            if let Some(tls) = &s.tls {
                let rows = [
                    format!(
                        "{} {}{}{} {}",
                        tls.version,
                        self.t.phrase(Phrase::Certificate),
                        self.t.field_separator(),
                        tls.cert_subject,
                        self.p.dim(&format!("({})", tls.cert_issuer))
                    ),
                    format!(
                        "{}{}{} {}",
                        self.t
                            .labelled(self.t.phrase(Phrase::CertNames), &tls.cert_names.join(", ")),
                        self.t.clause_separator(),
                        self.t.phrase(Phrase::ValidUntil),
                        tls.cert_not_after
                    ),
                ];
                for row in rows {
                    self.line(format!("      {row}"));
                }
            }
        }
    }

    /// What each address of the server's host did when the probe connected.
    fn addresses(&self, s: &ServerEntry) -> String {
        let attempts: Vec<String> = s
            .addresses
            .iter()
            .map(|a| {
                let result = self.t.phrase(crate::text::attempt_phrase(&a.result));
                match a.ms {
                    Some(ms) => format!(
                        "{} {result}{}",
                        a.address,
                        self.p.dim(&self.t.paren(&format!("{ms} ms")))
                    ),
                    None => format!("{} {result}", a.address),
                }
            })
            .collect();
        self.t.labelled(
            self.t.phrase(Phrase::Addresses),
            &attempts.join(self.t.phrase(Phrase::SourceSeparator)),
        )
    }

    /// `-v`: every source's answer.
    fn sources(&mut self) {
        self.heading(Phrase::SourcesHeading);
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

pub(super) fn verdict(report: &Report, protocol: Protocol) -> ProtocolVerdict<'_> {
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
        return if servers.is_empty() && report.not_offered.contains(&protocol) {
            ProtocolVerdict::NotOffered
        } else if servers.is_empty() {
            ProtocolVerdict::NotNamed
        } else {
            ProtocolVerdict::Broken(worst, servers.len())
        };
    };
    match report.server_for(protocol, settings) {
        None => ProtocolVerdict::Untested(settings),
        Some(server) => match (server.status.as_str(), server.login.as_str()) {
            ("untested", _) => ProtocolVerdict::Untested(settings),
            (_, "ok") => ProtocolVerdict::Works(settings),
            (_, "failed") => ProtocolVerdict::Refused(settings, worst),
            ("error", _) => ProtocolVerdict::Broken(worst, servers.len()),
            _ => ProtocolVerdict::Reachable(settings),
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

/// Why a password that was given was kept from `s`, briefly and in full; `None` when it was
/// logged in to, when there was no password, or when its probe stopped before the login (its
/// findings say why).
fn skipped_words(s: &ServerEntry) -> Option<(Phrase, Phrase)> {
    let why = s.login_skipped.as_deref()?;
    let why = LoginSkipped::ALL.into_iter().find(|w| w.as_str() == why)?;
    Some(match why {
        LoginSkipped::NotVerifiedTls => (Phrase::SkippedNotVerifiedTls, Phrase::WhyNotVerifiedTls),
        LoginSkipped::NoLoginOffered => (Phrase::SkippedNoLoginOffered, Phrase::WhyNoLoginOffered),
        LoginSkipped::NoUsableMechanism => (
            Phrase::SkippedNoUsableMechanism,
            Phrase::WhyNoUsableMechanism,
        ),
        LoginSkipped::InsecureSource => (Phrase::SkippedInsecureSource, Phrase::WhyInsecureSource),
        LoginSkipped::AfterRefusal => (Phrase::SkippedAfterRefusal, Phrase::WhyAfterRefusal),
        LoginSkipped::AfterServiceRefusal => (
            Phrase::SkippedAfterServiceRefusal,
            Phrase::WhyAfterServiceRefusal,
        ),
        LoginSkipped::AttemptLimit => (Phrase::SkippedAttemptLimit, Phrase::WhyAttemptLimit),
        LoginSkipped::NamedByCertificate => (
            Phrase::SkippedNamedByCertificate,
            Phrase::WhyNamedByCertificate,
        ),
        LoginSkipped::NoPassword | LoginSkipped::NotReached | LoginSkipped::NotProbed => {
            return None;
        }
    })
}

/// Whether the findings say this protocol wants an app password or authorization code: a
/// finding about it, or one about another protocol when `settings` were not tried after that
/// refusal (an app password is the account's, and goes into every protocol's field).
fn needs_app_password(report: &Report, protocol: Protocol, settings: &Settings) -> bool {
    let held_back = report
        .server_for(protocol, settings)
        .is_some_and(|s| s.login_skipped.as_deref() == Some(LoginSkipped::AfterRefusal.as_str()));
    report.findings.iter().any(|f| {
        f.code == crate::finding::FindingCode::AppPasswordRequired
            && (held_back || f.protocol.is_none_or(|p| p == protocol))
    })
}

/// Whether the findings say `protocol` takes no password login, only OAuth.
fn oauth_only(report: &Report, protocol: Protocol) -> bool {
    report.findings.iter().any(|f| {
        f.code == crate::finding::FindingCode::OauthRequired && f.protocol == Some(protocol)
    })
}

fn source_title<'a>(name: &'a str, t: &'static dyn Catalogue) -> &'a str {
    SourceKind::from_name(name).map_or(name, |k| t.source_title(k))
}

/// Connect and handshake times, so a user abroad can pick the faster alternate.
fn timing(s: &ServerEntry, t: &dyn Catalogue) -> String {
    let (connect, handshake) = (t.phrase(Phrase::Connect), t.phrase(Phrase::Handshake));
    match (s.connect_ms, s.handshake_ms) {
        (Some(c), Some(h)) => format!("{connect} {c} ms{}{handshake} {h} ms", t.field_separator()),
        (Some(c), None) => format!("{connect} {c} ms"),
        _ => String::new(),
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
