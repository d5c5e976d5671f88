//! The exit statuses, the contract's table (`docs/report.md`, `mailcheck --help`) as one enum,
//! and, for `--format nagios` alone, the monitoring plugins' statuses.

use mailcheck::Verdict;
use mailcheck::output::nagios::State;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Checks ran and found no error-severity finding (also: help, version, explain).
    Clean,
    /// Checks ran and found at least one error-severity finding.
    Errors,
    /// Bad flags.
    Usage,
    /// An invalid address, an unreadable file, an empty password source.
    BadInput,
    /// No source produced any server settings.
    NoSettings,
    /// `--format nagios`: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    Plugin(State),
}

impl ExitStatus {
    /// The status as a monitoring plugin must give it: a usage error or bad input is UNKNOWN.
    pub fn for_plugin(self) -> ExitStatus {
        match self {
            ExitStatus::Usage | ExitStatus::BadInput => ExitStatus::Plugin(State::Unknown),
            other => other,
        }
    }

    fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Errors => 1,
            ExitStatus::Usage => 2,
            ExitStatus::BadInput => 3,
            ExitStatus::NoSettings => 4,
            ExitStatus::Plugin(state) => state as u8,
        }
    }
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
        std::process::ExitCode::from(status.code())
    }
}
