//! Replies as users paste them after a wrong decoding: a GBK reply (QQ, NetEase) printed as
//! Latin-1 (`ÇëÊ¹ÓÃÊÚÈ¨Âë`) or as Python's byte escapes (`\xc7\xeb\xca\xb9`). Both keep every
//! byte, so the Chinese text can be read back; a reply decoded as UTF-8 lost its bytes to U+FFFD
//! and cannot (the classifier reads what is left, e.g. QQ's help URL).

use std::borrow::Cow;

/// The reply with its mis-decoded runs read back as GBK (or UTF-8), the rest as it stands.
pub(super) fn repair(reply: &str) -> Cow<'_, str> {
    let unescaped = byte_escapes(reply);
    match latin1_runs(&unescaped) {
        Some(repaired) => Cow::Owned(repaired),
        None => unescaped,
    }
}

/// Runs of at least four `\xNN` escapes, decoded as the bytes they stand for.
fn byte_escapes(text: &str) -> Cow<'_, str> {
    if !text.contains("\\x") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("\\x") {
        out.push_str(&rest[..at]);
        let mut bytes = Vec::new();
        let mut run = &rest[at..];
        while let Some(hex) = run.strip_prefix("\\x").and_then(|r| r.get(..2))
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            bytes.push(byte);
            run = &run[4..];
        }
        if bytes.len() >= 4 {
            out.push_str(&crate::net::decode::reply_text(&bytes));
            changed = true;
            rest = run;
        } else {
            out.push_str("\\x");
            rest = &rest[at + 2..];
        }
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Runs of at least four characters from U+0080–U+00FF (a byte each in Latin-1) that decode as
/// GBK without error into Chinese; `None` when there is none.
fn latin1_runs(text: &str) -> Option<String> {
    let is_high = |c: char| ('\u{80}'..='\u{ff}').contains(&c);
    if !text.chars().any(is_high) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut run: Vec<u8> = Vec::new();
    let mut changed = false;
    let mut flush = |run: &mut Vec<u8>, out: &mut String| {
        if run.is_empty() {
            return;
        }
        let (decoded, _, errors) = encoding_rs::GBK.decode(run);
        let chinese = decoded
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        if run.len() >= 4 && !errors && chinese {
            out.push_str(&decoded);
            changed = true;
        } else {
            out.extend(run.iter().map(|&b| char::from(b)));
        }
        run.clear();
    };
    for c in text.chars() {
        if is_high(c) {
            run.push(c as u32 as u8);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_shown_as_latin1_or_escapes_is_read_back() {
        let latin1 = "535 Error: \u{c7}\u{eb}\u{ca}\u{b9}\u{d3}\u{c3}\u{ca}\u{da}\u{c8}\u{a8}\u{c2}\u{eb}: http://x";
        let expected = "535 Error: \u{8bf7}\u{4f7f}\u{7528}\u{6388}\u{6743}\u{7801}: http://x";
        assert_eq!(repair(latin1), expected);
        let escaped = "(535, 'Error: \\xc7\\xeb\\xca\\xb9\\xd3\\xc3\\xca\\xda\\xc8\\xa8\\xc2\\xeb: http://x')";
        assert!(repair(escaped).contains("\u{6388}\u{6743}\u{7801}"));
        // Nothing to repair: the text comes back as it was.
        for s in ["Mot de passe erroné", "a \\x1 b", "caf\u{e9}", ""] {
            assert_eq!(repair(s), s);
        }
    }
}

#[cfg(test)]
mod alert_tests {
    /// Found by the `classify` fuzz target: an `[ALERT]` in a reply garbled by a wrong
    /// decoding is quoted as the classifier read it, the Chinese decoded again, not as the
    /// garbled bytes (which say nothing to a person).
    #[test]
    fn an_alert_in_a_garbled_reply_is_quoted_as_read() {
        let (gbk, _, _) = encoding_rs::GBK.encode("请使用授权码登录");
        let latin1: String = gbk.iter().map(|&b| char::from(b)).collect();
        let reply = format!("a3 NO [ALERT] {latin1}");
        let class = super::super::classify(
            Some(crate::settings::Protocol::Imap),
            Some(crate::finding::Stage::Login),
            &reply,
            None,
        );
        assert_eq!(class.alert.as_deref(), Some("请使用授权码登录"));
        assert!(super::super::as_read(&reply).contains("请使用授权码登录"));
        assert!(!reply.contains("请使用授权码登录"));
    }
}
