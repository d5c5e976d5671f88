//! The formats other systems read (`--format junit|nagios|prometheus|html`), each read by its
//! real consumer: JUnit XML by Python's `junitparser` and `xmllint`, the exposition by
//! `promtool check metrics`, the HTML page rendered by headless Chromium and its screenshot's
//! pixels checked for the verdicts' colours. A consumer that is missing fails the test (CI
//! installs them in `.ci/run`). The `real_*` tests need the real test servers
//! (`tests/servers/up`); the others run offline.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::process::{Run, run};
use crate::support::servers::Scenario;
use crate::support::shows_secret;

/// Runs `program` with `args`, `stdin` on its standard input; fails the test when it is not
/// installed.
pub(crate) fn consumer(program: &str, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} must be installed (.ci/run installs it): {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub(crate) fn promtool(exposition: &str) {
    let checked = consumer("promtool", &["check", "metrics"], exposition);
    assert_eq!(
        checked.code, 0,
        "promtool check metrics: {}{}\n{exposition}",
        checked.stdout, checked.stderr
    );
}

/// Debian's `python3-junitparser` reads the document; it prints one line per test case:
/// `suite|classname|name|result|type|message`.
pub(crate) fn junitparser(document: &str) -> Vec<Vec<String>> {
    const READ: &str = r#"
import sys
from junitparser import JUnitXml
xml = JUnitXml.fromstring(sys.stdin.read().encode())
for suite in xml:
    for case in suite:
        results = case.result or []
        kind = results[0]._tag if results else "passed"
        ty = getattr(results[0], "type", "") if results else ""
        msg = getattr(results[0], "message", "") if results else ""
        print("|".join([suite.name, case.classname, case.name, kind, ty or "", (msg or "").replace("|", "/")]))
"#;
    let read = consumer("/usr/bin/python3", &["-c", READ], document);
    assert_eq!(read.code, 0, "junitparser: {}\n{document}", read.stderr);
    read.stdout
        .lines()
        .map(|l| l.split('|').map(str::to_owned).collect())
        .collect()
}

fn xmllint(document: &str) {
    let linted = consumer("xmllint", &["--noout", "-"], document);
    assert_eq!(linted.code, 0, "xmllint: {}\n{document}", linted.stderr);
}

/// `mailcheck --offline --format FORMAT alice@qq.com`.
fn offline(format: &str) -> Run {
    run(crate::support::process::mailcheck().args([
        "--offline",
        "--format",
        format,
        "alice@qq.com",
    ]))
}

#[test]
fn offline_formats_are_read_by_their_consumers() {
    let prometheus = offline("prometheus");
    assert_eq!(prometheus.code, 0);
    promtool(&prometheus.stdout);
    assert!(prometheus.stdout.contains(
        "mailcheck_server_recommended{account=\"alice@qq.com\",protocol=\"imap\",host=\"imap.qq.com\",port=\"993\",security=\"tls\"} 1"
    ));
    let junit = offline("junit");
    assert_eq!(junit.code, 0);
    xmllint(&junit.stdout);
    let cases = junitparser(&junit.stdout);
    assert_eq!(cases[0][2], "discovery");
    assert!(
        cases[1..].iter().all(|c| c[3] == "skipped"),
        "nothing was probed: {cases:?}"
    );
}

#[test]
fn nagios_mode_has_the_plugin_statuses_and_no_other_mode_does() {
    let offline = offline("nagios");
    assert_eq!(
        offline.code, 3,
        "nothing probed is UNKNOWN: {}",
        offline.stdout
    );
    assert!(offline.stdout.starts_with("MAILCHECK UNKNOWN - "));
    // A usage error and bad input are UNKNOWN in this mode, 2 and 3 elsewhere.
    for (args, plugin) in [
        (&["--format", "nagios", "--bogus", "a@b.example"][..], 3),
        (&["--format=nagios", "not an address"][..], 3),
        (&["--format", "nagios", "--json", "a@b.example"][..], 3),
    ] {
        let r = run(crate::support::process::mailcheck().args(args));
        assert_eq!(r.code, plugin, "{args:?}: {}", r.stderr);
    }
    let usage = run(crate::support::process::mailcheck().args(["--bogus", "a@b.example"]));
    assert_eq!(usage.code, 2);
    let from_env = run(crate::support::process::mailcheck()
        .env("MAILCHECK_FORMAT", "nagios")
        .args(["--bogus", "a@b.example"]));
    assert_eq!(
        from_env.code, 3,
        "MAILCHECK_FORMAT=nagios is the plugin mode too"
    );
    let conflict = run(crate::support::process::mailcheck().args([
        "--json",
        "--format",
        "junit",
        "a@b.example",
    ]));
    assert_eq!(
        conflict.code, 2,
        "--json and another --format: {}",
        conflict.stderr
    );
}

#[test]
fn html_escapes_server_text_and_loads_nothing() {
    let offline =
        run(crate::support::process::mailcheck().args(["--offline", "--json", "alice@qq.com"]));
    let mut report = offline.report();
    report.findings.push(mailcheck::report::FindingEntry {
        code: mailcheck::FindingCode::WrongHost,
        severity: mailcheck::Severity::Error,
        protocol: Some(mailcheck::Protocol::Imap),
        host: Some("<img src=x onerror=alert(1)>".to_owned()),
        port: Some(993),
        message: "the server says \"<script>alert('x')</script>\" & \u{1b}[2J".to_owned(),
        hint: "<a href=\"https://evil.example/\">click</a>".to_owned(),
        evidence: Some("* BYE </pre><iframe src=//evil.example>".to_owned()),
        possible_causes: Vec::new(),
    });
    let style = mailcheck::output::Style {
        lang: mailcheck::Lang::En,
        ..Default::default()
    };
    let page = mailcheck::output::html::render(&[report], style);
    for raw in ["<script", "<img", "<iframe", "<a href", "\u{1b}", "</pre><"] {
        assert!(!page.contains(raw), "{raw:?} unescaped in\n{page}");
    }
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(page.contains("\\x1b[2J"), "the escape shown, not obeyed");
    // Self-contained: no script, no link, no source outside the page.
    for external in [" src=\"", " href=\"", "<link", "<script", "url("] {
        assert!(!page.contains(external), "{external:?} in\n{page}");
    }
}

/// The scenario's password, and a command logging in with it.
fn logged_in(scenario: &'static str, format: &str) -> (Scenario, String, Command) {
    let s = Scenario::new(scenario);
    let password = s.get("PASSWORD");
    let mut command = s.human_command(Some(&password), "3");
    command.args(["--format", format]);
    (s, password, command)
}

fn no_secret(run: &Run, password: &str) {
    assert!(
        !shows_secret(&run.stdout, password),
        "password leaked:\n{}",
        run.stdout
    );
    assert!(
        !shows_secret(&run.stderr, password),
        "password leaked:\n{}",
        run.stderr
    );
}

#[test]
fn real_junit_fails_the_refused_protocols_with_their_codes() {
    let (s, password, mut command) = logged_in("disabled", "junit");
    let r = run(command.arg(s.user()));
    no_secret(&r, &password);
    assert_eq!(
        r.code, 1,
        "the contract's status in this mode: {}",
        r.stderr
    );
    xmllint(&r.stdout);
    let cases = junitparser(&r.stdout);
    let case = |name: &str| {
        cases
            .iter()
            .find(|c| c[2] == name)
            .unwrap_or_else(|| panic!("no case {name} in {cases:?}"))
            .clone()
    };
    let imap = case("IMAP imap.disabled.test:993 tls");
    assert_eq!(imap[1], format!("{}.imap", s.user()));
    assert_eq!(
        (imap[3].as_str(), imap[4].as_str()),
        ("failure", "imap_disabled"),
        "{imap:?}"
    );
    assert!(imap[5].contains("IMAP is switched off"), "{imap:?}");
    assert_eq!(case("POP3 pop.disabled.test:995 tls")[4], "pop3_disabled");
    assert_eq!(case("SMTP smtp.disabled.test:465 tls")[3], "passed");
    assert!(
        r.stdout.contains("→ Enable IMAP"),
        "the hint is in the failure:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains("Evidence: a3 NO [ALERT]"), "{}", r.stdout);
}

/// The performance data of the plugin guidelines: `'label'=value[UOM];[warn];[crit];[min];[max]`
/// (trailing empty fields may be left out), as (label, value with unit).
fn perfdata(line: &str) -> Vec<(String, String)> {
    let (_, perf) = line.split_once(" | ").expect("performance data after |");
    // Data are separated by spaces; a quoted label may hold spaces itself.
    let datum = regex::Regex::new(
        r"^('[^'=]+'|[^'= ]+)=(-?[0-9.]+)(ms|s|us|%|B|KB|MB|TB|c)?(;-?[0-9.]*){0,4}( |$)",
    )
    .unwrap();
    let mut data = Vec::new();
    let mut at = 0;
    while at < perf.len() {
        let rest = &perf[at..];
        let c = datum
            .captures(rest)
            .unwrap_or_else(|| panic!("{rest:?} is not performance data"));
        at += c.get(0).unwrap().end();
        data.push((
            c[1].trim_matches('\'').to_owned(),
            format!("{}{}", &c[2], c.get(3).map_or("", |u| u.as_str())),
        ));
    }
    data
}

#[test]
fn real_nagios_states_thresholds_and_performance_data() {
    let (s, password, mut command) = logged_in("healthy", "nagios");
    let ok = run(command.arg(s.user()));
    no_secret(&ok, &password);
    let status = ok.stdout.lines().next().unwrap();
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert!(status.starts_with("MAILCHECK OK - "), "{status}");
    let perf = perfdata(status);
    for label in [
        "imap_connect",
        "imap_login",
        "imap_cert_days",
        "smtp_connect",
        "smtp_login",
    ] {
        assert!(perf.iter().any(|(l, _)| l == label), "{label} in {status}");
    }
    assert!(
        perf.iter()
            .all(|(l, v)| !l.ends_with("_cert_days") || !v.starts_with('-'))
    );
    // The certificates of tests/servers are fresh: thresholds above their life make them
    // WARNING, then CRITICAL.
    for (args, code, state) in [
        (
            ["--warning-days", "100000", "--critical-days", "1"],
            1,
            "WARNING",
        ),
        (
            ["--warning-days", "100000", "--critical-days", "99999"],
            2,
            "CRITICAL",
        ),
    ] {
        let (s, _, mut command) = logged_in("healthy", "nagios");
        let r = run(command.args(args).arg(s.user()));
        assert_eq!(r.code, code, "{}", r.stdout);
        assert!(
            r.stdout.starts_with(&format!("MAILCHECK {state} - ")),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("expires in"),
            "the long output says which: {}",
            r.stdout
        );
    }
    let (s, _, mut command) = logged_in("disabled", "nagios");
    let critical = run(command.arg(s.user()));
    assert_eq!(critical.code, 2, "{}", critical.stdout);
    assert!(
        critical
            .stdout
            .starts_with("MAILCHECK CRITICAL - IMAP is switched off"),
        "{}",
        critical.stdout
    );
    assert!(
        critical.stdout.contains("\n[imap_disabled] error: "),
        "{}",
        critical.stdout
    );
}

/// `--batch` of `healthy`'s and `disabled`'s users, each password named by a variable, in
/// `format`; neither password appears.
fn batch_of(healthy: &Scenario, disabled: &Scenario, format: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("accounts.txt");
    let lines = format!(
        "{} password-env=MC_FMT_PW_1\n{} password-env=MC_FMT_PW_2\n",
        healthy.user(),
        disabled.user()
    );
    std::fs::write(&batch, lines).unwrap();
    let mut command = healthy.human_command(None, "3");
    command
        .env("MC_FMT_PW_1", healthy.get("PASSWORD"))
        .env("MC_FMT_PW_2", disabled.get("PASSWORD"))
        .args(["--format", format, "--batch"])
        .arg(&batch);
    let r = run(&mut command);
    no_secret(&r, &healthy.get("PASSWORD"));
    no_secret(&r, &disabled.get("PASSWORD"));
    r
}

#[test]
fn real_prometheus_batch_passes_promtool() {
    let (healthy, disabled) = (Scenario::new("healthy"), Scenario::new("disabled"));
    let r = batch_of(&healthy, &disabled, "prometheus");
    assert_eq!(r.code, 1, "one account fails: {}", r.stderr);
    promtool(&r.stdout);
    let value = |prefix: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} in\n{}", r.stdout))
            .rsplit(' ')
            .next()
            .unwrap()
            .to_owned()
    };
    let h = healthy.user();
    let d = disabled.user();
    assert_eq!(
        value(&format!("mailcheck_account_ok{{account=\"{h}\"}}")),
        "1"
    );
    assert_eq!(
        value(&format!("mailcheck_account_ok{{account=\"{d}\"}}")),
        "0"
    );
    assert_eq!(
        value(&format!(
            "mailcheck_findings{{account=\"{d}\",code=\"imap_disabled\",severity=\"error\"}}"
        )),
        "1"
    );
    assert_eq!(
        value(&format!(
            "mailcheck_server_login_ok{{account=\"{d}\",protocol=\"imap\""
        )),
        "0"
    );
    assert_eq!(
        value(&format!(
            "mailcheck_server_up{{account=\"{d}\",protocol=\"imap\""
        )),
        "1"
    );
    let expiry: i64 = value(&format!(
        "mailcheck_server_cert_expiry_timestamp_seconds{{account=\"{h}\",protocol=\"imap\""
    ))
    .parse()
    .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(expiry > now, "a fresh certificate expires in the future");
    // Each family once, even for two accounts (the textfile collector refuses repeats).
    assert_eq!(
        r.stdout
            .matches("# TYPE mailcheck_account_ok gauge")
            .count(),
        1
    );
}

#[test]
fn real_html_screenshot_shows_the_verdicts_in_colour() {
    let (s, password, mut command) = logged_in("disabled", "html");
    let r = run(command.arg("--trace").arg(s.user()));
    no_secret(&r, &password);
    assert_eq!(r.code, 1);
    let page = &r.stdout;
    assert!(page.contains("<details>"), "the trace is folded away");
    assert!(page.contains("IMAP is switched off"));
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    std::fs::write(&html, page).unwrap();
    let shot = dir.path().join("report.png");
    let chromium = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1000,500",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap_or_else(|e| panic!("chromium must be installed (.ci/run installs it): {e}"));
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&chromium.stderr)
    );
    let (red, green) = colour_pixels(&shot);
    // ✗ and "login refused" twice in red, ✓ works in green, in the first 500 pixels.
    assert!(red > 40, "red verdict pixels: {red}");
    assert!(green > 20, "green verdict pixels: {green}");
}

/// How many pixels of the PNG at `path` are clearly red and clearly green.
fn colour_pixels(path: &Path) -> (usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert!(channels >= 3, "an RGB screenshot: {:?}", info.color_type);
    let pixels = buf[..info.buffer_size()].chunks(channels);
    let (mut red, mut green) = (0, 0);
    for p in pixels {
        let (r, g, b) = (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
        if r > 150 && g < 90 && b < 90 {
            red += 1;
        }
        if g > 100 && r < 90 && b < 110 && g - r > 50 {
            green += 1;
        }
    }
    (red, green)
}

#[test]
fn real_batch_formats_are_one_document_for_all_accounts() {
    let (healthy, disabled) = (Scenario::new("healthy"), Scenario::new("disabled"));
    let batch_run = |format: &str| batch_of(&healthy, &disabled, format);
    let nagios = batch_run("nagios");
    assert_eq!(
        nagios.code, 2,
        "the worst account's state: {}",
        nagios.stdout
    );
    let status = nagios.stdout.lines().next().unwrap();
    assert!(
        status.starts_with("MAILCHECK CRITICAL - 2 account(s) checked: 1 fine, 1 with errors; alice@disabled.test IMAP is switched off"),
        "{status}"
    );
    let perf = perfdata(status);
    let label = format!("{} imap_login", healthy.user());
    assert!(perf.iter().any(|(l, _)| *l == label), "{label} in {status}");
    let junit = batch_run("junit");
    assert_eq!(junit.code, 1);
    xmllint(&junit.stdout);
    let cases = junitparser(&junit.stdout);
    let suites: std::collections::BTreeSet<&str> = cases.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(suites.len(), 2, "a suite per account: {cases:?}");
    assert_eq!(
        cases.iter().filter(|c| c[3] == "failure").count(),
        2,
        "{cases:?}"
    );
    let html = batch_run("html");
    assert_eq!(html.code, 1);
    assert_eq!(
        html.stdout.matches("<!DOCTYPE html>").count(),
        1,
        "one page"
    );
    assert_eq!(
        html.stdout.matches("<section>").count(),
        3,
        "the summary and two reports"
    );
}
