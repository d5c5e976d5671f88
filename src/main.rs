//! The `mailcheck` command: parse the command line, run the checks, print, map to the exit
//! status (see `docs/report.md` and `mailcheck --help`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::run().into()
}
