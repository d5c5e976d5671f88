//! The contract's JSON report: one document, never coloured.

use crate::report::Report;

/// One pretty-printed JSON document with a trailing newline.
pub fn render(report: &Report) -> String {
    // Serialising plain data with string keys cannot fail.
    let mut out = serde_json::to_string_pretty(report).expect("the report serialises");
    out.push('\n');
    out
}

/// One compact JSON document on one line (JSON Lines, for `--batch --json`).
pub fn render_line(report: &Report) -> String {
    let mut out = serde_json::to_string(report).expect("the report serialises");
    out.push('\n');
    out
}
