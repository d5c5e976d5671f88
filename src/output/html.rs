//! `--format html`: one self-contained HTML page to attach to a ticket. Its content is the
//! human report's, with its colours (the same painting, turned into CSS classes); the
//! dialogues of `--trace` are folded away in a `<details>` element. No script, no external
//! resource (a Content-Security-Policy says so to the browser too), and every server text
//! made visible (`escape`) and then escaped for HTML.

use std::fmt::Write as _;

use super::Style;
use crate::report::Report;
use crate::text::{Phrase, catalogue};

const CSS: &str = "\
body{font-family:'DejaVu Sans Mono','Liberation Mono',Menlo,Consolas,monospace;font-size:15px;\
margin:1.5em;background:#fff;color:#1a1a1a}\
pre{white-space:pre-wrap;line-height:1.45;margin:0 0 1em 0}\
.b{font-weight:bold}.d{color:#6b6b6b}.red{color:#c8102e}.green{color:#138a36}\
.yellow{color:#b35c00}.blue{color:#1f5fbf}.cyan{color:#0e7c86}.magenta{color:#8e2e8e}\
details{border-top:1px solid #ccc;padding-top:.5em}summary{cursor:pointer;font-weight:bold}\
section+section{border-top:2px solid #999;margin-top:1.5em;padding-top:1em}";

/// The page for `reports` (one account, or a batch: its summary table first), in the style's
/// language; colour is always on.
pub fn render(reports: &[Report], style: Style) -> String {
    let style = Style {
        color: true,
        ..style
    };
    let t = catalogue(style.lang);
    let title = reports
        .iter()
        .map(|r| super::escape::text(&r.address).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"mailcheck {version}\">\n\
<title>mailcheck: {title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        lang = style.lang.tag(),
        version = html(reports.first().map_or("", |r| r.mailcheck_version.as_str())),
        title = html(&title),
    );
    if reports.len() > 1 {
        let _ = writeln!(
            out,
            "<section><pre>{}</pre></section>",
            ansi_to_html(&super::summary::render(reports, style))
        );
    }
    for report in reports {
        let mut without = report.clone();
        without
            .servers
            .iter_mut()
            .for_each(|s| s.transcript.clear());
        let _ = write!(
            out,
            "<section>\n<pre>{}</pre>\n",
            ansi_to_html(&super::human::render(&without, style))
        );
        if report.servers.iter().any(|s| !s.transcript.is_empty()) {
            let _ = write!(
                out,
                "<details>\n<summary>{}</summary>\n<pre>{}</pre>\n</details>\n",
                html(t.phrase(Phrase::DialoguesFolded)),
                html(&super::trace::render(report, t))
            );
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// `text` escaped for HTML text and attribute values.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The painted text of a report (SGR escapes from `owo-colors`) as HTML spans. The report's
/// server text has been made visible by `escape` already, so every ESC here is the painter's.
fn ansi_to_html(painted: &str) -> String {
    #[derive(Clone, Copy, Default, PartialEq)]
    struct Paint {
        bold: bool,
        dim: bool,
        colour: Option<&'static str>,
    }
    impl Paint {
        fn classes(self) -> String {
            let mut classes: Vec<&str> = Vec::new();
            if self.bold {
                classes.push("b");
            }
            if self.dim {
                classes.push("d");
            }
            classes.extend(self.colour);
            classes.join(" ")
        }
    }
    let mut out = String::new();
    let mut paint = Paint::default();
    let mut open = false;
    let mut rest = painted;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&html(&rest[..at]));
        rest = &rest[at + 1..];
        let Some(body) = rest.strip_prefix('[') else {
            continue;
        };
        let Some(end) = body.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            rest = "";
            break;
        };
        let (params, after) = body.split_at(end);
        rest = &after[1..];
        if !after.starts_with('m') {
            continue;
        }
        let before = paint;
        for param in params.split(';') {
            match param {
                "" | "0" => paint = Paint::default(),
                "1" => paint.bold = true,
                "2" => paint.dim = true,
                "22" => (paint.bold, paint.dim) = (false, false),
                "31" | "91" => paint.colour = Some("red"),
                "32" | "92" => paint.colour = Some("green"),
                "33" | "93" => paint.colour = Some("yellow"),
                "34" | "94" => paint.colour = Some("blue"),
                "35" | "95" => paint.colour = Some("magenta"),
                "36" | "96" => paint.colour = Some("cyan"),
                "39" => paint.colour = None,
                _ => {}
            }
        }
        if paint != before {
            if open {
                out.push_str("</span>");
                open = false;
            }
            if paint != Paint::default() {
                let _ = write!(out, "<span class=\"{}\">", paint.classes());
                open = true;
            }
        }
    }
    out.push_str(&html(rest));
    if open {
        out.push_str("</span>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn painting_becomes_classes_and_text_is_escaped() {
        assert_eq!(
            ansi_to_html("\x1b[31;1m✗\x1b[0m <b>&\x1b[2mx\x1b[0m"),
            "<span class=\"b red\">✗</span> &lt;b&gt;&amp;<span class=\"d\">x</span>"
        );
        assert_eq!(ansi_to_html("plain"), "plain");
    }
}
