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

/// A command for the binary with no inherited password or locale surprises.
pub fn mailcheck() -> Command {
    let mut command = Command::new(BIN);
    command
        .env_remove("MAILCHECK_PASSWORD")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    command
}
