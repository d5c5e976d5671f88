//! The classifier against the table of real replies in `fixtures/replies/classifier.tsv`, and its
//! invariants on any input.

use std::path::Path;

use super::*;
use crate::clientconfig;
use crate::discover::provider_db::ProviderDb;
use crate::finding::{FindingCode, Stage};
use crate::net::decode::reply_text as decode_reply;

use FindingCode::{AppPasswordRequired, ImapDisabled, Pop3Disabled};
use Protocol::{Imap, Pop3, Smtp};
use Stage::{AfterLogin, Greeting, Login};

/// A file of `fixtures/replies/`, whose README describes them.
fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/replies")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The providers of `providers.xml`, with reply patterns as in `providers/` (which these tests
/// do not depend on).
pub(super) fn db() -> ProviderDb {
    ProviderDb {
        providers: clientconfig::parse(&fixture("providers.xml"))
            .unwrap()
            .providers,
        broken: Vec::new(),
    }
}

/// A text as the fixtures write it: `\r`, `\n`, `\t` and `\\` as in Rust, `\xNN` one raw byte,
/// the rest UTF-8 as it stands.
fn unescape(field: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(field.len());
    let mut rest = field;
    while let Some(at) = rest.find('\\') {
        bytes.extend_from_slice(&rest.as_bytes()[..at]);
        let escape = &rest[at + 1..];
        let (byte, len) = match escape.as_bytes().first() {
            Some(b'r') => (b'\r', 1),
            Some(b'n') => (b'\n', 1),
            Some(b't') => (b'\t', 1),
            Some(b'\\') => (b'\\', 1),
            Some(b'x') => match escape.get(1..3).map(|hex| u8::from_str_radix(hex, 16)) {
                Some(Ok(byte)) => (byte, 3),
                _ => panic!("{field:?}: \\x wants two hex digits"),
            },
            _ => panic!("{field:?}: unknown escape"),
        };
        bytes.push(byte);
        rest = &escape[len..];
    }
    bytes.extend_from_slice(rest.as_bytes());
    bytes
}

/// A text of `samples.tsv`, as bytes.
fn sample(name: &str) -> Vec<u8> {
    let samples = fixture("samples.tsv");
    let text = samples
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix('\t'))
        .unwrap_or_else(|| panic!("samples.tsv has no {name}"));
    unescape(text)
}

fn sample_text(name: &str) -> String {
    String::from_utf8(sample(name)).expect("a UTF-8 sample")
}

/// One reply of `classifier.tsv` and what the classifier must make of it.
struct Row {
    /// Where it stands in the file, for the failure message.
    line: usize,
    reply: Vec<u8>,
    protocol: Option<Protocol>,
    stage: Option<Stage>,
    provider: Option<String>,
    /// The causes expected to lead the list, the first being the code; empty: unknown.
    expected: Vec<FindingCode>,
    /// The start of the deciding rule's name.
    rule: String,
}

impl Row {
    fn parse(line: usize, text: &str) -> Result<Row, String> {
        let columns: Vec<&str> = text.split('\t').collect();
        let [reply, protocol, stage, provider, causes, rule] = columns[..] else {
            return Err(format!("{} columns, not 6", columns.len()));
        };
        fn given(column: &str) -> Option<&str> {
            (column != "-").then_some(column)
        }
        Ok(Row {
            line,
            reply: unescape(reply),
            protocol: given(protocol).map(str::parse).transpose()?,
            stage: given(stage).map(parse_stage).transpose()?,
            provider: given(provider).map(str::to_owned),
            expected: given(causes).map_or(Ok(Vec::new()), |codes| {
                codes.split(' ').map(str::parse).collect()
            })?,
            rule: rule.to_owned(),
        })
    }
}

fn parse_stage(name: &str) -> Result<Stage, String> {
    match name {
        "greeting" => Ok(Greeting),
        "login" => Ok(Login),
        "after_login" => Ok(AfterLogin),
        _ => Err(format!("unknown stage {name:?}")),
    }
}

fn rows() -> Vec<Row> {
    let table = fixture("classifier.tsv");
    table
        .lines()
        .enumerate()
        .map(|(n, text)| (n + 1, text))
        .filter(|(_, text)| !text.starts_with('#') && !text.trim().is_empty())
        .map(|(line, text)| {
            Row::parse(line, text).unwrap_or_else(|e| panic!("classifier.tsv:{line}: {e}"))
        })
        .collect()
}

#[test]
fn table_of_real_replies() {
    let db = db();
    let rows = rows();
    assert!(rows.len() >= 60, "{} rows", rows.len());
    let mut failures = Vec::new();
    for Row {
        line,
        reply,
        protocol,
        stage,
        provider,
        expected,
        rule,
    } in &rows
    {
        let text = decode_reply(reply);
        let provider = provider
            .as_deref()
            .map(|id| db.get(id).expect("test provider"));
        let c = classify(*protocol, *stage, &text, provider);
        let ok = c.code == expected.first().copied()
            && c.possible_causes.starts_with(expected)
            && (!expected.is_empty() || c.possible_causes.is_empty())
            && c.rule.starts_with(rule.as_str());
        if !ok {
            failures.push(format!(
                "classifier.tsv:{line}: {text:?} ({protocol:?}, {stage:?})\n   expected {expected:?} by {rule:?}\n   got      {:?} by {:?}",
                c.possible_causes, c.rule
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// One row of `corpus.tsv`: a reply or library error as a user pasted it, and the cause its
/// thread established.
struct CorpusRow {
    line: usize,
    reply: Vec<u8>,
    protocol: Option<Protocol>,
    stage: Option<Stage>,
    /// A mail domain, as `explain --provider` takes it.
    provider: Option<String>,
    expected: FindingCode,
    source: String,
}

fn corpus() -> Vec<CorpusRow> {
    let table = fixture("corpus.tsv");
    let mut rows = Vec::new();
    for (n, text) in table.lines().enumerate() {
        if text.starts_with('#') || text.trim().is_empty() {
            continue;
        }
        let line = n + 1;
        let columns: Vec<&str> = text.split('\t').collect();
        let [reply, protocol, stage, provider, expected, source, note] = columns[..] else {
            panic!("corpus.tsv:{line}: {} columns, not 7", columns.len());
        };
        let given = |c: &str| (c != "-").then(|| c.to_owned());
        assert!(!source.is_empty() && !note.is_empty(), "corpus.tsv:{line}");
        rows.push(CorpusRow {
            line,
            reply: unescape(reply),
            protocol: given(protocol).map(|p| p.parse().unwrap()),
            stage: given(stage).map(|s| parse_stage(&s).unwrap()),
            provider: given(provider),
            expected: expected
                .parse()
                .unwrap_or_else(|e| panic!("corpus.tsv:{line}: {e}")),
            source: source.to_owned(),
        });
    }
    rows
}

/// The corpus of real replies: at least 95% right (the code, or the second possible cause),
/// the accuracy and every miss printed (`cargo nextest run --lib corpus --no-capture`).
#[test]
fn corpus_of_real_replies() {
    let rows = corpus();
    assert!(rows.len() >= 300, "{} rows", rows.len());
    let mut misses = Vec::new();
    for row in &rows {
        let text = decode_reply(&row.reply);
        let provider = row.provider.as_deref().and_then(provider_for);
        let c = classify(row.protocol, row.stage, &text, provider);
        let right = c.code == Some(row.expected) || c.possible_causes.get(1) == Some(&row.expected);
        if !right {
            misses.push(format!(
                "corpus.tsv:{} ({}): expected {}, got {:?} by {:?}",
                row.line, row.source, row.expected, c.possible_causes, c.rule
            ));
        }
    }
    let right = rows.len() - misses.len();
    let accuracy = right as f64 * 100.0 / rows.len() as f64;
    println!(
        "corpus: {right} of {} right ({accuracy:.1}%), {} misses",
        rows.len(),
        misses.len()
    );
    for miss in &misses {
        println!("  {miss}");
    }
    assert!(
        accuracy >= 95.0,
        "{accuracy:.1}% < 95%:\n{}",
        misses.join("\n")
    );
}

#[test]
fn alert_text_is_kept_as_is() {
    let c = classify(
        Some(Imap),
        Some(Login),
        "* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)\r\na1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
        None,
    );
    assert_eq!(
        c.alert.as_deref(),
        Some(
            "Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)"
        )
    );
    let c = classify(
        Some(Imap),
        Some(Login),
        "* OK [ALERT] Mailbox is 95% full",
        None,
    );
    assert_eq!(c.alert.as_deref(), Some("Mailbox is 95% full"));
    assert!(c.is_unknown());
    assert_eq!(c.code_str(), "unknown");
}

#[test]
fn provider_patterns_respect_their_protocol() {
    let db = db();
    let qq = db.get("qq");
    // The SMTP-only pattern does not apply to an IMAP reply with the same words.
    let c = classify(
        Some(Imap),
        Some(Login),
        "a1 NO Please enter your authorization code to login",
        qq,
    );
    assert!(c.rule.starts_with("wording"), "{}", c.rule);
    assert_eq!(c.possible_causes[..2], [AppPasswordRequired, ImapDisabled]);
    // Without a protocol, the shape of the reply decides (`-ERR` is POP3).
    let c = classify(
        None,
        Some(Login),
        "-ERR Login fail. service is not open",
        qq,
    );
    assert_eq!(c.possible_causes[..2], [AppPasswordRequired, Pop3Disabled]);
    assert!(c.rule.starts_with("provider qq"), "{}", c.rule);
}

#[test]
fn gbk_and_utf8_decoding() {
    let qq_gbk = sample("qq_gbk");
    assert_eq!(decode_reply(&qq_gbk), sample_text("qq_gbk_as_text"));
    assert!(std::str::from_utf8(std::hint::black_box(&qq_gbk)).is_err());
    // Chinese encoded as UTF-8 and cut inside the last character stays UTF-8.
    let utf8 = sample("qq_utf8");
    let cut = &utf8[..utf8.len() - 1];
    assert!(decode_reply(cut).starts_with(&sample_text("qq_utf8_without_last_word")));
    assert_eq!(decode_reply(b""), "");
    assert_eq!(decode_reply(b"\xff\xfe\xfd"), decode_reply(b"\xff\xfe\xfd"));
}

#[test]
fn decode_reply_is_identity_on_utf8() {
    let chinese = sample_text("qq_utf8_sentence");
    let samples = [
        "",
        "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
        chinese.as_str(),
        "Mot de passe erroné — ünïcödé 🙂",
        "\0\u{1}\u{7f}\u{80}\u{ffff}\u{10ffff}",
    ];
    for s in samples {
        assert_eq!(decode_reply(s.as_bytes()), s);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..500 {
        let len = (rng.next() % 64) as usize;
        let s: String = (0..len).map(|_| rng.char()).collect();
        assert_eq!(decode_reply(s.as_bytes()), s);
    }
}

/// xorshift64*: enough randomness for garbage input, with no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn char(&mut self) -> char {
        loop {
            let range = match self.next() % 4 {
                0 => 0x80,
                1 => 0x800,
                2 => 0x1_0000,
                _ => 0x11_0000,
            };
            if let Some(c) = char::from_u32((self.next() % range) as u32) {
                return c;
            }
        }
    }
}

fn check_invariants(c: &Classification) {
    assert_eq!(c.code, c.possible_causes.first().copied(), "{c:?}");
    let mut seen = Vec::new();
    for code in &c.possible_causes {
        assert!(!seen.contains(code), "repeated cause in {c:?}");
        seen.push(*code);
    }
    assert!(!c.rule.is_empty());
}

/// Every protocol, stage and provider (`thorough`), or a few of them (for big inputs, each
/// classification of which costs milliseconds in a debug build).
fn classify_everywhere(bytes: &[u8], db: &ProviderDb, thorough: bool) {
    let text = decode_reply(bytes);
    let (protocols, stages): (&[_], &[_]) = if thorough {
        (
            &[None, Some(Imap), Some(Pop3), Some(Smtp)],
            &[Some(Greeting), Some(Login), Some(AfterLogin), None],
        )
    } else {
        (&[None, Some(Smtp)], &[Some(Login), None])
    };
    for &protocol in protocols {
        for &stage in stages {
            for provider in [None, db.get("qq"), db.get("163")] {
                check_invariants(&classify(protocol, stage, &text, provider));
            }
        }
    }
}

#[test]
fn never_panics_on_garbage() {
    let db = db();
    let auth_code = sample("auth_code");
    let mut rng = Rng(42);
    let pieces: [&[u8]; 16] = [
        b"[",
        b"]",
        b"[ALERT]",
        b"535-",
        b"5.7.",
        b"139",
        b"* NO ",
        b"-ERR [",
        b"\r\n",
        b"\0",
        b"\xff",
        b"\xc7\xeb",
        &auth_code,
        b"(535, b'",
        b"[CAPABILITY ",
        b" ",
    ];
    for _ in 0..200 {
        let len = (rng.next() % 120) as usize;
        let mut bytes = Vec::with_capacity(len * 4);
        for _ in 0..len {
            if rng.next().is_multiple_of(2) {
                bytes.push(rng.next() as u8);
            } else {
                bytes.extend_from_slice(pieces[(rng.next() % 16) as usize]);
            }
        }
        classify_everywhere(&bytes, &db, true);
    }
}

#[test]
fn never_panics_on_huge_or_odd_input() {
    let db = db();
    let mut huge = b"535 5.7.8 ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    classify_everywhere(&huge, &db, false);
    // A multi-byte character across the read limit.
    let mut cut = "a".repeat(MAX_REPLY_BYTES - 1).into_bytes();
    cut.extend(sample_text("auth_code").repeat(10).as_bytes());
    classify_everywhere(&cut, &db, false);
    let brackets = "[".repeat(100_000) + &"]".repeat(100_000);
    classify_everywhere(brackets.as_bytes(), &db, false);
    let alerts = "* NO [ALERT]\n".repeat(50_000);
    classify_everywhere(alerts.as_bytes(), &db, false);
    classify_everywhere(&[0u8; 4096], &db, false);
    classify_everywhere(&[0xffu8; 4096], &db, false);
    classify_everywhere(b"\0* NO [AUTHENTICATIONFAILED]\0", &db, false);
    // Only the first MAX_REPLY_BYTES are read.
    let mut late = "x".repeat(2 * MAX_REPLY_BYTES);
    late.push_str("\n535 5.7.8 authentication failed");
    assert!(classify(None, None, &late, None).is_unknown());
}

#[test]
fn every_table_row_holds_the_invariants() {
    let db = db();
    for row in rows() {
        classify_everywhere(&row.reply, &db, true);
    }
}
