//! Discovery against a real DNS server and a real HTTPS server: each source alone, all of them
//! together, and every way a source can fail without taking the report down.
//!
//! None of these tests needs the bundled provider database (see `providers.rs` for those).

use std::time::Duration;

use hickory_server::proto::rr::RecordType;
use mailcheck::net::fetch::FetchError;
use mailcheck::{FindingCode, Protocol, Severity};

use crate::support::{
    Reply, ReportExt, World, autoconfig_http_url, autoconfig_url, fixture_text, wellknown_url,
};

/// The status of every source, in report order.
fn statuses(report: &mailcheck::Report) -> Vec<(String, String)> {
    report
        .sources
        .iter()
        .map(|s| (s.source.clone(), s.status.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Asserts that `a` occurs in `text` before `b`.
fn assert_before(text: &str, a: &str, b: &str) {
    let i = text
        .find(a)
        .unwrap_or_else(|| panic!("{a:?} not in {text:?}"));
    let j = text
        .find(b)
        .unwrap_or_else(|| panic!("{b:?} not in {text:?}"));
    assert!(i < j, "{a:?} should come before {b:?} in {text:?}");
}

// ---------------------------------------------------------------------------------------------
// Each source alone
// ---------------------------------------------------------------------------------------------

/// SRV only, records published out of order: RFC 2782 order is priority, then heaviest weight.
#[test]
fn srv_alone_orders_records_by_priority_then_weight() {
    let world = World::start();
    let run = world.check("alice@srv-order.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(report.provider, None);
    assert_eq!(report.domain, "srv-order.test");
    assert_eq!(
        statuses(&report),
        pairs(&[
            ("provider_db", "not_found"),
            ("srv", "found"),
            ("autoconfig", "not_found"),
            ("wellknown", "not_found"),
            ("ispdb", "not_found"),
            ("ispdb_mx", "skipped"),
            ("autodiscover", "not_found"),
            ("pacc", "not_found"),
            ("guess", "skipped"),
        ])
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        [
            "imap-a.srv-order.test:993:tls",
            "imap-b.srv-order.test:993:tls",
            "imap-backup.srv-order.test:993:tls",
            "imap-a.srv-order.test:143:starttls",
        ]
    );
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        ["pop.srv-order.test:995:tls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        [
            "smtp-1.srv-order.test:465:tls",
            "smtp-2.srv-order.test:465:tls",
            "smtp-1.srv-order.test:587:starttls",
        ]
    );
    for server in &report.servers {
        assert_eq!(server.sources, ["srv"], "{}", report.dump());
        assert_eq!(server.username, "alice@srv-order.test");
        assert_eq!(server.label, None);
    }
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap-a.srv-order.test:993:tls")
    );
    assert_eq!(
        report.recommended(Protocol::Smtp).as_deref(),
        Some("smtp-1.srv-order.test:465:tls")
    );
    let username = &report.recommended.imap.as_ref().unwrap().username;
    assert_eq!(username, "alice@srv-order.test");

    // The detail says what was asked and what came back, in the order used.
    let detail = &report.source("srv").detail;
    assert!(
        detail.contains(
            "_imaps._tcp.srv-order.test → imap-a.srv-order.test:993 (priority 10, weight 60)"
        ),
        "{detail}"
    );
    assert_before(
        detail,
        "imap-a.srv-order.test:993",
        "imap-b.srv-order.test:993",
    );
    assert_before(
        detail,
        "imap-b.srv-order.test:993",
        "imap-backup.srv-order.test:993",
    );
    assert!(report.findings.is_empty(), "{}", report.dump());
    // A domain without MX has nothing for the ISPDB-by-MX to ask about.
    assert_eq!(report.source("ispdb_mx").detail, "no MX records");
    assert!(
        report
            .source("provider_db")
            .detail
            .contains("no MX records"),
        "{}",
        report.source("provider_db").detail
    );
}

/// SRV says POP3 is not offered, the domain's own `.well-known` autoconfig names a POP3 server: the sources
/// disagree, so the server stays a candidate (the probe will tell) and the conflict is
/// reported with who said what; the protocol is not declared "not offered".
#[test]
fn srv_dot_target_against_a_wellknown_file_that_names_the_protocol_is_a_conflict() {
    let world = World::start();
    world.serve(
        &wellknown_url("nopop.test"),
        Reply::xml(
            r#"<clientConfig version="1.1"><emailProvider id="nopop.test">
                 <domain>nopop.test</domain>
                 <incomingServer type="pop3"><hostname>pop.nopop.test</hostname><port>995</port>
                   <socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
               </emailProvider></clientConfig>"#
                .to_owned(),
        )
        .typed(Some("application/xml")),
    );
    let report = world.check("alice@nopop.test").report();
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        ["pop.nopop.test:995:tls"],
        "{}",
        report.dump()
    );
    assert_eq!(
        report.recommended(Protocol::Pop3).as_deref(),
        Some("pop.nopop.test:995:tls")
    );
    let conflicts = report.findings_of(FindingCode::SettingsConflict);
    let pop3 = conflicts
        .iter()
        .find(|f| f.protocol == Some(Protocol::Pop3))
        .unwrap_or_else(|| panic!("no POP3 conflict: {}", report.dump()));
    let evidence = pop3.evidence.as_deref().unwrap_or_default();
    assert!(
        evidence.contains("srv: not offered")
            && evidence.contains("wellknown: pop.nopop.test:995 tls"),
        "{evidence}"
    );
    // Nothing else is in dispute, and POP3 was not guessed.
    assert_eq!(conflicts.len(), 1, "{}", report.dump());
    assert!(!report.source("guess").detail.contains("POP3"));
}

/// The user's own POP3 settings for a domain whose SRV says POP3 is not offered: checked and
/// recommended all the same (the user knows a server the domain does not publish).
#[test]
fn users_own_server_for_a_protocol_srv_declines_is_still_checked() {
    let world = World::start();
    let report = world
        .check_with("alice@nopop.test", &["--pop3", "pop.nopop.test:995:tls"])
        .report();
    assert_eq!(
        report.recommended(Protocol::Pop3).as_deref(),
        Some("pop.nopop.test:995:tls"),
        "{}",
        report.dump()
    );
}

/// RFC 6186 §3.4: a `.` target says the service is not offered. POP3 gets no servers and no
/// guesses (pop3./pop./mail. all resolve, so a guess would find some), the report says why.
/// A `.` for `_imap` alone does not take IMAP away while `_imaps` offers it.
#[test]
fn srv_dot_target_means_the_protocol_is_not_offered() {
    let world = World::start();
    let run = world.check("alice@nopop.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(report.recommended.pop3, None, "{}", report.dump());
    assert!(
        report.endpoints(Protocol::Pop3).is_empty(),
        "{}",
        report.dump()
    );

    let srv = report.source("srv");
    assert_eq!(srv.status, "found");
    assert!(
        srv.detail
            .contains("_pop3s._tcp.nopop.test → . (POP3 not offered)"),
        "{}",
        srv.detail
    );
    assert!(
        srv.detail
            .contains("_pop3._tcp.nopop.test → . (POP3 not offered)"),
        "{}",
        srv.detail
    );

    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["mail.nopop.test:993:tls"]
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("mail.nopop.test:993:tls")
    );

    // SMTP is published nowhere: it alone is guessed, on the hosts that resolve.
    let guess = report.source("guess");
    assert_eq!(guess.status, "found");
    assert!(guess.detail.starts_with("for SMTP:"), "{}", guess.detail);
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        [
            "smtp.nopop.test:465:tls",
            "mail.nopop.test:465:tls",
            "nopop.test:465:tls",
            "smtp.nopop.test:587:starttls",
            "mail.nopop.test:587:starttls",
            "nopop.test:587:starttls",
        ]
    );
    for server in report
        .servers
        .iter()
        .filter(|s| s.protocol == Protocol::Smtp)
    {
        assert_eq!(server.sources, ["guess"]);
    }
}

/// Guessing runs only for protocols nobody answered: SRV answers IMAP, so no IMAP guess
/// appears although imap./mail. resolve; POP3 and SMTP are guessed.
#[test]
fn guessing_only_for_protocols_nobody_answered() {
    let world = World::start();
    let run = world.check("alice@partial.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["imap.partial.test:993:tls"]
    );
    assert_eq!(
        report
            .server(Protocol::Imap, "imap.partial.test", 993)
            .sources,
        ["srv"]
    );
    let guess = report.source("guess");
    assert!(
        guess.detail.starts_with("for POP3, SMTP:"),
        "{}",
        guess.detail
    );
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        [
            "pop.partial.test:995:tls",
            "mail.partial.test:995:tls",
            "partial.test:995:tls",
            "pop.partial.test:110:starttls",
            "mail.partial.test:110:starttls",
            "partial.test:110:starttls",
        ]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp).len(),
        6,
        "{}",
        report.dump()
    );
    assert!(
        report
            .named_by("guess")
            .iter()
            .all(|s| s.protocol != Protocol::Imap),
        "{}",
        report.dump()
    );
    assert_eq!(
        report.recommended(Protocol::Pop3).as_deref(),
        Some("pop.partial.test:995:tls")
    );
}

/// Nothing published: the guesses are the host names that resolve (also by AAAA only), implicit
/// TLS before STARTTLS; the bare domain has no address, so it is no guess.
#[test]
fn guessing_keeps_only_hosts_that_resolve() {
    let world = World::start();
    let run = world.check("alice@guessme.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(
        report.endpoints(Protocol::Imap),
        [
            "imap.guessme.test:993:tls",
            "mail.guessme.test:993:tls",
            "imap.guessme.test:143:starttls",
            "mail.guessme.test:143:starttls",
        ]
    );
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        [
            "mail.guessme.test:995:tls",
            "mail.guessme.test:110:starttls"
        ]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        [
            "smtp.guessme.test:465:tls",
            "mail.guessme.test:465:tls",
            "smtp.guessme.test:587:starttls",
            "mail.guessme.test:587:starttls",
        ]
    );
    assert!(report.servers.iter().all(|s| s.sources == ["guess"]));
    assert!(!report.servers.iter().any(|s| s.host == "guessme.test"));
    let guess = report.source("guess");
    assert!(
        guess.detail.starts_with("for IMAP, POP3, SMTP:"),
        "{}",
        guess.detail
    );
}

/// A world where acme.test's own autoconfig server answers with its fixture.
fn acme_autoconfig_world() -> World {
    let world = World::start();
    world.serve(
        &autoconfig_url("acme.test"),
        Reply::fixture("acme.test.xml"),
    );
    world
}

/// A batch file of alice, bob and carol at acme.test, in `dir`.
fn three_acme_accounts(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let file = dir.path().join("accounts.txt");
    std::fs::write(&file, "alice@acme.test\nbob@acme.test\ncarol@acme.test\n").unwrap();
    file
}

/// The (name, type) pairs asked more than once.
fn asked_twice(queries: &[String]) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::new();
    for query in queries {
        *seen.entry(query.clone()).or_insert(0) += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(query, n)| format!("{query} ×{n}"))
        .collect()
}

/// One run asks each name once, however many sources, fetches and guesses need it at the
/// same moment; a batch of one domain's accounts asks once for all of them (one session: one
/// cache), and still fetches each account's own autoconfig.
#[test]
fn no_name_is_asked_twice_by_a_run_or_a_batch() {
    let world = acme_autoconfig_world();
    let run = world.check("alice@acme.test");
    run.assert_code(0);
    let queries = world.dns_queries();
    assert!(queries.len() > 10, "{queries:#?}");
    assert_eq!(asked_twice(&queries), Vec::<String>::new(), "{queries:#?}");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = three_acme_accounts(&dir);
    let before = world.dns_queries().len();
    let run = world.check_batch(&file, &["--jobs", "1"]);
    run.assert_code(0);
    let reports: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(reports.len(), 3, "{}", run.stdout);
    for (line, user) in reports.iter().zip(["alice", "bob", "carol"]) {
        assert!(
            line.contains(&format!("\"address\":\"{user}@acme.test\"")),
            "{line}"
        );
        assert!(line.contains("\"imap.acme.test\""), "{line}");
    }
    let batch = world.dns_queries()[before..].to_vec();
    assert!(batch.len() > 10, "{batch:#?}");
    assert_eq!(asked_twice(&batch), Vec::<String>::new(), "{batch:#?}");
    // Each account's autoconfig is still asked for (with its own address).
    let requests = world.requests();
    for user in ["alice", "bob", "carol"] {
        let url = format!(
            "https://autoconfig.acme.test/mail/config-v1.1.xml?emailaddress={user}%40acme.test"
        );
        assert!(requests.contains(&url), "{url} not in {requests:#?}");
    }
}

/// A batch's accounts checked at once share the lookups under way, and each still tells what
/// DNS did for it: with a DNS server that never answers, every account says so, at any
/// `--jobs`, as the same account alone would.
#[test]
fn accounts_checked_at_once_each_see_dns_fail() {
    let world = World::start();
    world.set_timeout(1.0);
    world.silence_dns(".", RecordType::ANY);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = three_acme_accounts(&dir);
    let alone = world.check("dave@acme.test");
    alone.assert_code(4);
    let alone = alone.report();
    let expected = alone.findings_of(FindingCode::DnsUnavailable);
    assert_eq!(expected.len(), 1, "{}", alone.dump());
    let run = world.check_batch(&file, &["--jobs", "3"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}\n{}", run.stdout, run.stderr);
    for line in lines {
        let report: serde_json::Value = serde_json::from_str(line).expect("a JSON report");
        let codes: Vec<&str> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(codes.contains(&"dns_unavailable"), "{line}");
        assert!(!codes.contains(&"no_settings_found"), "{line}");
    }
}

/// A lookup that failed for one account of a batch is asked again for the next: one SERVFAIL
/// must not stand for the rest of the batch (the session forgets failures; each run keeps its
/// own).
#[test]
fn a_lookup_that_failed_is_asked_again_by_the_next_account_of_a_batch() {
    let world = acme_autoconfig_world();
    world.misbehave_dns(
        "autoconfig.acme.test",
        RecordType::A,
        crate::support::dns::Misbehaviour::ServfailFirst,
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = three_acme_accounts(&dir);
    let run = world.check_batch(&file, &["--jobs", "1"]);
    let statuses: Vec<String> = run
        .stdout
        .lines()
        .map(|line| {
            let report: serde_json::Value = serde_json::from_str(line).expect("a JSON report");
            let sources = report["sources"].as_array().expect("sources");
            let autoconfig = sources
                .iter()
                .find(|s| s["source"] == "autoconfig")
                .expect("the autoconfig source");
            autoconfig["status"].as_str().expect("a status").to_owned()
        })
        .collect();
    assert_eq!(statuses, ["error", "found", "found"], "{}", run.stdout);
    let asked = world
        .dns_queries()
        .iter()
        .filter(|q| *q == "autoconfig.acme.test. A")
        .count();
    assert_eq!(asked, 2, "{:#?}", world.dns_queries());
}

/// One run asks a name once, however far apart its fetches from that host start (HTTPS and
/// plain HTTP go through two clients): the second fetch of a run gets the first one's failed
/// lookup, and the next run of the session asks again. (Started at once, the two fetches mostly
/// shared one lookup; now and then the second started after the first had failed, asked again
/// and found the file that its run had been refused.)
#[test]
fn a_runs_fetches_from_one_host_share_its_failed_lookup() {
    let world = acme_autoconfig_world();
    world.misbehave_dns(
        "autoconfig.acme.test",
        RecordType::A,
        crate::support::dns::Misbehaviour::ServfailFirst,
    );
    let asked = || {
        world
            .dns_queries()
            .iter()
            .filter(|q| *q == "autoconfig.acme.test. A")
            .count()
    };
    let url = reqwest::Url::parse(&autoconfig_url("acme.test")).expect("a URL");
    let (dns, fetcher) = world.session_network();
    let run = fetcher.for_run(&dns.for_run());
    let first = world.block_on(run.fetch_xml(url.clone()));
    assert!(
        matches!(&first, Err(FetchError::Network(text)) if text.contains("SERVFAIL")),
        "{first:?}"
    );
    let second = world.block_on(run.fetch_xml(url.clone()));
    assert_eq!(second.as_ref().err(), first.as_ref().err());
    assert_eq!(asked(), 1, "{:#?}", world.dns_queries());

    let next_run = fetcher.for_run(&dns.for_run());
    let found = world
        .block_on(next_run.fetch_xml(url))
        .expect("the next run's fetch");
    assert!(found.body.contains("imap.acme.test"), "{}", found.body);
    assert_eq!(asked(), 2, "{:#?}", world.dns_queries());
}

/// `--batch --jobs 1` with an account whose DNS server never answers: once that account has
/// heard nothing for a while it lends its slot, and the next account starts while the silent
/// one is still asking. Without the lending, every query of the next account would come after
/// the silent account's last try (at half the timeout), since it could only start once that
/// account had ended; the reports still come in the file's order, each with its own verdict.
#[test]
fn an_account_waiting_on_a_silent_server_lends_its_slot_to_the_next() {
    let world = acme_autoconfig_world();
    world.set_timeout(8.0);
    world.silence_dns("silentdns.test", RecordType::ANY);
    world.serve(
        &wellknown_url("webco.test"),
        Reply::fixture("webco.test.xml"),
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("accounts.txt");
    // The first account ends before the silent one starts, so that the batch knows how long
    // an account takes (no slot is lent before).
    std::fs::write(
        &file,
        "alice@acme.test
judy@silentdns.test
carol@webco.test
",
    )
    .unwrap();
    let run = world.check_batch(&file, &["--jobs", "1"]);

    let queries = world.dns_queries();
    let first_of_next = queries.iter().position(|q| q.contains("webco.test."));
    let last_of_silent = queries.iter().rposition(|q| q.contains("silentdns.test."));
    assert!(
        matches!((first_of_next, last_of_silent), (Some(next), Some(silent)) if next < silent),
        "the next account started only after the silent one: {queries:#?}"
    );
    let reports: Vec<mailcheck::Report> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON report"))
        .collect();
    let addresses: Vec<&str> = reports.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        ["alice@acme.test", "judy@silentdns.test", "carol@webco.test"]
    );
    assert_eq!(reports[0].source("autoconfig").status, "found");
    assert_eq!(
        reports[1].source("srv").status,
        "error",
        "{}",
        reports[1].dump()
    );
    assert!(reports[1].servers.is_empty(), "{}", reports[1].dump());
    assert_eq!(reports[2].source("wellknown").status, "found");
}

/// The domain's own autoconfig server, over HTTPS: every server of the file in its order,
/// placeholders filled in, the Exchange entry and unknown elements ignored.
#[test]
fn autoconfig_alone() {
    let world = acme_autoconfig_world();
    let run = world.check("alice@acme.test");
    run.assert_code(0);
    let report = run.report();

    let source = report.source("autoconfig");
    assert_eq!(source.status, "found");
    assert_eq!(
        source.detail,
        "https://autoconfig.acme.test/mail/config-v1.1.xml → 5 server(s) (Acme Hosting Mail), also exchange (not probed)"
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["imap.acme.test:993:tls", "imap.acme.test:143:starttls"]
    );
    assert_eq!(report.endpoints(Protocol::Pop3), ["pop.acme.test:995:tls"]);
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        ["smtp.acme.test:465:tls", "smtp.acme.test:587:starttls"]
    );
    assert!(report.servers.iter().all(|s| s.sources == ["autoconfig"]));
    assert!(!report.servers.iter().any(|s| s.host == "outlook.acme.test"));
    // %EMAILLOCALPART% for POP3, %EMAILADDRESS% elsewhere.
    assert_eq!(
        report.server(Protocol::Pop3, "pop.acme.test", 995).username,
        "alice"
    );
    assert_eq!(
        report
            .server(Protocol::Imap, "imap.acme.test", 993)
            .username,
        "alice@acme.test"
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap.acme.test:993:tls")
    );
    assert_eq!(
        report.recommended(Protocol::Smtp).as_deref(),
        Some("smtp.acme.test:465:tls")
    );
    assert!(report.findings.is_empty(), "{}", report.dump());
    assert_eq!(report.source("guess").status, "skipped");
    // The MX is inside the domain: the ISPDB by MX has nothing to ask.
    assert_eq!(report.source("ispdb_mx").status, "skipped");

    // Asked the way Thunderbird asks, and every name went to our DNS server.
    let requests = world.requests();
    assert!(
        requests.contains(
            &"https://autoconfig.acme.test/mail/config-v1.1.xml?emailaddress=alice%40acme.test"
                .to_owned()
        ),
        "{requests:#?}"
    );
    let queries = world.dns_queries();
    for asked in [
        "autoconfig.acme.test. A",
        "ispdb.infra.test. A",
        "_imaps._tcp.acme.test. SRV",
        "_submission._tcp.acme.test. SRV",
        "acme.test. MX",
    ] {
        assert!(
            queries.iter().any(|q| q == asked),
            "{asked} not in {queries:#?}"
        );
    }
}

/// The domain's web server, `/.well-known/autoconfig/…`, with host names built from
/// `%EMAILDOMAIN%`.
#[test]
fn wellknown_alone() {
    let world = World::start();
    world.serve(
        &wellknown_url("webco.test"),
        Reply::fixture("webco.test.xml"),
    );
    let run = world.check("bob@webco.test");
    run.assert_code(0);
    let report = run.report();

    let source = report.source("wellknown");
    assert_eq!(source.status, "found");
    assert!(
        source.detail.starts_with(
            "https://webco.test/.well-known/autoconfig/mail/config-v1.1.xml → 3 server(s)"
        ),
        "{}",
        source.detail
    );
    assert_eq!(report.source("autoconfig").status, "not_found");
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["mail.webco.test:993:tls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        ["mail.webco.test:110:starttls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        ["mail.webco.test:587:starttls"]
    );
    assert_eq!(
        report
            .server(Protocol::Pop3, "mail.webco.test", 110)
            .username,
        "bob"
    );
    assert!(report.servers.iter().all(|s| s.sources == ["wellknown"]));
    assert!(report.findings.is_empty(), "{}", report.dump());
}

/// The ISPDB, asked at `--ispdb-url` + domain.
#[test]
fn ispdb_alone() {
    let world = World::start();
    world.serve(
        &world.ispdb("ispdbonly.test"),
        Reply::fixture("ispdb-ispdbonly.test.xml"),
    );
    let run = world.check("carol@ispdbonly.test");
    run.assert_code(0);
    let report = run.report();

    let source = report.source("ispdb");
    assert_eq!(source.status, "found");
    assert_eq!(
        source.detail,
        "https://ispdb.infra.test:8443/v1.1/ispdbonly.test → 3 server(s) (ISPDB-only Mail)"
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["imap.ispdbonly.test:993:tls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        ["pop.ispdbonly.test:995:tls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        ["smtp.ispdbonly.test:465:tls"]
    );
    assert!(report.servers.iter().all(|s| s.sources == ["ispdb"]));
    // The domain's web server is there but publishes nothing: not found, not an error.
    assert_eq!(report.source("wellknown").status, "not_found");
    assert!(report.source("wellknown").detail.contains("HTTP 404"));
}

/// The ISPDB by MX: asked for the MX host's domain (`smtp.bigmail.test`), then its base
/// domain (`bigmail.test`), for the most preferred MX only.
#[test]
fn ispdb_by_mx_asks_for_the_mx_domain_then_its_base_domain() {
    let world = World::start();
    world.serve(
        &world.ispdb("bigmail.test"),
        Reply::fixture("ispdb-bigmail.test.xml"),
    );
    let run = world.check("dave@hosted.test");
    run.assert_code(0);
    let report = run.report();

    let source = report.source("ispdb_mx");
    assert_eq!(source.status, "found");
    assert_eq!(
        source.detail,
        "MX in1.smtp.bigmail.test: https://ispdb.infra.test:8443/v1.1/bigmail.test → 2 server(s) (BigMail Hosting)"
    );
    assert_eq!(report.source("ispdb").status, "not_found");
    assert!(
        report
            .source("provider_db")
            .detail
            .contains("MX: in1.smtp.bigmail.test, in2.smtp.bigmail.test"),
        "{}",
        report.source("provider_db").detail
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["imap.bigmail.test:993:tls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        ["smtp.bigmail.test:465:tls"]
    );
    assert!(report.servers.iter().all(|s| s.sources == ["ispdb_mx"]));
    assert_eq!(
        report
            .server(Protocol::Imap, "imap.bigmail.test", 993)
            .username,
        "dave@hosted.test"
    );
    // Nobody knows POP3, and no POP3 host of hosted.test resolves.
    assert_eq!(report.recommended.pop3, None);
    assert_eq!(report.source("guess").status, "not_found");

    let ispdb: Vec<String> = world
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("https://ispdb.infra.test:8443/"))
        .collect();
    let position = |path: &str| {
        ispdb
            .iter()
            .position(|r| r == &format!("https://ispdb.infra.test:8443/v1.1/{path}"))
            .unwrap_or_else(|| panic!("{path} not asked: {ispdb:#?}"))
    };
    assert!(position("smtp.bigmail.test") < position("bigmail.test"));
    position("hosted.test");
    assert!(!ispdb.iter().any(|r| r.contains("in2")), "{ispdb:#?}");
}

// ---------------------------------------------------------------------------------------------
// All together
// ---------------------------------------------------------------------------------------------

/// Every source at once. SRV names another IMAP host than the autoconfig file and the ISPDB:
/// `settings_conflict` says who said what, the recommendation follows the order of trust
/// (HTTPS autoconfig before SRV), and every server appears once with all its sources. The old
/// file on the plain-HTTP virtual host is ignored because HTTPS answered.
#[test]
fn all_sources_together_with_a_conflict() {
    let world = World::start();
    world
        .serve(
            &autoconfig_url("mixed.test"),
            Reply::fixture("mixed.test.xml"),
        )
        .serve(
            &autoconfig_http_url("mixed.test"),
            Reply::fixture("mixed-old-http.xml"),
        )
        .serve(
            &wellknown_url("mixed.test"),
            Reply::fixture("mixed.test.xml"),
        )
        .serve(
            &world.ispdb("mixed.test"),
            Reply::fixture("ispdb-mixed.test.xml"),
        );
    let run = world.check("erin@mixed.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(
        statuses(&report),
        pairs(&[
            ("provider_db", "not_found"),
            ("srv", "found"),
            ("autoconfig", "found"),
            ("wellknown", "found"),
            ("ispdb", "found"),
            ("ispdb_mx", "skipped"),
            ("autodiscover", "not_found"),
            ("pacc", "not_found"),
            ("guess", "found"),
        ])
    );

    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["imap.mixed.test:993:tls", "mail.mixed.test:993:tls"]
    );
    assert_eq!(
        report
            .server(Protocol::Imap, "imap.mixed.test", 993)
            .sources,
        ["autoconfig", "wellknown", "ispdb"]
    );
    assert_eq!(
        report
            .server(Protocol::Imap, "mail.mixed.test", 993)
            .sources,
        ["srv"]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        ["smtp.mixed.test:465:tls", "smtp.mixed.test:587:starttls"]
    );
    assert_eq!(
        report
            .server(Protocol::Smtp, "smtp.mixed.test", 465)
            .sources,
        ["srv", "autoconfig", "wellknown", "ispdb"]
    );
    assert_eq!(
        report
            .server(Protocol::Smtp, "smtp.mixed.test", 587)
            .sources,
        ["autoconfig", "wellknown"]
    );
    // POP3 alone is guessed.
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        [
            "pop3.mixed.test:995:tls",
            "mail.mixed.test:995:tls",
            "mixed.test:995:tls",
            "pop3.mixed.test:110:starttls",
            "mail.mixed.test:110:starttls",
            "mixed.test:110:starttls",
        ]
    );
    assert!(report.source("guess").detail.starts_with("for POP3:"));

    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap.mixed.test:993:tls")
    );
    assert_eq!(
        report.recommended(Protocol::Smtp).as_deref(),
        Some("smtp.mixed.test:465:tls")
    );
    assert_eq!(
        report.recommended(Protocol::Pop3).as_deref(),
        Some("pop3.mixed.test:995:tls")
    );

    let conflicts = report.findings_of(FindingCode::SettingsConflict);
    assert_eq!(conflicts.len(), 1, "{}", report.dump());
    let conflict = conflicts[0];
    assert_eq!(conflict.protocol, Some(Protocol::Imap));
    assert_eq!(conflict.severity, Severity::Warning);
    assert!(!conflict.message.is_empty() && !conflict.hint.is_empty());
    let evidence = conflict.evidence.as_deref().expect("who said what");
    for said in [
        "srv: mail.mixed.test:993 tls",
        "autoconfig: imap.mixed.test:993 tls",
        "wellknown: imap.mixed.test:993 tls",
        "ispdb: imap.mixed.test:993 tls",
    ] {
        assert!(evidence.contains(said), "{said:?} not in {evidence:?}");
    }
    assert!(!evidence.contains("guess"), "{evidence}");

    // HTTPS answered: the plain-HTTP file is not used and nothing is insecure.
    assert!(
        !report
            .servers
            .iter()
            .any(|s| s.host == "oldmail.mixed.test")
    );
    assert!(report.findings_of(FindingCode::InsecureSource).is_empty());
    assert!(report.ok);
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP
// ---------------------------------------------------------------------------------------------

/// Autoconfig published over plain HTTP only: used, but `insecure_source` says it arrived
/// unprotected, and the detail says why HTTPS gave nothing.
#[test]
fn http_only_autoconfig_raises_insecure_source() {
    let world = World::start();
    world.serve(
        &autoconfig_http_url("plainhttp.test"),
        Reply::fixture("plainhttp.test.xml"),
    );
    let run = world.check("frank@plainhttp.test");
    run.assert_code(0);
    let report = run.report();

    let source = report.source("autoconfig");
    assert_eq!(source.status, "found");
    assert!(
        source
            .detail
            .starts_with("http://autoconfig.plainhttp.test/mail/config-v1.1.xml → 2 server(s)"),
        "{}",
        source.detail
    );
    assert!(
        source.detail.contains(
            "HTTPS failed: https://autoconfig.plainhttp.test/mail/config-v1.1.xml: HTTP 404"
        ),
        "{}",
        source.detail
    );
    let insecure = report.findings_of(FindingCode::InsecureSource);
    assert_eq!(insecure.len(), 1, "{}", report.dump());
    assert_eq!(insecure[0].severity, Severity::Warning);
    assert_eq!(
        insecure[0].evidence.as_deref(),
        Some("http://autoconfig.plainhttp.test/mail/config-v1.1.xml")
    );
    assert!(
        insecure[0].message.contains("plain HTTP"),
        "{}",
        insecure[0].message
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["mail.plainhttp.test:993:tls"]
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("mail.plainhttp.test:993:tls")
    );
    assert!(report.ok, "a warning alone does not fail the run");
}

/// The plain-HTTP fallback is only a fallback: when HTTPS answers, a plain-HTTP server that
/// never answers (port 80 black-holed by a firewall) must not hold the answer back.
#[test]
fn https_answer_is_not_held_back_by_a_silent_http_fallback() {
    let world = World::start();
    world.set_timeout(5.0);
    world
        .serve(
            &autoconfig_url("acme.test"),
            Reply::fixture("acme.test.xml"),
        )
        .serve(&autoconfig_http_url("acme.test"), Reply::Hang);
    let run = world.check("alice@acme.test");
    run.assert_code(0);
    let report = run.report();

    let source = report.source("autoconfig");
    assert_eq!(source.status, "found");
    assert!(
        source.detail.starts_with("https://autoconfig.acme.test/"),
        "{}",
        source.detail
    );
    assert!(
        source.elapsed_ms < 2500,
        "HTTPS answered at once, but the source took {} ms (the --timeout is 5 s)",
        source.elapsed_ms
    );
    assert!(
        run.elapsed < Duration::from_secs(4),
        "took {:?}",
        run.elapsed
    );
    assert!(report.findings_of(FindingCode::InsecureSource).is_empty());
}

/// Plain-HTTP autoconfig is trusted less than the ISPDB (the documented order of trust).
#[test]
fn plain_http_autoconfig_ranks_below_the_ispdb() {
    let world = World::start();
    world
        .serve(
            &autoconfig_http_url("plainhttp.test"),
            Reply::fixture("plainhttp.test.xml"),
        )
        .serve(
            &world.ispdb("plainhttp.test"),
            Reply::xml(
                fixture_text("plainhttp.test.xml")
                    .replace("mail.plainhttp.test", "imap.plainhttp.test"),
            ),
        );
    let run = world.check("frank@plainhttp.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["imap.plainhttp.test:993:tls", "mail.plainhttp.test:993:tls"]
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap.plainhttp.test:993:tls")
    );
    let conflicts = report.findings_of(FindingCode::SettingsConflict);
    assert_eq!(conflicts.len(), 2, "IMAP and SMTP: {}", report.dump());
    assert_eq!(report.findings_of(FindingCode::InsecureSource).len(), 1);
}

/// Plain-HTTP autoconfig is trusted least: naming one of the SRV hosts must not lift that host
/// above SRV's own first choice (as if the file had come over HTTPS).
#[test]
fn plain_http_autoconfig_does_not_lift_a_server_above_srv_order() {
    let world = World::start();
    world.serve(
        &autoconfig_http_url("trust.test"),
        Reply::xml(
            fixture_text("plainhttp.test.xml")
                .replace("mail.plainhttp.test", "imap2.trust.test")
                .replace("plainhttp.test", "trust.test"),
        ),
    );
    let run = world.check("nina@trust.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(
        report
            .server(Protocol::Imap, "imap2.trust.test", 993)
            .sources,
        ["srv", "autoconfig"]
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["imap1.trust.test:993:tls", "imap2.trust.test:993:tls"],
        "{}",
        report.dump()
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap1.trust.test:993:tls")
    );
    assert_eq!(report.findings_of(FindingCode::InsecureSource).len(), 1);
}

/// An HTTPS autoconfig URL that redirects to plain HTTP: the document arrived over plain HTTP
/// after all, and says so.
#[test]
fn https_redirect_to_plain_http_raises_insecure_source() {
    let world = World::start();
    let target = "http://files.redirect.test/autoconfig/redirect.test.xml";
    world
        .serve(
            &autoconfig_url("redirect.test"),
            Reply::Redirect(target.to_owned()),
        )
        .serve(target, Reply::fixture("redirect.test.xml"));
    let run = world.check("gina@redirect.test");
    run.assert_code(0);
    let report = run.report();

    let source = report.source("autoconfig");
    assert_eq!(source.status, "found");
    assert!(
        source
            .detail
            .starts_with(&format!("{target} → 2 server(s)")),
        "{}",
        source.detail
    );
    assert!(
        source.detail.contains("after 1 redirect(s)"),
        "{}",
        source.detail
    );
    let insecure = report.findings_of(FindingCode::InsecureSource);
    assert_eq!(insecure.len(), 1, "{}", report.dump());
    assert_eq!(insecure[0].evidence.as_deref(), Some(target));
    assert_eq!(
        report
            .server(Protocol::Imap, "mail.redirect.test", 993)
            .sources,
        ["autoconfig"]
    );
    let requests = world.requests();
    assert!(requests.iter().any(|r| r == target), "{requests:#?}");
}

/// A certificate that does not name the host: HTTPS fails (never a silent success), plain HTTP
/// is the fallback, with `insecure_source`, and the detail keeps the HTTPS error.
#[test]
fn untrusted_https_certificate_falls_back_to_plain_http() {
    let world = World::start();
    world
        .serve(
            &autoconfig_url("nocert.test"),
            Reply::fixture("nocert.test.xml"),
        )
        .serve(
            &autoconfig_http_url("nocert.test"),
            Reply::fixture("nocert.test.xml"),
        );
    let run = world.check("hank@nocert.test");
    run.assert_code(0);
    let report = run.report();

    let source = report.source("autoconfig");
    assert_eq!(source.status, "found");
    assert!(
        source.detail.starts_with("http://autoconfig.nocert.test/"),
        "{}",
        source.detail
    );
    assert!(
        source
            .detail
            .contains("HTTPS failed: https://autoconfig.nocert.test/mail/config-v1.1.xml:"),
        "{}",
        source.detail
    );
    assert!(
        source.detail.to_lowercase().contains("certificate"),
        "{}",
        source.detail
    );
    assert_eq!(report.findings_of(FindingCode::InsecureSource).len(), 1);
    // The TLS handshake failed, so the HTTPS request never reached the server.
    let requests = world.requests();
    assert!(
        !requests
            .iter()
            .any(|r| r.starts_with("https://autoconfig.nocert.test/")),
        "{requests:#?}"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("http://autoconfig.nocert.test/"))
    );
}

// ---------------------------------------------------------------------------------------------
// Silence and deadlines
// ---------------------------------------------------------------------------------------------

/// The discovery deadline: 2 × timeout + 1 s (`src/lib.rs`).
fn deadline(world: &World) -> Duration {
    world.timeout() * 2 + Duration::from_secs(1)
}

/// A generous margin for process start and a busy machine; a run that waited one more
/// `--timeout` than it should would still be caught by the autoconfig source's elapsed time.
const MARGIN: Duration = Duration::from_secs(3);

/// Each step of a slow redirect chain: within a 1 s `--timeout`, but two of them are past the
/// limit of one fetch (one `--timeout` for all its redirects), and four past the discovery
/// deadline (3 s).
const SLOW_STEP: Duration = Duration::from_millis(900);

/// The ISPDB answers for `domain` through three redirects (`hop1.<hops>` …), each step, the
/// last document included, taking [`SLOW_STEP`].
fn slow_redirects(world: &World, domain: &str, hops: &str) {
    let hop = |n: u32| world.ispdb(&format!("hop{n}.{hops}"));
    world
        .serve(
            &world.ispdb(domain),
            Reply::Redirect(hop(1)).after(SLOW_STEP),
        )
        .serve(&hop(1), Reply::Redirect(hop(2)).after(SLOW_STEP))
        .serve(&hop(2), Reply::Redirect(hop(3)).after(SLOW_STEP))
        .serve(
            &hop(3),
            Reply::fixture("ispdb-bigmail.test.xml").after(SLOW_STEP),
        );
}

/// A source that runs into its limit (the ISPDB, through slow redirects: one fetch's limit
/// covers all of them) does not starve guessing: the guessed names were looked up meanwhile,
/// so the domain whose only servers are guessable still gets them, in time.
#[test]
fn a_source_at_its_limit_does_not_starve_guessing() {
    let world = World::start();
    world.set_timeout(1.0);
    slow_redirects(&world, "guessme.test", "hop.guessme.test");
    let run = world.check("alice@guessme.test");
    let report = run.report();
    assert!(
        run.elapsed < deadline(&world) + MARGIN,
        "took {:?}",
        run.elapsed
    );
    let ispdb = report.source("ispdb");
    assert!(
        ispdb.detail.contains("no answer within 1s"),
        "{}",
        report.dump()
    );
    assert!(ispdb.elapsed_ms < 1500, "{}", report.dump());
    let guess = report.source("guess");
    assert_eq!(guess.status, "found", "{}", report.dump());
    assert!(
        report
            .endpoints(Protocol::Imap)
            .contains(&"imap.guessme.test:993:tls".to_owned()),
        "{}",
        report.dump()
    );
    run.assert_code(0);
}

/// An autoconfig server that accepts the connection and never answers, over HTTPS and HTTP:
/// the report still arrives in time, the source is an error that says it got no answer, and
/// the other sources' servers are there.
#[test]
fn autoconfig_that_never_answers() {
    let world = World::start();
    world.set_timeout(1.0);
    world
        .serve(&autoconfig_url("broken.test"), Reply::Hang)
        .serve(&autoconfig_http_url("broken.test"), Reply::Hang);
    let run = world.check("ivan@broken.test");
    run.assert_code(0);
    let report = run.report();

    assert!(
        run.elapsed < deadline(&world) + MARGIN,
        "took {:?}, deadline {:?}",
        run.elapsed,
        deadline(&world)
    );
    let source = report.source("autoconfig");
    assert_eq!(source.status, "error");
    assert!(
        source.detail.contains("no answer within 1s"),
        "{}",
        source.detail
    );
    assert!(
        source.elapsed_ms >= 900,
        "it did wait: {} ms",
        source.elapsed_ms
    );
    assert!(report.named_by("autoconfig").is_empty());
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("mail.broken.test:993:tls")
    );
    // The server did get both requests.
    let requests = world.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("https://autoconfig.broken.test/"))
    );
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("http://autoconfig.broken.test/"))
    );
}

/// A source whose every step answers within `--timeout` but whose steps together take longer
/// (the ISPDB by MX, through chains of slow redirects for both names it asks): each fetch is
/// cut off at its one limit, redirects included, and says so; the source ends long before the
/// discovery deadline would have cut it, and the report is not held back.
#[test]
fn slow_redirect_chains_are_cut_off_at_the_fetch_limit() {
    let world = World::start();
    world.set_timeout(1.0);
    slow_redirects(&world, "smtp.bigmail.test", "hop.bigmail.test");
    slow_redirects(&world, "bigmail.test", "hop2.bigmail.test");
    let run = world.check("dave@hosted.test");
    let report = run.report();

    assert!(
        run.elapsed < deadline(&world) + MARGIN,
        "took {:?}, deadline {:?}",
        run.elapsed,
        deadline(&world)
    );
    let source = report.source("ispdb_mx");
    assert_eq!(source.status, "error", "{}", report.dump());
    assert_eq!(
        source.detail.matches("no answer within 1s").count(),
        2,
        "{}",
        source.detail
    );
    // Two fetches of one limit each, not one limit per redirect.
    let elapsed = Duration::from_millis(source.elapsed_ms);
    assert!(
        elapsed <= world.timeout() * 2 + Duration::from_millis(500),
        "{elapsed:?}"
    );
    assert!(report.named_by("ispdb_mx").is_empty());
    // Nothing else knows hosted.test.
    run.assert_code(4);
}

/// A DNS server that never answers the SRV queries of a domain: the SRV source is an error
/// that says the DNS server did not answer; the autoconfig file still provides the settings.
#[test]
fn dns_server_that_never_answers_srv_queries() {
    let world = World::start();
    world.set_timeout(1.0);
    world.silence_dns("silentdns.test", RecordType::SRV);
    world.serve(
        &autoconfig_url("silentdns.test"),
        Reply::fixture("silentdns.test.xml"),
    );
    let run = world.check("judy@silentdns.test");
    run.assert_code(0);
    let report = run.report();

    assert!(
        run.elapsed < deadline(&world) + MARGIN,
        "took {:?}",
        run.elapsed
    );
    let srv = report.source("srv");
    assert_eq!(srv.status, "error", "{}", report.dump());
    assert!(
        srv.detail
            .contains("_imaps._tcp.silentdns.test: the DNS server did not answer"),
        "{}",
        srv.detail
    );
    assert!(
        !report
            .servers
            .iter()
            .any(|s| s.sources.iter().any(|n| n == "srv"))
    );
    assert_eq!(report.source("autoconfig").status, "found");
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("mail.silentdns.test:993:tls")
    );
    assert!(
        world
            .dns_queries()
            .iter()
            .any(|q| q == "_imaps._tcp.silentdns.test. SRV")
    );
}

/// A DNS server that answers nothing at all (a wrong `--dns-server`): every source that needs
/// DNS fails and says so, none of them as "nothing published", and the report arrives in time.
#[test]
fn dns_server_that_never_answers_at_all() {
    let world = World::start();
    world.set_timeout(1.0);
    world.silence_dns(".", RecordType::ANY);
    let run = world.check("mo@acme.test");
    run.assert_code(4);
    let report = run.report();

    assert!(
        run.elapsed < deadline(&world) + MARGIN,
        "took {:?}",
        run.elapsed
    );
    for name in ["srv", "autoconfig", "wellknown", "ispdb"] {
        assert_eq!(report.source(name).status, "error", "{}", report.dump());
    }
    assert!(
        report
            .source("srv")
            .detail
            .contains("the DNS server did not answer"),
        "{}",
        report.source("srv").detail
    );
    assert!(
        report
            .source("provider_db")
            .detail
            .contains("the DNS server did not answer"),
        "{}",
        report.source("provider_db").detail
    );
    // Guessing cannot tell that the names do not exist: DNS never said so.
    let guess = report.source("guess");
    assert_eq!(guess.status, "error", "{}", report.dump());
    assert!(
        guess.detail.contains("cannot tell whether") && !guess.detail.contains("none of"),
        "{}",
        guess.detail
    );
    // Nothing was fetched: every name had to go through the silent server.
    assert!(world.requests().is_empty(), "{:#?}", world.requests());
    // Said once, as what it is: DNS does not work here; not "nothing is published".
    assert_eq!(
        report.findings_of(FindingCode::DnsUnavailable).len(),
        1,
        "{}",
        report.dump()
    );
    assert!(report.findings_of(FindingCode::NoSettingsFound).is_empty());
}

/// An internationalised domain is looked up in its ASCII form, everywhere.
#[test]
fn internationalised_domain_is_looked_up_in_punycode() {
    let world = World::start();
    world.serve(
        &autoconfig_url("xn--bcher-kva.test"),
        Reply::xml(
            fixture_text("plainhttp.test.xml").replace("plainhttp.test", "xn--bcher-kva.test"),
        )
        .typed(Some("application/xml")),
    );
    let run = world.check("olga@Bücher.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(report.domain, "xn--bcher-kva.test");
    assert_eq!(
        report
            .server(Protocol::Imap, "mail.xn--bcher-kva.test", 993)
            .sources,
        ["srv", "autoconfig"]
    );
    assert_eq!(report.source("srv").status, "found");
    assert!(
        world
            .dns_queries()
            .iter()
            .any(|q| q == "_imaps._tcp.xn--bcher-kva.test. SRV")
    );
    assert!(
        world.requests().iter().any(|r| r.starts_with(
            "https://autoconfig.xn--bcher-kva.test/mail/config-v1.1.xml?emailaddress=olga%40"
        )),
        "{:#?}",
        world.requests()
    );
}

// ---------------------------------------------------------------------------------------------
// Broken documents: a clear `error` entry in `sources`, never a crash, a hang or a found
// ---------------------------------------------------------------------------------------------

/// Runs `broken.test` (whose SRV records work) with the autoconfig URL answering `reply`;
/// returns the autoconfig source's detail after checking that it is an error, that none of its
/// servers got in, and that the rest of the report is whole.
fn broken_autoconfig(world: &World, reply: Reply) -> (mailcheck::Report, String) {
    world.serve(&autoconfig_url("broken.test"), reply);
    let run = world.check("kim@broken.test");
    run.assert_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let report = run.report();
    let source = report.source("autoconfig");
    assert_eq!(source.status, "error", "{}", report.dump());
    assert!(
        source
            .detail
            .starts_with("https://autoconfig.broken.test/mail/config-v1.1.xml: "),
        "{}",
        source.detail
    );
    assert!(
        source
            .detail
            .ends_with("; http://autoconfig.broken.test/mail/config-v1.1.xml: HTTP 404"),
        "{}",
        source.detail
    );
    assert!(
        report.named_by("autoconfig").is_empty(),
        "{}",
        report.dump()
    );
    // The SRV records of broken.test still count.
    assert_eq!(
        report
            .server(Protocol::Imap, "mail.broken.test", 993)
            .sources,
        ["srv"]
    );
    let detail = source.detail.clone();
    (report, detail)
}

#[test]
fn malformed_xml_is_an_error() {
    let world = World::start();
    let (_, detail) = broken_autoconfig(&world, Reply::fixture("broken-malformed.xml"));
    assert!(detail.contains("not well-formed XML"), "{detail}");
}

/// A valid document padded past 512 KiB: refused from its Content-Length (without reading the
/// body), or while it streams in when there is none. A document just under the limit is
/// accepted.
#[test]
fn oversized_xml_is_refused_with_and_without_content_length() {
    const LIMIT: usize = 512 * 1024;
    let padded = |size: usize| {
        let doc = fixture_text("broken-valid.xml");
        let pad = format!("<!-- {} -->\n", "x".repeat(size - doc.len()));
        let doc = doc.replacen("<clientConfig", &format!("{pad}<clientConfig"), 1);
        assert!(doc.len() >= size);
        doc
    };

    let world = World::start();
    let (_, detail) = broken_autoconfig(&world, Reply::xml(padded(LIMIT + 64 * 1024)));
    assert!(detail.contains("larger than 524288 bytes"), "{detail}");

    let world = World::start();
    // Chunked: the server sends no Content-Length.
    world.serve(
        &wellknown_url("broken.test"),
        Reply::xml(padded(LIMIT - 4096)).chunked(),
    );
    let (report, detail) =
        broken_autoconfig(&world, Reply::xml(padded(LIMIT + 64 * 1024)).chunked());
    assert!(detail.contains("larger than 524288 bytes"), "{detail}");
    // Just under the limit, also chunked: accepted.
    assert_eq!(
        report.source("wellknown").status,
        "found",
        "{}",
        report.dump()
    );
    assert_eq!(
        report
            .server(Protocol::Imap, "autoconfig-imap.broken.test", 993)
            .sources,
        ["wellknown"]
    );
    // A Content-Length over the limit is refused from the header alone, without waiting for a
    // body (which never comes here).
    let world = World::start();
    world.set_timeout(3.0);
    let (report, detail) = broken_autoconfig(&world, Reply::StalledBody(LIMIT + 1));
    assert!(detail.contains("larger than 524288 bytes"), "{detail}");
    let elapsed = report.source("autoconfig").elapsed_ms;
    assert!(
        elapsed < 2000,
        "waited {elapsed} ms for a body it must refuse"
    );
}

/// A valid document served as something other than XML is refused, as Thunderbird does;
/// `application/xml` with a charset is accepted.
#[test]
fn wrong_content_type_is_refused() {
    let world = World::start();
    world.serve(
        &wellknown_url("broken.test"),
        Reply::fixture("broken-valid.xml").typed(Some("application/xml; charset=UTF-8")),
    );
    let (report, detail) = broken_autoconfig(
        &world,
        Reply::fixture("broken-valid.xml").typed(Some("text/html; charset=utf-8")),
    );
    assert!(
        detail.contains(r#"served as "text/html; charset=utf-8", not XML"#),
        "{detail}"
    );
    assert_eq!(
        report.source("wellknown").status,
        "found",
        "{}",
        report.dump()
    );

    // A web server's default page, and a body without any Content-Type.
    let world = World::start();
    world.serve(
        &wellknown_url("broken.test"),
        Reply::fixture("broken-page.html").typed(Some("text/html")),
    );
    let (report, detail) =
        broken_autoconfig(&world, Reply::fixture("broken-valid.xml").typed(None));
    assert!(detail.contains(r#"served as "", not XML"#), "{detail}");
    let wellknown = report.source("wellknown");
    assert_eq!(wellknown.status, "error");
    assert!(
        wellknown.detail.contains(r#"served as "text/html""#),
        "{}",
        wellknown.detail
    );
}

/// More than 3 redirects is refused; exactly 3 is followed.
#[test]
fn too_many_redirects_are_refused() {
    let world = World::start();
    let hop = |n: u32| format!("https://hop.broken.test/{n}");
    world
        .serve(&hop(1), Reply::Redirect(hop(2)))
        .serve(&hop(2), Reply::Redirect(hop(3)))
        .serve(&hop(3), Reply::Redirect(hop(4)))
        .serve(&hop(4), Reply::fixture("broken-valid.xml"))
        // The well-known URL takes the same road one hop later: three redirects.
        .serve(&wellknown_url("broken.test"), Reply::Redirect(hop(2)));
    let (report, detail) = broken_autoconfig(&world, Reply::Redirect(hop(1)));
    assert!(detail.contains("more than 3 redirects"), "{detail}");
    let wellknown = report.source("wellknown");
    assert_eq!(wellknown.status, "found", "{}", report.dump());
    assert!(
        wellknown.detail.contains("after 3 redirect(s)"),
        "{}",
        wellknown.detail
    );
    assert!(
        wellknown
            .detail
            .starts_with("https://hop.broken.test/4 → 2 server(s)")
    );
    // The refused chain stopped at the fourth redirect: hop 4 was asked once (by well-known).
    let asked_hop4 = world
        .requests()
        .iter()
        .filter(|r| r.as_str() == hop(4))
        .count();
    assert_eq!(asked_hop4, 1);
}

/// A redirect to something that is not HTTP(S), or with an empty location (which would lead
/// back to the same URL), is an error that says so.
#[test]
fn redirect_to_an_unusable_location_is_an_error() {
    let world = World::start();
    world.serve(
        &wellknown_url("broken.test"),
        Reply::Redirect(String::new()),
    );
    let (report, detail) = broken_autoconfig(
        &world,
        Reply::Redirect("ftp://files.broken.test/config-v1.1.xml".to_owned()),
    );
    assert!(
        detail.contains(
            r#"redirect to an unusable location "ftp://files.broken.test/config-v1.1.xml""#
        ),
        "{detail}"
    );
    let wellknown = report.source("wellknown");
    assert_eq!(wellknown.status, "error", "{}", report.dump());
    assert!(
        wellknown
            .detail
            .contains("redirect to an unusable location"),
        "{}",
        wellknown.detail
    );
}

/// A document that declares entities is refused before anything is expanded (the entity
/// would make it a valid file, and "billion laughs" would eat the memory).
#[test]
fn xml_declaring_entities_is_refused() {
    let world = World::start();
    let (_, detail) = broken_autoconfig(&world, Reply::fixture("broken-entities.xml"));
    assert!(detail.contains("declares entities"), "{detail}");
}

/// Well-formed but only an Exchange server: nothing a mail client can use.
#[test]
fn document_without_mail_servers_is_an_error() {
    let world = World::start();
    let (_, detail) = broken_autoconfig(&world, Reply::fixture("broken-exchange-only.xml"));
    assert!(
        detail.contains("names no IMAP, POP3 or SMTP server"),
        "{detail}"
    );
}

/// A server error is an error; only 404/410 or nobody there means "nothing published".
#[test]
fn server_error_is_an_error_not_absence() {
    let world = World::start();
    let (_, detail) = broken_autoconfig(&world, Reply::Status(500));
    assert!(detail.contains("HTTP 500"), "{detail}");
}

// ---------------------------------------------------------------------------------------------
// Nothing at all
// ---------------------------------------------------------------------------------------------

/// The common case: no MX, no SRV, no autoconfig, no host names. `no_settings_found`, exit 4,
/// and fast: no source waits for a timeout.
#[test]
fn nothing_published_is_no_settings_found_and_fast() {
    let world = World::start();
    world.set_timeout(5.0);
    for address in ["liz@empty.test", "liz@no-such-domain.test"] {
        let run = world.check(address);
        run.assert_code(4);
        let report = run.report();
        assert!(!report.ok);
        assert!(report.servers.is_empty());
        assert_eq!(report.recommended.imap, None);
        assert_eq!(report.recommended.pop3, None);
        assert_eq!(report.recommended.smtp, None);
        let found = report.findings_of(FindingCode::NoSettingsFound);
        assert_eq!(found.len(), 1, "{}", report.dump());
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(report.findings.len(), 1, "{}", report.dump());
        for source in &report.sources {
            assert!(
                source.status == "not_found" || source.status == "skipped",
                "{}: {}",
                source.source,
                source.detail
            );
        }
        assert!(
            run.elapsed < Duration::from_secs(4),
            "{address} took {:?} with nothing to wait for",
            run.elapsed
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Exchange Autodiscover (POX)
// ---------------------------------------------------------------------------------------------

fn autodiscover_url(domain: &str) -> String {
    format!("https://autodiscover.{domain}/autodiscover/autodiscover.xml")
}

fn autodiscover_reply(file: &str) -> Reply {
    let path = crate::support::fixtures().join("autodiscover").join(file);
    Reply::xml(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
}

/// The POX answer of `autodiscover.<domain>`, asked by POST, gives IMAP, POP3 and SMTP: `SSL on`
/// read by the port (STARTTLS on 110), `Encryption TLS` as STARTTLS, the `EXCH` entry named
/// but not probed.
#[test]
fn autodiscover_alone_names_the_mail_servers() {
    let world = World::start();
    world.serve(
        &autodiscover_url("exchange.test"),
        autodiscover_reply("exchange.test.xml"),
    );
    let run = world.check("alice@exchange.test");
    run.assert_code(0);
    let report = run.report();
    let source = report.source("autodiscover");
    assert_eq!(source.status, "found", "{}", report.dump());
    assert_eq!(
        source.detail,
        "https://autodiscover.exchange.test/autodiscover/autodiscover.xml → 3 server(s), also EXCH"
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["mail.exchange.test:993:tls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        ["mail.exchange.test:110:starttls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        ["mail.exchange.test:587:starttls"]
    );
    assert!(
        world.requests().contains(
            &"POST https://autodiscover.exchange.test/autodiscover/autodiscover.xml".to_owned()
        ),
        "{:?}",
        world.requests()
    );
}

/// `redirectAddr` is followed (over HTTPS, to the new address's domain); the plain-HTTP step
/// is a GET used only for its redirect, and a redirect to plain HTTP is not followed.
#[test]
fn autodiscover_follows_redirects_only_over_https() {
    let world = World::start();
    world
        .serve(
            &autodiscover_url("exred.test"),
            autodiscover_reply("redirect-addr.xml"),
        )
        .serve(
            &autodiscover_url("exchange.test"),
            autodiscover_reply("exchange.test.xml"),
        );
    let report = world.check("alice@exred.test").report();
    let source = report.source("autodiscover");
    assert_eq!(source.status, "found", "{}", report.dump());
    assert!(
        source
            .detail
            .ends_with("via alice@exchange.test, also EXCH"),
        "{}",
        source.detail
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["mail.exchange.test:993:tls"]
    );

    // Only plain HTTP answers, with a redirect to HTTPS, which is then asked by POST.
    world.serve(
        "http://autodiscover.exhttp.test/autodiscover/autodiscover.xml",
        Reply::Redirect(autodiscover_url("exchange.test")),
    );
    let report = world.check("alice@exhttp.test").report();
    assert_eq!(
        report.source("autodiscover").status,
        "found",
        "{}",
        report.dump()
    );
    assert!(
        world
            .requests()
            .contains(&"http://autodiscover.exhttp.test/autodiscover/autodiscover.xml".to_owned())
    );

    // A redirect to plain HTTP is named and not followed.
    world.serve(
        "http://autodiscover.exhttp.test/autodiscover/autodiscover.xml",
        Reply::Redirect("http://mail.exchange.test/autodiscover/autodiscover.xml".into()),
    );
    let report = world.check("alice@exhttp.test").report();
    let source = report.source("autodiscover");
    assert_eq!(source.status, "error", "{}", report.dump());
    assert!(
        source.detail.contains("redirects to plain HTTP"),
        "{}",
        source.detail
    );
}

/// An endpoint that wants credentials gets none (mailcheck sends no password to Autodiscover)
/// and the detail says so; a broken answer is named as such.
#[test]
fn autodiscover_that_wants_credentials_or_answers_garbage_is_an_error_that_says_so() {
    let world = World::start();
    world.serve(&autodiscover_url("exauth.test"), Reply::Status(401));
    let report = world.check("alice@exauth.test").report();
    let source = report.source("autodiscover");
    assert_eq!(source.status, "error");
    assert!(
        source
            .detail
            .contains("HTTP 401: the endpoint wants the account's credentials"),
        "{}",
        source.detail
    );

    world.serve(
        &autodiscover_url("exauth.test"),
        Reply::xml("<Autodiscover><Response><Account><Protocol><Type>IMAP</Type>"),
    );
    let report = world.check("alice@exauth.test").report();
    let source = report.source("autodiscover");
    assert_eq!(source.status, "error");
    assert!(
        source.detail.contains("not well-formed"),
        "{}",
        source.detail
    );
}

/// An autoconfig 1.2 document: its `<oAuth2>` issuer, the JMAP server that is not probed and
/// the server without a host name the reader skipped are all in the source's detail (`-v`),
/// not dropped silently; `OAuth` and `OAuth2` both read.
#[test]
fn autoconfig_1_2_says_what_it_holds_beyond_imap_pop3_and_smtp() {
    let world = World::start();
    world.serve(
        &wellknown_url("webco.test"),
        Reply::fixture("autoconfig-1.2.xml"),
    );
    let report = world.check("bob@webco.test").report();
    let source = report.source("wellknown");
    assert_eq!(source.status, "found", "{}", report.dump());
    assert!(
        source.detail.contains("→ 2 server(s) (Webco 1.2)"),
        "{}",
        source.detail
    );
    assert!(
        source.detail.contains("also jmap (not probed)"),
        "{}",
        source.detail
    );
    assert!(
        source
            .detail
            .contains("OAuth2 sign-in at https://login.webco.test"),
        "{}",
        source.detail
    );
    assert!(
        source
            .detail
            .contains("skipped: a <incomingServer> without <hostname> was skipped"),
        "{}",
        source.detail
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["mail.webco.test:993:tls"]
    );
    let config = mailcheck::clientconfig::parse(&fixture_text("autoconfig-1.2.xml")).unwrap();
    let provider = &config.providers[0];
    assert_eq!(
        provider.oauth2.as_ref().unwrap().token_url,
        "https://login.webco.test/token"
    );
    assert!(
        !provider.outgoing[0].oauth_only(),
        "OAuth beside a password is not OAuth only"
    );
}

// ---------------------------------------------------------------------------------------------
// PACC (draft-ietf-mailmaint-pacc): the JSON document and its TXT digest
// ---------------------------------------------------------------------------------------------

fn pacc_url(domain: &str) -> String {
    format!("https://ua-auto-config.{domain}/.well-known/user-agent-configuration.json")
}

fn pacc_reply(file: &str) -> Reply {
    let path = crate::support::fixtures().join("pacc").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    Reply::xml(text).typed(Some("application/json"))
}

/// The `pacc_invalid` finding of a report, which must be the only one, with its check.
fn pacc_invalid(report: &mailcheck::Report) -> &mailcheck::report::FindingEntry {
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::PaccInvalid)
        .collect();
    assert_eq!(found.len(), 1, "{}", report.dump());
    assert_eq!(found[0].severity, Severity::Warning);
    found[0]
}

/// A document whose SHA-256 is one of the published TXT digests (the record split in two
/// character-strings, a stale one and an SPF record beside it) is used: implicit TLS on 993,
/// 995 and 465, the address as user name, JMAP named in nothing that is probed.
#[test]
fn pacc_document_with_a_matching_digest_names_the_servers() {
    let world = World::start();
    world.serve(&pacc_url("ok.pacc.test"), pacc_reply("valid.json"));
    let report = world.check("alice@ok.pacc.test").report();
    let source = report.source("pacc");
    assert_eq!(source.status, "found", "{}", report.dump());
    assert_eq!(
        source.detail,
        format!(
            "{} → 3 server(s), digest matches _ua-auto-config.ok.pacc.test TXT",
            pacc_url("ok.pacc.test")
        )
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["mail.ok.pacc.test:993:tls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Pop3),
        ["mail.ok.pacc.test:995:tls"]
    );
    assert_eq!(
        report.endpoints(Protocol::Smtp),
        ["mail.ok.pacc.test:465:tls"]
    );
    for server in &report.servers {
        assert_eq!(server.sources, ["pacc"], "{}", report.dump());
        assert_eq!(server.username, "alice@ok.pacc.test");
    }
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::PaccInvalid),
        "{}",
        report.dump()
    );
}

/// Each failed check: the document is not used (no server from it) and `pacc_invalid` names
/// the check, what was expected and what was met.
#[test]
fn pacc_document_that_fails_a_check_is_not_used_and_says_which() {
    let world = World::start();
    let valid = crate::support::fixtures().join("pacc").join("valid.json");
    let served_digest = mailcheck::discover::pacc::digest(&std::fs::read(valid).unwrap());
    for (domain, file, check, said) in [
        (
            "digest.pacc.test",
            "valid.json",
            "digest",
            served_digest.as_str(),
        ),
        (
            "version.pacc.test",
            "valid.json",
            "version",
            "v=UAAC2; a=sha256",
        ),
        (
            "notxt.pacc.test",
            "valid.json",
            "txt_record",
            "no TXT record",
        ),
        ("json.pacc.test", "truncated.json", "json", "invalid JSON"),
        (
            "nocert.pacc.test",
            "valid.json",
            "certificate",
            "certificate",
        ),
    ] {
        world.serve(&pacc_url(domain), pacc_reply(file));
        let report = world.check(&format!("alice@{domain}")).report();
        let source = report.source("pacc");
        assert_eq!(source.status, "error", "{domain}: {}", report.dump());
        assert!(
            source
                .detail
                .contains(&format!("not used: {check} check failed")),
            "{domain}: {}",
            source.detail
        );
        assert!(
            !report
                .servers
                .iter()
                .any(|s| s.sources.iter().any(|x| x == "pacc")),
            "{domain}: {}",
            report.dump()
        );
        let finding = pacc_invalid(&report);
        let evidence = finding.evidence.as_deref().unwrap_or_default();
        assert!(
            evidence.starts_with(&format!("{check}: expected ")) && evidence.contains(said),
            "{domain}: {evidence}"
        );
        assert!(
            finding.message.contains(&pacc_url(domain)),
            "{domain}: {}",
            finding.message
        );
    }
}

/// A document beyond the size limit is refused while it arrives (a source error, no
/// finding about its contents); a server that never answers costs nothing beyond the
/// discovery deadline, and the other sources still answer.
#[test]
fn pacc_document_too_large_or_never_answered_is_bounded() {
    let world = World::start();
    world.serve(
        &pacc_url("huge.pacc.test"),
        Reply::padded("{}", 64 * 1024 * 1024).chunked(),
    );
    let report = world.check("alice@huge.pacc.test").report();
    let source = report.source("pacc");
    assert_eq!(source.status, "error", "{}", report.dump());
    assert!(source.detail.contains("larger than"), "{}", source.detail);

    world.set_timeout(1.0);
    world.serve(&pacc_url("hang.pacc.test"), Reply::Hang);
    world.serve(
        &autoconfig_url("hang.pacc.test"),
        Reply::fixture("acme.test.xml"),
    );
    let run = world.check("alice@hang.pacc.test");
    let report = run.report();
    let source = report.source("pacc");
    assert_eq!(source.status, "error", "{}", report.dump());
    assert!(
        source.detail.contains("no answer within 1s"),
        "{}",
        source.detail
    );
    assert_eq!(
        report.source("autoconfig").status,
        "found",
        "{}",
        report.dump()
    );
    // One fetch limit (1 s), well inside the discovery deadline (2 × 1 s + 1 s).
    assert!(
        run.elapsed < Duration::from_secs(3),
        "a silent PACC server took {:?}",
        run.elapsed
    );
}

/// A domain whose MX gives nothing away but whose Autodiscover Microsoft answers is told as
/// Microsoft 365: the provider line (matched by Autodiscover), the provider database's servers
/// beside Autodiscover's, and the provider's notes on OAuth and SMTP AUTH.
#[test]
fn microsoft_365_is_recognised_by_its_autodiscover_answer() {
    let world = World::start();
    world.serve(
        &autodiscover_url("m365.test"),
        autodiscover_reply("m365.test.xml"),
    );
    let report = world.check("alice@m365.test").report();
    let provider = report.provider.as_ref().expect("a provider");
    assert_eq!(
        (provider.id.as_str(), provider.matched_by.as_str()),
        ("microsoft365", "autodiscover"),
        "{}",
        report.dump()
    );
    assert!(
        provider
            .notes
            .iter()
            .any(|n| n.contains("SMTP AUTH") && n.contains("OAuth2")),
        "{:?}",
        provider.notes
    );
    let db = report.source("provider_db");
    assert_eq!(db.status, "found");
    assert!(db.detail.contains("answered by Microsoft"), "{}", db.detail);
    assert!(
        report
            .source("autodiscover")
            .detail
            .ends_with("(Microsoft 365)"),
        "{}",
        report.source("autodiscover").detail
    );
    let imap = report
        .servers
        .iter()
        .find(|s| s.host == "outlook.office365.com" && s.port == 993)
        .expect("Exchange Online's IMAP server");
    assert!(
        imap.sources.contains(&"provider_db".to_owned())
            && imap.sources.contains(&"autodiscover".to_owned()),
        "{:?}",
        imap.sources
    );

    let human = world
        .probe_human("alice@m365.test", None, &["--no-probe"])
        .stdout;
    assert!(
        human.contains("Microsoft 365") && human.contains("recognised by its Autodiscover"),
        "{human}"
    );
}
