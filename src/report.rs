//! The report: the contract's JSON shape (`docs/report.md`), kept apart from the domain types
//! so that the domain can change without the contract changing.

use serde::{Deserialize, Serialize};

use crate::diagnose::{Diagnosis, LoginState, ServerState};
use crate::finding::{FindingCode, Severity};
use crate::lang::Lang;
use crate::probe::mailbox::{Folders, MailboxFacts, QuotaCheck, QuotaResource};
use crate::probe::transport::Direction;
use crate::settings::{Protocol, Security, ServerSettings};
use crate::source::{SourceKind, SourceStatus};
use crate::text;

/// The version of the report's shape. Fields are only ever added within a version.
pub const SCHEMA_VERSION: u32 = 1;

/// The report of one check: the contract's JSON shape (`docs/report.md`); what `mailcheck --json` prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The version of this shape: [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The address checked, normalised.
    pub address: String,
    /// Its domain.
    pub domain: String,
    /// The provider recognised by the domain or its MX, if any.
    pub provider: Option<ProviderEntry>,
    /// What every source of settings answered.
    pub sources: Vec<SourceEntry>,
    /// Every server considered, with what its probe found.
    pub servers: Vec<ServerEntry>,
    /// What is wrong, worst first.
    pub findings: Vec<FindingEntry>,
    /// Per protocol, the settings that work best (or are likeliest).
    pub recommended: Recommended,
    /// True exactly when the command's exit status is 0: no error-severity finding.
    pub ok: bool,
    /// Added in 0.1: the version of mailcheck that wrote the report.
    #[serde(default)]
    pub mailcheck_version: String,
    /// Added: the one conclusion the report leads with (all findings taken together).
    #[serde(default)]
    pub conclusion: Option<ConclusionEntry>,
    /// Added: the protocols the domain says it does not offer (an SRV record whose target is
    /// `.`, RFC 6186). A protocol no source named is not listed: nothing is known of it.
    #[serde(default)]
    pub not_offered: Vec<Protocol>,
}

/// What a person concludes from the whole report: the problem to fix first, or that all is
/// well.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConclusionEntry {
    /// The finding code of the problem to fix first, or `ok` when there is no error.
    pub code: String,
    /// The conclusion in plain words.
    pub message: String,
    /// What to do first.
    pub hint: String,
    /// The index in `findings` of the finding the conclusion leads with, if any.
    pub finding: Option<usize>,
}

/// The provider recognised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderEntry {
    /// The provider's id in the bundled database (`qq`, `exmail`).
    pub id: String,
    /// Its name, in English.
    pub name: String,
    /// `domain` or `mx`.
    pub matched_by: String,
    /// Added: the provider's notes, in the report's language.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Added: the provider's help page for client settings.
    #[serde(default)]
    pub documentation: Option<String>,
    /// Added: what the user must switch on in the provider's settings, if anything.
    #[serde(default)]
    pub enable: Option<String>,
    /// Added: what the provider's service cannot do, per protocol (Exmail's IMAP cannot
    /// delete or rename folders), in the report's language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limitations: Vec<LimitationEntry>,
    /// Added: what a mail client's password field takes at this provider: `account`,
    /// `app_password`, `authorization_code`, `authorization_code_if_on`,
    /// `client_password_if_secure_login`; null when the provider file does not say.
    #[serde(default)]
    pub password: Option<String>,
}

/// A known limitation of the provider's service for one protocol (`provider.limitations`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LimitationEntry {
    /// The protocol it concerns.
    pub protocol: Protocol,
    /// What a client cannot do there, in the report's language.
    pub text: String,
}

/// What one source of settings answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// The source: `provider_db`, `srv`, `autoconfig`, `wellknown`, `ispdb`, … (`docs/report.md`).
    pub source: String,
    /// `found`, `not_found`, `error` or `skipped`.
    pub status: String,
    /// What it answered: URLs, DNS records, what came back (technical, never translated).
    pub detail: String,
    /// How long it took.
    pub elapsed_ms: u64,
}

/// One server considered, and what its probe found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerEntry {
    /// IMAP, POP3 or SMTP.
    pub protocol: Protocol,
    /// The host name.
    pub host: String,
    /// The port.
    pub port: u16,
    /// Implicit TLS, STARTTLS or plain.
    pub security: Security,
    /// Every source that named the server.
    pub sources: Vec<String>,
    /// An alternate's label, e.g. `overseas`.
    pub label: Option<String>,
    /// `ok`, `warning`, `error` or `untested`.
    pub status: String,
    /// The probe's duration; null when not probed.
    pub elapsed_ms: Option<u64>,
    /// The TLS session and certificate, when TLS was reached.
    pub tls: Option<TlsEntry>,
    /// The SASL mechanisms offered (and `LOGIN`/`USER` where the protocol's own login is allowed).
    pub auth_mechanisms: Vec<String>,
    /// `ok`, `failed` or `not_tested`.
    pub login: String,
    /// Added: why the server was not logged in to, only when `login` is `not_tested`
    /// (`no_password`, `not_verified_tls`, `after_refusal`, … in `docs/report.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_skipped: Option<String>,
    /// Added: the user name this server is to be used with.
    #[serde(default)]
    pub username: String,
    /// Added: time to a TCP connection.
    #[serde(default)]
    pub connect_ms: Option<u64>,
    /// Added: time to a usable session (TLS handshake done, or greeting read without TLS).
    #[serde(default)]
    pub handshake_ms: Option<u64>,
    /// Added: how long the login step took (credentials sent, verdict read); null when no
    /// login was tried.
    #[serde(default)]
    pub login_ms: Option<u64>,
    /// Added: what each address of the host did when the probe connected (Happy Eyeballs), in
    /// the order tried; empty when no connection was attempted.
    #[serde(default)]
    pub addresses: Vec<AddressEntry>,
    /// Added: what the logged-in session showed of the mailbox (read-only); only for a
    /// server whose login worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<MailboxEntry>,
    /// Added: the probe's dialogue, credentials replaced by `***`; only with `--trace`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transcript: Vec<TranscriptEntry>,
}

/// The mailbox behind a login that works (`docs/report.md`): the fields of its protocol.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MailboxEntry {
    /// IMAP: IDLE among the capabilities after login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle: Option<bool>,
    /// IMAP: what `GETQUOTAROOT INBOX` showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaEntry>,
    /// IMAP: the folders LIST showed; null when LIST was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folders: Option<FoldersEntry>,
    /// POP3: `STAT`'s message count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<u64>,
    /// POP3: `STAT`'s size of all messages, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub octets: Option<u64>,
    /// POP3: UIDL offered (CAPA, or `UIDL 1` answered); absent when not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uidl: Option<bool>,
    /// SMTP: the SIZE limit (bytes) that applies after AUTH; null when none is announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_limit: Option<Option<u64>>,
    /// SMTP: the SIZE limit announced before AUTH, when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_limit_before_auth: Option<Option<u64>>,
    /// SMTP: EHLO keywords announced after AUTH and not before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after_auth_only: Vec<String>,
    /// The facts in one line, in the report's language.
    pub summary: String,
    /// What the facts mean for a mail client, in the report's language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What `GETQUOTAROOT INBOX` showed (`servers[].mailbox.quota`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuotaEntry {
    /// `ok` (resources listed; empty: no limit), `not_offered` (no QUOTA capability),
    /// `refused` (a `NO`/`BAD`, in `evidence`) or `failed` (no reply).
    pub status: String,
    /// Each resource with its usage and limit.
    #[serde(default)]
    pub resources: Vec<QuotaResourceEntry>,
    /// The server's reply, when it refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// One quota resource of one quota root.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuotaResourceEntry {
    /// The quota root's name, as the server gave it.
    pub root: String,
    /// `STORAGE` (in units of 1024 bytes), `MESSAGE`, or another the server names.
    pub resource: String,
    /// What is used, in the resource's unit.
    pub usage: u64,
    /// The limit, in the resource's unit.
    pub limit: u64,
    /// Usage as a whole percentage of the limit.
    pub percent: u64,
}

/// The folders IMAP LIST showed (`servers[].mailbox.folders`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FoldersEntry {
    /// Folders seen; all of them when `complete`.
    pub count: usize,
    /// False when the listing was cut off at its bound (1 MB, 100,000 lines, the time limit).
    pub complete: bool,
    /// The server's hierarchy separator, if it has one.
    pub separator: Option<String>,
    /// The first 200 names, decoded.
    pub names: Vec<String>,
    /// Each role's folder: `sent`, `drafts`, `trash`, `junk`, `archive`.
    pub roles: Vec<RoleEntry>,
    /// `sent`, `drafts`, `trash` without a folder.
    pub missing_roles: Vec<String>,
    /// Folder names some clients fail on, the first 20 (`problem_count` in all).
    pub problem_names: Vec<ProblemNameEntry>,
    /// How many folder names some clients fail on, in all.
    pub problem_count: usize,
}

/// The folder a client uses for one role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleEntry {
    /// `sent`, `drafts`, `trash`, `junk` or `archive`.
    pub role: String,
    /// The folder's name, decoded.
    pub name: String,
    /// True: marked by the server (RFC 6154); false: found by its well-known name.
    pub special_use: bool,
}

/// A folder name some clients fail on, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProblemNameEntry {
    /// The name, decoded.
    pub name: String,
    /// As the server sent it (modified UTF-7).
    pub raw: String,
    /// `unusual_space`, `invisible_character`, `invalid_modified_utf7`, `separator_in_name`,
    /// `too_long`.
    pub problems: Vec<String>,
    /// The characters concerned, as `U+3000`.
    pub characters: Vec<String>,
    /// A name without the problems, to rename it to.
    pub suggested: String,
}

/// What one address did when a probe connected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddressEntry {
    /// The IP address.
    pub address: String,
    /// `connected`, `refused`, `timeout`, `error`, `abandoned` (still trying when another
    /// address connected) or `not_tried`.
    pub result: String,
    /// How long the attempt took; null when it was not tried.
    pub ms: Option<u64>,
}

/// One line of a probe's dialogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TranscriptEntry {
    /// Milliseconds since the connection was opened.
    pub ms: u64,
    /// `client`, `server`, or `mailcheck` for its own remarks (TLS established, …).
    pub from: String,
    /// The line, credentials replaced by `***`.
    pub text: String,
}

/// A server's TLS session and certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TlsEntry {
    /// The TLS version, e.g. `TLSv1.3`.
    pub version: String,
    /// The certificate's subject.
    pub cert_subject: String,
    /// The DNS names the certificate covers.
    pub cert_names: Vec<String>,
    /// When it expires (RFC 3339).
    pub cert_not_after: String,
    /// Added: who issued the certificate.
    #[serde(default)]
    pub cert_issuer: String,
}

/// One finding, worded in the report's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingEntry {
    /// The finding code (stable).
    pub code: FindingCode,
    /// `error` or `warning`, fixed per code.
    pub severity: Severity,
    /// The protocol it is about, if one.
    pub protocol: Option<Protocol>,
    /// The server's host it is about, if one.
    pub host: Option<String>,
    /// The server's port it is about, if one.
    pub port: Option<u16>,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do.
    pub hint: String,
    /// The server line or error that led to it, credentials removed.
    pub evidence: Option<String>,
    /// Added: every cause the evidence leaves open, most likely first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub possible_causes: Vec<FindingCode>,
}

/// The recommended settings, per protocol.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommended {
    /// IMAP's settings, or null when not offered.
    pub imap: Option<Settings>,
    /// POP3's settings, or null when not offered.
    pub pop3: Option<Settings>,
    /// SMTP's settings, or null when not offered.
    pub smtp: Option<Settings>,
}

/// The settings of one server, as a mail client asks for them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The host name.
    pub host: String,
    /// The port.
    pub port: u16,
    /// Implicit TLS, STARTTLS or plain.
    pub security: Security,
    /// The user name to type.
    pub username: String,
}

impl From<&ServerSettings> for Settings {
    fn from(s: &ServerSettings) -> Self {
        Settings {
            host: s.host.clone(),
            port: s.port,
            security: s.security,
            username: s.username.clone(),
        }
    }
}

impl Report {
    /// The report of `diagnosis`, its words in `lang` (one diagnosis can be reported in any).
    pub fn from_diagnosis(diagnosis: &Diagnosis, lang: Lang) -> Report {
        let discovery = &diagnosis.discovery;
        let provider = discovery.provider.as_ref().map(|m| ProviderEntry {
            id: m.provider.id.clone(),
            name: m.provider.name(Lang::En).to_owned(),
            matched_by: m.matched_by.as_str().to_owned(),
            notes: m
                .provider
                .notes
                .iter()
                .map(|n| n.get(lang).to_owned())
                .collect(),
            documentation: m.provider.documentation.first().map(|d| d.url.clone()),
            enable: m
                .provider
                .enable
                .as_ref()
                .map(|e| e.instruction.get(lang).to_owned())
                .filter(|s| !s.is_empty()),
            password: m.provider.password.map(|k| k.as_str().to_owned()),
            limitations: m
                .provider
                .limitations
                .iter()
                .map(|(protocol, text)| LimitationEntry {
                    protocol: *protocol,
                    text: text.get(lang).to_owned(),
                })
                .collect(),
        });
        let mut sources: Vec<SourceEntry> = discovery
            .sources
            .iter()
            .map(|s| SourceEntry {
                source: s.source.as_str().to_owned(),
                status: s.status.as_str().to_owned(),
                detail: s.detail.clone(),
                elapsed_ms: millis(s.elapsed),
            })
            .collect();
        sources.extend(second_round(diagnosis));
        fallback_guesses(diagnosis, &mut sources);
        let servers = diagnosis
            .servers
            .iter()
            .map(|s| server_entry(s, lang))
            .collect();
        let findings: Vec<FindingEntry> = diagnosis
            .findings
            .iter()
            .map(|f| {
                let words =
                    text::finding::word(f, discovery.provider.as_ref().map(|m| m.provider), lang);
                FindingEntry {
                    code: f.code,
                    severity: f.severity(),
                    protocol: f.protocol,
                    host: f.server.as_ref().map(|s| s.host.clone()),
                    port: f.server.as_ref().map(|s| s.port),
                    message: words.message,
                    hint: words.hint,
                    evidence: words.evidence,
                    possible_causes: f.possible_causes.clone(),
                }
            })
            .collect();
        let conclusion = conclusion_entry(diagnosis, &findings, lang);
        let pick = |p: Protocol| diagnosis.recommended(p).map(Settings::from);
        Report {
            schema_version: SCHEMA_VERSION,
            address: discovery.address.to_string(),
            domain: discovery.address.domain().to_owned(),
            provider,
            sources,
            servers,
            findings,
            recommended: Recommended {
                imap: pick(Protocol::Imap),
                pop3: pick(Protocol::Pop3),
                smtp: pick(Protocol::Smtp),
            },
            ok: diagnosis.verdict() == crate::Verdict::Clean,
            mailcheck_version: env!("CARGO_PKG_VERSION").to_owned(),
            conclusion: Some(conclusion),
            not_offered: Protocol::ALL
                .into_iter()
                .filter(|p| discovery.is_not_offered(*p))
                .collect(),
        }
    }
}

fn conclusion_entry(
    diagnosis: &Diagnosis,
    findings: &[FindingEntry],
    lang: Lang,
) -> ConclusionEntry {
    let conclusion = diagnosis.conclusion();
    let hints: Vec<&str> = findings.iter().map(|f| f.hint.as_str()).collect();
    let places: Vec<Option<String>> = findings.iter().map(FindingEntry::place).collect();
    let (message, hint) = text::conclusion::word(&conclusion, &hints, &places, lang);
    ConclusionEntry {
        code: conclusion.code().map_or("ok", |c| c.as_str()).to_owned(),
        message,
        hint,
        finding: match conclusion {
            crate::diagnose::conclusion::Conclusion::Problem { lead, .. } => Some(lead),
            crate::diagnose::conclusion::Conclusion::Fine { .. } => None,
        },
    }
}

impl FindingEntry {
    /// Where the finding is, as a report names it: `IMAP host:port`, or the protocol alone.
    pub fn place(&self) -> Option<String> {
        match (self.protocol, &self.host, self.port) {
            (Some(protocol), Some(host), Some(port)) => {
                Some(format!("{} {host}:{port}", protocol.display_name()))
            }
            (Some(protocol), _, _) => Some(protocol.display_name().to_owned()),
            _ => None,
        }
    }
}

/// The second probing round as a source of its own (`probe`), when it found anything.
fn second_round(diagnosis: &Diagnosis) -> Option<SourceEntry> {
    let found: Vec<&ServerSettings> = diagnosis
        .servers
        .iter()
        .filter(|s| s.candidate.sources == [SourceKind::Probe])
        .map(|s| &s.candidate.settings)
        .collect();
    (!found.is_empty()).then(|| SourceEntry {
        source: SourceKind::Probe.as_str().to_owned(),
        status: SourceStatus::Found.as_str().to_owned(),
        detail: crate::discover::listed(found),
        elapsed_ms: 0,
    })
}

/// Guesses probed because every named server of their protocol failed: the source `guess`
/// found them, whatever it said when discovery ended.
fn fallback_guesses(diagnosis: &Diagnosis, sources: &mut [SourceEntry]) {
    let guessed: Vec<&ServerSettings> = diagnosis
        .servers
        .iter()
        .filter(|s| s.candidate.sources == [SourceKind::Guess])
        .filter(|s| {
            !diagnosis
                .discovery
                .candidates
                .iter()
                .any(|c| c.endpoint() == s.candidate.endpoint())
        })
        .map(|s| &s.candidate.settings)
        .collect();
    let Some(entry) = sources
        .iter_mut()
        .find(|s| s.source == SourceKind::Guess.as_str())
    else {
        return;
    };
    if guessed.is_empty() {
        return;
    }
    let listed = crate::discover::listed(guessed);
    entry.detail = if entry.status == SourceStatus::Found.as_str() {
        format!("{}; after the named servers failed: {listed}", entry.detail)
    } else {
        format!("after the named servers failed: {listed}")
    };
    entry.status = SourceStatus::Found.as_str().to_owned();
}

fn server_entry(server: &ServerState, lang: Lang) -> ServerEntry {
    let candidate = &server.candidate;
    ServerEntry {
        protocol: candidate.settings.protocol,
        host: candidate.settings.host.clone(),
        port: candidate.settings.port,
        security: candidate.settings.security,
        sources: candidate
            .sources
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        label: candidate.label.clone(),
        status: server.status.as_str().to_owned(),
        elapsed_ms: server.elapsed.map(millis),
        tls: server.tls.as_ref().map(|t| TlsEntry {
            version: t.version.clone(),
            cert_subject: t.subject.clone(),
            cert_names: t.names.clone(),
            cert_not_after: t.not_after.clone(),
            cert_issuer: t.issuer.clone(),
        }),
        auth_mechanisms: server.auth_mechanisms.clone(),
        login: match server.login {
            LoginState::Ok => "ok",
            LoginState::Failed => "failed",
            LoginState::NotTested => "not_tested",
        }
        .to_owned(),
        login_skipped: server.login_skipped.map(|why| why.as_str().to_owned()),
        username: candidate.settings.username.clone(),
        connect_ms: server.connect_time.map(millis),
        handshake_ms: server.handshake_time.map(millis),
        login_ms: server.login_time.map(millis),
        addresses: server
            .addresses
            .iter()
            .map(|a| AddressEntry {
                address: a.address.to_string(),
                result: a.result.as_str().to_owned(),
                ms: a.elapsed.map(millis),
            })
            .collect(),
        mailbox: server
            .mailbox
            .as_ref()
            .map(|m| mailbox_entry(m, text::catalogue(lang))),
        transcript: Vec::new(),
    }
}

fn mailbox_entry(facts: &MailboxFacts, t: &dyn text::Catalogue) -> MailboxEntry {
    let mut entry = MailboxEntry::default();
    match facts {
        MailboxFacts::Imap(imap) => {
            entry.idle = Some(imap.idle);
            entry.quota = Some(match &imap.quota {
                QuotaCheck::NotOffered => quota_entry("not_offered", &[], None),
                QuotaCheck::Refused(reply) => quota_entry("refused", &[], Some(reply)),
                QuotaCheck::Failed(why) => quota_entry("failed", &[], Some(why)),
                QuotaCheck::Roots(resources) => quota_entry("ok", resources, None),
            });
            entry.folders = imap.folders.as_ref().map(folders_entry);
        }
        MailboxFacts::Pop3(pop3) => {
            entry.messages = pop3.stat.map(|(messages, _)| messages);
            entry.octets = pop3.stat.map(|(_, octets)| octets);
            entry.uidl = pop3.uidl;
        }
        MailboxFacts::Smtp(smtp) => {
            entry.size_limit = Some(smtp.limit());
            let before = smtp.size_before.flatten();
            entry.size_limit_before_auth =
                (smtp.asked_after_auth && before != smtp.limit()).then_some(before);
            entry.after_auth_only = smtp.after_auth_only.clone();
        }
    }
    let (summary, notes) = text::mailbox::word(facts, t);
    entry.summary = summary;
    entry.notes = notes;
    entry
}

fn quota_entry(status: &str, resources: &[QuotaResource], evidence: Option<&String>) -> QuotaEntry {
    QuotaEntry {
        status: status.to_owned(),
        resources: resources
            .iter()
            .map(|r| QuotaResourceEntry {
                root: r.root.clone(),
                resource: r.resource.clone(),
                usage: r.usage,
                limit: r.limit,
                percent: r.percent(),
            })
            .collect(),
        evidence: evidence.cloned(),
    }
}

fn folders_entry(f: &Folders) -> FoldersEntry {
    FoldersEntry {
        count: f.count,
        complete: f.complete,
        separator: f.separator.map(String::from),
        names: f.names.clone(),
        roles: f
            .roles
            .iter()
            .map(|r| RoleEntry {
                role: r.role.as_str().to_owned(),
                name: r.name.clone(),
                special_use: r.special_use,
            })
            .collect(),
        missing_roles: f
            .missing_roles()
            .into_iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        problem_names: f
            .problems
            .iter()
            .map(|p| ProblemNameEntry {
                name: p.name.clone(),
                raw: p.raw.clone(),
                problems: p.problems.iter().map(|x| x.as_str().to_owned()).collect(),
                characters: p.problems.iter().filter_map(|x| x.character()).collect(),
                suggested: crate::probe::mailbox::suggested_name(&p.name, f.separator),
            })
            .collect(),
        problem_count: f.problem_count,
    }
}

impl Report {
    /// The recommended settings of `protocol`, if any.
    pub fn recommended_for(&self, protocol: Protocol) -> Option<&Settings> {
        match protocol {
            Protocol::Imap => self.recommended.imap.as_ref(),
            Protocol::Pop3 => self.recommended.pop3.as_ref(),
            Protocol::Smtp => self.recommended.smtp.as_ref(),
        }
    }

    /// The server entry behind `settings` of `protocol` (none when it was not considered).
    pub fn server_for(&self, protocol: Protocol, settings: &Settings) -> Option<&ServerEntry> {
        self.servers.iter().find(|e| {
            e.protocol == protocol
                && e.host == settings.host
                && e.port == settings.port
                && e.security == settings.security
        })
    }

    /// Adds every probe's dialogue (`--trace`), mailcheck's remarks in it worded in `lang`.
    /// The servers are in the diagnosis's order.
    pub fn add_transcripts(&mut self, diagnosis: &Diagnosis, lang: Lang) {
        let t = text::catalogue(lang);
        for (entry, server) in self.servers.iter_mut().zip(&diagnosis.servers) {
            entry.transcript = server
                .transcript
                .iter()
                .map(|line| {
                    let (from, text) = match &line.direction {
                        Direction::Client => ("client", line.text.clone()),
                        Direction::Server => ("server", line.text.clone()),
                        Direction::Note(remark) => ("mailcheck", t.remark(remark)),
                    };
                    TranscriptEntry {
                        ms: millis(line.at),
                        from: from.to_owned(),
                        text,
                    }
                })
                .collect();
        }
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
