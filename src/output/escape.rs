//! What a server, a DNS zone or a published document says reaches a person's terminal only as
//! visible text: control characters (escape sequences, NUL, BEL, CR) and the Unicode controls
//! that reorder or hide text are shown escaped, so they cannot clear the screen, set the window
//! title or make a line read as something else. JSON needs none of this: serde escapes them.

use std::borrow::Cow;

use crate::report::Report;

/// `text` with every control character shown as an escape (`\x1b`, `\r`, `\u{202e}`).
pub fn text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && needs_escape(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// C0, DEL and C1 controls, and the bidirectional and invisible formatting characters.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}' // zero-width spaces and joiners, directional marks
            | '\u{202a}'..='\u{202e}' // bidirectional embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidirectional isolates
            | '\u{feff}')
}

/// A copy of `report` whose every string is safe to print on a terminal.
pub fn report(report: &Report) -> Report {
    let mut safe = report.clone();
    let fix = |s: &mut String| {
        if let Cow::Owned(escaped) = text(s) {
            *s = escaped;
        }
    };
    let fix_opt = |s: &mut Option<String>| s.iter_mut().for_each(fix);
    fix(&mut safe.address);
    fix(&mut safe.domain);
    if let Some(provider) = &mut safe.provider {
        fix(&mut provider.id);
        fix(&mut provider.name);
        provider.notes.iter_mut().for_each(fix);
        provider
            .limitations
            .iter_mut()
            .for_each(|l| fix(&mut l.text));
        fix_opt(&mut provider.documentation);
        fix_opt(&mut provider.enable);
    }
    for source in &mut safe.sources {
        fix(&mut source.detail);
    }
    for server in &mut safe.servers {
        fix(&mut server.host);
        fix_opt(&mut server.label);
        fix(&mut server.username);
        server.auth_mechanisms.iter_mut().for_each(fix);
        if let Some(tls) = &mut server.tls {
            fix(&mut tls.version);
            fix(&mut tls.cert_subject);
            fix(&mut tls.cert_issuer);
            fix(&mut tls.cert_not_after);
            tls.cert_names.iter_mut().for_each(fix);
        }
        for line in &mut server.transcript {
            fix(&mut line.text);
        }
        if let Some(mailbox) = &mut server.mailbox {
            fix(&mut mailbox.summary);
            mailbox.notes.iter_mut().for_each(fix);
        }
    }
    for finding in &mut safe.findings {
        fix_opt(&mut finding.host);
        fix(&mut finding.message);
        fix(&mut finding.hint);
        fix_opt(&mut finding.evidence);
    }
    let recommended = &mut safe.recommended;
    for settings in [
        &mut recommended.imap,
        &mut recommended.pop3,
        &mut recommended.smtp,
    ]
    .into_iter()
    .flatten()
    {
        fix(&mut settings.host);
        fix(&mut settings.username);
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_shown_not_obeyed() {
        assert_eq!(text("* OK ready"), "* OK ready");
        assert_eq!(
            text("* OK \u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "* OK \\x1b]0;pwned\\x07\\x1b[2J"
        );
        assert_eq!(text("a\0b\r\n"), "a\\x00b\\r\\n");
        assert_eq!(text("\u{9b}31m"), "\\x9b31m");
        assert_eq!(text("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        // Idempotent: an escaped text is printed as it is.
        assert_eq!(text(&text("\u{1b}[2J")), "\\x1b[2J");
        assert_eq!(text("Grüße ✓"), "Grüße ✓");
    }
}
