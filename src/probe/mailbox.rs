//! What a mailbox that a login opened holds and allows, read without changing anything: the
//! IMAP folders (LIST) and their special-use roles (RFC 6154), the quota (RFC 9208
//! GETQUOTAROOT), IDLE; the POP3 drop's size (STAT) and UIDL; the SMTP message size limit
//! (RFC 1870 SIZE) before and after AUTH. Facts only, no judgement: `diagnose` judges them.
//!
//! Everything here is parsing, so that the protocols' files only talk; each reply is bounded
//! where it is read (`imap::list`, [`MAX_FOLDERS_KEPT`], [`LIST_BUDGET`]).

/// Folders whose names are kept (the rest are counted).
pub const MAX_FOLDERS_KEPT: usize = 200;
/// Folder names with a problem that are kept (the rest are counted).
pub const MAX_PROBLEM_FOLDERS: usize = 20;
/// Bytes the LIST reply may take beyond what the connection is allowed anyway; a listing that
/// needs more is cut off there and said to be incomplete.
pub const LIST_BUDGET: usize = 1024 * 1024;
/// Lines one LIST reply may have, whatever their length.
pub const MAX_LIST_LINES: usize = 100_000;
/// A folder name longer than this (characters, the whole path) fails some clients (Exchange
/// and Outlook keep 255, Windows paths 260).
pub const LONG_NAME: usize = 255;

/// What a logged-in session showed of the mailbox, per protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailboxFacts {
    Imap(ImapMailbox),
    Pop3(Pop3Mailbox),
    Smtp(SmtpLimits),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImapMailbox {
    /// IDLE (RFC 2177) among the capabilities after login: the client is told of new mail.
    pub idle: bool,
    pub quota: QuotaCheck,
    /// `None`: LIST failed or was refused.
    pub folders: Option<Folders>,
}

/// What `GETQUOTAROOT INBOX` showed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum QuotaCheck {
    /// No QUOTA capability: the server says nothing of a quota (there may still be one).
    #[default]
    NotOffered,
    /// The server refused the command (its reply).
    Refused(String),
    /// The reply did not come (the failure, as text).
    Failed(String),
    /// The resources of INBOX's quota roots; empty: no limit.
    Roots(Vec<QuotaResource>),
}

/// One resource of a quota root (`STORAGE 95 100`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaResource {
    pub root: String,
    /// Upper-case, as the server names it: `STORAGE` (in units of 1024 octets), `MESSAGE`, …
    pub resource: String,
    pub usage: u64,
    pub limit: u64,
}

impl QuotaResource {
    /// How full, in whole percent (rounded down); a limit of 0 is full.
    pub fn percent(&self) -> u64 {
        if self.limit == 0 {
            return 100;
        }
        (u128::from(self.usage) * 100 / u128::from(self.limit)) as u64
    }

    /// Usage and limit in bytes, for STORAGE (its unit is 1024 octets, RFC 9208 §5.1).
    pub fn bytes(&self) -> Option<(u64, u64)> {
        (self.resource == "STORAGE").then(|| {
            (
                self.usage.saturating_mul(1024),
                self.limit.saturating_mul(1024),
            )
        })
    }
}

/// The folders a LIST showed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folders {
    /// Every folder seen (all of them when `complete`).
    pub count: usize,
    /// False when the listing was cut off ([`LIST_BUDGET`], [`MAX_LIST_LINES`], the time).
    pub complete: bool,
    /// The hierarchy separator the server named (of the first folder).
    pub separator: Option<char>,
    /// The first [`MAX_FOLDERS_KEPT`] folders' names, decoded.
    pub names: Vec<String>,
    /// The folder each role goes to, by special-use attribute or else by a well-known name.
    pub roles: Vec<RoleFolder>,
    /// Folders whose names some clients fail on, the first [`MAX_PROBLEM_FOLDERS`].
    pub problems: Vec<ProblemFolder>,
    /// How many folders have such a name in all.
    pub problem_count: usize,
}

/// The special uses a client needs a folder for (RFC 6154).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Sent,
        Role::Drafts,
        Role::Trash,
        Role::Junk,
        Role::Archive,
    ];
    /// The roles every client uses: a missing one is said.
    pub const NEEDED: [Role; 3] = [Role::Sent, Role::Drafts, Role::Trash];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sent => "sent",
            Role::Drafts => "drafts",
            Role::Trash => "trash",
            Role::Junk => "junk",
            Role::Archive => "archive",
        }
    }

    fn attribute(self) -> &'static str {
        match self {
            Role::Sent => "\\SENT",
            Role::Drafts => "\\DRAFTS",
            Role::Trash => "\\TRASH",
            Role::Junk => "\\JUNK",
            Role::Archive => "\\ARCHIVE",
        }
    }

    /// Names clients fall back to without special-use attributes (lower-case, the last
    /// component): Thunderbird's, Apple Mail's, Outlook's, and the Chinese providers'.
    fn known_names(self) -> &'static [&'static str] {
        match self {
            Role::Sent => &[
                "sent",
                "sent messages",
                "sent items",
                "sent mail",
                "已发送",
                "已发送邮件",
            ],
            Role::Drafts => &["drafts", "draft", "草稿箱", "草稿"],
            Role::Trash => &[
                "trash",
                "deleted messages",
                "deleted items",
                "bin",
                "已删除",
                "已删除邮件",
            ],
            Role::Junk => &["junk", "spam", "junk e-mail", "垃圾邮件", "垃圾箱"],
            Role::Archive => &["archive", "archives", "归档"],
        }
    }
}

/// The folder a role goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleFolder {
    pub role: Role,
    pub name: String,
    /// True: the server marked it (special-use); false: a client would guess it by its name.
    pub special_use: bool,
}

/// A folder name that some clients fail on, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemFolder {
    /// The name decoded (as a person sees it).
    pub name: String,
    /// The name as the server sent it (modified UTF-7).
    pub raw: String,
    pub problems: Vec<NameProblem>,
}

/// What is wrong with a folder name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameProblem {
    /// A space other than the ASCII one (U+3000 full-width, U+00A0 no-break, …), or an ASCII
    /// space at the start or end of a component.
    UnusualSpace(char),
    /// A control character or an invisible one (zero-width, bidi control, soft hyphen, BOM).
    Invisible(char),
    /// Not valid modified UTF-7 (RFC 3501 §5.1.3): raw 8-bit characters, or a broken `&…-`.
    InvalidUtf7,
    /// A character that other servers and clients take for a hierarchy separator (`/`, `\`,
    /// `.`) inside a component, or an empty component.
    SeparatorInName(char),
    /// Longer than [`LONG_NAME`] characters.
    TooLong(usize),
}

impl NameProblem {
    pub fn as_str(&self) -> &'static str {
        match self {
            NameProblem::UnusualSpace(_) => "unusual_space",
            NameProblem::Invisible(_) => "invisible_character",
            NameProblem::InvalidUtf7 => "invalid_modified_utf7",
            NameProblem::SeparatorInName(_) => "separator_in_name",
            NameProblem::TooLong(_) => "too_long",
        }
    }

    /// The character concerned, as `U+3000`.
    pub fn character(&self) -> Option<String> {
        match self {
            NameProblem::UnusualSpace(c)
            | NameProblem::Invisible(c)
            | NameProblem::SeparatorInName(c) => Some(format!("U+{:04X}", u32::from(*c))),
            _ => None,
        }
    }
}

/// POP3's side: the drop's size and UIDL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pop3Mailbox {
    /// `STAT`: messages and octets; `None` when refused or unreadable.
    pub stat: Option<(u64, u64)>,
    /// UIDL (RFC 1939 §7): in CAPA, or answered; `None`: not known (no CAPA, no message).
    pub uidl: Option<bool>,
}

/// SMTP's side: what EHLO announces before and after AUTH.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmtpLimits {
    /// SIZE before AUTH: `None` not announced, `Some(None)` announced without a limit.
    pub size_before: Option<Option<u64>>,
    /// Whether EHLO after AUTH was answered.
    pub asked_after_auth: bool,
    /// SIZE after AUTH, as `size_before`.
    pub size_after: Option<Option<u64>>,
    /// Keywords announced after AUTH and not before (upper-case, the keyword alone).
    pub after_auth_only: Vec<String>,
}

impl SmtpLimits {
    /// The limit that applies to the logged-in client: as announced after AUTH, else before.
    pub fn limit(&self) -> Option<u64> {
        if self.asked_after_auth {
            self.size_after.flatten()
        } else {
            self.size_before.flatten()
        }
    }
}

/// The SIZE keyword of an EHLO list: `None` absent, `Some(None)` without a (non-zero) number.
pub fn ehlo_size(keywords: &[String]) -> Option<Option<u64>> {
    keywords.iter().find_map(|k| {
        let mut words = k.split_whitespace();
        let first = words.next()?;
        first.eq_ignore_ascii_case("SIZE").then(|| {
            words
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .filter(|n| *n > 0)
        })
    })
}

/// EHLO keywords (the first word, upper-case) in `after` and not in `before`.
pub fn new_keywords(before: &[String], after: &[String]) -> Vec<String> {
    let keyword = |k: &String| {
        k.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase()
    };
    let known: Vec<String> = before.iter().map(keyword).collect();
    let mut new: Vec<String> = Vec::new();
    for k in after.iter().map(keyword) {
        if !k.is_empty() && !known.contains(&k) && !new.contains(&k) {
            new.push(k);
        }
    }
    new
}

/// `+OK 3 12345` → (3, 12345).
pub fn parse_stat(line: &str) -> Option<(u64, u64)> {
    let mut words = line.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("+OK") {
        return None;
    }
    Some((words.next()?.parse().ok()?, words.next()?.parse().ok()?))
}

/// The capabilities in a tagged reply's `[CAPABILITY …]` code (Dovecot's login reply).
pub fn reply_capabilities(text: &str) -> Option<Vec<String>> {
    super::imap::greeting_capabilities(text)
}

/// Reads IMAP strings and lists from one line of untagged data.
struct Reader<'a> {
    rest: &'a str,
}

impl<'a> Reader<'a> {
    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start_matches(' ');
    }

    /// A quoted string, `NIL`, or an atom; `None` at the end or on a literal.
    fn astring(&mut self) -> Option<Option<String>> {
        self.skip_spaces();
        if let Some(quoted) = self.rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => out.push(chars.next()?.1),
                    '"' => {
                        self.rest = &quoted[i + 1..];
                        return Some(Some(out));
                    }
                    c => out.push(c),
                }
            }
            return None;
        }
        if self.rest.starts_with('{') || self.rest.is_empty() {
            return None;
        }
        let end = self.rest.find([' ', '(', ')']).unwrap_or(self.rest.len());
        let atom = &self.rest[..end];
        self.rest = &self.rest[end..];
        Some((!atom.eq_ignore_ascii_case("NIL")).then(|| atom.to_owned()))
    }

    /// A parenthesised list of atoms (flags), flat.
    fn list(&mut self) -> Option<Vec<String>> {
        self.skip_spaces();
        let inner = self.rest.strip_prefix('(')?;
        let end = inner.find(')')?;
        self.rest = &inner[end + 1..];
        Some(inner[..end].split_whitespace().map(str::to_owned).collect())
    }
}

/// One `* LIST (attributes) "sep" name` line: attributes, separator, raw name. A name sent as
/// a literal (`{n}`) is `Err(n)`: it follows on the next line.
pub fn parse_list_line(line: &str) -> Option<ListEntry> {
    let rest = strip_ci(line, "* LIST ").or_else(|| strip_ci(line, "* XLIST "))?;
    let mut r = Reader { rest };
    let attributes = r.list()?;
    let separator = r.astring()?.and_then(|s| s.chars().next());
    r.skip_spaces();
    if let Some(size) = r.rest.strip_prefix('{') {
        let n = size
            .trim_end_matches('}')
            .trim_end_matches('+')
            .parse()
            .ok()?;
        return Some((attributes, separator, Err(n)));
    }
    let name = r.astring()??;
    Some((attributes, separator, Ok(name)))
}

/// A LIST entry: attributes, separator, and the name or the size of the literal it follows in.
pub type ListEntry = (Vec<String>, Option<char>, Result<String, usize>);

fn strip_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    line.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        .then(|| &line[prefix.len()..])
}

/// `* QUOTA root (STORAGE 95 100 MESSAGE 5 1000)` → its resources.
pub fn parse_quota_line(line: &str) -> Option<Vec<QuotaResource>> {
    let rest = strip_ci(line, "* QUOTA ")?;
    let mut r = Reader { rest };
    let root = r.astring()?.unwrap_or_default();
    let items = r.list()?;
    let mut out = Vec::new();
    for triple in items.chunks(3) {
        if let [resource, usage, limit] = triple {
            out.push(QuotaResource {
                root: root.clone(),
                resource: resource.to_ascii_uppercase(),
                usage: usage.parse().ok()?,
                limit: limit.parse().ok()?,
            });
        }
    }
    Some(out)
}

/// Decodes a modified UTF-7 name (RFC 3501 §5.1.3); `None` when it is not valid: a character
/// outside printable ASCII, a `&` shift that is not closed by `-`, base64 outside the
/// alphabet, bits left over, a shift that encodes printable ASCII, or two shifts in a row.
pub fn decode_utf7(raw: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    let mut after_shift = false;
    while let Some(c) = chars.next() {
        if !(' '..='~').contains(&c) {
            return None;
        }
        if c != '&' {
            out.push(c);
            after_shift = false;
            continue;
        }
        let mut encoded = String::new();
        loop {
            match chars.next()? {
                '-' => break,
                c if c.is_ascii_alphanumeric() || c == '+' || c == ',' => encoded.push(c),
                _ => return None,
            }
        }
        if encoded.is_empty() {
            out.push('&');
            after_shift = false;
            continue;
        }
        // "&AGE-&AGI-" must be one shift (RFC 3501: never two in a row).
        if after_shift {
            return None;
        }
        let units = base64_utf16(&encoded)?;
        let decoded = String::from_utf16(&units).ok()?;
        if decoded.chars().any(|c| (' '..='~').contains(&c)) {
            return None;
        }
        out.push_str(&decoded);
        after_shift = true;
    }
    Some(out)
}

/// Modified base64 (`,` for `/`, no padding) to UTF-16 code units; leftover bits must be 0.
fn base64_utf16(encoded: &str) -> Option<Vec<u16>> {
    let value = |c: char| -> Option<u32> {
        Some(match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' => 62,
            ',' => 63,
            _ => return None,
        })
    };
    let (mut bits, mut acc, mut bytes) = (0u32, 0u32, Vec::new());
    for c in encoded.chars() {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if acc != 0 || bits >= 6 || bytes.len() % 2 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .collect(),
    )
}

/// Spaces that look like one and are not the ASCII space.
fn is_unusual_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Control characters and characters that show nothing.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// What is wrong with a folder name (`raw` as sent, `separator` the server's): the name as a
/// person sees it, and its problems (empty: a name every client takes).
pub fn name_problems(raw: &str, separator: Option<char>) -> (String, Vec<NameProblem>) {
    let mut problems = Vec::new();
    let name = match decode_utf7(raw) {
        Some(name) => name,
        None => {
            problems.push(NameProblem::InvalidUtf7);
            raw.to_owned()
        }
    };
    let mut push = |p: NameProblem| {
        if !problems.contains(&p) {
            problems.push(p);
        }
    };
    for c in name.chars() {
        if is_unusual_space(c) {
            push(NameProblem::UnusualSpace(c));
        } else if is_invisible(c) {
            push(NameProblem::Invisible(c));
        }
    }
    let components: Vec<&str> = match separator {
        Some(sep) => name.split(sep).collect(),
        None => vec![name.as_str()],
    };
    for component in &components {
        if component.starts_with(' ') || component.ends_with(' ') {
            push(NameProblem::UnusualSpace(' '));
        }
        if component.is_empty() && components.len() > 1 {
            push(NameProblem::SeparatorInName(separator.unwrap_or('/')));
        }
        for other in ['/', '\\'] {
            if Some(other) != separator && component.contains(other) {
                push(NameProblem::SeparatorInName(other));
            }
        }
    }
    let length = name.chars().count();
    if length > LONG_NAME {
        push(NameProblem::TooLong(length));
    }
    (name, problems)
}

/// A name the clients take, for a folder with problems: unusual spaces as ASCII spaces,
/// invisible characters removed, separators in components as `-`, trimmed, at most
/// [`LONG_NAME`] characters.
pub fn suggested_name(name: &str, separator: Option<char>) -> String {
    let components: Vec<String> = match separator {
        Some(sep) => name.split(sep).map(str::to_owned).collect(),
        None => vec![name.to_owned()],
    };
    let cleaned: Vec<String> = components
        .iter()
        .map(|c| {
            let mapped: String = c
                .chars()
                .filter(|c| !is_invisible(*c))
                .map(|c| match c {
                    c if is_unusual_space(c) => ' ',
                    '/' | '\\' if Some(c) != separator => '-',
                    c => c,
                })
                .collect();
            mapped.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .filter(|c| !c.is_empty())
        .collect();
    let sep = separator.map(String::from).unwrap_or_default();
    cleaned.join(&sep).chars().take(LONG_NAME).collect()
}

/// Builds [`Folders`] one LIST entry at a time.
#[derive(Default)]
pub struct FolderTally {
    folders: Folders,
    by_name: Vec<(Role, String)>,
}

impl FolderTally {
    pub fn add(&mut self, attributes: &[String], separator: Option<char>, raw: &str) {
        let f = &mut self.folders;
        f.count += 1;
        if f.count == 1 {
            f.separator = separator;
        }
        let (name, problems) = name_problems(raw, separator);
        let upper: Vec<String> = attributes.iter().map(|a| a.to_ascii_uppercase()).collect();
        let selectable = !upper
            .iter()
            .any(|a| a == "\\NOSELECT" || a == "\\NONEXISTENT");
        for role in Role::ALL {
            if upper.iter().any(|a| a == role.attribute())
                && !f.roles.iter().any(|r| r.role == role && r.special_use)
            {
                f.roles.retain(|r| r.role != role);
                f.roles.push(RoleFolder {
                    role,
                    name: name.clone(),
                    special_use: true,
                });
            }
            let last = match separator {
                Some(sep) => name.rsplit(sep).next().unwrap_or(&name),
                None => &name,
            }
            .to_lowercase();
            if selectable
                && role.known_names().contains(&last.as_str())
                && !self.by_name.iter().any(|(r, _)| *r == role)
            {
                self.by_name.push((role, name.clone()));
            }
        }
        if !problems.is_empty() {
            f.problem_count += 1;
            if f.problems.len() < MAX_PROBLEM_FOLDERS {
                f.problems.push(ProblemFolder {
                    name: name.clone(),
                    raw: raw.to_owned(),
                    problems,
                });
            }
        }
        if f.names.len() < MAX_FOLDERS_KEPT {
            f.names.push(name);
        }
    }

    /// The folders, `complete` or cut off; roles no attribute names go to a well-known name.
    pub fn finish(mut self, complete: bool) -> Folders {
        for (role, name) in self.by_name {
            if !self.folders.roles.iter().any(|r| r.role == role) {
                self.folders.roles.push(RoleFolder {
                    role,
                    name,
                    special_use: false,
                });
            }
        }
        self.folders.roles.sort_by_key(|r| r.role);
        self.folders.complete = complete;
        self.folders
    }
}

impl Folders {
    /// The needed roles no folder has; none when the listing was cut off (the rest may hold
    /// them).
    pub fn missing_roles(&self) -> Vec<Role> {
        if !self.complete {
            return Vec::new();
        }
        Role::NEEDED
            .into_iter()
            .filter(|role| !self.roles.iter().any(|r| r.role == *role))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_utf7_decodes_and_refuses_what_is_not_it() {
        assert_eq!(decode_utf7("INBOX").as_deref(), Some("INBOX"));
        assert_eq!(
            decode_utf7("Projects&MAA-2026").as_deref(),
            Some("Projects\u{3000}2026")
        );
        assert_eq!(decode_utf7("&XfJT0ZAB-").as_deref(), Some("已发送"));
        assert_eq!(decode_utf7("Tom &- Jerry").as_deref(), Some("Tom & Jerry"));
        // RFC 3501's example: ~peter/mail/台北/日本語.
        assert_eq!(
            decode_utf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-").as_deref(),
            Some("~peter/mail/台北/日本語")
        );
        for bad in [
            "已发送",
            "&XfJT0ZAB",
            "&Jjo!",
            "&AGE-",
            "&U,BTFw-&ZeVnLIqe-",
            "a\u{7f}b",
        ] {
            assert_eq!(decode_utf7(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_that_break_clients_are_found_and_others_are_not() {
        let problems = |raw: &str| name_problems(raw, Some('/')).1;
        assert!(problems("INBOX").is_empty());
        assert!(problems("Archive/2024").is_empty());
        assert!(problems("&XfJT0ZAB-").is_empty());
        assert_eq!(
            problems("Projects&MAA-2026"),
            [NameProblem::UnusualSpace('\u{3000}')]
        );
        assert_eq!(problems("A&AKA-B"), [NameProblem::UnusualSpace('\u{a0}')]);
        assert_eq!(
            problems("Zero&IAs-Width"),
            [NameProblem::Invisible('\u{200b}')]
        );
        assert_eq!(problems("已发送"), [NameProblem::InvalidUtf7]);
        assert_eq!(problems("Trailing "), [NameProblem::UnusualSpace(' ')]);
        assert_eq!(
            name_problems("Invoices/2024", Some('.')).1,
            [NameProblem::SeparatorInName('/')]
        );
        assert_eq!(problems("a//b"), [NameProblem::SeparatorInName('/')]);
        let long = "x".repeat(LONG_NAME + 1);
        assert_eq!(problems(&long), [NameProblem::TooLong(LONG_NAME + 1)]);
        assert_eq!(
            NameProblem::UnusualSpace('\u{3000}').character().unwrap(),
            "U+3000"
        );
    }

    #[test]
    fn a_suggested_name_is_one_without_problems() {
        for (name, sep) in [
            ("Projects\u{3000}2026", Some('/')),
            ("Zero\u{200b}Width ", Some('/')),
            ("Invoices/2024", Some('.')),
        ] {
            let new = suggested_name(name, sep);
            let raw = new.clone();
            assert!(name_problems(&raw, sep).1.is_empty(), "{new:?}");
        }
        assert_eq!(
            suggested_name("Projects\u{3000}2026", Some('/')),
            "Projects 2026"
        );
    }

    #[test]
    fn list_lines_are_read_with_their_attributes_separator_and_name() {
        let (attrs, sep, name) =
            parse_list_line(r#"* LIST (\HasNoChildren \Sent) "/" "Sent Messages""#).unwrap();
        assert_eq!(attrs, ["\\HasNoChildren", "\\Sent"]);
        assert_eq!((sep, name.unwrap().as_str()), (Some('/'), "Sent Messages"));
        let (_, sep, name) = parse_list_line("* LIST () NIL INBOX").unwrap();
        assert_eq!((sep, name.unwrap().as_str()), (None, "INBOX"));
        let (_, _, name) = parse_list_line(r#"* list (\Noselect) "." "a \"b\" \\c""#).unwrap();
        assert_eq!(name.unwrap(), r#"a "b" \c"#);
        assert_eq!(
            parse_list_line(r#"* LIST (\Sent) "/" {12}"#),
            Some((vec!["\\Sent".to_owned()], Some('/'), Err(12)))
        );
        assert_eq!(parse_list_line("* OK nothing"), None);
        assert_eq!(parse_list_line("* LIST (unclosed"), None);
    }

    #[test]
    fn quota_lines_give_usage_and_limit() {
        let r =
            parse_quota_line(r#"* QUOTA "User quota" (STORAGE 95 100 MESSAGE 5 1000)"#).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(
            (
                r[0].root.as_str(),
                r[0].resource.as_str(),
                r[0].usage,
                r[0].limit
            ),
            ("User quota", "STORAGE", 95, 100)
        );
        assert_eq!(r[0].percent(), 95);
        assert_eq!(r[0].bytes(), Some((95 * 1024, 100 * 1024)));
        assert_eq!(r[1].bytes(), None);
        assert_eq!(
            parse_quota_line("* QUOTA \"\" (STORAGE 12 10)").unwrap()[0].percent(),
            120
        );
        assert_eq!(parse_quota_line("* QUOTA x (STORAGE a b)"), None);
        assert_eq!(parse_quota_line("* QUOTAROOT INBOX x"), None);
    }

    #[test]
    fn roles_come_from_special_use_then_from_names() {
        let mut tally = FolderTally::default();
        tally.add(&["\\HasNoChildren".into()], Some('/'), "INBOX");
        tally.add(&[], Some('/'), "Sent");
        tally.add(&["\\Sent".into()], Some('/'), "Sent Messages");
        tally.add(&[], Some('/'), "&g0l6Pw-");
        tally.add(&["\\Noselect".into()], Some('/'), "Trash");
        let folders = tally.finish(true);
        assert_eq!(folders.count, 5);
        let roles: Vec<(Role, &str, bool)> = folders
            .roles
            .iter()
            .map(|r| (r.role, r.name.as_str(), r.special_use))
            .collect();
        assert_eq!(
            roles,
            [
                (Role::Sent, "Sent Messages", true),
                (Role::Drafts, "草稿", false)
            ]
        );
        assert_eq!(folders.missing_roles(), [Role::Trash]);
    }

    #[test]
    fn ehlo_size_and_keywords_after_auth() {
        let kw = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ehlo_size(&kw(&["PIPELINING", "SIZE 52428800"])),
            Some(Some(52_428_800))
        );
        assert_eq!(ehlo_size(&kw(&["SIZE"])), Some(None));
        assert_eq!(ehlo_size(&kw(&["SIZE 0"])), Some(None));
        assert_eq!(ehlo_size(&kw(&["8BITMIME"])), None);
        assert_eq!(
            new_keywords(
                &kw(&["SIZE 1", "AUTH PLAIN"]),
                &kw(&["SIZE 2", "AUTH PLAIN", "BINARYMIME", "X-RCPTLIMIT 100"])
            ),
            ["BINARYMIME", "X-RCPTLIMIT"]
        );
        assert_eq!(parse_stat("+OK 3 12345"), Some((3, 12345)));
        assert_eq!(parse_stat("-ERR no"), None);
    }
}
