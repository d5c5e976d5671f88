//! mailcheck as a user runs it, against real Dovecot, Postfix, dnsmasq and nginx on loopback,
//! set up in each broken way by `tests/servers/up` (see `tests/servers/README.md`).
//!
//! These tests need the environment: `tests/servers/up` (root) before `cargo nextest run`.
//! Without it they fail with a message saying so, rather than pass without testing anything.

use std::time::{Duration, Instant};

use mailcheck::report::{FindingEntry, Report};
use mailcheck::{FindingCode, Protocol, Security};

use crate::support::process::run;
use crate::support::servers::Scenario;

fn findings(report: &Report, code: FindingCode) -> Vec<&FindingEntry> {
    report.findings.iter().filter(|f| f.code == code).collect()
}

fn codes(report: &Report) -> Vec<(FindingCode, Option<Protocol>, Option<u16>)> {
    report
        .findings
        .iter()
        .map(|f| (f.code, f.protocol, f.port))
        .collect()
}

#[test]
fn s01_healthy_domain_with_srv_and_autoconfig_is_all_ok() {
    let s = Scenario::new("healthy");
    let (run, report) = s.check_with_password();
    assert_eq!(run.code, 0, "{:?}", codes(&report));
    assert!(report.findings.is_empty(), "{:?}", codes(&report));
    for source in ["srv", "autoconfig"] {
        assert!(
            report
                .sources
                .iter()
                .any(|x| x.source == source && x.status == "found"),
            "{source}"
        );
    }
    for server in &report.servers {
        assert_eq!(
            (server.status.as_str(), server.login.as_str()),
            ("ok", "ok"),
            "{}:{}",
            server.host,
            server.port
        );
        assert!(
            server.tls.is_some(),
            "{}:{} has TLS facts",
            server.host,
            server.port
        );
    }
    let imap = report.recommended.imap.as_ref().unwrap();
    assert_eq!((imap.port, imap.security), (993, Security::Tls));
    assert_eq!(report.recommended.smtp.as_ref().unwrap().port, 465);
    assert_eq!(report.recommended.pop3.as_ref().unwrap().port, 995);

    // nginx also answers Exchange Autodiscover's POST at https://healthy.test/autodiscover/…:
    // its servers are among the candidates, named by it, and work like the rest.
    let autodiscover = report
        .sources
        .iter()
        .find(|x| x.source == "autodiscover")
        .unwrap();
    assert_eq!(autodiscover.status, "found", "{}", autodiscover.detail);
    assert_eq!(
        autodiscover.detail,
        "https://healthy.test/autodiscover/autodiscover.xml → 2 server(s)"
    );
    for (host, port) in [("imap.healthy.test", 993), ("smtp.healthy.test", 587)] {
        let server = report
            .servers
            .iter()
            .find(|x| x.host == host && x.port == port)
            .unwrap();
        assert!(
            server.sources.iter().any(|x| x == "autodiscover"),
            "{host}:{port}"
        );
    }
}

/// A wrong password is tried once, on the likeliest server (IMAP over implicit TLS), and then
/// nowhere else: servers lock accounts after a few failed logins (`SECURITY.md`).
#[test]
fn s02_wrong_password_is_bad_credentials_and_tried_once() {
    let s = Scenario::new("wrongpass");
    let (run, report) = s.check(Some(&s.env["MC_WRONG_PASSWORD"]), &[]);
    assert_eq!(run.code, 1);
    let refused: Vec<_> = report
        .servers
        .iter()
        .filter(|s| s.login == "failed")
        .collect();
    assert_eq!(refused.len(), 1, "{:?}", report.servers);
    assert_eq!(
        (refused[0].protocol, refused[0].security),
        (Protocol::Imap, Security::Tls)
    );
    assert_eq!(
        codes(&report),
        [(
            FindingCode::BadCredentials,
            Some(Protocol::Imap),
            Some(refused[0].port)
        )]
    );
    for server in report.servers.iter().filter(|s| s.login != "failed") {
        assert_eq!(
            (server.login.as_str(), server.login_skipped.as_deref()),
            ("not_tested", Some("after_refusal")),
            "{}:{}",
            server.host,
            server.port
        );
    }
    // The settings themselves are right: they are still recommended.
    assert!(report.recommended.imap.is_some() && report.recommended.smtp.is_some());
}

#[test]
fn s03_imap_and_pop3_switched_off_while_smtp_works() {
    let (run, report) = Scenario::new("disabled").check_with_password();
    assert_eq!(run.code, 1);
    assert!(
        findings(&report, FindingCode::ImapDisabled)
            .iter()
            .all(|f| f.protocol == Some(Protocol::Imap))
    );
    assert!(
        !findings(&report, FindingCode::ImapDisabled).is_empty(),
        "{:?}",
        codes(&report)
    );
    assert!(
        !findings(&report, FindingCode::Pop3Disabled).is_empty(),
        "{:?}",
        codes(&report)
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.protocol != Some(Protocol::Smtp)),
        "{:?}",
        codes(&report)
    );
    assert!(
        report
            .servers
            .iter()
            .filter(|s| s.protocol == Protocol::Smtp)
            .all(|s| s.login == "ok")
    );
}

/// `--max-failed-logins`: by default IMAP's and POP3's refusals of their service leave SMTP
/// tried (and working); with a limit of 1 nothing is tried after IMAP's refusal.
#[test]
fn s03b_max_failed_logins_stops_after_the_limit() {
    let s = Scenario::new("disabled");
    let password = s.get("PASSWORD");
    let skipped = |report: &Report, protocol: Protocol| -> Vec<Option<String>> {
        report
            .servers
            .iter()
            .filter(|x| x.protocol == protocol)
            .map(|x| x.login_skipped.clone())
            .collect()
    };
    let (_, report) = s.check(Some(&password), &[]);
    let failed = report
        .servers
        .iter()
        .filter(|x| x.login == "failed")
        .count();
    assert_eq!(
        failed, 2,
        "IMAP's and POP3's first servers: {:?}",
        report.servers
    );
    assert!(skipped(&report, Protocol::Smtp).iter().all(Option::is_none));

    let (run, report) = s.check(Some(&password), &["--max-failed-logins", "1"]);
    assert_eq!(run.code, 1);
    let failed: Vec<_> = report
        .servers
        .iter()
        .filter(|x| x.login == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{:?}", report.servers);
    assert_eq!(failed[0].protocol, Protocol::Imap);
    for protocol in [Protocol::Smtp, Protocol::Pop3] {
        let reasons = skipped(&report, protocol);
        assert!(
            !reasons.is_empty()
                && reasons
                    .iter()
                    .all(|r| r.as_deref() == Some("attempt_limit")),
            "{protocol}: {reasons:?}"
        );
    }
}

#[test]
fn s04_smtp_auth_switched_off() {
    let (run, report) = Scenario::new("smtpoff").check_with_password();
    assert_eq!(run.code, 1);
    let smtp = findings(&report, FindingCode::SmtpDisabled);
    assert!(!smtp.is_empty(), "{:?}", codes(&report));
    assert!(smtp.iter().all(|f| f.protocol == Some(Protocol::Smtp)));
    assert!(report.recommended.smtp.is_none());
    assert!(report.recommended.imap.is_some());
}

#[test]
fn s05_app_password_wording_is_recognised() {
    let (run, report) = Scenario::new("apppass").check_with_password();
    assert_eq!(run.code, 1);
    let found = findings(&report, FindingCode::AppPasswordRequired);
    assert!(
        found.iter().any(|f| f.protocol == Some(Protocol::Imap)),
        "{:?}",
        codes(&report)
    );
    assert!(
        found
            .iter()
            .all(|f| f.evidence.as_deref().is_some_and(|e| !e.is_empty()))
    );
}

#[test]
fn s06_plaintext_on_993_and_tls_on_143_are_tls_mismatch_both_ways() {
    let (run, report) = Scenario::new("tlsmix").check_with_password();
    assert_eq!(run.code, 1);
    let mismatches = findings(&report, FindingCode::TlsMismatch);
    let on = |port: u16| {
        mismatches
            .iter()
            .find(|f| f.port == Some(port) && f.protocol == Some(Protocol::Imap))
    };
    let plain_993 = on(993).unwrap_or_else(|| panic!("{:?}", codes(&report)));
    assert!(
        plain_993.hint.contains("choose STARTTLS"),
        "{}",
        plain_993.hint
    );
    let tls_143 = on(143).unwrap_or_else(|| panic!("{:?}", codes(&report)));
    assert!(tls_143.hint.contains("choose SSL/TLS"), "{}", tls_143.hint);
    // Both right modes were then probed in full: the recommendation is a verified login
    // (implicit TLS on 143 before STARTTLS on 993, RFC 8314), not an inference.
    assert_found_by_probing_and_recommended(&report, Protocol::Imap, 143, Security::Tls);
    assert!(probed_entry(&report, Protocol::Imap, 993, Security::Starttls).is_some());
}

/// The server a probe found on the same host, if the report has it.
fn probed_entry(
    report: &Report,
    protocol: Protocol,
    port: u16,
    security: Security,
) -> Option<&mailcheck::report::ServerEntry> {
    report.servers.iter().find(|s| {
        s.protocol == protocol && s.port == port && s.security == security && s.sources == ["probe"]
    })
}

/// A server found by probing logged in, and is the one recommended.
fn assert_found_by_probing_and_recommended(
    report: &Report,
    protocol: Protocol,
    port: u16,
    security: Security,
) {
    let entry = probed_entry(report, protocol, port, security).unwrap_or_else(|| {
        panic!(
            "no probed {protocol} {port} {security}: {:?}",
            report.servers
        )
    });
    assert_eq!((entry.status.as_str(), entry.login.as_str()), ("ok", "ok"));
    let recommended = report.recommended_for(protocol).unwrap();
    assert_eq!((recommended.port, recommended.security), (port, security));
}

#[test]
fn s07_certificates_expired_wrong_name_and_self_signed() {
    for (name, code) in [
        ("expired", FindingCode::CertExpired),
        ("wrongname", FindingCode::CertNameMismatch),
        ("selfsigned", FindingCode::CertUntrusted),
    ] {
        let (run, report) = Scenario::new(name).check_with_password();
        assert_eq!(run.code, 1, "{name}");
        assert!(
            !findings(&report, code).is_empty(),
            "{name}: {:?}",
            codes(&report)
        );
        // The password is never sent to a server whose certificate failed.
        assert!(
            report.servers.iter().all(|s| s.login == "not_tested"),
            "{name}"
        );
        if code == FindingCode::CertNameMismatch {
            let hint = &findings(&report, code)[0].hint;
            assert!(
                hint.contains("mx.sharedhost.test"),
                "the hint names what the certificate covers: {hint}"
            );
        }
    }
}

#[test]
fn s08_autoconfig_port_where_nothing_listens_finds_the_working_port() {
    let (run, report) = Scenario::new("badport").check_with_password();
    assert_eq!(run.code, 1);
    let wrong = findings(&report, FindingCode::WrongPort);
    assert!(
        wrong.iter().any(|f| f.protocol == Some(Protocol::Imap)),
        "{:?}",
        codes(&report)
    );
    assert!(wrong[0].hint.contains("993"), "{}", wrong[0].hint);
    assert_found_by_probing_and_recommended(&report, Protocol::Imap, 993, Security::Tls);
}

#[test]
fn s09_autoconfig_host_that_does_not_resolve_is_wrong_host() {
    let (run, report) = Scenario::new("nohost").check_with_password();
    assert_eq!(run.code, 1);
    assert!(
        findings(&report, FindingCode::WrongHost)
            .iter()
            .any(|f| f.protocol == Some(Protocol::Imap)),
        "{:?}",
        codes(&report)
    );
}

#[test]
fn s10_srv_dot_target_means_pop3_is_not_offered() {
    let (run, report) = Scenario::new("srvonly").check_with_password();
    assert_eq!(run.code, 0, "{:?}", codes(&report));
    assert!(report.recommended.pop3.is_none());
    assert!(
        report.servers.iter().all(|s| s.protocol != Protocol::Pop3),
        "no POP3 server, not even guessed"
    );
    let srv = report.sources.iter().find(|s| s.source == "srv").unwrap();
    assert!(srv.detail.contains("POP3 not offered"), "{}", srv.detail);
}

#[test]
fn s11_custom_domain_with_exmail_mx_is_recognised_and_its_servers_probed() {
    let (run, report) = Scenario::new("company").check_with_password();
    let provider = report.provider.as_ref().expect("a provider");
    assert_eq!(
        (provider.id.as_str(), provider.matched_by.as_str()),
        ("exmail", "mx")
    );
    assert_eq!(
        report.recommended.imap.as_ref().unwrap().host,
        "imap.exmail.qq.com"
    );
    let overseas: Vec<_> = report
        .servers
        .iter()
        .filter(|s| s.label.as_deref() == Some("overseas"))
        .collect();
    assert_eq!(overseas.len(), 3, "the hw… alternates are probed too");
    assert!(overseas.iter().all(|s| s.elapsed_ms.is_some()));
    assert_eq!(run.code, 0, "{:?}", codes(&report));
    // Exmail's IMAP cannot delete or rename folders (its help says so): a note of IMAP's.
    let limitations = &provider.limitations;
    assert_eq!(limitations.len(), 1, "{limitations:?}");
    assert_eq!(limitations[0].protocol, Protocol::Imap);
    assert!(
        limitations[0]
            .text
            .contains("cannot delete or rename folders")
    );
}

#[test]
fn s12_silent_server_costs_one_timeout() {
    let s = Scenario::new("silent");
    let password = s.get("PASSWORD");
    let started = Instant::now();
    let run = run(s.command(Some(&password), "2").arg(s.user()));
    let elapsed = started.elapsed();
    let report = run.report();
    assert_eq!(run.code, 1);
    assert!(
        findings(&report, FindingCode::Timeout)
            .iter()
            .any(|f| f.protocol == Some(Protocol::Imap)),
        "{:?}",
        codes(&report)
    );
    // The other servers are unaffected, and the run waits for the silent one only once.
    assert!(report.recommended.smtp.is_some());
    assert!(
        elapsed < Duration::from_secs(8),
        "took {elapsed:?} with --timeout 2"
    );
}

#[test]
fn s13_users_own_settings_name_the_wrong_field() {
    let s = Scenario::new("healthy");
    let password = s.get("PASSWORD");
    let host = format!("imap.{}:993:starttls", s.get("DOMAIN"));
    let smtp = format!("smtp.{}:2525:tls", s.get("DOMAIN"));
    let (run, report) = s.check(Some(&password), &["--imap", &host, "--smtp", &smtp]);
    assert_eq!(run.code, 1);
    let mode = findings(&report, FindingCode::TlsMismatch)
        .into_iter()
        .find(|f| f.protocol == Some(Protocol::Imap) && f.port == Some(993))
        .unwrap_or_else(|| panic!("{:?}", codes(&report)));
    assert!(
        mode.hint.contains("encryption STARTTLS → SSL/TLS"),
        "{}",
        mode.hint
    );
    let port = findings(&report, FindingCode::WrongPort)
        .into_iter()
        .find(|f| f.port == Some(2525))
        .unwrap_or_else(|| panic!("{:?}", codes(&report)));
    assert!(port.hint.contains("port 2525 → 465"), "{}", port.hint);
    assert!(report.sources.iter().any(|x| x.source == "user"));
}

/// The folders of `tests/scenarios/` that name the real servers (`servers = "real"`), through
/// the same runner as the in-process ones: their JSON and text reports against their snapshots.
#[test]
fn s14_scenario_folders_against_the_real_servers() {
    crate::scenarios::run_all(crate::scenarios::Servers::Real);
}

/// Issue 13, on 127.0.30.x (`tests/servers/net.sh`): nftables drops 993 of one host (143
/// answers), everything of another, and the IPv6 address of a third whose IPv4 works. Three
/// stories that must not read alike, each within its limits.
#[test]
fn s15_a_dropped_port_a_host_down_and_broken_ipv6_are_told_apart() {
    let s = Scenario::new("dual");
    let typed = |address: &str, imap: &str| {
        let started = Instant::now();
        let run = run(s.command(None, "2").args(["--imap", imap]).arg(address));
        (run.report(), started.elapsed())
    };
    let imap_finding = |report: &Report, host: &str| {
        report
            .findings
            .iter()
            .find(|f| f.host.as_deref() == Some(host) && f.port == Some(993))
            .map(|f| (f.code, f.hint.clone()))
    };

    let (report, took) = typed("alice@filtered.test", "imap.filtered.test:993:tls");
    let (code, hint) = imap_finding(&report, "imap.filtered.test").expect("a finding for 993");
    assert_eq!(code, FindingCode::PortFiltered);
    assert!(hint.contains("143"), "{hint}");
    let imap = report.recommended.imap.as_ref().expect("143 recommended");
    assert_eq!((imap.port, imap.security), (143, Security::Starttls));
    assert!(took < Duration::from_secs(9), "{took:?}");

    let (report, took) = typed("alice@down.test", "imap.down.test:993:tls");
    let (code, hint) = imap_finding(&report, "imap.down.test").expect("a finding for 993");
    assert_eq!(code, FindingCode::PortFiltered);
    assert!(hint.contains("Nothing of the host answers"), "{hint}");
    assert!(took < Duration::from_secs(9), "{took:?}");

    // Without IPv6 on lo (up says why in state.env) there is no IPv6 to be broken: a network
    // without IPv6 is no warning, so that part cannot be proved here.
    if s.env.get("MC_NET_IPV6").is_none_or(String::is_empty) {
        eprintln!(
            "SKIPPED the IPv6 part: IPv6 could not be set up here ({})",
            s.env.get("MC_NET_IPV6_MISSING").map_or("", String::as_str)
        );
        return;
    }
    let password = s.get("PASSWORD");
    let started = Instant::now();
    let run = run(s
        .command(Some(&password), "2")
        .args(["--imap", "imap.dual.test:993:tls"])
        .arg(s.user()));
    let took = started.elapsed();
    let report = run.report();
    // IPv6 broken is a warning: the settings work.
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(report.recommended.imap.is_some());
    let server = report
        .servers
        .iter()
        .find(|x| x.host == "imap.dual.test" && x.port == 993)
        .expect("the typed server");
    assert_eq!(
        (server.status.as_str(), server.login.as_str()),
        ("warning", "ok")
    );
    let results: Vec<(&str, &str)> = server
        .addresses
        .iter()
        .map(|a| (a.address.as_str(), a.result.as_str()))
        .collect();
    assert_eq!(
        results,
        [("fd6d:6373:1e::3", "timeout"), ("127.0.30.3", "connected")]
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::Ipv6Broken),
        "{:?}",
        codes(&report)
    );
    assert!(took < Duration::from_secs(9), "{took:?}");
}

/// Issue 13: no route to the DNS server at all (its address is in `net.sh`'s unreachable
/// network, as on a laptop whose network is gone): `dns_unavailable` naming the failure, for
/// discovery and for the typed server alike; never `wrong_host` nor a typo hint.
#[test]
fn s16_no_route_to_the_dns_server_is_dns_unavailable() {
    let s = Scenario::new("dual");
    if s.env.get("MC_NET_IPV6").is_none_or(String::is_empty) {
        eprintln!(
            "SKIPPED: IPv6 could not be set up here ({}), so there is no unreachable route",
            s.env.get("MC_NET_IPV6_MISSING").map_or("", String::as_str)
        );
        return;
    }
    let run = run(crate::support::process::mailcheck().args([
        "--json",
        "--timeout",
        "2",
        "--dns-server",
        "[fd6d:6373:1f::53]:53",
        "--imap",
        "imap.usercfg.test:993:tls",
        "alice@usercfg.test",
    ]));
    let report = run.report();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let dns = findings(&report, FindingCode::DnsUnavailable);
    assert_eq!(dns.len(), 2, "{:?}", codes(&report));
    assert!(
        dns.iter().any(|f| f
            .evidence
            .as_deref()
            .unwrap_or_default()
            .contains("No route to host")
            || f.message.contains("No route to host")),
        "{:?}",
        dns.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    assert!(findings(&report, FindingCode::WrongHost).is_empty());
    assert!(!run.stdout.contains("typo"), "{}", run.stdout);
}

/// What a mail client hears from real Postfix when it sends without logging in, pasted into
/// `mailcheck explain`: `smtp_auth_missing` ("tick: my outgoing server requires
/// authentication"), in English and Chinese. Logged in, the test server still refuses every
/// recipient (it never relays), and that refusal is `not_a_connection_problem`.
#[test]
fn s17_real_postfix_refusals_of_a_message_are_smtp_auth_missing_or_not_a_connection_problem() {
    let s = Scenario::new("healthy");
    let dialogue = |login: bool| {
        let mut command = std::process::Command::new("python3");
        command
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/servers/dialogue.py"
            ))
            .args(["--ca", &s.env["MC_CA_FILE"]])
            .args(["--send-to", "someone@elsewhere.example"]);
        if login {
            command
                .args(["--user", &s.user()])
                .env("DIALOGUE_PASSWORD", s.get("PASSWORD"));
        }
        command.args(["smtp", "tls", "smtp.healthy.test", "127.0.1.1", "465"]);
        let out = command.output().expect("python3 runs dialogue.py");
        let transcript = String::from_utf8(out.stdout).unwrap();
        transcript
            .lines()
            .skip_while(|l| !l.starts_with("C: RCPT TO:"))
            .nth(1)
            .and_then(|l| l.strip_prefix("S: "))
            .unwrap_or_else(|| panic!("no reply to RCPT TO:\n{transcript}"))
            .to_owned()
    };
    // `mailcheck explain --json` on a reply, in `lang`.
    let explain = |reply: &str, lang: &str| -> serde_json::Value {
        let explained = run(crate::support::process::mailcheck().args([
            "explain",
            "--protocol",
            "smtp",
            "--json",
            "--lang",
            lang,
            reply,
        ]));
        assert_eq!(explained.code, 0, "{}", explained.stderr);
        serde_json::from_str(&explained.stdout).unwrap()
    };
    let reply = dialogue(false);
    assert!(
        reply.starts_with("554 5.7.1") && reply.contains("Relay access denied"),
        "{reply}"
    );
    // Logged in, the refusal is about the recipient, not the connection: pasted into explain
    // it is not_a_connection_problem, saying the settings need no change.
    let logged_in = dialogue(true);
    assert!(
        logged_in.starts_with("554") && !logged_in.contains("Relay"),
        "{logged_in}"
    );
    for lang in ["en", "zh"] {
        let doc = explain(&reply, lang);
        assert_eq!(doc["code"], "smtp_auth_missing", "{doc}");
        let hint = doc["hint"].as_str().unwrap();
        if lang == "zh" {
            assert!(
                hint.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{hint}"
            );
        } else {
            assert!(hint.contains("requires authentication"), "{hint}");
        }
        let doc = explain(&logged_in, lang);
        assert_eq!(doc["code"], "not_a_connection_problem", "{doc}");
    }
}

/// The server entry of `protocol` on port `port` of the recommended host, with its mailbox.
fn mailbox(report: &Report, protocol: Protocol, port: u16) -> &mailcheck::report::MailboxEntry {
    let server = report
        .servers
        .iter()
        .find(|s| s.protocol == protocol && s.port == port && s.login == "ok")
        .unwrap_or_else(|| panic!("a {protocol:?} server on {port} that logged in"));
    server
        .mailbox
        .as_ref()
        .unwrap_or_else(|| panic!("{}:{} has mailbox facts", server.host, server.port))
}

/// Issue 17: real Dovecot's quota plugin (count backend, a quota rule per user) and a folder
/// named with a full-width space; real Postfix with `message_size_limit = 52428800`. Each
/// mailbox is made anew by `up`.
#[test]
fn s18_real_mailboxes_near_and_over_quota_a_folder_phones_fail_on_and_postfixs_size_limit() {
    // near@: 94 KB of 100 KB, a warning; the run still exits 0.
    let (run, report) = Scenario::new("near").check_with_password();
    assert_eq!(run.code, 0, "{:?}", codes(&report));
    let near = findings(&report, FindingCode::QuotaNearlyFull);
    assert!(!near.is_empty(), "{:?}", codes(&report));
    assert!(near.iter().all(|f| f.protocol == Some(Protocol::Imap)));
    assert_eq!(
        near[0].evidence.as_deref(),
        Some(r#"QUOTA "User quota" (STORAGE 94 100)"#)
    );
    assert!(
        near[0].message.contains("94% full: 94 KB of 100 KB"),
        "{}",
        near[0].message
    );
    let imap = mailbox(&report, Protocol::Imap, 993);
    let quota = imap.quota.as_ref().unwrap();
    assert_eq!(quota.status, "ok");
    let storage = quota
        .resources
        .iter()
        .find(|r| r.resource == "STORAGE")
        .unwrap();
    assert_eq!(
        (storage.usage, storage.limit, storage.percent),
        (94, 100, 94)
    );
    assert_eq!(imap.idle, Some(true));
    let pop3 = mailbox(&report, Protocol::Pop3, 995);
    assert_eq!((pop3.messages, pop3.uidl), (Some(1), Some(true)));
    assert!(pop3.octets.unwrap() > 90_000, "{:?}", pop3.octets);
    let smtp = mailbox(&report, Protocol::Smtp, 465);
    assert_eq!(smtp.size_limit, Some(Some(52_428_800)));
    assert!(
        smtp.summary.contains("messages over 50 MB are refused"),
        "{}",
        smtp.summary
    );

    // full@: 63 KB of 50 KB, an error: new mail bounces.
    let (run, report) = Scenario::new("full").check_with_password();
    assert_eq!(run.code, 1, "{:?}", codes(&report));
    let full = findings(&report, FindingCode::QuotaFull);
    assert!(!full.is_empty(), "{:?}", codes(&report));
    assert_eq!(full[0].severity, mailcheck::Severity::Error);
    assert!(findings(&report, FindingCode::QuotaNearlyFull).is_empty());
    assert_eq!(report.conclusion.as_ref().unwrap().code, "quota_full");
    let storage = mailbox(&report, Protocol::Imap, 993)
        .quota
        .as_ref()
        .unwrap()
        .resources[0]
        .clone();
    assert_eq!(
        (storage.usage, storage.limit, storage.percent),
        (63, 50, 126)
    );

    // folders@: "Projects　2026" (U+3000), Sent and Drafts by special-use, no Trash, no quota.
    let s = Scenario::new("folders");
    let (run, report) = s.check_with_password();
    assert_eq!(run.code, 0, "{:?}", codes(&report));
    let broken = findings(&report, FindingCode::FolderNameBreaksClients);
    assert!(!broken.is_empty(), "{:?}", codes(&report));
    assert_eq!(
        broken[0].evidence.as_deref(),
        Some(r#"LIST: "Projects&MAA-2026""#)
    );
    let folders = mailbox(&report, Protocol::Imap, 993)
        .folders
        .clone()
        .unwrap();
    assert_eq!((folders.count, folders.complete), (4, true));
    assert_eq!(folders.problem_count, 1);
    let name = &folders.problem_names[0];
    assert_eq!(
        (
            name.name.as_str(),
            name.raw.as_str(),
            name.suggested.as_str()
        ),
        ("Projects\u{3000}2026", "Projects&MAA-2026", "Projects 2026")
    );
    assert_eq!(name.characters, ["U+3000"]);
    let roles: Vec<(&str, &str, bool)> = folders
        .roles
        .iter()
        .map(|r| (r.role.as_str(), r.name.as_str(), r.special_use))
        .collect();
    assert_eq!(roles, [("sent", "Sent", true), ("drafts", "Drafts", true)]);
    assert_eq!(folders.missing_roles, ["trash"]);
    let quota = mailbox(&report, Protocol::Imap, 993).quota.clone().unwrap();
    assert_eq!((quota.status.as_str(), quota.resources.len()), ("ok", 0));
    // The report for a person in Chinese says it under IMAP, and what to rename it to.
    let zh = run_human(&s, &["--lang", "zh"]);
    assert!(zh.contains("含全角空格 U+3000"), "{zh}");
    assert!(zh.contains("“Projects　2026” → “Projects 2026”"), "{zh}");
    assert!(zh.contains("没有已删除文件夹"), "{zh}");
}

fn run_human(s: &Scenario, extra: &[&str]) -> String {
    let password = s.get("PASSWORD");
    let out = run(s
        .human_command(Some(&password), "3")
        .args(extra)
        .arg(s.user()));
    assert!(!out.stdout.contains(&password), "the password leaked");
    out.stdout
}
