//! What the fuzz targets check. Each function takes the fuzzer's bytes, feeds them to one part
//! of mailcheck and asserts what must hold for every input; a panic, here or in mailcheck, is a
//! finding. The targets in `fuzz_targets/` are one call each, and the main test suite includes
//! this file (`tests/integration/fuzz_regressions.rs`) to replay `fuzz/regressions/` with the
//! same checks, which is why it uses nothing but `mailcheck`, `tokio` and `std`.

use std::future::Future;

use mailcheck::clientconfig;
use mailcheck::diagnose::classify::{self, Classification};
use mailcheck::discover::provider_db::ProviderDb;
use mailcheck::finding::{FindingCode, Stage};
use mailcheck::net::decode::reply_text;
use mailcheck::probe::fuzzing::{self, Dialogue, Listed};
use mailcheck::probe::transport::{Direction, MAX_LINE};
use mailcheck::probe::{Capabilities, Reply, identify, imap, pop3, smtp};
use mailcheck::{EmailAddress, Protocol};

/// `EmailAddress::parse` on any text (bytes that are not UTF-8 as the lossy reading a terminal
/// would give), and `explain --provider`'s lookup, which takes any text too. An accepted
/// address must be one: its parts within RFC 5321/1035 limits, the domain lower-case LDH
/// labels, and accepted again as the same address when written out.
pub fn address(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let _ = classify::provider_for(&input);
    let Ok(address) = EmailAddress::parse(&input) else {
        return;
    };
    let (local, domain) = (address.local_part(), address.domain());
    assert!(
        !local.is_empty() && local.len() <= 64,
        "local part {local:?}"
    );
    assert!(
        domain.len() <= 253 && domain.contains('.'),
        "domain {domain:?}"
    );
    for label in domain.split('.') {
        assert!(
            (1..=63).contains(&label.len()),
            "label {label:?} of {domain:?}"
        );
        assert!(
            label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-'),
            "label {label:?} of {domain:?}"
        );
    }
    let written = address.to_string();
    assert_eq!(written, format!("{local}@{domain}"));
    assert_eq!(
        EmailAddress::parse(&written).as_ref(),
        Ok(&address),
        "{input:?} was accepted as {written:?}, which is not"
    );
}

/// The config-v1.1 reader on any text. A document read must have a provider and servers with
/// host names and real ports, and what is read is bounded by the document: nothing in it may
/// multiply what the document says (the bound is loose enough for escaping and the warnings'
/// own words). Every server's settings, filled in for an address, have a valid host name.
pub fn clientconfig(data: &[u8]) {
    let xml = String::from_utf8_lossy(data);
    let Ok(config) = clientconfig::parse(&xml) else {
        return;
    };
    assert!(!config.providers.is_empty());
    let read = format!("{config:?}").len();
    assert!(
        read <= 32 * xml.len() + 4096,
        "{} bytes of XML read as {read} bytes",
        xml.len()
    );
    let alice = EmailAddress::parse("alice@example.test").expect("a valid address");
    for server in config
        .providers
        .iter()
        .flat_map(|p| p.incoming.iter().chain(&p.outgoing))
    {
        assert!(!server.hostname.is_empty());
        assert_ne!(server.port, Some(0));
        if let Some(settings) = server.settings_for(&alice) {
            let host = EmailAddress::parse(&format!("postmaster@{}", settings.host));
            assert_eq!(
                host.as_ref().map(EmailAddress::domain),
                Ok(settings.host.as_str()),
                "host {:?} from {:?}",
                settings.host,
                server.hostname
            );
            assert_ne!(settings.port, 0);
        }
    }
}

/// A server reply as the probes decode it and as `explain` reads it, classified at every
/// protocol and stage (none known, too), with no provider or the bundled provider the first
/// byte picks. Decoding keeps UTF-8 as it is and makes at most one character of each byte; a
/// classification's code is its first cause, no cause is repeated, and a reply to no
/// credentials or to accepted ones never blames them.
pub fn classify(data: &[u8]) {
    let Some((&selector, reply)) = data.split_first() else {
        return;
    };
    let text = reply_text(reply);
    if let Ok(utf8) = std::str::from_utf8(reply) {
        assert_eq!(text, utf8);
    }
    assert!(text.chars().count() <= reply.len());
    let providers = &ProviderDb::bundled().providers;
    let provider = match usize::from(selector) {
        0 => None,
        n => providers.get((n - 1) % providers.len().max(1)),
    };
    for protocol in [
        None,
        Some(Protocol::Imap),
        Some(Protocol::Pop3),
        Some(Protocol::Smtp),
    ] {
        for stage in [
            None,
            Some(Stage::Greeting),
            Some(Stage::Login),
            Some(Stage::AfterLogin),
        ] {
            let class = classify::classify(protocol, stage, &text, provider);
            check_classification(&class, stage, &text);
        }
    }
}

fn check_classification(class: &Classification, stage: Option<Stage>, text: &str) {
    let causes = &class.possible_causes;
    assert_eq!(class.code, causes.first().copied(), "{class:?}");
    for (i, cause) in causes.iter().enumerate() {
        assert!(
            !causes[..i].contains(cause),
            "{cause:?} repeated: {class:?}"
        );
    }
    if matches!(stage, Some(Stage::Greeting | Stage::AfterLogin)) {
        assert!(
            !causes.contains(&FindingCode::BadCredentials),
            "{stage:?}: {class:?}"
        );
    }
    assert!(!class.rule.is_empty());
    // The alert is quoted from the reply as the classifier read it (a garbled Chinese reply
    // decoded again), which is the reply itself when nothing needed repair.
    if let Some(alert) = &class.alert {
        assert!(
            !alert.is_empty() && classify::as_read(text).contains(alert.as_str()),
            "{class:?}"
        );
    }
}

/// An IMAP server that sends these bytes: see [`server`].
pub fn imap(data: &[u8]) {
    server(Protocol::Imap, data);
    let text = reply_text(&data[data.len().min(1)..]);
    let words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    let caps = imap::parse_capabilities(&words);
    assert_eq!(caps.raw, words);
    assert!(caps.auth.len() <= words.len());
    for line in text.lines() {
        if let Some(listed) = imap::greeting_capabilities(line) {
            assert!(listed.len() <= line.len());
            assert!(listed.iter().all(|w| line.contains(w.as_str())), "{line:?}");
        }
    }
}

/// A POP3 server that sends these bytes: see [`server`].
pub fn pop3(data: &[u8]) {
    server(Protocol::Pop3, data);
    let lines = lines(data);
    let caps = pop3::parse_capabilities(&lines);
    assert_eq!(caps.raw, lines);
    // Decoding makes at most one character of each byte.
    let listed: usize = caps.auth.iter().map(|m| m.chars().count()).sum();
    assert!(listed <= data.len(), "{listed} characters of mechanisms");
}

/// An SMTP server that sends these bytes: see [`server`].
pub fn smtp(data: &[u8]) {
    server(Protocol::Smtp, data);
    let lines = lines(data);
    let caps = smtp::parse_capabilities(&lines);
    assert_eq!(caps.raw, lines);
    for (i, mechanism) in caps.auth.iter().enumerate() {
        assert!(
            !caps.auth[..i].contains(mechanism),
            "{mechanism} repeated: {caps:?}"
        );
    }
    if caps.password_login {
        assert!(caps.auth.iter().any(|m| m == "PLAIN" || m == "LOGIN"));
    }
}

/// The server's text (after the first byte, which [`server`] takes), line by line.
fn lines(data: &[u8]) -> Vec<String> {
    reply_text(&data[data.len().min(1)..])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A probe's whole dialogue with a server whose every byte after the first comes from the
/// fuzzer; the first byte is how many bytes each read gets at least (0: as many as the reader
/// asks for), since a reply split across reads is where line reading goes wrong. The greeting is
/// also named by `identify`. The checks: no line longer than [`MAX_LINE`] and no more lines
/// than the server sent get through, the password never reaches the transcript, capability
/// lists and replies are no larger than what the server sent, mechanisms are upper-case.
fn server(protocol: Protocol, data: &[u8]) {
    let Some((&chunk, server)) = data.split_first() else {
        return;
    };
    let chunk = match chunk {
        0 => usize::MAX,
        // Conn searches its whole buffer after every read, so a long reply in tiny reads costs
        // time quadratic in its length (bounded by MAX_LINE); splits are where line reading
        // goes wrong, and short inputs try every one of them.
        n => usize::from(n).max(server.len() / 128),
    };
    let dialogue = block_on(fuzzing::dialogue(protocol, server, chunk));
    check_dialogue(&dialogue, server);
}

fn check_dialogue(d: &Dialogue, server: &[u8]) {
    let said = server.iter().filter(|&&b| b == b'\n').count() + 1;
    let heard: Vec<&str> = d
        .transcript
        .iter()
        .filter(|l| l.direction == Direction::Server)
        .map(|l| l.text.as_str())
        .collect();
    assert!(heard.len() <= said, "{} lines heard of {said}", heard.len());
    for line in &heard {
        // Decoding makes at most one character of each byte.
        let chars = line.chars().count();
        assert!(
            chars <= MAX_LINE,
            "a line of {chars} characters got through"
        );
    }
    // mailcheck never writes the password itself. A server that sends it is masked once the
    // password is known to the connection (at login), as a probe does; a greeting that holds
    // it before then cannot be told from one that happens to hold the same word.
    let server_sent_it = server
        .windows(fuzzing::PASSWORD.len())
        .any(|w| w == fuzzing::PASSWORD.as_bytes());
    for line in &d.transcript {
        if line.direction != Direction::Server || !server_sent_it {
            assert!(!line.text.contains(fuzzing::PASSWORD), "{line:?}");
        }
    }
    let bounded = |text: &str| text.chars().count() <= 2 * server.len();
    if let Ok(greeting) = &d.greeting {
        assert!(bounded(greeting));
        assert_eq!(d.identified, identify(greeting));
    }
    for listed in [&d.before_starttls, &d.capabilities] {
        check_listed(listed, server);
    }
    let replies = [&d.starttls, &d.login]
        .into_iter()
        .filter_map(|r| r.as_ref().ok())
        .chain(d.after_login.as_ref().ok().and_then(Option::as_ref));
    for Reply { text, .. } in replies {
        assert!(bounded(text), "a reply of {} bytes", text.len());
    }
}

fn check_listed(listed: &Listed, server: &[u8]) {
    let Ok((caps, refusal)) = listed else {
        return;
    };
    let Capabilities { raw, auth, .. } = caps;
    assert!(raw.len() <= server.len() && auth.len() <= server.len());
    assert!(raw.iter().map(String::len).sum::<usize>() <= 3 * server.len());
    for mechanism in auth {
        assert_eq!(mechanism, &mechanism.to_ascii_uppercase());
    }
    if let Some(refusal) = refusal {
        assert!(refusal.chars().count() <= 2 * server.len());
    }
}

/// Runs the dialogue on a runtime kept for the thread: the fuzzer calls this millions of times.
fn block_on<F: Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime");
    }
    RUNTIME.with(|runtime| runtime.block_on(future))
}
