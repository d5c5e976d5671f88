//! The command line as the contract fixes it: the exit status of every case, `--json` stdout
//! holding the report and nothing else, and errors as one line on stderr.
//!
//! None of these tests needs the bundled provider database.

use std::time::Duration;

use mailcheck::FindingCode;

use crate::support::contract::{assert_contract_shape, only_one_json_document};
use crate::support::{self, Reply, ReportExt, Run, World, autoconfig_url};

/// A DNS server address where nothing listens: for runs that must fail before any lookup.
const NOWHERE: &str = "127.0.0.1:9";

/// One line on stderr, `mailcheck: …`, and nothing on stdout.
fn assert_one_error_line(run: &Run, mentions: &str) {
    assert!(
        run.stdout.is_empty(),
        "stdout must stay empty on error:\n{}",
        run.stdout
    );
    assert!(
        run.stderr.starts_with("mailcheck: "),
        "stderr: {:?}",
        run.stderr
    );
    assert!(run.stderr.ends_with('\n'), "stderr: {:?}", run.stderr);
    assert_eq!(
        run.stderr.trim_end_matches('\n').lines().count(),
        1,
        "one line: {:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains(mentions),
        "{mentions:?} not in {:?}",
        run.stderr
    );
}

#[test]
fn exit_0_when_settings_are_found() {
    let world = World::start();
    world.serve(
        &autoconfig_url("acme.test"),
        Reply::fixture("acme.test.xml"),
    );
    let run = world.check("alice@acme.test");
    run.assert_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(run.report().ok);
}

/// Usage errors (clap's): status 2, the offending flag named on stderr, nothing on stdout.
#[test]
fn exit_2_for_bad_flags() {
    let cases: &[(&[&str], &str)] = &[
        (&["--json", "--bogus", "a@example.test"], "--bogus"),
        (&["--json"], "ADDRESS"),
        (
            &["--json", "--timeout", "0", "a@example.test"],
            "must be more than 0 seconds",
        ),
        (
            &["--json", "--timeout", "601", "a@example.test"],
            "must be at most 600 seconds",
        ),
        (
            &["--json", "--timeout", "soon", "a@example.test"],
            "--timeout",
        ),
        (
            &["--json", "--dns-server", "dns.example", "a@example.test"],
            "--dns-server",
        ),
        (
            &["--json", "--ispdb-url", "not a url", "a@example.test"],
            "--ispdb-url",
        ),
        (
            &["--json", "--color", "sometimes", "a@example.test"],
            "--color",
        ),
        (&["--json", "--lang", "fr", "a@example.test"], "--lang"),
        (
            &["--json", "--max-failed-logins", "0", "a@example.test"],
            "--max-failed-logins",
        ),
        (
            &["--json", "--max-failed-logins", "many", "a@example.test"],
            "--max-failed-logins",
        ),
        (
            &["--json", "a@example.test", "b@example.test"],
            "b@example.test",
        ),
        (&["--json", "--shard", "1/4", "a@example.test"], "--shard"),
        (&["--json", "--jobs", "8", "a@example.test"], "--jobs"),
        (&["--json", "--batch", "-", "--shard", "5/4"], "--shard"),
        (&["--json", "--batch", "-", "--shard", "0/4"], "--shard"),
        (&["--json", "--batch", "-", "--shard", "half"], "--shard"),
    ];
    for (args, mentions) in cases {
        let run = support::run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(mentions),
            "{args:?}: {mentions:?} not in {}",
            run.stderr
        );
    }
}

/// `--shard K/N` checks the K-th consecutive share: the shares' JSON Lines, concatenated,
/// are the whole batch's, in the file's order, each account once; a share with no account
/// checks nothing and exits 0.
#[test]
fn shards_of_a_batch_concatenate_to_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.txt");
    let accounts = [
        "a@qq.com",
        "b@163.com",
        "c@gmail.com",
        "d@126.com",
        "e@outlook.com",
    ];
    std::fs::write(&file, format!("# fleet\n{}\n", accounts.join("\n"))).unwrap();
    let file = file.to_str().unwrap();
    let addresses = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["address"].to_string())
            .map(|a| a.trim_matches('"').to_owned())
            .collect()
    };
    let mut joined = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let run = support::run(&["--offline", "--json", "--batch", file, "--shard", &shard]);
        // 1: an account has an error finding (Outlook wants OAuth); never 2 to 4.
        assert!(run.code <= 1, "{shard}: {}", run.stderr);
        let share = addresses(&run.stdout);
        assert!((1..=2).contains(&share.len()), "{shard}: {share:?}");
        joined.extend(share);
    }
    assert_eq!(joined, accounts);
    let empty = support::run(&["--offline", "--json", "--batch", file, "--shard", "1/9"]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert!(empty.stdout.is_empty(), "{}", empty.stdout);
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    let help = support::run(&["--help"]);
    help.assert_code(0);
    assert!(help.stdout.contains("Usage: mailcheck"), "{}", help.stdout);
    assert!(help.stdout.contains("--dns-server"));
    assert!(help.stdout.contains("--max-failed-logins <N>"));
    assert!(help.stdout.contains("--trust-insecure-sources"));
    assert!(help.stderr.is_empty());
    let version = support::run(&["--version"]);
    version.assert_code(0);
    assert_eq!(
        version.stdout,
        format!("mailcheck {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// A bad address: status 3 and one line on stderr that says what is wrong, also without
/// `--offline` (it is refused before any lookup), and never a panic.
#[test]
fn exit_3_for_bad_addresses() {
    let long_label = format!("alice@{}.example", "a".repeat(64));
    let cases: &[(&str, &str)] = &[
        ("alice.example.com", "no '@'"),
        ("@example.com", "part before '@' is empty"),
        ("alice@", "domain after '@' is empty"),
        ("al ice@example.com", "white space"),
        ("alice@example .com", "white space"),
        ("alice\t@example.com", "control character"),
        (&long_label, "is 64 characters long"),
        ("ali\u{7}ce@example.com", "control character (U+0007)"),
        ("alice@exam\u{1b}ple.com", "control character (U+001B)"),
        ("alice@@example.com", "more than one '@'"),
        ("alice@example..com", "empty label"),
        ("", "no '@'"),
    ];
    for (address, reason) in cases {
        for mode in [
            &["--offline"][..],
            &["--dns-server", NOWHERE, "--timeout", "1"],
        ] {
            let mut args = vec!["--json"];
            args.extend_from_slice(mode);
            args.push(address);
            let run = support::run(&args);
            assert_eq!(run.code, 3, "{address:?} {mode:?}: {}", run.stderr);
            assert_one_error_line(&run, "invalid address");
            assert!(
                run.stderr.contains(reason),
                "{address:?}: {reason:?} not in {:?}",
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
}

/// `--ca-file` that cannot be used: status 3 before any network, one line naming the file.
#[test]
fn exit_3_for_an_unreadable_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let not_pem = dir.path().join("not-pem.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    for (path, reason) in [
        (missing.as_path(), "cannot read"),
        (dir.path(), "cannot read"),
        (not_pem.as_path(), "holds no PEM certificate"),
        (broken.as_path(), "broken.pem"),
        // Endless: refused at a size limit, not read until memory runs out.
        (std::path::Path::new("/dev/zero"), "larger than 16 MiB"),
    ] {
        let path = path.to_str().unwrap();
        let run = support::run(&[
            "--json",
            "--ca-file",
            path,
            "--dns-server",
            NOWHERE,
            "--timeout",
            "5",
            "alice@example.test",
        ]);
        assert_eq!(run.code, 3, "{path}: {}", run.stderr);
        assert_one_error_line(&run, path);
        assert!(run.stderr.contains(reason), "{reason:?}: {}", run.stderr);
        assert!(
            run.elapsed < Duration::from_secs(4),
            "refused before any network ({:?})",
            run.elapsed
        );
    }
}

/// Offline, an unknown domain: no settings, status 4, still a full report.
#[test]
fn exit_4_offline_for_an_unknown_domain() {
    let run = support::run(&["--offline", "--json", "alice@unknown-domain.test"]);
    run.assert_code(4);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_contract_shape(&only_one_json_document(&run.stdout));
    let report = run.report();
    assert!(!report.ok);
    assert_eq!(report.provider, None);
    assert_eq!(report.sources.len(), 1);
    assert_eq!(report.source("provider_db").status, "not_found");
    assert!(report.servers.is_empty());
    let codes: Vec<_> = report.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [FindingCode::NoSettingsFound]);
}

/// The same exit status in every output format, and `-q` prints nothing.
#[test]
fn same_exit_status_in_every_format() {
    let world = World::start();
    for (address, code) in [("alice@srv-order.test", 0), ("alice@empty.test", 4)] {
        let json = world.check(address);
        json.assert_code(code);
        let quiet = world.check_with(address, &["-q"]);
        // check() always passes --json: the human format needs a run of its own.
        let human = support::mailcheck()
            .args([
                "--no-probe",
                "--lang",
                "en",
                "--color",
                "never",
                "--dns-server",
                &world.ip.to_string(),
                "--ca-file",
                world.ca_file.to_str().unwrap(),
                "--ispdb-url",
                &world.ispdb_url(),
                address,
            ])
            .output()
            .unwrap();
        assert_eq!(human.status.code(), Some(code), "human format, {address}");
        assert!(human.stderr.is_empty());
        let text = String::from_utf8(human.stdout).unwrap();
        assert!(text.starts_with(address), "{text}");
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
        assert_eq!(quiet.code, code, "{address}");
        assert!(quiet.stdout.is_empty(), "-q printed {:?}", quiet.stdout);
        assert!(quiet.stderr.is_empty(), "-q printed {:?}", quiet.stderr);
    }
}

/// `--json` stdout parses, holds exactly one document and nothing else (no progress, no log
/// lines), and has every key of the contract with its JSON type: with a provider-less
/// report full of sources, servers and a finding, and with an exit-4 report.
#[test]
fn json_report_has_the_contract_shape_and_nothing_else_is_on_stdout() {
    let world = World::start();
    world
        .serve(
            &autoconfig_url("mixed.test"),
            Reply::fixture("mixed.test.xml"),
        )
        .serve(
            &crate::support::autoconfig_http_url("plainhttp.test"),
            Reply::fixture("plainhttp.test.xml"),
        );
    for (address, code) in [
        ("erin@mixed.test", 0),
        ("frank@plainhttp.test", 0),
        ("liz@empty.test", 4),
    ] {
        let run = world.check(address);
        run.assert_code(code);
        assert!(run.stderr.is_empty(), "{address}: {}", run.stderr);
        let json = only_one_json_document(&run.stdout);
        assert_contract_shape(&json);
        assert_eq!(json["ok"], serde_json::Value::Bool(code == 0));
        assert_eq!(json["address"], address);
        assert!(!json["sources"].as_array().unwrap().is_empty());
        let report = run.report();
        match address {
            "erin@mixed.test" => {
                assert_eq!(report.findings_of(FindingCode::SettingsConflict).len(), 1);
                assert!(json["recommended"]["pop3"].is_object());
                assert!(json["findings"][0]["protocol"].is_string());
            }
            "frank@plainhttp.test" => {
                assert_eq!(report.findings_of(FindingCode::InsecureSource).len(), 1);
                assert!(json["findings"][0]["evidence"].is_string());
            }
            _ => {
                assert!(json["recommended"]["imap"].is_null());
                assert!(json["servers"].as_array().unwrap().is_empty());
            }
        }
    }
}

/// A pasted blob is not echoed back whole, and a URL that is no URL is said to be one.
#[test]
fn bad_input_is_named_briefly() {
    let huge = format!("{}@example.test", "a".repeat(130_000));
    let run = support::run(&["--json", &huge]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.len() < 400,
        "{} bytes on stderr",
        run.stderr.len()
    );
    assert!(run.stderr.contains("130013 bytes"), "{}", run.stderr);
    let run = support::run(&["--json", "--ispdb-url", "notaurl", "a@example.test"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is not an http(s) URL"),
        "{}",
        run.stderr
    );
}

/// Issue 13: no DNS server at all (nothing listens where `--dns-server` points): every path
/// says `dns_unavailable`, never `wrong_host` or `timeout`, and no word of a typo, whether the
/// user typed a server or not, in both languages.
#[test]
fn no_dns_server_at_all_is_dns_unavailable_never_a_typo() {
    for (lang, typo) in [("en", "typo"), ("zh", "拼写")] {
        for (typed, code) in [(Some("imap.usercfg.test:993:tls"), 1), (None, 4)] {
            let mut args = vec!["--timeout", "1", "--dns-server", NOWHERE, "--lang", lang];
            if let Some(typed) = typed {
                args.extend(["--imap", typed]);
            }
            let json = support::run(&[&args[..], &["--json", "alice@usercfg.test"]].concat());
            json.assert_code(code);
            let report = json.report();
            let codes: Vec<FindingCode> = report.findings.iter().map(|f| f.code).collect();
            assert!(codes.contains(&FindingCode::DnsUnavailable), "{codes:?}");
            assert!(
                !codes.contains(&FindingCode::WrongHost) && !codes.contains(&FindingCode::Timeout),
                "{codes:?}"
            );
            let human =
                support::run(&[&args[..], &["--color", "never", "alice@usercfg.test"]].concat());
            human.assert_code(code);
            assert!(!human.stdout.contains(typo), "{}", human.stdout);
            assert!(!json.stdout.contains(typo), "{}", json.stdout);
        }
    }
}

/// An OAuth token comes the ways a password does, never from argv; an unset or empty source is
/// bad input, two sources on stdin a usage error.
#[test]
fn oauth_token_sources_are_checked_like_the_passwords() {
    let run_with = |command: &mut assert_cmd::Command| {
        let started = std::time::Instant::now();
        let output = command.output().expect("mailcheck runs");
        Run::new(output, started.elapsed())
    };
    let unset = run_with(
        support::mailcheck()
            .args(["--offline", "--oauth-token-env", "MC_TEST_UNSET_TOKEN_VAR"])
            .arg("alice@example.com")
            .env_remove("MC_TEST_UNSET_TOKEN_VAR"),
    );
    assert_eq!(unset.code, 3);
    assert_one_error_line(&unset, "MC_TEST_UNSET_TOKEN_VAR is not set");
    let empty = run_with(
        support::mailcheck()
            .args(["--offline", "--oauth-token-stdin", "alice@example.com"])
            .write_stdin(""),
    );
    assert_eq!(empty.code, 3);
    assert_one_error_line(&empty, "the OAuth token from standard input is empty");
    let both = support::run(&[
        "--oauth-token-stdin",
        "--password-stdin",
        "alice@example.com",
    ]);
    assert_eq!(both.code, 2, "{}", both.stderr);
    // A token given as a value is no flag at all.
    let argv = support::run(&[
        "--oauth-token",
        "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
        "alice@example.com",
    ]);
    assert_eq!(argv.code, 2);
    assert!(!argv.stderr.contains("c2ln"), "{}", argv.stderr);
}
