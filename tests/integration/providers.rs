//! Discovery with the bundled provider database.
//!
//! NEEDS PROVIDERS: every test here needs `providers/exmail.xml` (Tencent Exmail, MX
//! `mxbiz1.qq.com`/`mxbiz2.qq.com`) and `providers/qq.xml` (QQ Mail) in the build, and nothing
//! else from `providers/`. Without them each test fails at once with a message that says so.
//! Run the others alone with `cargo nextest run -E 'not test(/^providers::/)'`.

use mailcheck::discover::ProviderDb;
use mailcheck::{FindingCode, Protocol};

use crate::support::contract::{assert_contract_shape, only_one_json_document};
use crate::support::{self, Reply, ReportExt, World, autoconfig_url};

/// Fails with a clear message when the provider files these tests rely on are not built in.
fn needs_providers() {
    let db = ProviderDb::bundled();
    for id in ["exmail", "qq"] {
        assert!(
            db.get(id).is_some(),
            "providers/{id}.xml is not in this build: the tests of providers.rs need \
             providers/exmail.xml and providers/qq.xml (they come with the provider database \
             on main)"
        );
    }
}

const QQ_HOSTS: [&str; 3] = ["imap.qq.com", "pop.qq.com", "smtp.qq.com"];

/// A custom domain whose MX is `mxbiz1.qq.com` is Tencent Exmail, recognised by MX, never the
/// personal QQ Mail, even though the ISPDB, if asked about qq.com, would say QQ Mail.
#[test]
fn exmail_is_recognised_by_mx_and_is_not_qq_mail() {
    needs_providers();
    let world = World::start();
    // The trap: what Thunderbird's ISPDB answers for the MX's base domain.
    world.serve(&world.ispdb("qq.com"), Reply::fixture("ispdb-qq.com.xml"));
    let run = world.check("alice@corp-exmail.test");
    run.assert_code(0);
    let report = run.report();

    let provider = report.provider.as_ref().expect("a provider");
    assert_eq!(provider.id, "exmail", "{}", report.dump());
    assert_eq!(provider.matched_by, "mx");
    assert_eq!(provider.name, "Tencent Exmail");
    let db = report.source("provider_db");
    assert_eq!(db.status, "found");
    // The most preferred MX (5) is listed second in the zone.
    assert_eq!(db.detail, "Tencent Exmail (MX mxbiz1.qq.com)");

    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap.exmail.qq.com:993:tls")
    );
    assert_eq!(
        report.recommended(Protocol::Pop3).as_deref(),
        Some("pop.exmail.qq.com:995:tls")
    );
    assert_eq!(
        report.recommended(Protocol::Smtp).as_deref(),
        Some("smtp.exmail.qq.com:465:tls")
    );
    assert_eq!(
        report.recommended.imap.as_ref().unwrap().username,
        "alice@corp-exmail.test"
    );
    for (protocol, host) in [
        (Protocol::Imap, "hwimap.exmail.qq.com"),
        (Protocol::Pop3, "hwpop.exmail.qq.com"),
        (Protocol::Smtp, "hwsmtp.exmail.qq.com"),
    ] {
        let server = report
            .servers
            .iter()
            .find(|s| s.protocol == protocol && s.host == host)
            .unwrap_or_else(|| panic!("no {host}:\n{}", report.dump()));
        assert_eq!(server.label.as_deref(), Some("overseas"));
        assert_eq!(server.sources, ["provider_db"]);
    }
    // Main servers before the labelled alternates.
    assert_eq!(
        report.endpoints(Protocol::Imap),
        ["imap.exmail.qq.com:993:tls", "hwimap.exmail.qq.com:993:tls"]
    );

    // Nothing of QQ Mail anywhere, and the ISPDB was never asked about qq.com.
    assert!(
        !report
            .servers
            .iter()
            .any(|s| QQ_HOSTS.contains(&s.host.as_str())),
        "{}",
        report.dump()
    );
    let ispdb_mx = report.source("ispdb_mx");
    assert_eq!(ispdb_mx.status, "skipped");
    assert!(
        ispdb_mx.detail.contains("Tencent Exmail"),
        "{}",
        ispdb_mx.detail
    );
    let requests = world.requests();
    assert!(
        !requests.iter().any(|r| r.ends_with("/v1.1/qq.com")),
        "{requests:#?}"
    );
    assert_eq!(report.source("guess").status, "skipped");
    assert!(report.findings.is_empty(), "{}", report.dump());
}

/// A provider domain: matched by domain, no MX lookup needed; the ISPDB agrees, so each server
/// appears once with both sources and there is no conflict.
#[test]
fn qq_mail_by_domain_merges_with_the_ispdb() {
    needs_providers();
    let world = World::start();
    world.serve(&world.ispdb("qq.com"), Reply::fixture("ispdb-qq.com.xml"));
    let run = world.check("bob@qq.com");
    run.assert_code(0);
    let report = run.report();

    let provider = report.provider.as_ref().expect("a provider");
    assert_eq!(
        (provider.id.as_str(), provider.matched_by.as_str()),
        ("qq", "domain")
    );
    assert_eq!(report.source("ispdb").status, "found");
    assert_eq!(
        report.server(Protocol::Imap, "imap.qq.com", 993).sources,
        ["provider_db", "ispdb"]
    );
    assert_eq!(
        report.server(Protocol::Smtp, "smtp.qq.com", 465).sources,
        ["provider_db", "ispdb"]
    );
    assert_eq!(
        report.server(Protocol::Smtp, "smtp.qq.com", 587).sources,
        ["provider_db"]
    );
    assert!(report.findings_of(FindingCode::SettingsConflict).is_empty());
    assert_eq!(report.source("ispdb_mx").status, "skipped");
    let queries = world.dns_queries();
    assert!(
        !queries.iter().any(|q| q == "qq.com. MX"),
        "the domain is known: no MX lookup ({queries:#?})"
    );
    assert!(
        provider
            .notes
            .iter()
            .any(|n| n.contains("authorization code"))
    );
}

/// The domain publishes its own autoconfig file, naming CNAME-style hosts of its own, while its
/// MX says Tencent Exmail: a conflict for IMAP and SMTP (who said what), and the curated
/// database wins the recommendation.
#[test]
fn exmail_by_mx_against_the_domains_own_autoconfig() {
    needs_providers();
    let world = World::start();
    world.serve(
        &autoconfig_url("exmail-own.test"),
        Reply::fixture("exmail-own.test.xml"),
    );
    let run = world.check("carol@exmail-own.test");
    run.assert_code(0);
    let report = run.report();

    assert_eq!(
        report.provider.as_ref().map(|p| p.id.as_str()),
        Some("exmail")
    );
    assert_eq!(
        report.endpoints(Protocol::Imap),
        [
            "imap.exmail.qq.com:993:tls",
            "imap.exmail-own.test:993:tls",
            "hwimap.exmail.qq.com:993:tls",
        ]
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap.exmail.qq.com:993:tls")
    );
    assert_eq!(
        report.recommended(Protocol::Smtp).as_deref(),
        Some("smtp.exmail.qq.com:465:tls")
    );
    let conflicts = report.findings_of(FindingCode::SettingsConflict);
    let protocols: Vec<_> = conflicts.iter().map(|f| f.protocol).collect();
    assert_eq!(
        protocols,
        [Some(Protocol::Imap), Some(Protocol::Smtp)],
        "{}",
        report.dump()
    );
    let imap = conflicts[0].evidence.as_deref().unwrap_or_default();
    assert!(
        imap.contains("provider_db: imap.exmail.qq.com:993 tls"),
        "{imap}"
    );
    assert!(
        imap.contains("autoconfig: imap.exmail-own.test:993 tls"),
        "{imap}"
    );
    // The overseas alternate is no conflict: labelled servers are not compared.
    assert!(!imap.contains("hwimap"), "{imap}");
}

/// `--offline`: the bundled database by domain only, nothing else; the report has the
/// contract's shape with a provider. A custom domain cannot be recognised offline (no MX).
#[test]
fn offline_answers_from_the_database_by_domain_only() {
    needs_providers();
    let run = support::run(&["--offline", "--json", "--lang", "en", "dave@qq.com"]);
    run.assert_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let json = only_one_json_document(&run.stdout);
    assert_contract_shape(&json);
    assert!(json["provider"].is_object());
    let report = run.report();
    let sources: Vec<_> = report
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.status.as_str()))
        .collect();
    assert_eq!(sources, [("provider_db", "found")]);
    let provider = report.provider.as_ref().unwrap();
    assert_eq!(
        (provider.id.as_str(), provider.matched_by.as_str()),
        ("qq", "domain")
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap.qq.com:993:tls")
    );
    assert!(report.servers.iter().all(|s| s.status == "untested"));
    assert!(report.servers.iter().all(|s| s.login == "not_tested"));

    let custom = support::run(&["--offline", "--json", "erin@corp-exmail.test"]);
    custom.assert_code(4);
    let report = custom.report();
    assert_eq!(report.provider, None);
    assert_eq!(report.findings_of(FindingCode::NoSettingsFound).len(), 1);
}

/// `explain` over every provider's own reply patterns: each means what its file says.
#[test]
fn every_provider_reply_pattern_explains_to_its_code() {
    use mailcheck::diagnose::classify::classify;
    use mailcheck::discover::ProviderDb;
    let db = ProviderDb::bundled();
    let mut checked = 0;
    for p in &db.providers {
        for pattern in &p.replies {
            let reply = format!("NO {}", pattern.text);
            let class = classify(pattern.protocol, None, &reply, Some(p));
            assert_eq!(
                class.code,
                Some(pattern.code),
                "{}: {reply:?} ({})",
                p.id,
                class.rule
            );
            let mut expected = vec![pattern.code];
            expected.extend(pattern.also.iter().copied());
            assert_eq!(class.possible_causes, expected, "{}: {reply:?}", p.id);
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} reply patterns");
}

#[test]
fn exmail_has_overseas_alternates_and_the_client_password_note() {
    let exmail = mailcheck::discover::ProviderDb::bundled()
        .get("exmail")
        .unwrap();
    let alternates: Vec<&str> = exmail
        .mail_servers()
        .filter(|s| s.label.as_deref() == Some("overseas"))
        .map(|s| s.hostname.as_str())
        .collect();
    assert_eq!(
        alternates,
        [
            "hwimap.exmail.qq.com",
            "hwpop.exmail.qq.com",
            "hwsmtp.exmail.qq.com"
        ]
    );
    let notes: String = exmail
        .notes
        .iter()
        .map(|n| n.get(mailcheck::Lang::Zh))
        .collect();
    // "client-specific password" in Chinese, as escapes (Chinese text lives in src/text).
    assert!(
        notes.contains("\u{5ba2}\u{6237}\u{7aef}\u{4e13}\u{7528}\u{5bc6}\u{7801}"),
        "{notes}"
    );
}

/// The providers that take no account password in mail clients say so, and the report for a
/// person says it in both languages instead of "the account's password".
#[test]
fn client_settings_name_the_authorization_code_or_app_password() {
    use mailcheck::clientconfig::PasswordKind;
    let kind = |id: &str| {
        ProviderDb::bundled()
            .get(id)
            .unwrap_or_else(|| panic!("{id} is bundled"))
            .password
    };
    for id in ["qq", "163", "126", "yeah-net"] {
        assert_eq!(kind(id), Some(PasswordKind::AuthorizationCode), "{id}");
    }
    for id in ["gmail", "yahoo", "aol", "icloud", "mail-ru", "yandex"] {
        assert_eq!(kind(id), Some(PasswordKind::AppPassword), "{id}");
    }
    assert_eq!(
        kind("exmail"),
        Some(PasswordKind::ClientPasswordIfSecureLogin)
    );
    for (address, lang, said) in [
        ("alice@qq.com", "en", "authorization code (授权码)"),
        ("alice@qq.com", "zh", "授权码"),
        ("alice@gmail.com", "en", "app password"),
        ("alice@gmail.com", "zh", "应用专用密码"),
    ] {
        let out = crate::support::process::isolated(&mut std::process::Command::new(env!(
            "CARGO_BIN_EXE_mailcheck"
        )))
        .args(["--offline", "--color", "never", "--lang", lang, address])
        .output()
        .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let password_line = text
            .lines()
            .find(|l| {
                l.trim_start().starts_with("Password:") || l.trim_start().starts_with("密码：")
            })
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            password_line.contains(said),
            "{address} {lang}: {password_line}"
        );
        assert!(!text.contains("same user name and password"), "{text}");
        assert!(!text.contains("相同的用户名和密码"), "{text}");
    }
}

/// The dated OAuth policies are in the files as `docs/report.md` lists them.
#[test]
fn the_dated_oauth_policies_are_as_documented() {
    use mailcheck::clientconfig::PasswordsAllowed;
    let db = ProviderDb::bundled();
    let policy = |id: &str, protocol: Protocol| {
        let p = db.get(id).unwrap_or_else(|| panic!("{id} is bundled"));
        p.oauth_policies
            .iter()
            .find(|policy| policy.protocols.contains(&protocol))
            .map(|policy| (policy.since.map(|d| d.to_string()), policy.allows))
    };
    let nothing = PasswordsAllowed::Nothing;
    for protocol in Protocol::ALL {
        assert_eq!(
            policy("outlook", protocol),
            Some((Some("2024-09-16".into()), nothing))
        );
        assert_eq!(
            policy("gmail", protocol),
            Some((Some("2022-05-30".into()), PasswordsAllowed::AppPassword))
        );
        for id in ["yahoo", "aol", "yandex"] {
            assert_eq!(
                policy(id, protocol).map(|(_, allows)| allows),
                Some(PasswordsAllowed::AppPassword),
                "{id}"
            );
        }
    }
    assert_eq!(
        policy("microsoft365", Protocol::Imap),
        Some((Some("2023-01-01".into()), nothing))
    );
    assert_eq!(
        policy("microsoft365", Protocol::Smtp),
        Some((Some("2026-12-31".into()), PasswordsAllowed::AdminSwitch))
    );
    assert_eq!(policy("qq", Protocol::Imap), None);
}
