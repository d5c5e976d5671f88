//! Exact byte-level cases against in-process fake mail servers (`support::mailserver`: tokio,
//! TLS from the test CA) driven by the scripts in `fixtures/transcripts/`, shaped on the real
//! Dovecot/Postfix replies of `fixtures/real-servers/` and on providers' wording. Each case runs
//! in its own test world: host names resolve through the test DNS to the fake server, and the
//! certificate checks are real name checks against those names.

use std::time::Duration;

use mailcheck::report::{FindingEntry, Report, ServerEntry};
use mailcheck::{FindingCode, Protocol, Security};

use crate::support::ca::{Ca, ServerCert, Validity};
use crate::support::mailserver::MailServer;
use crate::support::{ReportExt, Run, World};

const PASSWORD: &str = "S3cret-pa55word";
/// The address of every run: its domain publishes nothing, so only the typed servers are
/// probed (no guesses reach the fake servers).
const ADDRESS: &str = "alice@inbox.test";
const IMAP: &str = "imap.fakemail.test";
const POP: &str = "pop.fakemail.test";
const SMTP: &str = "smtp.fakemail.test";

/// A world with the short `--timeout` of these tests.
fn world() -> World {
    let world = World::start();
    world.set_timeout(2.0);
    world
}

/// A certificate for `host` from the world's CA.
fn cert(world: &World, host: &str, validity: Validity) -> ServerCert {
    world.ca.leaf(&[host], validity)
}

/// A fake server on `port` playing `script` with a valid certificate for `host`.
fn serve(w: &World, host: &str, port: u16, script: &str) -> MailServer {
    w.mail_server(port, script, Some(&cert(w, host, Validity::Current)))
}

/// Runs mailcheck with the password and the typed servers (`--imap host:port:mode`, …).
fn check(world: &World, servers: &[(&str, &str, u16, &str)]) -> Report {
    check_run(world, servers).report()
}

/// [`check`], keeping the whole run (exit status, time taken).
fn check_run(world: &World, servers: &[(&str, &str, u16, &str)]) -> Run {
    let typed: Vec<String> = servers
        .iter()
        .flat_map(|(flag, host, port, mode)| [flag.to_string(), format!("{host}:{port}:{mode}")])
        .collect();
    let typed: Vec<&str> = typed.iter().map(String::as_str).collect();
    world.probe(ADDRESS, Some(PASSWORD), &typed)
}

/// The codes of the findings about `host:port`.
fn codes(report: &Report, host: &str, port: u16) -> Vec<FindingCode> {
    report
        .findings
        .iter()
        .filter(|f| f.host.as_deref() == Some(host) && f.port == Some(port))
        .map(|f| f.code)
        .collect()
}

/// The findings about `host:port` have exactly these codes, in any order.
fn assert_codes(report: &Report, host: &str, port: u16, expected: &[FindingCode]) {
    let mut found = codes(report, host, port);
    found.sort();
    let mut expected = expected.to_vec();
    expected.sort();
    assert_eq!(found, expected, "{}", report.dump());
}

/// The one finding about `host:port`, which must have `code` and be about `protocol`.
fn only_finding<'a>(
    report: &'a Report,
    protocol: Protocol,
    host: &str,
    port: u16,
    code: FindingCode,
) -> &'a FindingEntry {
    assert_codes(report, host, port, &[code]);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == code && f.port == Some(port))
        .unwrap();
    assert_eq!(f.protocol, Some(protocol), "{}", report.dump());
    f
}

/// The password (in any form) never reached the server.
fn assert_no_password(server: &MailServer) {
    for command in ["LOGIN ", "AUTHENTICATE", "PASS ", "AUTH ", "USER "] {
        server.assert_never_heard(command);
    }
}

/// Every password command the fake heard came on a connection after its TLS handshake.
fn assert_password_only_over_tls(server: &MailServer) {
    let log = server.log();
    let mut tls = false;
    for line in &log {
        match line.as_str() {
            "-- connection" => tls = false,
            "-- TLS established" => tls = true,
            _ => {
                let upper = line.to_ascii_uppercase();
                let carries_password = ["LOGIN ", "AUTHENTICATE", "PASS ", "AUTH ", "USER "]
                    .iter()
                    .any(|c| upper.starts_with(c) || upper.contains(&format!(" {c}")));
                assert!(!carries_password || tls, "{line:?} before TLS: {log:?}");
            }
        }
    }
}

/// The server entry of `protocol` at `host:port` with `security`.
fn entry<'a>(
    report: &'a Report,
    protocol: Protocol,
    host: &str,
    port: u16,
    security: Security,
) -> &'a ServerEntry {
    report
        .servers
        .iter()
        .find(|s| {
            s.protocol == protocol && s.host == host && s.port == port && s.security == security
        })
        .unwrap_or_else(|| panic!("no {protocol} {host}:{port} {security}:\n{}", report.dump()))
}

/// mailcheck did not try to log in to the server at `host:port`, and the fake heard nothing
/// that carries the password.
fn assert_not_logged_in(
    report: &Report,
    protocol: Protocol,
    host: &str,
    port: u16,
    server: &MailServer,
) {
    assert_eq!(login_state(report, protocol, host, port), "not_tested");
    assert_no_password(server);
}

fn login_state<'a>(report: &'a Report, protocol: Protocol, host: &str, port: u16) -> &'a str {
    report.server(protocol, host, port).login.as_str()
}

// ---------------------------------------------------------------------------------------------
// Healthy servers

#[test]
fn healthy_implicit_tls_imap_pop3_smtp_log_in_and_are_recommended() {
    let w = world();
    let imap = serve(&w, IMAP, 993, "imap-993-login-ok");
    let pop = serve(&w, POP, 995, "pop3-995-login-ok");
    let smtp = serve(&w, SMTP, 465, "smtp-465-auth-ok");
    let run = check_run(
        &w,
        &[
            ("--imap", IMAP, 993, "tls"),
            ("--pop3", POP, 995, "tls"),
            ("--smtp", SMTP, 465, "ssl"),
        ],
    );
    run.assert_code(0);
    let report = run.report();
    assert!(report.ok && report.findings.is_empty(), "{}", report.dump());
    for (protocol, host, port) in [
        (Protocol::Imap, IMAP, 993),
        (Protocol::Pop3, POP, 995),
        (Protocol::Smtp, SMTP, 465),
    ] {
        let server: &ServerEntry = report.server(protocol, host, port);
        assert_eq!(
            (server.status.as_str(), server.login.as_str()),
            ("ok", "ok")
        );
        let tls = server.tls.as_ref().expect("TLS facts");
        assert_eq!(tls.cert_names, [host]);
        assert_eq!(
            report.recommended(protocol),
            Some(format!("{host}:{port}:tls"))
        );
    }
    // Each server heard the whole dialogue through TLS, up to the goodbye.
    assert!(
        imap.heard()
            .iter()
            .any(|l| l.starts_with("a5 EXAMINE INBOX"))
    );
    assert_eq!(imap.heard().last().unwrap(), "a9 LOGOUT");
    assert!(pop.heard().iter().any(|l| l == "USER alice@inbox.test"));
    assert_eq!(pop.heard().last().unwrap(), "QUIT");
    assert!(smtp.heard().iter().any(|l| l.starts_with("AUTH PLAIN ")));
    assert_eq!(smtp.heard().last().unwrap(), "QUIT");
    for server in [&imap, &pop, &smtp] {
        assert!(server.log().contains(&"-- TLS established".to_owned()));
    }
}

#[test]
fn starttls_upgrade_then_login_through_tls() {
    let w = world();
    let pop = serve(&w, POP, 110, "pop3-110-stls-login-ok");
    let report = check(&w, &[("--pop3", POP, 110, "starttls")]);
    assert!(codes(&report, POP, 110).is_empty(), "{}", report.dump());
    assert_eq!(login_state(&report, Protocol::Pop3, POP, 110), "ok");
    // The capabilities were asked again after TLS, and USER/PASS came only after the upgrade.
    let log = pop.log();
    let tls = log.iter().position(|l| l == "-- TLS established").unwrap();
    let user = log.iter().position(|l| l.starts_with("USER ")).unwrap();
    assert!(tls < user, "{log:?}");
    assert_eq!(log.iter().filter(|l| *l == "CAPA").count(), 2, "{log:?}");
}

// ---------------------------------------------------------------------------------------------
// TLS mode mismatches

#[test]
fn plaintext_greeting_on_the_implicit_tls_port_is_a_tls_mismatch_naming_starttls() {
    let w = world();
    let imap = w.mail_server(
        993,
        "imap-plaintext-on-993",
        Some(&cert(&w, IMAP, Validity::Current)),
    );
    let report = check(&w, &[("--imap", IMAP, 993, "tls")]);
    let f = only_finding(&report, Protocol::Imap, IMAP, 993, FindingCode::TlsMismatch);
    // mailcheck found STARTTLS answering on the same port, probed it in full and logged in.
    assert!(
        f.hint.contains("choose STARTTLS") && f.hint.contains("proved to work"),
        "{}",
        f.hint
    );
    assert!(
        f.evidence
            .as_deref()
            .unwrap()
            .contains("Dovecot (Debian) ready")
    );
    let typed = entry(&report, Protocol::Imap, IMAP, 993, Security::Tls);
    assert_eq!(typed.login, "not_tested");
    let found = entry(&report, Protocol::Imap, IMAP, 993, Security::Starttls);
    assert_eq!(
        (found.sources.as_slice(), found.login.as_str()),
        (&["probe".to_owned()][..], "ok")
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some(&*format!("{IMAP}:993:starttls"))
    );
    assert_password_only_over_tls(&imap);
}

#[test]
fn tls_only_ports_probed_as_starttls_or_plain_are_a_tls_mismatch_naming_ssl() {
    let w = world();
    let imap = serve(&w, IMAP, 993, "imap-993-login-ok");
    let smtp = serve(&w, SMTP, 465, "smtp-465-auth-ok");
    let report = check(
        &w,
        &[
            ("--imap", IMAP, 993, "starttls"),
            ("--smtp", SMTP, 465, "plain"),
        ],
    );
    for (protocol, host, port, mode) in [
        (Protocol::Imap, IMAP, 993, "STARTTLS"),
        (Protocol::Smtp, SMTP, 465, "none"),
    ] {
        let f = only_finding(&report, protocol, host, port, FindingCode::TlsMismatch);
        assert!(
            f.hint.contains("choose SSL/TLS") && f.hint.contains("proved to work"),
            "{mode}: {}",
            f.hint
        );
        assert_eq!(login_state(&report, protocol, host, port), "not_tested");
        // The right mode was then probed in full, login included: the password went there,
        // over TLS (these fakes speak nothing else), and nowhere else.
        let found = entry(&report, protocol, host, port, Security::Tls);
        assert_eq!(found.login, "ok", "{}", report.dump());
    }
    assert_password_only_over_tls(&imap);
    assert_password_only_over_tls(&smtp);
}

#[test]
fn starttls_not_offered_is_a_tls_mismatch_and_no_tls_anywhere_is_plaintext_only() {
    let w = world();
    let imap = w.mail_server(143, "imap-starttls-not-offered", None);
    let report = check(&w, &[("--imap", IMAP, 143, "starttls")]);
    assert_codes(
        &report,
        IMAP,
        143,
        &[FindingCode::TlsMismatch, FindingCode::PlaintextOnly],
    );
    assert_no_password(&imap);
}

#[test]
fn starttls_not_offered_but_implicit_tls_proved_on_993_says_choose_it() {
    let w = world();
    let _plain = w.mail_server(143, "imap-starttls-not-offered", None);
    let _tls = serve(&w, IMAP, 993, "imap-993-login-ok");
    let report = check(&w, &[("--imap", IMAP, 143, "starttls")]);
    let f = only_finding(&report, Protocol::Imap, IMAP, 143, FindingCode::TlsMismatch);
    assert!(
        f.hint.contains("SSL/TLS on port 993") && f.hint.contains("proved to work"),
        "{}",
        f.hint
    );
}

// ---------------------------------------------------------------------------------------------
// Certificates: the password never goes to a server whose certificate failed

/// A healthy IMAP server on 993 presenting the certificate `make` gives, checked as `host`.
fn imap_with_cert(make: impl FnOnce(&World) -> ServerCert) -> (World, MailServer, Report) {
    let w = world();
    let imap = w.mail_server(993, "imap-993-login-ok", Some(&make(&w)));
    let report = check(&w, &[("--imap", IMAP, 993, "tls")]);
    (w, imap, report)
}

#[test]
fn an_expired_certificate_is_cert_expired_and_gets_no_password() {
    let w = world();
    let smtp = w.mail_server(
        465,
        "smtp-465-auth-ok",
        Some(&cert(&w, SMTP, Validity::Expired)),
    );
    let report = check(&w, &[("--smtp", SMTP, 465, "tls")]);
    let f = only_finding(&report, Protocol::Smtp, SMTP, 465, FindingCode::CertExpired);
    assert!(f.evidence.as_deref().unwrap().contains("expired"), "{f:?}");
    assert!(smtp.log().contains(&"-- TLS established".to_owned()));
    assert_not_logged_in(&report, Protocol::Smtp, SMTP, 465, &smtp);
}

#[test]
fn a_certificate_for_other_names_is_cert_name_mismatch_listing_them() {
    let (_w, imap, report) = imap_with_cert(|w| {
        w.ca.leaf(
            &["mail.elsewhere.test", "*.elsewhere.test"],
            Validity::Current,
        )
    });
    let f = only_finding(
        &report,
        Protocol::Imap,
        IMAP,
        993,
        FindingCode::CertNameMismatch,
    );
    assert!(
        f.hint.contains("mail.elsewhere.test, *.elsewhere.test"),
        "{}",
        f.hint
    );
    assert!(!f.hint.contains("alias"), "no CNAME here: {}", f.hint);
    assert_not_logged_in(&report, Protocol::Imap, IMAP, 993, &imap);
}

#[test]
fn a_certificate_from_an_unknown_ca_over_stls_is_cert_untrusted_and_gets_no_password() {
    let w = world();
    let stranger = Ca::new("someone else's CA").leaf(&[POP], Validity::Current);
    let pop = w.mail_server(110, "pop3-110-stls-login-ok", Some(&stranger));
    let report = check(&w, &[("--pop3", POP, 110, "starttls")]);
    let f = only_finding(
        &report,
        Protocol::Pop3,
        POP,
        110,
        FindingCode::CertUntrusted,
    );
    assert!(f.message.contains("someone else's CA"), "{}", f.message);
    assert!(pop.log().contains(&"-- TLS established".to_owned()));
    assert_not_logged_in(&report, Protocol::Pop3, POP, 110, &pop);
}

#[test]
fn a_certificate_ending_within_two_weeks_is_a_cert_expiring_warning_and_login_works() {
    let (_w, imap, report) = imap_with_cert(|w| cert(w, IMAP, Validity::EndsInDays(5)));
    assert!(report.ok, "a warning only: {}", report.dump());
    let f = only_finding(
        &report,
        Protocol::Imap,
        IMAP,
        993,
        FindingCode::CertExpiring,
    );
    assert_eq!(f.severity.as_str(), "warning");
    let server = report.server(Protocol::Imap, IMAP, 993);
    assert_eq!(
        (server.status.as_str(), server.login.as_str()),
        ("warning", "ok")
    );
    assert!(
        imap.heard()
            .iter()
            .any(|l| l.starts_with("a3 AUTHENTICATE PLAIN"))
    );
}

// ---------------------------------------------------------------------------------------------
// No TLS

#[test]
fn logindisabled_without_starttls_is_tls_required_and_plaintext_only() {
    let w = world();
    let imap = w.mail_server(143, "imap-143-logindisabled-no-starttls", None);
    let report = check(&w, &[("--imap", IMAP, 143, "plain")]);
    assert_codes(
        &report,
        IMAP,
        143,
        &[FindingCode::TlsRequired, FindingCode::PlaintextOnly],
    );
    let f = &report.findings_of(FindingCode::TlsRequired)[0];
    assert!(f.evidence.as_deref().unwrap().contains("LOGINDISABLED"));
    assert_not_logged_in(&report, Protocol::Imap, IMAP, 143, &imap);
}

#[test]
fn smtp_without_auth_before_starttls_is_tls_required_and_nothing_is_sent_in_plaintext() {
    let w = world();
    let smtp = w.mail_server(587, "smtp-587-no-auth-before-starttls", None);
    let report = check(&w, &[("--smtp", SMTP, 587, "plain")]);
    let f = only_finding(&report, Protocol::Smtp, SMTP, 587, FindingCode::TlsRequired);
    assert!(f.evidence.as_deref().unwrap().contains("STARTTLS"), "{f:?}");
    assert_no_password(&smtp);
}

#[test]
fn a_server_without_tls_is_plaintext_only_and_gets_no_password() {
    let w = world();
    let pop = w.mail_server(110, "pop3-plaintext-only", None);
    let report = check(&w, &[("--pop3", POP, 110, "plain")]);
    let f = only_finding(
        &report,
        Protocol::Pop3,
        POP,
        110,
        FindingCode::PlaintextOnly,
    );
    assert_eq!(f.severity.as_str(), "warning");
    assert_not_logged_in(&report, Protocol::Pop3, POP, 110, &pop);
}

// ---------------------------------------------------------------------------------------------
// Login refusals, each from one real reply line

/// Plays `script` over implicit TLS on the protocol's TLS port, and checks that the refusal is
/// the one finding, with the reply as evidence and the login failed.
fn refusal(script: &str, protocol: Protocol, code: FindingCode, evidence: &str) -> FindingEntry {
    let (flag, host, port) = match protocol {
        Protocol::Imap => ("--imap", IMAP, 993),
        Protocol::Pop3 => ("--pop3", POP, 995),
        Protocol::Smtp => ("--smtp", SMTP, 465),
    };
    let w = world();
    let server = serve(&w, host, port, script);
    let report = check(&w, &[(flag, host, port, "tls")]);
    let f = only_finding(&report, protocol, host, port, code).clone();
    assert!(
        f.evidence.as_deref().unwrap_or_default().contains(evidence),
        "{:?}",
        f.evidence
    );
    let entry = report.server(protocol, host, port);
    assert_eq!(
        (entry.status.as_str(), entry.login.as_str()),
        ("error", "failed")
    );
    // The dialogue went on to a polite goodbye after the refusal.
    let last = server.heard().last().cloned().unwrap_or_default();
    assert!(
        last == "a9 LOGOUT" || last == "QUIT",
        "{:?}",
        server.heard()
    );
    f
}

#[test]
fn refusal_bad_credentials() {
    refusal(
        "imap-993-bad-credentials",
        Protocol::Imap,
        FindingCode::BadCredentials,
        "[AUTHENTICATIONFAILED]",
    );
}

#[test]
fn refusal_imap_disabled() {
    refusal(
        "imap-993-imap-disabled",
        Protocol::Imap,
        FindingCode::ImapDisabled,
        "not enabled for IMAP use",
    );
}

#[test]
fn refusal_pop3_disabled() {
    refusal(
        "pop3-995-pop3-disabled",
        Protocol::Pop3,
        FindingCode::Pop3Disabled,
        "not enabled for POP3 access",
    );
}

#[test]
fn refusal_smtp_disabled() {
    refusal(
        "smtp-465-auth-not-enabled",
        Protocol::Smtp,
        FindingCode::SmtpDisabled,
        "503 5.5.1",
    );
}

#[test]
fn refusal_app_password_required() {
    // Both lines of the multi-line reply are the evidence.
    refusal(
        "smtp-465-app-password-required",
        Protocol::Smtp,
        FindingCode::AppPasswordRequired,
        "534-5.7.9 Application-specific password required. Learn more at 534 5.7.9",
    );
}

#[test]
fn refusal_web_login_required() {
    let f = refusal(
        "imap-993-web-login-required",
        Protocol::Imap,
        FindingCode::WebLoginRequired,
        "[WEBALERT https://accounts.google.com/",
    );
    assert_eq!(f.severity.as_str(), "error");
}

#[test]
fn refusal_account_locked() {
    refusal(
        "imap-993-account-locked",
        Protocol::Imap,
        FindingCode::AccountLocked,
        "[CONTACTADMIN]",
    );
}

#[test]
fn refusal_rate_limited() {
    refusal(
        "smtp-465-rate-limited",
        Protocol::Smtp,
        FindingCode::RateLimited,
        "454 4.7.0 Too many login attempts",
    );
}

#[test]
fn refusal_temporarily_unavailable() {
    let f = refusal(
        "pop3-995-sys-temp",
        Protocol::Pop3,
        FindingCode::TemporarilyUnavailable,
        "[SYS/TEMP]",
    );
    assert_eq!(f.severity.as_str(), "warning");
}

#[test]
fn refusal_in_gbk_is_decoded_and_classified() {
    refusal(
        "smtp-465-qq-gbk",
        Protocol::Smtp,
        FindingCode::AppPasswordRequired,
        "535 Error: 请使用授权码登录。",
    );
}

#[test]
fn mailbox_refused_after_login_as_unsafe_login_is_web_login_required_after_id() {
    let w = world();
    let imap = serve(&w, IMAP, 993, "imap-993-unsafe-login");
    let report = check(&w, &[("--imap", IMAP, 993, "tls")]);
    let f = only_finding(
        &report,
        Protocol::Imap,
        IMAP,
        993,
        FindingCode::WebLoginRequired,
    );
    assert!(f.message.contains("accepted the login"), "{}", f.message);
    assert!(f.evidence.as_deref().unwrap().contains("Unsafe Login"));
    // ID came before EXAMINE, as NetEase requires.
    let heard = imap.heard();
    let id = heard.iter().position(|l| l.starts_with("a4 ID (")).unwrap();
    let examine = heard.iter().position(|l| l == "a5 EXAMINE INBOX").unwrap();
    assert!(id < examine, "{heard:?}");
}

// ---------------------------------------------------------------------------------------------
// Misbehaving servers

/// Checks an injection case: the one finding, and nothing sent after the STARTTLS command.
fn injection(script: &str, flag: &str, host: &str, port: u16, starttls: &str, injected: &str) {
    let w = world();
    let server = serve(&w, host, port, script);
    let report = check(&w, &[(flag, host, port, "starttls")]);
    let codes = codes(&report, host, port);
    assert_eq!(codes, [FindingCode::StarttlsInjection], "{}", report.dump());
    let f = &report.findings_of(FindingCode::StarttlsInjection)[0];
    assert!(
        f.evidence.as_deref().unwrap().contains(injected),
        "{:?}",
        f.evidence
    );
    // After STARTTLS the client sent nothing: the server's handshake met the end of the
    // stream, not a ClientHello, and no login followed.
    let heard = server.heard();
    assert_eq!(
        heard.last().map(String::as_str),
        Some(starttls),
        "{heard:?}"
    );
    assert_eq!(
        server.log().last().map(String::as_str),
        Some("-- TLS failed: tls handshake eof"),
        "{:?}",
        server.log()
    );
}

#[test]
fn bytes_after_the_imap_starttls_reply_are_flagged_and_nothing_more_is_sent() {
    injection(
        "imap-starttls-injection",
        "--imap",
        IMAP,
        143,
        "a2 STARTTLS",
        "injected before TLS",
    );
}

#[test]
fn bytes_after_the_smtp_starttls_reply_are_flagged_and_nothing_more_is_sent() {
    injection(
        "smtp-587-starttls-injection",
        "--smtp",
        SMTP,
        587,
        "STARTTLS",
        "250 AUTH PLAIN LOGIN",
    );
}

#[test]
fn a_silent_server_is_a_timeout_within_one_limit() {
    let w = world();
    let _imap = w.mail_server(993, "imap-silent", None);
    let run = check_run(&w, &[("--imap", IMAP, 993, "tls")]);
    let report = run.report();
    only_finding(&report, Protocol::Imap, IMAP, 993, FindingCode::Timeout);
    // One limit of 2 s, plus the start-up and discovery of a run.
    assert!(run.elapsed < Duration::from_secs(12), "{:?}", run.elapsed);
}

#[test]
fn garbled_greeting_is_wrong_port() {
    let w = world();
    let _imap = w.mail_server(143, "imap-garbled-greeting", None);
    let report = check(&w, &[("--imap", IMAP, 143, "starttls")]);
    only_finding(&report, Protocol::Imap, IMAP, 143, FindingCode::WrongPort);
}

#[test]
fn terminal_escapes_from_a_server_are_shown_not_obeyed() {
    let w = world();
    let _imap = w.mail_server(143, "imap-terminal-escapes", None);
    let typed = format!("{IMAP}:143:starttls");
    for extra in [&["--imap", &typed][..], &["--imap", &typed, "--trace"][..]] {
        let run = w.probe_human(ADDRESS, Some(PASSWORD), extra);
        assert!(
            !run.stdout.contains(['\u{1b}', '\u{7}', '\r', '\0']),
            "raw control bytes reach the terminal:\n{:?}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mhello\\rnot a mail server"),
            "{}",
            run.stdout
        );
    }
    // JSON keeps the bytes as they were, escaped by JSON itself.
    let report = check(&w, &[("--imap", IMAP, 143, "starttls")]);
    let f = only_finding(&report, Protocol::Imap, IMAP, 143, FindingCode::WrongPort);
    assert!(
        f.evidence
            .as_deref()
            .unwrap_or_default()
            .contains("\u{1b}]0;pwned")
    );
}

#[test]
fn another_protocol_on_the_port_is_named() {
    let w = world();
    let _pop = w.mail_server(143, "imap-pop3-answers", None);
    let report = check(&w, &[("--imap", IMAP, 143, "starttls")]);
    let f = only_finding(&report, Protocol::Imap, IMAP, 143, FindingCode::WrongPort);
    assert!(f.message.contains("POP3 instead of IMAP"), "{}", f.message);
}

#[test]
fn an_endless_greeting_line_is_refused_without_hanging() {
    let w = world();
    let _smtp = w.mail_server(587, "smtp-huge-greeting", None);
    let run = check_run(&w, &[("--smtp", SMTP, 587, "starttls")]);
    let report = run.report();
    let found = codes(&report, SMTP, 587);
    assert_eq!(found.len(), 1, "{}", report.dump());
    let f = report
        .findings
        .iter()
        .find(|f| f.port == Some(587))
        .unwrap();
    assert!(
        f.evidence
            .as_deref()
            .unwrap_or_default()
            .contains("longer than"),
        "{:?}",
        f.evidence
    );
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
}

// ---------------------------------------------------------------------------------------------
// Which names a certificate must cover

#[test]
fn a_certificate_for_the_mail_domain_counts_for_srv_hosts_only() {
    // RFC 7817: SRV named mx.srvmail.test; its certificate names only the mail domain, which is
    // a reference identity for servers found through SRV, and for those alone.
    let w = world();
    let _imap = w.mail_server(
        993,
        "imap-993-login-ok",
        Some(&w.ca.leaf(&["srvmail.test"], Validity::Current)),
    );
    let report = w
        .probe(
            "alice@srvmail.test",
            Some(PASSWORD),
            &["--imap", "imap.srvmail.test:993:tls"],
        )
        .report();
    let srv = report.server(Protocol::Imap, "mx.srvmail.test", 993);
    assert_eq!(srv.sources, ["srv"], "{}", report.dump());
    assert!(
        codes(&report, "mx.srvmail.test", 993).is_empty(),
        "{}",
        report.dump()
    );
    assert_eq!((srv.status.as_str(), srv.login.as_str()), ("ok", "ok"));
    only_finding(
        &report,
        Protocol::Imap,
        "imap.srvmail.test",
        993,
        FindingCode::CertNameMismatch,
    );
    assert_eq!(
        login_state(&report, Protocol::Imap, "imap.srvmail.test", 993),
        "not_tested"
    );
    assert_eq!(
        report.recommended(Protocol::Imap),
        Some("mx.srvmail.test:993:tls".to_owned())
    );
}

#[test]
fn a_cname_to_the_providers_host_is_named_in_the_cert_name_mismatch_hint() {
    // imap.company.test is a CNAME of imap.exmail.qq.com (test DNS only), whose certificate
    // names the provider's hosts, as Tencent's does.
    let w = world();
    let imap = w.mail_server(
        993,
        "imap-993-login-ok",
        Some(&w.ca.leaf(
            &["imap.exmail.qq.com", "hwimap.exmail.qq.com"],
            Validity::Current,
        )),
    );
    let typed = ["--imap", "imap.company.test:993:tls"];
    let report = w
        .probe("alice@company.test", Some(PASSWORD), &typed)
        .report();
    let f = only_finding(
        &report,
        Protocol::Imap,
        "imap.company.test",
        993,
        FindingCode::CertNameMismatch,
    );
    assert!(
        f.hint.starts_with(
            "imap.company.test is an alias (CNAME) of imap.exmail.qq.com; type imap.exmail.qq.com as the server."
        ),
        "{}",
        f.hint
    );
    assert!(f.hint.contains("hwimap.exmail.qq.com"), "{}", f.hint);
    let mut zh = vec!["--lang", "zh"];
    zh.extend(typed);
    let report = w.probe("alice@company.test", Some(PASSWORD), &zh).report();
    let f = &report.findings_of(FindingCode::CertNameMismatch)[0];
    assert!(
        f.hint.starts_with(
            "imap.company.test 是 imap.exmail.qq.com 的别名（CNAME）；请将服务器地址填写为 imap.exmail.qq.com。"
        ),
        "{}",
        f.hint
    );
    assert_no_password(&imap);
}
