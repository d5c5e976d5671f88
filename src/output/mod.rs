//! Report formats: one file per format, each turning a [`Report`] into text.
//!
//! Formatters return strings; writing them out is the binary's job.

pub mod autoconfig;
pub mod autodiscover;
pub mod escape;
pub mod explain;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod nagios;
pub mod pacc;
pub mod prometheus;
pub mod summary;
pub mod trace;

use crate::lang::Lang;
use crate::report::Report;

/// How a report is rendered (`--format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// The report for a person (`human`).
    #[default]
    Human,
    /// The contract's JSON report (`json`, also `--json`).
    Json,
    /// A JUnit XML test report (`junit`).
    Junit,
    /// A monitoring plugin's status line and exit status (`nagios`).
    Nagios,
    /// The Prometheus text exposition (`prometheus`).
    Prometheus,
    /// A self-contained HTML page (`html`).
    Html,
}

/// Options shared by the formats.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// Colour (ANSI escapes) in the human formats.
    pub color: bool,
    /// The language of the words the format adds.
    pub lang: Lang,
    /// The human report's `-v`: every server considered, every source's answer.
    pub verbose: bool,
}

/// Renders a report in the chosen format.
pub fn render(report: &Report, format: Format, style: Style) -> String {
    match format {
        Format::Json => json::render(report),
        Format::Junit => junit::render(std::slice::from_ref(report), style.lang),
        Format::Nagios => {
            let now = time::OffsetDateTime::now_utc();
            nagios::render(
                std::slice::from_ref(report),
                Default::default(),
                now,
                style.lang,
            )
            .0
        }
        Format::Prometheus => prometheus::render(std::slice::from_ref(report)),
        Format::Html => html::render(std::slice::from_ref(report), style),
        Format::Human => human::render(report, style),
    }
}

/// Seconds since 1970 of an RFC 3339 time (a certificate's `cert_not_after`).
pub(crate) fn unix_time(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}
