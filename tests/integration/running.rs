//! The examples of `docs/running.md`, run as written: the CI jobs' YAML parses (PyYAML) and
//! their `mailcheck` steps run; the Nagios and Icinga 2 command definitions become a command
//! line that runs; the fleet's batch file runs. Only the `MAILCHECK_*` variables point them at
//! the real test servers (`tests/servers/`), and the example addresses become the test
//! servers' users.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::formats::{junitparser, promtool};
use crate::support::process::{BIN, Run, mailcheck, run};
use crate::support::servers::Scenario;

const DOC: &str = include_str!("../../docs/running.md");

/// The fenced blocks of the document: (info string, text).
fn blocks() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in DOC.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.to_owned(), String::new())),
            (Some(_), Some("")) => out.extend(current.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

fn block(info: &str, containing: &str) -> String {
    blocks()
        .into_iter()
        .find(|(i, text)| i == info && text.contains(containing))
        .unwrap_or_else(|| panic!("docs/running.md has a ```{info} block with {containing:?}"))
        .1
}

/// The YAML document as JSON, read by PyYAML (Debian's python3-yaml).
fn yaml(text: &str) -> serde_json::Value {
    let read = crate::formats::consumer(
        "/usr/bin/python3",
        &[
            "-c",
            "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))",
        ],
        text,
    );
    assert_eq!(read.code, 0, "PyYAML: {}\n{text}", read.stderr);
    serde_json::from_str(&read.stdout).unwrap()
}

/// A shell in `dir` whose `mailcheck` is the one under test, pointed at the test servers by
/// the variables, logging in as `scenario`'s user.
fn shell(dir: &Path, s: &Scenario, command: &str) -> Run {
    shell_with(dir, s, command, &[])
}

/// [`shell`] with more variables.
fn shell_with(dir: &Path, s: &Scenario, command: &str, env: &[(&str, String)]) -> Run {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let command = command.replace("support@example.com", &s.user());
    let mut bash = Command::new("bash");
    crate::support::process::isolated(&mut bash)
        .args(["-euo", "pipefail", "-c", &command])
        .current_dir(dir)
        .env("PATH", path)
        .env("LANG", "C.UTF-8")
        .env("MAILCHECK_DNS_SERVER", &s.env["MC_DNS"])
        .env("MAILCHECK_CA_FILE", &s.env["MC_CA_FILE"])
        .env("MAILCHECK_ISPDB_URL", &s.env["MC_ISPDB_URL"])
        .env("MAILCHECK_PASSWORD", s.get("PASSWORD"))
        .env("MAILCHECK_TIMEOUT", "3");
    for (var, value) in env {
        bash.env(var, value);
    }
    run(&mut bash)
}

/// Every string in `value` (the steps' `run`, the jobs' `script`) that runs mailcheck itself.
fn mailcheck_commands(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if s.starts_with("mailcheck ") => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| mailcheck_commands(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| mailcheck_commands(v, out)),
        _ => {}
    }
}

#[test]
fn real_ci_examples_parse_and_their_steps_run() {
    let s = Scenario::new("healthy");
    let github = yaml(&block("yaml", "runs-on:"));
    let steps = github["jobs"]["mailcheck"]["steps"]
        .as_array()
        .expect("the job's steps");
    let check = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.starts_with("mailcheck "))
        })
        .unwrap();
    assert!(
        check["env"]["MAILCHECK_PASSWORD"]
            .as_str()
            .unwrap()
            .contains("secrets."),
        "the password from the secret store"
    );
    let gitlab = yaml(&block("yaml", "artifacts:"));
    assert_eq!(
        gitlab["mailcheck"]["artifacts"]["reports"]["junit"],
        "mailcheck.xml"
    );
    for document in [&github, &gitlab] {
        let mut commands = Vec::new();
        mailcheck_commands(document, &mut commands);
        assert_eq!(commands.len(), 1, "{commands:?}");
        let dir = tempfile::tempdir().unwrap();
        let r = shell(dir.path(), &s, &commands[0]);
        assert_eq!(r.code, 0, "{}: {}", commands[0], r.stderr);
        let report = std::fs::read_to_string(dir.path().join("mailcheck.xml")).unwrap();
        let cases = junitparser(&report);
        assert!(cases.iter().all(|c| c[3] == "passed"), "{cases:?}");
        assert!(cases.len() > 3, "a case per server: {cases:?}");
    }
}

/// `$ARGn$` and the like replaced by `values`.
fn macros(text: &str, values: &HashMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("${name}$"), value);
    }
    assert!(!out.contains('$'), "every macro is known: {out}");
    out
}

#[test]
fn real_nagios_command_definition_runs() {
    let s = Scenario::new("healthy");
    let cfg = block("", "define command");
    let field = |name: &str| {
        cfg.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .unwrap_or_else(|| panic!("{name} in {cfg}"))
            .trim()
            .to_owned()
    };
    let check = field("check_command");
    let mut parts = check.split('!');
    assert_eq!(parts.next(), Some(field("command_name").as_str()));
    let args: HashMap<String, String> = parts
        .enumerate()
        .map(|(i, a)| (format!("ARG{}", i + 1), a.to_owned()))
        .collect();
    let line = macros(&field("command_line"), &args);
    let line = line.strip_prefix("/usr/bin/").expect("the packaged path");
    let dir = tempfile::tempdir().unwrap();
    let r = shell(dir.path(), &s, line);
    assert_eq!(r.code, 0, "{line}: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("MAILCHECK OK - "), "{}", r.stdout);
    assert!(r.stdout.contains("imap_cert_days="), "{}", r.stdout);
}

#[test]
fn real_icinga2_check_command_runs() {
    let s = Scenario::new("healthy");
    let conf = block("", "object CheckCommand");
    let quoted = regex::Regex::new(r#""([^"]*)""#).unwrap();
    let command_line = conf
        .lines()
        .find(|l| l.trim().starts_with("command = ["))
        .unwrap();
    let mut argv: Vec<String> = quoted
        .captures_iter(command_line)
        .map(|c| c[1].to_owned())
        .collect();
    let vars: HashMap<String, String> = conf
        .lines()
        .filter_map(|l| l.trim().strip_prefix("vars."))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .chain([
            ("mailcheck_address".to_owned(), s.user()),
            ("mailcheck_dns_server".to_owned(), s.env["MC_DNS"].clone()),
        ])
        .collect();
    // Each argument `"--key" = "$var$"` is passed when its variable is set (as Icinga does).
    let argument = regex::Regex::new(r#"^\s*"(--[a-z-]+)" = "\$([a-z_]+)\$""#).unwrap();
    for line in conf.lines() {
        if let Some(c) = argument.captures(line)
            && let Some(value) = vars.get(&c[2])
        {
            argv.extend([c[1].to_owned(), value.clone()]);
        }
    }
    argv.push(vars["mailcheck_address"].clone());
    assert_eq!(argv[0], "/usr/bin/mailcheck");
    let known = run(mailcheck().arg("--help")).stdout;
    for flag in argv.iter().filter(|a| a.starts_with("--")) {
        assert!(known.contains(&format!("{flag} ")), "{flag} is an option");
    }
    let mut command = mailcheck();
    command
        .args(&argv[1..])
        .env("MAILCHECK_CA_FILE", &s.env["MC_CA_FILE"])
        .env("MAILCHECK_ISPDB_URL", &s.env["MC_ISPDB_URL"])
        .env("MAILCHECK_PASSWORD", s.get("PASSWORD"));
    let r = run(&mut command);
    assert_eq!(r.code, 0, "{argv:?}: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("MAILCHECK OK - "), "{}", r.stdout);
}

/// The fleet's batch file with the test servers' users: alice is healthy (her password in a
/// variable), bob's IMAP is disabled (his in a file), carol has no password.
fn fleet(dir: &Path) -> (Scenario, Scenario, Scenario) {
    let (alice, bob, carol) = (
        Scenario::new("healthy"),
        Scenario::new("disabled"),
        Scenario::new("tlsmix"),
    );
    let accounts = block("", "# accounts.txt")
        .replace("alice@example.com", &alice.user())
        .replace("bob@example.com", &bob.user())
        .replace("carol@example.com", &carol.user());
    std::fs::write(dir.join("accounts.txt"), accounts).unwrap();
    std::fs::create_dir(dir.join("secrets")).unwrap();
    std::fs::write(dir.join("secrets/bob.pw"), bob.get("PASSWORD")).unwrap();
    (alice, bob, carol)
}

#[test]
fn real_the_fleet_batch_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (alice, bob, carol) = fleet(dir.path());
    let whole = "mailcheck --batch accounts.txt --format prometheus";
    assert!(DOC.contains(whole));
    let password = [("ALICE_PASSWORD", alice.get("PASSWORD"))];
    let r = shell_with(dir.path(), &alice, whole, &password);
    assert_eq!(r.code, 1, "bob's IMAP is off: {}", r.stderr);
    promtool(&r.stdout);
    for (user, ok) in [(alice.user(), 1), (bob.user(), 0), (carol.user(), 0)] {
        let line = format!("mailcheck_account_ok{{account=\"{user}\"}} {ok}\n");
        assert!(r.stdout.contains(&line), "{line} in\n{}", r.stdout);
    }
    let alice_login = format!(
        "mailcheck_server_login_ok{{account=\"{}\",protocol=\"imap\"",
        alice.user()
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with(&alice_login) && l.ends_with(" 1")),
        "alice's password from her variable"
    );
}

#[test]
fn real_the_fleet_splits_over_gnu_parallel() {
    let dir = tempfile::tempdir().unwrap();
    let (alice, bob, _carol) = fleet(dir.path());
    let script = block("sh", "parallel").replace("/var/lib/prometheus/node-exporter", ".");
    let password = [("ALICE_PASSWORD", alice.get("PASSWORD"))];
    let r = shell_with(dir.path(), &alice, &script, &password);
    assert_eq!(r.code, 0, "parallel ran every share: {}", r.stderr);
    let mut accounts = String::new();
    for k in 1..=4 {
        let prom = std::fs::read_to_string(dir.path().join(format!("mailcheck-{k}.prom"))).unwrap();
        promtool(&prom);
        accounts.push_str(&prom);
    }
    assert!(accounts.contains(&format!("account=\"{}\"", bob.user())));
}
