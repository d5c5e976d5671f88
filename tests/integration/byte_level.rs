//! Exact byte-level cases against in-process fake servers driven by the scripts in
//! `fixtures/transcripts/`: injection after STARTTLS, garbled and endless greetings, another
//! protocol on the port, a silent server, a server without TLS.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use mailcheck::FindingCode;
use mailcheck::report::Report;

use crate::support::process::{mailcheck, run};

/// One step of a script.
enum Step {
    Send(Vec<u8>),
    Expect(String),
    Big(usize),
}

fn script(name: &str) -> Vec<Step> {
    let path = format!(
        "{}/fixtures/transcripts/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            if let Some(rest) = line.strip_prefix("S: ") {
                let mut bytes = unescape(rest);
                bytes.extend_from_slice(b"\r\n");
                Step::Send(bytes)
            } else if let Some(rest) = line.strip_prefix("C: ") {
                Step::Expect(rest.to_owned())
            } else if let Some(n) = line.strip_prefix("BIG: ") {
                Step::Big(n.trim().parse().expect("BIG takes a number"))
            } else {
                panic!("{path}: cannot read {line:?}")
            }
        })
        .collect()
}

/// `\r\n` and `\xNN` escapes.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'\\', Some(b'r')) => {
                out.push(b'\r');
                i += 2;
            }
            (b'\\', Some(b'n')) => {
                out.push(b'\n');
                i += 2;
            }
            (b'\\', Some(b'x')) => {
                let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Serves the script to every connection on a loopback port; returns the address and a log of
/// what the client sent.
fn serve(name: &str, ip: &str) -> (SocketAddr, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind(format!("{ip}:0")).expect("bind a loopback port");
    let addr = listener.local_addr().unwrap();
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = heard.clone();
    let name = name.to_owned();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let steps = script(&name);
            let log = log.clone();
            std::thread::spawn(move || play(stream, &steps, &log));
        }
    });
    (addr, heard)
}

fn play(mut stream: TcpStream, steps: &[Step], log: &std::sync::Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for step in steps {
        match step {
            Step::Send(bytes) => {
                if stream.write_all(bytes).is_err() {
                    return;
                }
            }
            Step::Big(n) => {
                if stream.write_all(&vec![b'A'; *n]).is_err() {
                    return;
                }
            }
            Step::Expect(prefix) => {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                log.lock().unwrap().push(line.trim_end().to_owned());
                if !line.starts_with(prefix.as_str()) {
                    return;
                }
            }
        }
    }
    // Then silence, until the client goes away.
    let mut sink = [0u8; 1024];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {
        log.lock().unwrap().push(
            String::from_utf8_lossy(&sink)
                .trim_end_matches('\0')
                .trim_end()
                .to_owned(),
        );
    }
}

/// Runs mailcheck with one user-typed server and nothing else reachable.
fn check(flag: &str, addr: SocketAddr, mode: &str) -> (Report, Duration) {
    let started = Instant::now();
    let result = run(mailcheck()
        .env("MAILCHECK_PASSWORD", "S3cret-never-sent")
        .args([
            "--json",
            "--timeout",
            "2",
            // Nothing answers DNS or HTTP: only the fake server is there.
            "--dns-server",
            "127.0.0.1:1",
            "--ispdb-url",
            "http://127.0.0.1:1/",
            flag,
            &format!("{}:{}:{mode}", addr.ip(), addr.port()),
            "alice@mailcheck.invalid",
        ]));
    let elapsed = started.elapsed();
    assert!(
        !result.stdout.contains("S3cret-never-sent")
            && !result.stderr.contains("S3cret-never-sent")
    );
    (result.report(), elapsed)
}

fn finding_on(report: &Report, port: u16) -> Vec<FindingCode> {
    report
        .findings
        .iter()
        .filter(|f| f.port == Some(port))
        .map(|f| f.code)
        .collect()
}

#[test]
fn bytes_after_the_starttls_reply_are_flagged_and_nothing_more_is_sent() {
    let (addr, heard) = serve("imap-starttls-injection", "127.0.200.1");
    let (report, _) = check("--imap", addr, "starttls");
    assert_eq!(
        finding_on(&report, addr.port()),
        [FindingCode::StarttlsInjection]
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::StarttlsInjection)
        .unwrap();
    assert!(
        f.evidence
            .as_deref()
            .unwrap()
            .contains("injected before TLS")
    );
    // After STARTTLS the client sent nothing: no TLS ClientHello, no LOGIN.
    let heard = heard.lock().unwrap();
    assert_eq!(
        heard.iter().filter(|l| !l.is_empty()).count(),
        1,
        "{heard:?}"
    );
    assert_eq!(heard[0], "a2 STARTTLS");
}

#[test]
fn starttls_not_offered_is_a_tls_mismatch_and_no_tls_anywhere_is_plaintext_only() {
    let (addr, heard) = serve("imap-starttls-not-offered", "127.0.200.2");
    let (report, _) = check("--imap", addr, "starttls");
    let codes = finding_on(&report, addr.port());
    assert!(codes.contains(&FindingCode::TlsMismatch), "{codes:?}");
    assert!(codes.contains(&FindingCode::PlaintextOnly), "{codes:?}");
    assert!(
        heard.lock().unwrap().iter().all(|l| !l.contains("LOGIN ")),
        "no login in plaintext"
    );
}

#[test]
fn garbled_greeting_is_wrong_port() {
    let (addr, _) = serve("imap-garbled-greeting", "127.0.200.3");
    let (report, _) = check("--imap", addr, "starttls");
    assert_eq!(finding_on(&report, addr.port()), [FindingCode::WrongPort]);
}

#[test]
fn another_protocol_on_the_port_is_named() {
    let (addr, _) = serve("imap-pop3-answers", "127.0.200.4");
    let (report, _) = check("--imap", addr, "starttls");
    let f = report
        .findings
        .iter()
        .find(|f| f.port == Some(addr.port()))
        .unwrap();
    assert_eq!(f.code, FindingCode::WrongPort);
    assert!(f.message.contains("POP3 instead of IMAP"), "{}", f.message);
}

#[test]
fn an_endless_greeting_line_is_refused_without_hanging() {
    let (addr, _) = serve("smtp-huge-greeting", "127.0.200.5");
    let (report, elapsed) = check("--smtp", addr, "starttls");
    assert!(
        !finding_on(&report, addr.port()).is_empty(),
        "{:?}",
        report.findings
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.port == Some(addr.port()))
        .unwrap();
    assert!(
        f.evidence
            .as_deref()
            .unwrap_or_default()
            .contains("longer than"),
        "{:?}",
        f.evidence
    );
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

#[test]
fn a_silent_server_is_a_timeout_within_one_limit() {
    let (addr, _) = serve("imap-silent", "127.0.200.6");
    let (report, elapsed) = check("--imap", addr, "tls");
    assert_eq!(finding_on(&report, addr.port()), [FindingCode::Timeout]);
    assert!(elapsed < Duration::from_secs(12), "{elapsed:?}");
}

#[test]
fn a_server_without_tls_is_plaintext_only_and_gets_no_password() {
    let (addr, heard) = serve("pop3-plaintext-only", "127.0.200.7");
    let (report, _) = check("--pop3", addr, "plain");
    assert!(
        finding_on(&report, addr.port()).contains(&FindingCode::PlaintextOnly),
        "{:?}",
        report.findings
    );
    let server = report
        .servers
        .iter()
        .find(|s| s.port == addr.port())
        .unwrap();
    assert_eq!(server.login, "not_tested");
    assert!(
        heard
            .lock()
            .unwrap()
            .iter()
            .all(|l| !l.starts_with("PASS") && !l.starts_with("USER"))
    );
}
