//! Reading a reply: SMTP reply codes and RFC 3463 enhanced status codes, IMAP tags, statuses and
//! bracketed response codes, the `[ALERT]` text, POP3 `+OK`/`-ERR`, and the protocol the reply's
//! shape shows.

use super::MAX_REPLY_BYTES;
use crate::settings::Protocol;

/// An RFC 3463 enhanced status code: class.subject.detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Enhanced {
    class: u8,
    subject: u16,
    detail: u16,
}

impl Enhanced {
    pub(super) fn is(self, class: u8, subject: u16, detail: u16) -> bool {
        (self.class, self.subject, self.detail) == (class, subject, detail)
    }

    pub(super) fn class(self) -> u8 {
        self.class
    }

    pub(super) fn subject(self) -> u16 {
        self.subject
    }
}

impl std::fmt::Display for Enhanced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// What was recognised in a reply.
#[derive(Debug, Default)]
pub(super) struct ParsedReply {
    /// The reply's text, lower-cased, without `[CAPABILITY …]` lists: for wording and patterns.
    pub(super) lower: String,
    /// Response codes in brackets, upper-cased first atom: `AUTHENTICATIONFAILED`, `SYS/TEMP`.
    pub(super) codes: Vec<String>,
    pub(super) alert: Option<String>,
    /// The SMTP reply code (the first 4xx/5xx one, else the first one).
    pub(super) smtp: Option<u16>,
    pub(super) enhanced: Option<Enhanced>,
    /// The protocol the reply's shape shows (first recognised line).
    pub(super) shape: Option<Protocol>,
    pub(super) imap_ok: bool,
    pub(super) imap_no: bool,
    pub(super) imap_bad: bool,
    pub(super) imap_bye: bool,
    pub(super) pop3_ok: bool,
    pub(super) pop3_err: bool,
    /// Protocols the text names (`IMAP`, `POP3`, `SMTP`), in that order.
    pub(super) named: Vec<Protocol>,
}

impl ParsedReply {
    pub(super) fn parse(reply: &str) -> ParsedReply {
        let text = truncate(reply, MAX_REPLY_BYTES);
        let mut r = ParsedReply::default();
        let mut smtp_good = None;
        for raw in text.split('\n') {
            r.read_line(raw, &mut smtp_good);
        }
        if r.smtp.is_none() {
            r.smtp = smtp_good;
        }
        if matches!(r.shape, None | Some(Protocol::Smtp))
            && (r.enhanced.is_none() || r.smtp.is_none())
        {
            r.scan_tokens(text);
        }
        let cleaned = r.read_brackets(text);
        r.lower = cleaned.to_lowercase();
        r.named = named_protocols(&r.lower);
        r
    }

    fn read_line(&mut self, raw: &str, smtp_good: &mut Option<u16>) {
        let line = raw
            .trim_end_matches('\r')
            .trim_start_matches(|c: char| c.is_whitespace() || c == '<' || c == '>');
        let line = ["S:", "s:"]
            .iter()
            .find_map(|p| line.strip_prefix(p))
            .map_or(line, str::trim_start);
        let mut tokens = line.split_whitespace();
        let Some(first) = tokens.next() else {
            return;
        };
        if let Some((code, rest)) = smtp_code(first) {
            self.shape.get_or_insert(Protocol::Smtp);
            if code >= 400 {
                if self.smtp.is_none() {
                    self.smtp = Some(code);
                    let enhanced = if rest.is_empty() {
                        tokens.next().and_then(parse_enhanced)
                    } else {
                        parse_enhanced(rest)
                    };
                    self.enhanced = self.enhanced.or(enhanced);
                }
            } else {
                smtp_good.get_or_insert(code);
            }
            return;
        }
        match first.to_ascii_uppercase().as_str() {
            "+OK" => {
                self.shape.get_or_insert(Protocol::Pop3);
                self.pop3_ok = true;
                return;
            }
            "-ERR" => {
                self.shape.get_or_insert(Protocol::Pop3);
                self.pop3_err = true;
                return;
            }
            _ => {}
        }
        // IMAP servers send the status in upper case; asking for it keeps English prose
        // ("User no longer exists") from reading as a tagged NO.
        let status = if is_imap_status(first) {
            Some(first)
        } else if first == "*" || is_tag(first) {
            tokens.next().filter(|t| is_imap_status(t))
        } else {
            None
        };
        if let Some(status) = status {
            self.shape.get_or_insert(Protocol::Imap);
            match status {
                "NO" => self.imap_no = true,
                "BAD" => self.imap_bad = true,
                "BYE" => self.imap_bye = true,
                _ => self.imap_ok = true,
            }
        }
    }

    /// Finds codes that are not at the start of a line: `(535, b'5.7.8 …')` from Python's
    /// smtplib, `… failed: 535 5.7.8 …` in a client's log.
    fn scan_tokens(&mut self, text: &str) {
        let mut previous: Option<&str> = None;
        for token in text.split_whitespace() {
            let trimmed = token.trim_matches(|c: char| "()[],;:'\"#".contains(c));
            if self.smtp.is_none()
                && token.starts_with('(')
                && token.ends_with(',')
                && let Some((code, "")) = smtp_code(trimmed)
                && code >= 400
            {
                self.smtp = Some(code);
            }
            if self.enhanced.is_none()
                && let Some(enhanced) = parse_enhanced(token)
                && enhanced.class != 2
            {
                self.enhanced = Some(enhanced);
                if self.smtp.is_none()
                    && let Some((code, "")) = previous
                        .map(|p| p.trim_matches(|c: char| "()[],;:'\"#".contains(c)))
                        .and_then(smtp_code)
                {
                    self.smtp = Some(code);
                }
            }
            if self.enhanced.is_some() && self.smtp.is_some() {
                break;
            }
            previous = Some(token);
        }
    }

    /// Collects the bracketed response codes and the `[ALERT]` text, and returns the text without
    /// `[CAPABILITY …]` lists (whose `STARTTLS` or `LOGINDISABLED` would read as wording).
    fn read_brackets(&mut self, text: &str) -> String {
        let mut cleaned = String::with_capacity(text.len());
        let mut copied = 0;
        let mut search = 0;
        while let Some(offset) = text[search..].find('[') {
            let open = search + offset;
            let after = &text[open + 1..];
            let window = &after[..after.find(['\n', '[']).unwrap_or(after.len())];
            let Some(close) = truncate(window, 1024).find(']') else {
                search = open + 1;
                continue;
            };
            let inside = &after[..close];
            let end = open + 1 + close + 1;
            let atom = inside
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            match atom.as_str() {
                "ALERT" if self.alert.is_none() => {
                    let rest = &text[end..];
                    let line = rest.split(['\r', '\n']).next().unwrap_or("").trim();
                    if !line.is_empty() {
                        self.alert = Some(line.to_owned());
                    }
                }
                "CAPABILITY" => {
                    cleaned.push_str(&text[copied..open]);
                    cleaned.push(' ');
                    copied = end;
                }
                _ => {}
            }
            if !atom.is_empty() && self.codes.len() < 64 {
                self.codes.push(atom);
            }
            search = end;
        }
        cleaned.push_str(&text[copied..]);
        cleaned
    }

    pub(super) fn has_code(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c == code)
    }

    /// A POP3 code, also with a sub-code (`AUTH/…`).
    pub(super) fn has_pop3_code(&self, code: &str) -> bool {
        self.codes.iter().any(|c| {
            c == code
                || c.strip_prefix(code)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    fn is_refusal(&self) -> bool {
        self.imap_no
            || self.imap_bad
            || self.imap_bye
            || self.pop3_err
            || self.smtp.is_some_and(|c| c >= 400)
    }

    /// A success or a continuation and nothing else (`* OK …`, `+OK`, `250 …`).
    pub(super) fn is_positive(&self) -> bool {
        !self.is_refusal()
            && (self.imap_ok || self.pop3_ok || self.smtp.is_some_and(|c| c < 400))
            && self.enhanced.is_none_or(|e| e.class == 2)
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `535`, `535-5.7.8`, `535-` → (535, what follows the hyphen).
fn smtp_code(token: &str) -> Option<(u16, &str)> {
    let b = token.as_bytes();
    if b.len() < 3
        || !(b'2'..=b'5').contains(&b[0])
        || !b[1].is_ascii_digit()
        || !b[2].is_ascii_digit()
    {
        return None;
    }
    let rest = match b.get(3) {
        None => "",
        Some(b'-') => &token[4..],
        Some(_) => return None,
    };
    let code = u16::from(b[0] - b'0') * 100 + u16::from(b[1] - b'0') * 10 + u16::from(b[2] - b'0');
    Some((code, rest))
}

/// `5.7.8`, `#5.7.0`, `b'5.7.8`, `5.7.139,` → the enhanced status code (class 2, 4 or 5,
/// subject 0–7 as RFC 3463 defines them).
fn parse_enhanced(token: &str) -> Option<Enhanced> {
    let token = token
        .strip_prefix("b'")
        .or_else(|| token.strip_prefix("b\""))
        .unwrap_or(token);
    let token = token.trim_matches(|c: char| "()[],;:'\"#.".contains(c));
    let mut parts = token.split('.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let number = |s: &str, max_len: usize| -> Option<u16> {
        if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let class = number(class, 1)?;
    let subject = number(subject, 3)?;
    let detail = number(detail, 3)?;
    if !matches!(class, 2 | 4 | 5) || subject > 7 {
        return None;
    }
    Some(Enhanced {
        class: class as u8,
        subject,
        detail,
    })
}

fn is_imap_status(token: &str) -> bool {
    matches!(token, "OK" | "NO" | "BAD" | "BYE" | "PREAUTH")
}

/// An IMAP command tag (`a1`, `A0003`, `1`).
fn is_tag(token: &str) -> bool {
    (1..=24).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn named_protocols(lower: &str) -> Vec<Protocol> {
    let mut named = Vec::new();
    for word in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
        let protocol = match word {
            "imap" | "imap4" | "imaps" | "imap4rev1" | "imap4rev2" => Protocol::Imap,
            "pop" | "pop3" | "pop3s" => Protocol::Pop3,
            "smtp" | "smtps" | "esmtp" => Protocol::Smtp,
            _ => continue,
        };
        if !named.contains(&protocol) {
            named.push(protocol);
        }
    }
    named.sort();
    named
}
