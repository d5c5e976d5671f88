//! Running the built binary with std::process and reading its report (the real-server and
//! byte-level tests).

use std::process::{Command, Output};

use mailcheck::report::Report;

pub const BIN: &str = env!("CARGO_BIN_EXE_mailcheck");

/// A finished run: exit status, stdout, stderr, and the report when stdout is one.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn report(&self) -> Report {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not a report ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the mailcheck binary runs");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// The environment a test's `mailcheck` must not inherit from the developer's shell: every
/// `MAILCHECK_*` variable (defaults of options, the password), and the configuration file
/// (`XDG_CONFIG_HOME` points at a directory with none).
pub fn isolated(command: &mut Command) -> &mut Command {
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("MAILCHECK_") {
            command.env_remove(var);
        }
    }
    command.env("XDG_CONFIG_HOME", NO_CONFIG).env_remove("HOME")
}

/// A directory without `mailcheck/config.toml`.
pub const NO_CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/no-config-here");

/// A command for the binary with no inherited password, defaults, config file or locale
/// surprises.
pub fn mailcheck() -> Command {
    let mut command = Command::new(BIN);
    isolated(&mut command)
        .env_remove("MAILCHECK_PASSWORD")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    command
}
