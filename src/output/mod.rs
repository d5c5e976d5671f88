//! Report formats: one file per format, each turning a [`Report`] into text.
//!
//! Formatters return strings; writing them out is the binary's job.

pub mod autoconfig;
pub mod autodiscover;
pub mod escape;
pub mod explain;
pub mod human;
pub mod json;
pub mod pacc;
pub mod summary;
pub mod trace;

use crate::lang::Lang;
use crate::report::Report;

/// How a report is rendered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// Options shared by the formats.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
    pub lang: Lang,
    pub verbose: bool,
}

/// Renders a report in the chosen format.
pub fn render(report: &Report, format: Format, style: Style) -> String {
    match format {
        Format::Human => human::render(report, style),
        Format::Json => json::render(report),
    }
}
