//! `mailcheck completions SHELL` and `mailcheck man`: both generated from the clap definition,
//! so they can never disagree with `--help`.

use anyhow::Context as _;

use super::{ExitStatus, Failure, write_stdout};

pub fn completions(shell: clap_complete::Shell) -> Result<ExitStatus, Failure> {
    let mut command = super::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "mailcheck", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))?;
    Ok(ExitStatus::Clean)
}

pub fn man() -> Result<ExitStatus, Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(super::command())
        .render(&mut page)
        .context("cannot render the manual page")
        .map_err(|error| Failure {
            code: ExitStatus::Errors,
            error,
        })?;
    write_stdout(&String::from_utf8_lossy(&page))?;
    Ok(ExitStatus::Clean)
}
