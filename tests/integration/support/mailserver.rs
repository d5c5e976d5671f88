//! Fake IMAP, POP3 and SMTP servers in process (tokio, TLS with tokio-rustls), each playing a
//! script of `fixtures/transcripts/` to every connection and logging what the client said.
//!
//! A script is a list of steps (see `fixtures/transcripts/README.md`): send a line (at once,
//! or a byte at a time), read a line the client must start with a prefix, send an endless line
//! or a flood of lines, wait, close or reset the connection, answer a ClientHello with an
//! alert, or do the TLS handshake now (at the start for implicit TLS, after the STARTTLS reply
//! for the upgrade). After `TLS` every line is read and written through TLS.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use super::World;
use super::ca::ServerCert;

/// One step of a script.
#[derive(Clone, Debug)]
pub enum Step {
    Send(Vec<u8>),
    /// The bytes one at a time, this long apart.
    Slow(Duration, Vec<u8>),
    Expect(String),
    /// This many bytes of the text over and over, without a line ending.
    Big(usize, Vec<u8>),
    /// This many copies of the line.
    Lines(usize, Vec<u8>),
    Wait(Duration),
    /// Closes the connection (FIN).
    Close,
    /// Reads what the client sends next, then resets the connection (RST).
    Reset,
    /// Reads what the client sends next (a ClientHello), then answers with a fatal TLS alert
    /// and closes.
    TlsAlert,
    Tls,
}

/// How long `RESET` and `TLS-ALERT` wait for the client's bytes.
const READ_WAIT: Duration = Duration::from_secs(1);
/// A fatal TLS alert record: handshake_failure (RFC 8446 §6).
const HANDSHAKE_FAILURE_ALERT: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];
/// How much of `BIG` and `LINES` is written at once: a flood must not fill the test's heap.
const FLOOD_CHUNK: usize = 64 * 1024;

/// The steps of `fixtures/transcripts/<name>.txt`.
pub fn script(name: &str) -> Vec<Step> {
    script_file(
        &super::fixtures()
            .join("transcripts")
            .join(format!("{name}.txt")),
    )
}

/// The steps of the transcript at `path`.
pub fn script_file(path: &Path) -> Vec<Step> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            if let Some(rest) = line.strip_prefix("S: ") {
                Step::Send(crlf(unescape(rest)))
            } else if let Some(rest) = line.strip_prefix("GBK: ") {
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(rest);
                assert!(!unmappable, "{}: {rest:?} is not GBK", path.display());
                Step::Send(crlf(bytes.into_owned()))
            } else if let Some(rest) = line.strip_prefix("PART: ") {
                Step::Send(unescape(rest))
            } else if let Some(rest) = line.strip_prefix("C: ") {
                Step::Expect(rest.to_owned())
            } else if line.trim_end() == "C:" {
                Step::Expect(String::new())
            } else if let Some(rest) = line.strip_prefix("SLOW: ") {
                let (ms, text) = count_and_text(rest, "SLOW");
                Step::Slow(Duration::from_millis(ms as u64), crlf(unescape(text)))
            } else if let Some(rest) = line.strip_prefix("BIG: ") {
                let (n, text) = count_and_text(rest, "BIG");
                let text = if text.is_empty() {
                    b"A".to_vec()
                } else {
                    unescape(text)
                };
                Step::Big(n, text)
            } else if let Some(rest) = line.strip_prefix("LINES: ") {
                let (n, text) = count_and_text(rest, "LINES");
                Step::Lines(n, crlf(unescape(text)))
            } else if let Some(ms) = line.strip_prefix("WAIT: ") {
                Step::Wait(Duration::from_millis(
                    ms.trim().parse().expect("WAIT takes ms"),
                ))
            } else if line.trim_end() == "CLOSE" {
                Step::Close
            } else if line.trim_end() == "RESET" {
                Step::Reset
            } else if line.trim_end() == "TLS-ALERT" {
                Step::TlsAlert
            } else if line.trim_end() == "TLS" {
                Step::Tls
            } else {
                panic!("{}: cannot read {line:?}", path.display())
            }
        })
        .collect()
}

/// `n text`: a number, then the rest of the line (which may be empty).
fn count_and_text<'a>(rest: &'a str, step: &str) -> (usize, &'a str) {
    let (n, text) = rest.split_once(' ').unwrap_or((rest, ""));
    let n = n
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{step} takes a number first: {rest:?}"));
    (n, text)
}

fn crlf(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.extend_from_slice(b"\r\n");
    bytes
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

/// A running fake server. Its log holds every line the client sent, and events as `-- …`
/// (`-- TLS established`, `-- TLS failed: …`, `-- connection`).
pub struct MailServer {
    /// Each line with the number of the connection it came on (connections may overlap).
    log: Arc<Mutex<Vec<(usize, String)>>>,
    /// Connections still being played.
    open: Arc<AtomicUsize>,
}

impl MailServer {
    /// Plays `steps` to every connection `listener` accepts, presenting `cert` at its `TLS`
    /// steps; must be called inside the tokio runtime that is to run it.
    pub fn start(listener: TcpListener, steps: Vec<Step>, cert: Option<&ServerCert>) -> MailServer {
        let steps = Arc::new(steps);
        let acceptor = cert.map(|c| TlsAcceptor::from(c.server_config(&[])));
        let log = Arc::new(Mutex::new(Vec::new()));
        let open = Arc::new(AtomicUsize::new(0));
        let (shared, counter) = (Arc::clone(&log), Arc::clone(&open));
        tokio::spawn(async move {
            let mut accepted = 0;
            while let Ok((tcp, _)) = listener.accept().await {
                let steps = Arc::clone(&steps);
                let acceptor = acceptor.clone();
                let log = Arc::clone(&shared);
                let open = Arc::clone(&counter);
                open.fetch_add(1, Ordering::SeqCst);
                accepted += 1;
                let connection = accepted;
                tokio::spawn(async move {
                    let note = |line: String| log.lock().unwrap().push((connection, line));
                    play(tcp, &steps, acceptor, note).await;
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        MailServer { log, open }
    }

    /// What each connection heard and saw, in the order they were accepted. Asked after the
    /// client has gone, so it first lets every connection see the end of its stream and log
    /// its last event (bounded, in case a client is still connected).
    pub fn connections(&self) -> Vec<Vec<String>> {
        let mut connections: Vec<Vec<String>> = Vec::new();
        for (connection, line) in self.tagged_log() {
            if connections.len() < connection {
                connections.resize(connection, Vec::new());
            }
            connections[connection - 1].push(line);
        }
        connections
    }

    fn tagged_log(&self) -> Vec<(usize, String)> {
        let started = Instant::now();
        while self.open.load(Ordering::SeqCst) > 0 && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.log.lock().unwrap().clone()
    }

    /// Panics when a line that carries `password` (in the clear, in base64, or as a password
    /// command) came on a connection before its TLS handshake.
    pub fn assert_password_only_over_tls(&self, password: &str) {
        for log in self.connections() {
            let tls = log.iter().position(|l| l == "-- TLS established");
            let before_tls = &log[..tls.unwrap_or(log.len())];
            if let Some(line) = before_tls.iter().find(|l| carries_password(l, password)) {
                panic!("{line:?} before TLS: {log:?}");
            }
        }
    }
}

impl MailServer {
    /// Panics when any connection heard a command that logs in (a run without a password must
    /// not make one, as a server could count it as a failed login).
    pub fn assert_no_login_command(&self) {
        for log in self.connections() {
            if let Some(line) = log.iter().find(|l| is_password_command(l)) {
                panic!("{line:?} without a password: {log:?}");
            }
        }
    }
}

/// The commands that carry a password, or the user name that goes with one.
const PASSWORD_COMMANDS: [&str; 5] = ["LOGIN ", "AUTHENTICATE", "PASS ", "AUTH ", "USER "];

/// `line` is a password command, or holds `password` as it is or inside a base64 word
/// (SASL PLAIN and LOGIN).
fn carries_password(line: &str, password: &str) -> bool {
    use base64::Engine as _;
    let command = is_password_command(line);
    let encoded = line.split_whitespace().any(|word| {
        base64::engine::general_purpose::STANDARD
            .decode(word)
            .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(password))
    });
    command || line.contains(password) || encoded
}

/// `line` is a command that logs in (or names the user to log in as).
fn is_password_command(line: &str) -> bool {
    let upper = line.to_ascii_uppercase();
    PASSWORD_COMMANDS
        .iter()
        .any(|c| upper.starts_with(c) || upper.contains(&format!(" {c}")))
}

impl World {
    /// Starts a fake server on `port` of this world's address playing `script_name`, without
    /// TLS (the cases with certificates are scenarios: `tests/scenarios/`).
    pub fn mail_server(&self, port: u16, script_name: &str) -> MailServer {
        let runtime = self.runtime.as_ref().expect("the world is running");
        let listener = runtime
            .block_on(TcpListener::bind((self.ip, port)))
            .unwrap_or_else(|e| panic!("bind {}:{port}: {e}", self.ip));
        let _running = runtime.enter();
        MailServer::start(listener, script(script_name), Some(&self.cert))
    }
}

/// `tcp`, and another handle on the same socket.
fn two_handles(tcp: TcpStream) -> (TcpStream, TcpStream) {
    let std = tcp.into_std().expect("a socket");
    let other = std.try_clone().expect("a second handle");
    (
        TcpStream::from_std(std).expect("back to tokio"),
        TcpStream::from_std(other).expect("back to tokio"),
    )
}

/// Writes `total` bytes of `chunk` over and over; the client stops reading long before.
async fn flood(
    stream: &mut (impl AsyncWrite + Unpin),
    chunk: &[u8],
    total: usize,
) -> std::io::Result<()> {
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk.len());
        stream.write_all(&chunk[..n]).await?;
        left -= n;
    }
    stream.flush().await
}

/// Reads what the client sends next (waiting a little for it), and drops it.
async fn read_some(stream: &mut (impl AsyncRead + Unpin)) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(READ_WAIT, stream.read(&mut buf)).await;
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

async fn play(
    tcp: TcpStream,
    steps: &[Step],
    acceptor: Option<TlsAcceptor>,
    note: impl Fn(String),
) {
    note("-- connection".into());
    // A second handle on the socket, to reset it whatever layers the stream has by then.
    let (tcp, handle) = two_handles(tcp);
    let mut stream: BufReader<Box<dyn Io>> = BufReader::new(Box::new(tcp));
    for step in steps {
        match step {
            Step::Send(bytes) => {
                if stream.write_all(bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
            Step::Slow(delay, bytes) => {
                for byte in bytes {
                    tokio::time::sleep(*delay).await;
                    if stream.write_all(&[*byte]).await.is_err() || stream.flush().await.is_err() {
                        return;
                    }
                }
            }
            Step::Big(n, text) => {
                let chunk: Vec<u8> = text.iter().copied().cycle().take(FLOOD_CHUNK).collect();
                if flood(&mut stream, &chunk, *n).await.is_err() {
                    return;
                }
            }
            Step::Lines(n, line) => {
                let per_chunk = (FLOOD_CHUNK / line.len().max(1)).max(1);
                let chunk = line.repeat(per_chunk);
                if flood(&mut stream, &chunk, n * line.len()).await.is_err() {
                    return;
                }
            }
            Step::Wait(delay) => tokio::time::sleep(*delay).await,
            Step::Close => {
                note("-- closed".into());
                return;
            }
            Step::Reset => {
                read_some(&mut stream).await;
                note("-- reset".into());
                let _ = handle.set_zero_linger();
                return;
            }
            Step::TlsAlert => {
                read_some(&mut stream).await;
                note("-- TLS alert sent".into());
                let _ = stream.write_all(&HANDSHAKE_FAILURE_ALERT).await;
                let _ = stream.flush().await;
                return;
            }
            Step::Expect(prefix) => {
                let mut line = Vec::new();
                if stream.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let line = String::from_utf8_lossy(&line).trim_end().to_owned();
                note(line.clone());
                if !line.starts_with(prefix.as_str()) {
                    return;
                }
            }
            Step::Tls => {
                let acceptor = acceptor
                    .clone()
                    .expect("a script with TLS needs a certificate");
                // A client that pipelined past STARTTLS would have its bytes here: say so.
                if !stream.buffer().is_empty() {
                    note(format!(
                        "-- pipelined before TLS: {}",
                        String::from_utf8_lossy(stream.buffer())
                    ));
                }
                let raw = stream.into_inner();
                match acceptor.accept(raw).await {
                    Ok(tls) => {
                        note("-- TLS established".into());
                        stream = BufReader::new(Box::new(tls));
                    }
                    Err(e) => {
                        note(format!("-- TLS failed: {e}"));
                        return;
                    }
                }
            }
        }
    }
    // Then silence, until the client goes away.
    let mut sink = [0u8; 4096];
    loop {
        match stream.read(&mut sink).await {
            Ok(n) if n > 0 => {
                for line in String::from_utf8_lossy(&sink[..n]).lines() {
                    note(line.trim_end().to_owned());
                }
            }
            _ => return,
        }
    }
}
