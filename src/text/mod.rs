//! Every word a report says, in one place: findings, hints, sources, verdicts and the labels of
//! a mail client's fields, for a provider and a language.
//!
//! The stages produce data (codes, typed facts, evidence); this module words it once, when the
//! report is built. Each language is one file holding one [`Catalogue`]: adding a language is
//! one more file and one more [`Lang`] variant. The sentences are chosen here ([`finding`],
//! [`explain`]); the languages only say them.

pub mod conclusion;
mod en;
pub mod explain;
pub mod finding;
pub mod mailbox;
pub mod trouble;
mod zh;

use crate::finding::{Breakage, FindingCode, Step};
use crate::lang::Lang;
use crate::probe::transport::Remark;
use crate::settings::{Protocol, Security};
use crate::source::SourceKind;

/// The catalogue of a language.
pub fn catalogue(lang: Lang) -> &'static dyn Catalogue {
    match lang {
        Lang::En => &en::English,
        Lang::Zh => &zh::Chinese,
    }
}

/// A fixed phrase, the same whatever the report holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrase {
    ProvedToWork,
    TlsOnPlaintextEvidence,
    ReplyNotRecognised,
    RunMailcheckOnTheAddress,
    PossibleCauses,
    Evidence,
    ProviderNotRecognised,
    NoSource,
    SettingsFrom,
    MatchedByMx,
    MatchedByDomain,
    MatchedByAutodiscover,
    Works,
    LoginSucceeded,
    Reachable,
    LoginNotTestedNoPassword,
    NotTested,
    LoginRefused,
    NoServerWorks,
    NotOffered,
    NotNamed,
    /// Between a clause and what follows it (": " / "：").
    ClauseColon,
    /// Before the last item of a list (" and " / " 和 ").
    ListAnd,
    PasswordLabel,
    PasswordOauthOnly,
    SmtpAuthOauth,
    SmtpAuthLabel,
    NothingWorks,
    RefusedNoteTypedOnly,
    FindingsHeading,
    Error,
    Warning,
    ClientSettingsHeading,
    ClientSettingsUntestedHeading,
    Server,
    Port,
    Encryption,
    UserName,
    RefusedNote,
    AlternatesHeading,
    NotesHeading,
    Help,
    ServersHeading,
    LoginNotTested,
    User,
    Certificate,
    CertNames,
    ValidUntil,
    SourcesHeading,
    Connect,
    Handshake,
    NoEncryption,
    /// Between the sources a report names ("a, b" / "a、b").
    SourceSeparator,
    Account,
    Provider,
    Findings,
    Ok,
    NoLogin,
    Untested,
    Fails,
    NoDialogue,
    /// The folded dialogues of an HTML report.
    DialoguesFolded,
    CheckingAccounts,
    ProviderDbAndMx,
    Asking,
    Probing,
    /// Above the servers that were not logged in to, and why.
    NotLoggedInHeading,
    // Why a server was not logged in to: briefly, for a verdict line or a server's facts…
    SkippedNotVerifiedTls,
    SkippedNoLoginOffered,
    SkippedNoUsableMechanism,
    SkippedInsecureSource,
    SkippedAfterRefusal,
    SkippedAfterServiceRefusal,
    SkippedAttemptLimit,
    SkippedNamedByCertificate,
    // … and in full, beside the servers it concerns.
    WhyNotVerifiedTls,
    WhyNoLoginOffered,
    WhyNoUsableMechanism,
    WhyInsecureSource,
    WhyAfterRefusal,
    WhyAfterServiceRefusal,
    WhyAttemptLimit,
    WhyNamedByCertificate,
    /// What a server that drips its replies needs.
    SlowServerFix,
    /// `-v`: what each address of a host did when the probe connected.
    Addresses,
    AttemptConnected,
    AttemptRefused,
    AttemptTimeout,
    AttemptError,
    AttemptAbandoned,
    AttemptNotTried,
    /// Where DNS queries go without `--dns-server`.
    SystemResolver,
}

/// What one language says. Every sentence with a value in it is a method, so that a language
/// may put the value where its grammar wants it.
pub trait Catalogue: Sync {
    fn phrase(&self, phrase: Phrase) -> &'static str;

    /// What goes between two sentences (a space in English, nothing after a Chinese full stop).
    fn sentence_gap(&self) -> &'static str;
    /// `label` (ending in `:` or `：`) and then `text`.
    fn labelled(&self, label: &str, text: &str) -> String {
        if label.ends_with('：') {
            format!("{label}{text}")
        } else {
            format!("{label} {text}")
        }
    }

    /// A finding code's meaning and its general fix, for when nothing more specific is known.
    fn generic(&self, code: FindingCode) -> (&'static str, &'static str);
    /// One short check that tells this cause apart from the others a reply leaves open.
    fn tell_apart(&self, code: FindingCode) -> Option<&'static str>;
    fn source_title(&self, source: SourceKind) -> &'static str;
    fn server_kind(&self, protocol: Protocol) -> &'static str;
    fn security_label(&self, security: Security) -> &'static str {
        match security {
            Security::Tls => "SSL/TLS",
            Security::Starttls => "STARTTLS",
            Security::Plain => self.phrase(Phrase::NoEncryption),
        }
    }

    // Findings: `at` is `host:port`, `proto` the protocol's name.
    fn unresolvable(&self, host: &str, error: &str) -> String;
    fn lookup_failed(&self, host: &str, error: &str) -> String;
    fn nothing_listens(&self, at: &str) -> String;
    fn answers_on(&self, proto: &str, port: u16, security: &str) -> String;
    fn no_answer(&self, at: &str, step: &str, seconds: f64) -> String;
    fn port_filtered(&self, at: &str, seconds: f64) -> String;
    fn other_protocol(&self, at: &str, other: &str, proto: &str) -> String;
    fn use_protocol_ports(&self, proto: &str, tls_port: u16, starttls_port: u16) -> String;
    fn not_mail(&self, at: &str) -> String;
    fn plaintext_on_tls_port(&self, at: &str) -> String;
    fn choose_starttls_here(&self, port: u16, proof: &str) -> String;
    fn starttls_elsewhere(&self, port: u16, starttls_port: u16) -> String;
    fn tls_on_plaintext_port(&self, at: &str, typed: &str) -> String;
    fn choose_tls_here(&self, port: u16, typed: &str, proof: &str) -> String;
    fn starttls_not_offered(&self, at: &str) -> String;
    fn choose_tls_port(&self, port: u16, proof: &str) -> String;
    fn starttls_refused(&self, at: &str) -> String;
    fn starttls_injection(&self, at: &str) -> String;
    fn tls_failed(&self, at: &str) -> String;
    fn cert_expired(&self, at: &str, not_after: &str) -> String;
    fn cert_name_mismatch(&self, at: &str, host: &str) -> String;
    fn cert_alias(&self, host: &str, target: &str, names: &str) -> String;
    fn cert_covers(&self, names: &str) -> String;
    /// `host`, one of the certificate's `names`, answered on the same port with a valid certificate
    /// (no password was sent: only the failed certificate named it).
    fn cert_name_answers(&self, names: &str, host: &str) -> String;
    /// The certificate's hosts `tried` (already joined) did not answer with valid settings.
    fn cert_names_do_not_answer(&self, names: &str, tried: &str) -> String;
    fn cert_untrusted(&self, at: &str, issuer: &str) -> String;
    fn cert_expiring(&self, at: &str, days: i64, not_after: &str) -> String;
    fn and_more(&self, more: usize) -> String;
    fn no_tls_at_all(&self, at: &str) -> String;
    fn tls_required(&self, at: &str) -> String;
    fn no_smtp_auth(&self, at: &str) -> String;
    fn refused_session(&self, at: &str) -> String;
    fn refused_login(&self, at: &str, meaning: &str) -> String;
    fn refused_mailbox(&self, at: &str, meaning: &str) -> String;
    fn server_says(&self, hint: &str, alert: &str) -> String;
    fn broken(&self, at: &str, step: &str) -> String;
    /// What a server did to the dialogue, to follow its `host:port` (`Other` is [`Self::broken`]).
    fn breakage(&self, how: Breakage, proto: &str) -> String;
    /// `how` is [`Self::breakage`]'s.
    fn broke_off(&self, at: &str, step: &str, how: &str) -> String;
    /// For a server that greets as `proto` and then breaks the dialogue.
    fn dialogue_broken_fix(&self, proto: &str) -> String;
    fn slow_reply(&self, at: &str, step: &str, seconds: f64) -> String;
    fn probe_too_slow(&self, at: &str, step: &str, seconds: f64) -> String;
    /// `mechanisms` already joined.
    fn oauth_required(&self, at: &str, mechanisms: &str) -> String;
    /// A provider's dated policy: `admin` when an administrator can switch password logins
    /// back on (they are off by default since `since`).
    fn oauth_policy(
        &self,
        at: &str,
        provider: &str,
        proto: &str,
        since: &str,
        admin: bool,
    ) -> String;
    /// What works instead of the password: `allows` of the policy, `until` when it ends.
    fn oauth_policy_fix(
        &self,
        allows: crate::clientconfig::PasswordsAllowed,
        until: Option<&str>,
    ) -> String;
    /// A dated policy that comes into force in `days` days.
    fn oauth_policy_upcoming(
        &self,
        at: &str,
        provider: &str,
        proto: &str,
        since: &str,
        days: i64,
        admin: bool,
    ) -> String;
    fn oauth_only_source(&self, at: &str, source: &str) -> String;
    /// A refused OAuth token and what its claims show (`mech` is the SASL mechanism).
    fn token_expired(&self, at: &str, mech: &str, when: &str) -> String;
    /// `audiences` already joined.
    fn token_audience(&self, at: &str, mech: &str, audiences: &str, wanted: &str) -> String;
    /// `scopes` already joined (empty: none).
    fn token_scope(&self, at: &str, mech: &str, scopes: &str, wanted: &str) -> String;
    fn token_user(&self, at: &str, mech: &str, claim: &str, value: &str, login: &str) -> String;
    fn token_opaque(&self, at: &str, mech: &str) -> String;
    fn token_unexplained(&self, at: &str, mech: &str) -> String;
    /// The status of the server's error challenge, to follow a token's message.
    fn token_server_status(&self, status: &str) -> String;
    /// `mechanisms` already joined; never empty (see [`Self::no_login_mechanism`]).
    fn auth_mechanism_unsupported(&self, at: &str, mechanisms: &str) -> String;
    fn no_login_mechanism(&self, at: &str) -> String;
    fn insecure_source(&self, source: &str) -> String;
    /// `source` is a source's title; `security` the published mode.
    fn published_settings_wrong(&self, source: &str, at: &str, security: &str) -> String;
    fn publish_instead(&self, at: &str, security: &str) -> String;
    /// PACC names only implicit TLS on `port`, and what works (`at` with `security`) is not
    /// that: the server must change, not the document.
    fn pacc_cannot_say(&self, at: &str, security: &str, port: u16) -> String;
    fn published_nothing_works(&self, proto: &str) -> String;
    /// The PACC document at `url` failed `check` and was not used.
    fn pacc_invalid(&self, url: &str, check: crate::finding::PaccCheck) -> String;
    /// What its publisher does about the failed `check`; `host` is `ua-auto-config.<domain>`.
    fn pacc_fix(&self, check: crate::finding::PaccCheck, host: &str) -> String;
    fn settings_conflict(&self, proto: &str) -> String;
    /// A conflict the probes settled: `at` with `security` works, as the sources `agree` say;
    /// the sources `disagree` name only other servers.
    fn conflict_settled(
        &self,
        at: &str,
        security: &str,
        agree: &[&str],
        disagree: &[&str],
    ) -> String;
    fn no_settings_found(&self, domain: &str) -> String;
    /// `server` is an address or [`Phrase::SystemResolver`]; `kinds` how the lookups failed.
    fn dns_unavailable(&self, server: &str, failed: usize, kinds: &str) -> String;
    /// `sources` already joined.
    fn too_many_candidates(&self, sources: &str, named: usize, proto: &str, kept: usize) -> String;
    fn not_in_database(&self, domain: &str) -> String;

    // The network path and certificates as they go wrong (issue 13).
    /// For a filtered port when another port (`port`) of the host answers.
    fn this_port_filtered(&self, port: u16) -> String;
    /// For a filtered port when nothing of the host answers.
    fn host_unreachable(&self) -> String;
    fn unreachable(&self, at: &str) -> String;
    fn unreachable_fix(&self) -> String;
    /// `failed`: the IPv6 addresses and how each failed, joined.
    fn ipv6_broken(&self, at: &str, failed: &str, ipv4: &str) -> String;
    fn ipv6_broken_fix(&self) -> String;
    fn cert_renewed_not_loaded(&self, https_until: &str) -> String;
    fn cert_self_signed(&self) -> String;
    fn cert_root_not_trusted(&self, root: &str) -> String;
    fn cert_issuer_missing(&self, issuer: &str) -> String;
    /// After an untrusted certificate's hint: HTTPS on the same host has a valid one.
    fn cert_https_valid(&self, https_until: &str) -> String;
    /// `provider`: the provider's name, whose database names `host`.
    fn provider_host_missing(&self, host: &str, error: &str, provider: &str) -> String;

    // The mailbox behind a login that works (issue 17). `used`/`limit` are sizes
    // ([`size`]) or message counts ([`Catalogue::messages`]).
    fn quota_full(&self, at: &str, used: &str, limit: &str, percent: u64) -> String;
    fn quota_full_fix(&self) -> String;
    fn quota_nearly_full(&self, at: &str, used: &str, limit: &str, percent: u64) -> String;
    fn quota_nearly_full_fix(&self) -> String;
    fn messages(&self, count: u64) -> String;
    /// `examples`: the first names and what is wrong with each, already joined.
    fn folder_names_break(&self, at: &str, count: usize, examples: &str) -> String;
    /// `renames`: `old → new` pairs, already joined.
    fn folder_names_fix(&self, renames: &str) -> String;
    fn name_problem(&self, problem: &crate::probe::mailbox::NameProblem) -> String;
    fn role(&self, role: crate::probe::mailbox::Role) -> &'static str;
    /// The folder count of a listing, `complete` or cut off at its bound.
    fn folder_count(&self, count: usize, complete: bool) -> String;
    fn quota_usage(&self, used: &str, limit: &str, percent: u64) -> String;
    fn quota_unlimited(&self) -> &'static str;
    fn quota_not_offered(&self) -> &'static str;
    fn quota_refused(&self) -> &'static str;
    fn idle(&self, offered: bool) -> &'static str;
    fn pop3_drop(&self, messages: u64, size: &str) -> String;
    fn uidl(&self, offered: bool) -> &'static str;
    /// `size`: the limit ([`size`]); `attachment`: the largest attachment that fits.
    fn size_limit(&self, size: &str, attachment: &str) -> String;
    fn no_size_limit(&self) -> &'static str;
    fn missing_roles(&self, roles: &[&str]) -> String;
    fn no_idle_note(&self) -> &'static str;
    fn no_uidl_note(&self) -> &'static str;
    /// `keywords` already joined.
    fn after_auth_only(&self, keywords: &str) -> String;
    fn size_changes_after_auth(&self, before: &str, after: &str) -> String;
    fn folders_cut_off(&self, count: usize) -> String;
    /// The label of a protocol's mailbox line in the report for a person.
    fn mailbox_label(&self) -> &'static str;

    // The fields a user typed wrong.
    fn change_server(&self, typed: &str, right: &str) -> String;
    fn change_port(&self, typed: u16, right: u16) -> String;
    fn change_encryption(&self, typed: &str, right: &str) -> String;
    /// `changes` already joined.
    /// Proved to work, said as a fix.
    fn change_fields(&self, changes: &str) -> String;
    /// Two fixes, either of which was proved to work.
    fn change_either(&self, first: &str, second: &str) -> String;
    /// Between the fields to change.
    fn field_separator(&self) -> &'static str;

    // The report's other sentences.
    fn servers_tried(&self, count: usize) -> String;
    /// A verdict's note that the login was not tried, and `why` (a `Skipped…` phrase).
    fn login_not_tried(&self, why: &str) -> String;
    /// `servers` (already joined), then why they were not logged in to (a `Why…` phrase).
    fn not_logged_in(&self, servers: &str, why: &str) -> String;
    fn accounts_checked(&self, total: usize, fine: usize, failing: usize) -> String;

    /// mailcheck's own remark in a probe's dialogue (`--trace`); why it stopped is framed by
    /// dashes, so that it stands out among what was said.
    fn remark(&self, remark: &Remark) -> String;
    /// A remark in brackets after what it is about: ` (text)` in English, `（text）` in
    /// Chinese (no space before full-width brackets).
    fn paren(&self, text: &str) -> String;
    /// What the command line could not do ([`trouble`]).
    fn said(&self, said: &trouble::Said) -> String;
    /// `--ask-password`'s prompt.
    fn password_prompt(&self, address: &str) -> String;
    /// The prompt of `--ask-oauth-token`.
    fn token_prompt(&self, address: &str) -> String;
    /// Between a trouble and its cause.
    fn cause_separator(&self) -> &'static str;
    /// Why a DNS lookup gave no answer.
    fn dns_error(&self, error: &crate::net::dns::DnsError) -> String;
    /// Why typed server settings are not usable.
    fn server_spec_error(&self, error: &crate::settings::ServerSpecError) -> String;
    /// Why a string is not a usable address.
    fn address_error(&self, error: &crate::address::AddressError) -> String;
    /// Between the clauses of a line of facts ("; " / "；").
    fn clause_separator(&self) -> &'static str;
    /// A step of a probe's dialogue, where something stopped ("TLS handshake").
    fn step(&self, step: Step) -> &'static str;
    /// Above the dialogues: whose they are, and which mailcheck had them.
    fn dialogue_heading(&self, address: &str, version: &str) -> String;

    // The conclusion a report leads with.
    /// Items joined as a sentence lists them ("IMAP, POP3 and SMTP").
    fn list(&self, items: &[&str]) -> String {
        match items {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!(
                "{}{}{last}",
                rest.join(self.phrase(Phrase::SourceSeparator)),
                self.phrase(Phrase::ListAnd)
            ),
        }
    }
    /// `meaning` is a code's generic meaning (a sentence); `place` where it is.
    fn conclusion_problem(&self, meaning: &str, place: Option<&str>) -> String;
    /// `protocols` already listed.
    fn conclusion_servers(&self, protocols: &str, servers: usize) -> String;
    fn conclusion_refused_everywhere(&self, protocols: &str) -> String;
    fn conclusion_not_retried(&self, protocols: &str) -> String;
    fn conclusion_more_problems(&self, count: usize) -> String;
    fn conclusion_logged_in(&self, protocols: &str) -> String;
    fn conclusion_reachable(&self, protocols: &str) -> String;
    fn conclusion_untested(&self, protocols: &str) -> String;
    fn conclusion_warnings(&self, count: usize) -> String;
    fn conclusion_use_settings(&self) -> &'static str;
    /// The start of a refusal's hint when another server accepted the same password.
    fn password_accepted_by(&self, proto: &str, at: &str) -> String;
    fn use_instead(&self, at: &str) -> String;
    /// The conclusion's fix when a server fails and another of its protocol was proved.
    fn works_instead(&self, proto: &str, at: &str, security: &str) -> String;
    /// After the password field's words: which protocols take OAuth sign-in only.
    fn oauth_only_for(&self, protocols: &str) -> String;
    /// What goes into a mail client's password field.
    fn password_field(&self, kind: crate::clientconfig::PasswordKind) -> &'static str;
    /// Whether and how the outgoing server logs in, with that password.
    fn smtp_authentication(&self, kind: crate::clientconfig::PasswordKind) -> &'static str;
}

/// The phrase for an address attempt's `result` as the report names it (`timeout`, …).
/// A size in bytes as mail programs show it: B, KB, MB, GB of 1024 (one decimal below 10).
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else if value < 10.0 && value.fract() >= 0.05 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{:.0} {}", value.floor(), UNITS[unit])
    }
}

/// The largest attachment a message limit of `limit` bytes takes: base64 makes it 4/3 larger,
/// with a line break every 76 characters (RFC 2045).
pub fn largest_attachment(limit: u64) -> u64 {
    (u128::from(limit) * 3 * 76 / (4 * 78)) as u64
}

pub fn attempt_phrase(result: &str) -> Phrase {
    match result {
        "connected" => Phrase::AttemptConnected,
        "refused" => Phrase::AttemptRefused,
        "timeout" => Phrase::AttemptTimeout,
        "abandoned" => Phrase::AttemptAbandoned,
        "not_tried" => Phrase::AttemptNotTried,
        _ => Phrase::AttemptError,
    }
}

/// Seconds as a person says them: `5`, `2.5`.
pub(crate) fn seconds(limit: std::time::Duration) -> String {
    let s = limit.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_punctuation_takes_no_extra_space() {
        let (en, zh) = (catalogue(Lang::En), catalogue(Lang::Zh));
        assert_eq!(en.labelled("Evidence:", "x"), "Evidence: x");
        assert_eq!(zh.labelled("证据：", "x"), "证据：x");
        assert_eq!(["甲。", "乙。"].join(zh.sentence_gap()), "甲。乙。");
        assert_eq!(["A.", "B."].join(en.sentence_gap()), "A. B.");
    }

    #[test]
    fn sizes_read_as_mail_programs_show_them() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(97_280), "95 KB");
        assert_eq!(size(10_240_000), "9.8 MB");
        assert_eq!(size(52_428_800), "50 MB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3 GB");
        assert_eq!(size(largest_attachment(52_428_800)), "36 MB");
    }

    #[test]
    fn every_code_has_words_in_every_language() {
        for lang in [Lang::En, Lang::Zh] {
            for code in FindingCode::ALL {
                let (meaning, fix) = catalogue(lang).generic(code);
                assert!(!meaning.is_empty() && !fix.is_empty(), "{code} in {lang:?}");
            }
        }
    }
}
