//! The password, in a type that cannot leak it by accident: `Debug` prints `***`, nothing
//! prints it through `Display`, and its memory is cleared when it is dropped.

use std::fmt;

use zeroize::Zeroizing;

/// A secret to log in with. Read it with [`Password::expose`] where it is sent, nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(Zeroizing<String>);

impl Password {
    pub fn new(secret: String) -> Self {
        Self(Zeroizing::new(secret))
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Password {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What a hidden credential is shown as.
pub const HIDDEN: &str = "***";

/// `text` with every whole-token occurrence of `secret` replaced by [`HIDDEN`]. A token is a
/// run of ASCII letters, digits and `_-+/=` (base64's), `.` and `@` joining two of them (a
/// host name, an address): so the argument of `LOGIN`, a quoted string (`"a"`), a line of its
/// own (an IMAP literal, a SASL answer) or a word of a sentence is hidden, and a short
/// password inside another word (`a` in `Authentication`, `mail` in `mail.example.com`) is
/// left alone. Beside a character that is no ASCII word character, such as Chinese text,
/// every occurrence is hidden.
pub fn redact(text: &str, secret: &str) -> String {
    let (Some(first), Some(last)) = (secret.chars().next(), secret.chars().next_back()) else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    let (mut kept, mut from) = (0, 0);
    while let Some(found) = text[from..].find(secret) {
        let (start, end) = (from + found, from + found + secret.len());
        let joined_before = token_char(first) && joins(text[..start].chars().rev());
        let joined_after = token_char(last) && joins(text[end..].chars());
        if joined_before || joined_after {
            from = start + first.len_utf8();
            continue;
        }
        out.push_str(&text[kept..start]);
        out.push_str(HIDDEN);
        (kept, from) = (end, end);
    }
    out.push_str(&text[kept..]);
    out
}

/// A character of a token ([`redact`]).
fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=')
}

/// Whether the characters beside a match (`beside`, going away from it) continue its token.
fn joins(mut beside: impl Iterator<Item = char>) -> bool {
    match beside.next() {
        Some(c) if token_char(c) => true,
        Some('.' | '@') => beside.next().is_some_and(token_char),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_tokens_are_hidden_never_letters_of_other_words() {
        let cases = [
            (
                "a",
                "a3 NO [AUTHENTICATIONFAILED] Authentication failed.",
                "a3 NO [AUTHENTICATIONFAILED] Authentication failed.",
            ),
            ("a", "a3 LOGIN alice a", "a3 LOGIN alice ***"),
            (
                "a",
                "a3 LOGIN \"alice\" \"a\"",
                "a3 LOGIN \"alice\" \"***\"",
            ),
            ("a", "a", "***"),
            (
                "a",
                "Not a valid password: a.",
                "Not *** valid password: ***.",
            ),
            (
                "ai",
                "-ERR [AUTH] Plaintext authentication disallowed",
                "-ERR [AUTH] Plaintext authentication disallowed",
            ),
            ("ai", "PASS ai", "PASS ***"),
            (
                "OK",
                "* OK [CAPABILITY IMAP4rev1] ready, OKAY",
                "* *** [CAPABILITY IMAP4rev1] ready, OKAY",
            ),
            (
                "mail",
                "220 mail.example.com ESMTP mail",
                "220 mail.example.com ESMTP ***",
            ),
            ("mail", "no mail@x for mail.", "no mail@x for ***."),
            (
                "mail",
                "535 Email address or mailbox wrong",
                "535 Email address or mailbox wrong",
            ),
            ("YQ==", "AUTH PLAIN YQ==", "AUTH PLAIN ***"),
            ("abc", "abcabc xabc abc-d (abc)", "abcabc xabc abc-d (***)"),
            ("密码", "您的密码错误", "您的***错误"),
            ("", "nothing to hide", "nothing to hide"),
        ];
        for (secret, text, shown) in cases {
            assert_eq!(redact(text, secret), shown, "{secret:?} in {text:?}");
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let password = Password::new("hunter2".into());
        assert_eq!(format!("{password:?}"), "Password(***)");
        assert_eq!(format!("{:?}", Some(&password)), "Some(Password(***))");
        assert_eq!(password.expose(), "hunter2");
    }
}
