//! The mail address being diagnosed: validated once, with its domain in the ASCII (punycode)
//! form that DNS and HTTP lookups need.

use std::fmt;

/// Longest local part RFC 5321 §4.5.3.1.1 allows, in octets.
pub const MAX_LOCAL_LEN: usize = 64;
/// Longest domain name (RFC 1035 §2.3.4), without the trailing dot.
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest DNS label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// A validated mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress {
    local: String,
    domain: String,
    domain_unicode: String,
}

/// Why a string is not a usable mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    #[error("it has no '@'")]
    MissingAt,
    #[error("it has more than one '@'")]
    SeveralAt,
    #[error("the part before '@' is empty")]
    EmptyLocalPart,
    #[error("the domain after '@' is empty")]
    EmptyDomain,
    #[error("it contains white space")]
    Whitespace,
    #[error(
        "{0:?} is an address literal; mailcheck needs a mail domain (example.com) to discover settings"
    )]
    AddressLiteral(String),
    #[error("it contains a control character (U+{0:04X})")]
    ControlCharacter(u32),
    #[error("the part before '@' is {0} bytes long; at most {MAX_LOCAL_LEN} are allowed")]
    LocalPartTooLong(usize),
    #[error(
        "the part before '@' has an empty dot-separated piece (a leading, trailing or double dot)"
    )]
    LocalPartDots,
    #[error("the part before '@' contains {0:?}, which is not allowed in an address")]
    LocalPartCharacter(char),
    #[error(
        "the domain label {label:?} is {len} characters long; at most {MAX_LABEL_LEN} are allowed"
    )]
    LabelTooLong { label: String, len: usize },
    #[error("the domain has an empty label (a leading, trailing or double dot)")]
    EmptyLabel,
    #[error("the domain is {0} characters long; at most {MAX_DOMAIN_LEN} are allowed")]
    DomainTooLong(usize),
    #[error("the domain {0:?} has a single label; a mail domain has at least two (example.com)")]
    SingleLabel(String),
    #[error("the domain label {0:?} may hold only letters, digits and inner hyphens")]
    LabelCharacters(String),
    #[error("the domain {0:?} is not a valid internationalised domain name")]
    Idna(String),
}

impl EmailAddress {
    /// Parses and validates `input`. The domain is lower-cased and converted to punycode.
    pub fn parse(input: &str) -> Result<Self, AddressError> {
        // A pasted address often brings a space or a line ending along: not part of it.
        let input = input.trim();
        if let Some(c) = input.chars().find(|c| c.is_control()) {
            return Err(AddressError::ControlCharacter(c as u32));
        }
        if input.chars().any(char::is_whitespace) {
            return Err(AddressError::Whitespace);
        }
        let (local, domain) = input.rsplit_once('@').ok_or(AddressError::MissingAt)?;
        if local.contains('@') {
            return Err(AddressError::SeveralAt);
        }
        validate_local_part(local)?;
        if domain.starts_with('[') {
            return Err(AddressError::AddressLiteral(domain.to_owned()));
        }
        let (domain, domain_unicode) = normalise_domain(domain)?;
        Ok(Self {
            local: local.to_owned(),
            domain,
            domain_unicode,
        })
    }

    /// The part before `@`, as typed.
    pub fn local_part(&self) -> &str {
        &self.local
    }

    /// The domain in lower-case ASCII (punycode for internationalised names).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The domain as a person reads it (Unicode), lower-cased.
    pub fn domain_unicode(&self) -> &str {
        &self.domain_unicode
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

fn validate_local_part(local: &str) -> Result<(), AddressError> {
    if local.is_empty() {
        return Err(AddressError::EmptyLocalPart);
    }
    if local.len() > MAX_LOCAL_LEN {
        return Err(AddressError::LocalPartTooLong(local.len()));
    }
    // A quoted local part ("john doe") may hold almost anything; white space and control
    // characters were refused above already.
    if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        return Ok(());
    }
    if local.split('.').any(str::is_empty) {
        return Err(AddressError::LocalPartDots);
    }
    // RFC 5322 atext, widened to any non-ASCII character for RFC 6531 (SMTPUTF8) addresses.
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";
    if let Some(c) = local
        .chars()
        .find(|c| c.is_ascii() && !c.is_ascii_alphanumeric() && !SPECIALS.contains(*c))
    {
        return Err(AddressError::LocalPartCharacter(c));
    }
    Ok(())
}

/// Returns the domain as lower-case ASCII and as Unicode.
pub(crate) fn normalise_domain(domain: &str) -> Result<(String, String), AddressError> {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.is_empty() {
        return Err(AddressError::EmptyDomain);
    }
    // Length checks come first so the user hears about the label they typed, not about
    // whatever IDNA processing makes of it.
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(AddressError::EmptyLabel);
        }
        let len = label.chars().count();
        if len > MAX_LABEL_LEN {
            return Err(AddressError::LabelTooLong {
                label: shorten(label),
                len,
            });
        }
    }
    let ascii = idna::domain_to_ascii(domain).map_err(|_| AddressError::Idna(domain.to_owned()))?;
    if ascii.len() > MAX_DOMAIN_LEN {
        return Err(AddressError::DomainTooLong(ascii.len()));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(AddressError::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(AddressError::LabelTooLong {
                label: shorten(label),
                len: label.len(),
            });
        }
        let ldh = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ldh || label.starts_with('-') || label.ends_with('-') {
            return Err(AddressError::LabelCharacters(label.to_owned()));
        }
    }
    if !ascii.contains('.') {
        return Err(AddressError::SingleLabel(ascii));
    }
    let (unicode, result) = idna::domain_to_unicode(&ascii);
    let unicode = if result.is_ok() {
        unicode
    } else {
        ascii.clone()
    };
    Ok((ascii, unicode))
}

/// Long labels are cut in messages so that one error stays one line.
fn shorten(label: &str) -> String {
    if label.chars().count() <= 24 {
        label.to_owned()
    } else {
        let head: String = label.chars().take(20).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_address_is_trimmed_and_a_literal_is_named() {
        let a = EmailAddress::parse(" alice@example.com\n").unwrap();
        assert_eq!(a.to_string(), "alice@example.com");
        assert_eq!(
            EmailAddress::parse("alice@[127.0.0.1]"),
            Err(AddressError::AddressLiteral("[127.0.0.1]".into()))
        );
        assert_eq!(
            EmailAddress::parse("al ice@example.com"),
            Err(AddressError::Whitespace)
        );
    }

    #[test]
    fn plain_address_is_accepted_and_domain_lower_cased() {
        let a = EmailAddress::parse("Alice@Example.COM").unwrap();
        assert_eq!(a.local_part(), "Alice");
        assert_eq!(a.domain(), "example.com");
        assert_eq!(a.to_string(), "Alice@example.com");
    }

    #[test]
    fn internationalised_domains_become_punycode() {
        let a = EmailAddress::parse("user@bücher.example").unwrap();
        assert_eq!(a.domain(), "xn--bcher-kva.example");
        assert_eq!(a.domain_unicode(), "bücher.example");

        // A Chinese address and IDN, written as escapes (Chinese text lives in src/text).
        let b = EmailAddress::parse("\u{7528}\u{6237}@\u{4f8b}\u{5b50}.\u{5e7f}\u{544a}").unwrap();
        assert_eq!(b.local_part(), "\u{7528}\u{6237}");
        assert_eq!(b.domain(), "xn--fsqu00a.xn--4rr70v");
        assert_eq!(b.domain_unicode(), "\u{4f8b}\u{5b50}.\u{5e7f}\u{544a}");
    }

    #[test]
    fn trailing_dot_is_dropped() {
        assert_eq!(
            EmailAddress::parse("a@example.com.").unwrap().domain(),
            "example.com"
        );
    }

    #[test]
    fn quoted_local_part_may_hold_specials() {
        assert!(EmailAddress::parse("\"a..b\"@example.com").is_ok());
    }

    #[test]
    fn bad_addresses_are_refused_with_a_reason() {
        let long_label = format!("user@{}.com", "a".repeat(64));
        let cases: &[(&str, AddressError)] = &[
            ("user.example.com", AddressError::MissingAt),
            ("@example.com", AddressError::EmptyLocalPart),
            ("user@", AddressError::EmptyDomain),
            ("us er@example.com", AddressError::Whitespace),
            ("user@exa mple.com", AddressError::Whitespace),
            ("user\u{7}@example.com", AddressError::ControlCharacter(7)),
            ("a@b@example.com", AddressError::SeveralAt),
            ("user@example..com", AddressError::EmptyLabel),
            (".user@example.com", AddressError::LocalPartDots),
            ("us,er@example.com", AddressError::LocalPartCharacter(',')),
            (
                "user@localhost",
                AddressError::SingleLabel("localhost".into()),
            ),
            (
                "user@-bad.com",
                AddressError::LabelCharacters("-bad".into()),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                &EmailAddress::parse(input).unwrap_err(),
                expected,
                "{input}"
            );
        }
        assert!(matches!(
            EmailAddress::parse(&long_label),
            Err(AddressError::LabelTooLong { len: 64, .. })
        ));
    }

    #[test]
    fn sixty_three_character_label_is_fine() {
        let ok = format!("user@{}.com", "a".repeat(63));
        assert!(EmailAddress::parse(&ok).is_ok());
    }

    #[test]
    fn over_long_local_part_is_refused() {
        let input = format!("{}@example.com", "a".repeat(65));
        assert_eq!(
            EmailAddress::parse(&input),
            Err(AddressError::LocalPartTooLong(65))
        );
    }
}
