//! The real test servers of `tests/servers/` (Dovecot, Postfix, dnsmasq, nginx), as the
//! tests see them: `state.env`, and a scenario's user, password and `mailcheck` command.

use std::collections::HashMap;
use std::process::Command;

use mailcheck::report::Report;

use super::process::{Run, mailcheck, run};

/// `target/test-servers/state.env`, written by `tests/servers/up`.
pub fn state() -> HashMap<String, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-servers/state.env");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path}: {e}\nThe real-server tests need their servers: run `tests/servers/up` first (as root).")
    });
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// One scenario of `tests/servers/README.md`: its domain, user and password.
pub struct Scenario {
    pub env: HashMap<String, String>,
    name: &'static str,
}

impl Scenario {
    pub fn new(name: &'static str) -> Self {
        Self { env: state(), name }
    }

    pub fn get(&self, key: &str) -> String {
        let key = format!("MC_{}_{key}", self.name.to_uppercase());
        self.env
            .get(&key)
            .cloned()
            .unwrap_or_else(|| panic!("state.env has no {key}"))
    }

    pub fn user(&self) -> String {
        self.get("USER")
    }

    /// `mailcheck --json` against the test DNS, CA and ISPDB, logging in with `password`.
    pub fn command(&self, password: Option<&str>, timeout: &str) -> Command {
        let mut command = self.human_command(password, timeout);
        command.arg("--json");
        command
    }

    /// `mailcheck` (the report for a person) against the test DNS, CA and ISPDB.
    pub fn human_command(&self, password: Option<&str>, timeout: &str) -> Command {
        let mut command = mailcheck();
        command.args([
            "--dns-server",
            &self.env["MC_DNS"],
            "--ca-file",
            &self.env["MC_CA_FILE"],
            "--ispdb-url",
            &self.env["MC_ISPDB_URL"],
            "--timeout",
            timeout,
        ]);
        if let Some(password) = password {
            command.env("MAILCHECK_PASSWORD", password);
        }
        command
    }

    pub fn check(&self, password: Option<&str>, extra: &[&str]) -> (Run, Report) {
        let run = run(self.command(password, "3").args(extra).arg(self.user()));
        if let Some(password) = password {
            assert!(
                !run.stdout.contains(password),
                "the password leaked to stdout"
            );
            assert!(
                !run.stderr.contains(password),
                "the password leaked to stderr"
            );
        }
        let report = run.report();
        assert_eq!(report.ok, run.code == 0, "`ok` must match the exit status");
        (run, report)
    }

    pub fn check_with_password(&self) -> (Run, Report) {
        let password = self.get("PASSWORD");
        self.check(Some(&password), &[])
    }
}
