//! `--format junit`: a JUnit XML test report for CI systems (GitLab, Jenkins, GitHub's test
//! reporters). One `<testsuite>` per account; in it one `<testcase>` per server considered
//! (protocol, host, port, security), and one named `discovery` for what is about no one
//! server. A server with an error-severity finding fails: the `<failure>`'s `type` is the
//! first finding's code, its `message` the finding's message, its text every error finding
//! with its code, hint and evidence. Warnings go to the test case's `<system-out>`; a server
//! that was not probed is `<skipped>`.
//!
//! Server text is first made visible (`escape`: XML 1.0 cannot carry control characters even
//! as references), then escaped for XML.

use std::fmt::Write as _;

use super::autoconfig::escape as xml;
use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::{FindingEntry, Report, ServerEntry};
use crate::text::{Catalogue, Phrase, catalogue};

/// One document for all of `reports` (one, or a batch), with a trailing newline.
/// `lang` is the reports' language (for the few words the format adds).
pub fn render(reports: &[Report], lang: Lang) -> String {
    let reports: Vec<Report> = reports.iter().map(super::escape::report).collect();
    let suites: Vec<Suite> = reports.iter().map(|r| Suite::of(r, lang)).collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        // No `skipped` here: Jenkins' JUnit schema allows it on a suite only.
        "<testsuites name=\"mailcheck\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{}\">",
        suites.iter().map(|s| s.cases.len()).sum::<usize>(),
        suites.iter().map(Suite::failures).sum::<usize>(),
        seconds(suites.iter().map(Suite::millis).sum()),
    );
    for suite in &suites {
        suite.write(&mut out);
    }
    out.push_str("</testsuites>\n");
    out
}

struct Suite<'a> {
    report: &'a Report,
    t: &'static dyn Catalogue,
    cases: Vec<Case<'a>>,
}

struct Case<'a> {
    classname: String,
    name: String,
    millis: u64,
    skipped: bool,
    errors: Vec<&'a FindingEntry>,
    warnings: Vec<&'a FindingEntry>,
}

impl<'a> Suite<'a> {
    fn of(report: &'a Report, lang: Lang) -> Self {
        let mut cases = vec![Case::new(
            report.address.clone(),
            "discovery".to_owned(),
            report
                .findings
                .iter()
                .filter(|f| !report.servers.iter().any(|s| is_about(f, s))),
        )];
        for server in &report.servers {
            let mut case = Case::new(
                format!("{}.{}", report.address, server.protocol.as_str()),
                format!(
                    "{} {}:{} {}",
                    server.protocol.display_name(),
                    server.host,
                    server.port,
                    server.security
                ),
                report.findings.iter().filter(|f| is_about(f, server)),
            );
            case.millis = server.elapsed_ms.unwrap_or(0);
            case.skipped = server.status == "untested";
            cases.push(case);
        }
        Suite {
            report,
            t: catalogue(lang),
            cases,
        }
    }

    fn failures(&self) -> usize {
        self.cases.iter().filter(|c| !c.errors.is_empty()).count()
    }

    fn skipped(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.skipped && c.errors.is_empty())
            .count()
    }

    fn millis(&self) -> u64 {
        self.cases.iter().map(|c| c.millis).sum()
    }

    fn write(&self, out: &mut String) {
        let report = self.report;
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
            xml(&report.address),
            self.cases.len(),
            self.failures(),
            self.skipped(),
            seconds(self.millis()),
        );
        out.push_str("    <properties>\n");
        let mut property = |name: &str, value: &str| {
            let _ = writeln!(
                out,
                "      <property name=\"{name}\" value=\"{}\"/>",
                xml(value)
            );
        };
        if let Some(provider) = &report.provider {
            property("provider", &provider.id);
        }
        if let Some(conclusion) = &report.conclusion {
            property("conclusion", &conclusion.code);
            property("conclusion_message", &conclusion.message);
        }
        property("ok", if report.ok { "true" } else { "false" });
        property("mailcheck_version", &report.mailcheck_version);
        out.push_str("    </properties>\n");
        for case in &self.cases {
            case.write(out, self.t);
        }
        out.push_str("  </testsuite>\n");
    }
}

impl<'a> Case<'a> {
    fn new(
        classname: String,
        name: String,
        findings: impl Iterator<Item = &'a FindingEntry>,
    ) -> Self {
        let (errors, warnings) = findings.partition(|f| f.severity == Severity::Error);
        Case {
            classname,
            name,
            millis: 0,
            skipped: false,
            errors,
            warnings,
        }
    }

    fn write(&self, out: &mut String, t: &dyn Catalogue) {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
            xml(&self.classname),
            xml(&self.name),
            seconds(self.millis)
        );
        if self.errors.is_empty() && self.warnings.is_empty() && !self.skipped {
            out.push_str("/>\n");
            return;
        }
        out.push_str(">\n");
        if let Some(first) = self.errors.first() {
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                first.code.as_str(),
                xml(&first.message),
                xml(&described(&self.errors, t))
            );
        } else if self.skipped {
            let _ = writeln!(
                out,
                "      <skipped message=\"{}\"/>",
                xml(t.phrase(Phrase::NotTested))
            );
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                xml(&described(&self.warnings, t))
            );
        }
        out.push_str("    </testcase>\n");
    }
}

/// Each finding as `[code] message`, its hint and its evidence, one paragraph each.
fn described(findings: &[&FindingEntry], t: &dyn Catalogue) -> String {
    let mut text = String::new();
    for f in findings {
        let _ = writeln!(text, "[{}] {}", f.code.as_str(), f.message);
        if !f.hint.is_empty() {
            let _ = writeln!(text, "→ {}", f.hint);
        }
        if let Some(evidence) = &f.evidence {
            let _ = writeln!(text, "{}", t.labelled(t.phrase(Phrase::Evidence), evidence));
        }
    }
    text
}

/// Whether `finding` is about `server` (the same protocol, host and port).
pub(super) fn is_about(finding: &FindingEntry, server: &ServerEntry) -> bool {
    finding.protocol == Some(server.protocol)
        && finding.host.as_deref() == Some(server.host.as_str())
        && finding.port == Some(server.port)
}

fn seconds(millis: u64) -> String {
    format!("{}.{:03}", millis / 1000, millis % 1000)
}
