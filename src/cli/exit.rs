//! The exit statuses, the contract's table (`docs/report.md`, `mailcheck --help`) as one enum.

use mailcheck::Verdict;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Checks ran and found no error-severity finding (also: help, version, explain).
    Clean = 0,
    /// Checks ran and found at least one error-severity finding.
    Errors = 1,
    /// Bad flags.
    Usage = 2,
    /// An invalid address, an unreadable file, an empty password source.
    BadInput = 3,
    /// No source produced any server settings.
    NoSettings = 4,
}

impl From<Verdict> for ExitStatus {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Clean => ExitStatus::Clean,
            Verdict::Errors => ExitStatus::Errors,
            Verdict::NoSettings => ExitStatus::NoSettings,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status as u8)
    }
}
