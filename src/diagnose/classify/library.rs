//! What libraries print when a connection fails (OpenSSL, rustls, Go, Java, .NET, Python, Node.js,
//! PHP, curl): not a server's refusal but the reason there was none. The phrases are in
//! `library.txt`, whose header describes its format.

use std::sync::LazyLock;

use crate::finding::FindingCode;

/// One list of `library.txt`: the causes it names and its phrases.
#[derive(Debug)]
struct Failure {
    causes: Vec<FindingCode>,
    phrases: Vec<String>,
}

/// Parsed once; the unit test below proves the file parses.
static FAILURES: LazyLock<Vec<Failure>> = LazyLock::new(|| {
    parse(include_str!("library.txt")).unwrap_or_else(|e| panic!("library.txt: {e}"))
});

fn parse(text: &str) -> Result<Vec<Failure>, String> {
    let mut failures: Vec<Failure> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let header = line
            .strip_prefix('[')
            .and_then(|l| l.strip_suffix(']'))
            .filter(|inside| inside.split(' ').all(|w| w.parse::<FindingCode>().is_ok()));
        if let Some(inside) = header {
            let causes = inside
                .split(' ')
                .map(|w| w.parse::<FindingCode>())
                .collect::<Result<Vec<_>, _>>()?;
            failures.push(Failure {
                causes,
                phrases: Vec::new(),
            });
        } else if line != line.to_lowercase() {
            return Err(format!("line {}: {line:?} is not lower-case", n + 1));
        } else if let Some(failure) = failures.last_mut() {
            failure.phrases.push(line.to_owned());
        } else {
            return Err(format!("line {}: a phrase before the first [list]", n + 1));
        }
    }
    if let Some(empty) = failures.iter().find(|f| f.phrases.is_empty()) {
        return Err(format!("{:?} has no phrase", empty.causes));
    }
    Ok(failures)
}

/// MailKit prints the same list of "possible reasons" under every handshake failure; the inner
/// exception after it (`--->`) is what happened.
const BOILERPLATE: [&str; 3] = [
    "one possibility is that you are trying to connect to a port",
    "this usually means that the ssl certificate presented by the server",
    "the other possibility is that the ssl certificate",
];

/// The causes a library's error text names, most likely first, with the phrase that decided;
/// `None` when the text is no library's connection failure. `lower` is lower-cased.
pub(super) fn failure(lower: &str) -> Option<(Vec<FindingCode>, &'static str)> {
    let mut text = lower.to_owned();
    for start in BOILERPLATE {
        if let Some(at) = text.find(start) {
            let end = text[at..].find("--->").map_or(text.len(), |e| at + e);
            text.replace_range(at..end, " ");
        }
    }
    FAILURES.iter().find_map(|failure| {
        let phrase = failure.phrases.iter().find(|p| text.contains(p.as_str()))?;
        Some((failure.causes.clone(), phrase.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_file_parses() {
        let failures = parse(include_str!("library.txt")).unwrap();
        assert!(failures.len() >= 8);
        assert!(parse("wrong version number").is_err());
        assert!(parse("[tls_mismatch]\nWrong Version").is_err());
        assert!(parse("[tls_mismatch]\n[timeout]\nx").is_err());
    }

    #[test]
    fn mailkit_boilerplate_does_not_decide() {
        let text = "an error occurred while attempting to establish an ssl or tls connection.\n\none possibility is that you are trying to connect to a port which does not support ssl/tls.\n\nthe other possibility is that the ssl certificate presented by the server is not trusted by the system for one or more of the following reasons:\n1. the server is using a self-signed certificate which cannot be verified. ---> system.io.ioexception: the handshake failed due to an unexpected packet format.";
        let (causes, _) = failure(text).unwrap();
        assert_eq!(causes[0], FindingCode::TlsMismatch);
        let (causes, _) = failure("error: self-signed certificate in certificate chain").unwrap();
        assert_eq!(causes[0], FindingCode::CertUntrusted);
        assert!(failure("535 5.7.8 authentication failed").is_none());
    }
}
