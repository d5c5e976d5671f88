//! The batch summary: one row per account, one cell per protocol, so that a helpdesk sees at
//! a glance which of a hundred accounts need a look, and why.

use unicode_width::UnicodeWidthStr;

use super::Style;
use super::human::{Painter, ProtocolVerdict, verdict};
use crate::finding::Severity;
use crate::report::Report;
use crate::settings::Protocol;
use crate::text::{Catalogue, Phrase, catalogue};

/// The batch summary: a row per account, a cell per protocol.
pub fn render(reports: &[Report], style: Style) -> String {
    let reports: Vec<Report> = reports.iter().map(super::escape::report).collect();
    let reports = reports.as_slice();
    let (t, p) = (catalogue(style.lang), Painter(style.color));
    let header = [
        t.phrase(Phrase::Account),
        t.phrase(Phrase::Provider),
        "IMAP",
        "POP3",
        "SMTP",
        t.phrase(Phrase::Findings),
    ];
    // Cells are (plain text, painted text): widths come from the plain text, since colour
    // codes take no room on screen.
    let rows: Vec<Vec<(String, String)>> = reports.iter().map(|r| row(r, t, &p)).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (width, (plain, _)) in widths.iter_mut().zip(row) {
            *width = (*width).max(plain.width());
        }
    }
    let mut out = String::new();
    let titles: Vec<(String, String)> = header.iter().map(|h| (h.to_string(), p.bold(h))).collect();
    for row in std::iter::once(&titles).chain(&rows) {
        let mut line = String::new();
        for ((plain, painted), width) in row.iter().zip(&widths) {
            line.push_str(painted);
            line.push_str(&" ".repeat(width - plain.width() + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let failing = reports.iter().filter(|r| !r.ok).count();
    let total = t.accounts_checked(reports.len(), reports.len() - failing, failing);
    out.push_str(&if failing > 0 { p.red(&total) } else { total });
    out
}

fn row(report: &Report, t: &dyn Catalogue, p: &Painter) -> Vec<(String, String)> {
    let plain = |text: String| (text.clone(), text);
    let mut cells = vec![
        plain(report.address.clone()),
        plain(
            report
                .provider
                .as_ref()
                .map_or_else(|| "-".to_owned(), |provider| provider.name.clone()),
        ),
    ];
    for protocol in Protocol::ALL {
        cells.push(cell(&verdict(report, protocol), t, p));
    }
    let mut codes: Vec<(Severity, &str)> = Vec::new();
    for f in &report.findings {
        if !codes.iter().any(|(_, c)| *c == f.code.as_str()) {
            codes.push((f.severity, f.code.as_str()));
        }
    }
    let text = codes.iter().map(|(_, c)| *c).collect::<Vec<_>>().join(" ");
    let painted = codes
        .iter()
        .map(|(severity, c)| match severity {
            Severity::Error => p.red(c),
            Severity::Warning => p.yellow(c),
        })
        .collect::<Vec<_>>()
        .join(" ");
    cells.push((text, painted));
    cells
}

/// One protocol in a few characters: the mark, and the finding code when it fails.
fn cell(verdict: &ProtocolVerdict, t: &dyn Catalogue, p: &Painter) -> (String, String) {
    let (mark, word, paint): (&str, String, fn(&Painter, &str) -> String) = match verdict {
        ProtocolVerdict::Works(_) => ("✓", t.phrase(Phrase::Ok).to_owned(), Painter::green),
        ProtocolVerdict::Reachable(_) => {
            ("✓", t.phrase(Phrase::NoLogin).to_owned(), Painter::green)
        }
        ProtocolVerdict::Untested(_) => ("?", t.phrase(Phrase::Untested).to_owned(), Painter::dim),
        ProtocolVerdict::Refused(_, finding) | ProtocolVerdict::Broken(finding, _) => (
            "✗",
            finding.map_or_else(
                || t.phrase(Phrase::Fails).to_owned(),
                |f| f.code.as_str().to_owned(),
            ),
            Painter::red,
        ),
        ProtocolVerdict::NotOffered | ProtocolVerdict::NotNamed => {
            ("–", String::new(), Painter::dim)
        }
    };
    let text = if word.is_empty() {
        mark.to_owned()
    } else {
        format!("{mark} {word}")
    };
    (text.clone(), paint(p, &text))
}
