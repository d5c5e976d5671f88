//! The connection under a probe: TCP (to a host's addresses the Happy Eyeballs way), optional
//! TLS, bounded reads (line length, lines per reply, bytes per connection), every reply under
//! one time limit however slowly it trickles, and a transcript with credentials removed.

use zeroize::Zeroizing;

use crate::progress::Progress;
use crate::secret::Password;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::tls::Recorded;
use crate::net::connect::Connector;

/// Longest reply line accepted; a server sending more is hostile or broken.
pub const MAX_LINE: usize = 16 * 1024;
/// Most lines in one multi-line reply (CAPA, EHLO, IMAP untagged data).
pub const MAX_LINES: usize = 512;
/// Most bytes one connection may receive in all: a probe's whole dialogue is a few kilobytes,
/// so whatever a server sends, a probe holds little of it.
pub const MAX_RECEIVED: usize = 256 * 1024;
/// Most lines a transcript keeps; the rest are counted in one last note.
pub const MAX_TRANSCRIPT_LINES: usize = 400;
/// How much of a reply that is not the protocol's is kept as evidence.
const MALFORMED_SHOWN: usize = 200;

/// Why a step of the dialogue failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IoFailure {
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The reply had begun, but was not complete within the limit.
    #[error("the reply was not complete within {0:?}")]
    SlowReply(Duration),
    #[error("the server closed the connection")]
    Closed,
    #[error("the server reset the connection")]
    Reset,
    #[error("a reply line longer than {MAX_LINE} bytes")]
    LineTooLong,
    #[error("a reply of more than {MAX_LINES} lines")]
    TooManyLines,
    #[error("more than {MAX_RECEIVED} bytes from the server")]
    TooMuchData,
    /// A reply that is not the protocol's; the text is (the start of) the line.
    #[error("a reply that is not the protocol's: {0}")]
    Malformed(String),
    #[error("{0}")]
    Io(String),
}

impl IoFailure {
    /// A socket's error as the failure of a step.
    fn from_io(e: &std::io::Error) -> Self {
        use std::io::ErrorKind::*;
        match e.kind() {
            ConnectionReset | ConnectionAborted | BrokenPipe => IoFailure::Reset,
            UnexpectedEof => IoFailure::Closed,
            _ => IoFailure::Io(e.to_string()),
        }
    }

    /// A reply `line` that the protocol cannot read, kept short for the evidence.
    pub fn malformed(line: &str) -> Self {
        let mut shown: String = line.chars().take(MALFORMED_SHOWN).collect();
        if shown.len() < line.len() {
            shown.push('…');
        }
        IoFailure::Malformed(shown)
    }
}

/// Who said a line of the transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Direction {
    Client,
    Server,
    /// mailcheck's own remark (connected, TLS established, why the dialogue stopped): data,
    /// worded by `text` in the report's language; the line's `text` is empty.
    Note(Remark),
}

/// What mailcheck remarks in a dialogue, beside what was said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remark {
    /// The TCP connection is up, to this address.
    Connected(SocketAddr),
    /// TLS is up, in this version. `rejected`: what is wrong with the certificate; the probe
    /// goes on to learn what the server offers, and no password is sent.
    TlsEstablished {
        version: String,
        rejected: Option<CertRejected>,
    },
    /// This many more lines were not kept ([`MAX_TRANSCRIPT_LINES`]).
    NotKept(usize),
    /// Why the dialogue stopped before its goodbye.
    Stopped(Ending),
}

/// Why a certificate is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertRejected {
    /// Expired, or not valid yet.
    Expired,
    NameMismatch,
    Untrusted,
}

/// Why a probe's dialogue stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The host name did not resolve, or its lookup failed.
    NotResolved,
    /// The connection was refused.
    ConnectRefused,
    /// The connection attempts got no answer within the limit.
    ConnectNoAnswer(Duration),
    /// The connection failed otherwise (the error).
    ConnectFailed(String),
    /// No reply within the limit.
    NoReply(Duration),
    /// A reply began but was not complete within the limit.
    ReplyIncomplete(Duration),
    ClosedByServer,
    ResetByServer,
    /// A line, a reply or the whole dialogue longer than mailcheck reads.
    TooMuch,
    /// A reply that is not this protocol's (another protocol, not mail at all, garbage).
    NotTheProtocol,
    /// The TLS handshake failed (the reason, as the TLS library says it).
    TlsFailed(String),
    /// TLS was expected; the server answered in plaintext.
    PlaintextNotTls,
    /// Plaintext was expected; the server answered in TLS.
    TlsNotPlaintext,
    StarttlsNotOffered,
    StarttlsRefused,
    /// Bytes after the STARTTLS reply, before TLS: possibly injected.
    Injection,
    /// The server turned the client away (its greeting, or its reply to EHLO).
    Refused,
    /// The whole probe ran out of time.
    ProbeTooSlow(Duration),
    /// Another failure of the connection (the error).
    Failed(String),
}

impl Ending {
    /// How a failed read or write ends a dialogue.
    pub fn of(failure: &IoFailure) -> Self {
        match failure {
            IoFailure::Timeout(limit) => Ending::NoReply(*limit),
            IoFailure::SlowReply(limit) => Ending::ReplyIncomplete(*limit),
            IoFailure::Closed => Ending::ClosedByServer,
            IoFailure::Reset => Ending::ResetByServer,
            IoFailure::LineTooLong | IoFailure::TooManyLines | IoFailure::TooMuchData => {
                Ending::TooMuch
            }
            IoFailure::Malformed(_) => Ending::NotTheProtocol,
            IoFailure::Io(error) => Ending::Failed(error.clone()),
        }
    }
}

/// One line of a probe's dialogue, safe to show: credentials are already replaced by `***`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscriptLine {
    pub at: Duration,
    pub direction: Direction,
    /// What was said; empty for a [`Direction::Note`].
    pub text: String,
}

/// A plain or TLS stream.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<Recorded>>),
    /// No server at all, bytes given in advance: only for the fuzz targets in `fuzz/` and the
    /// tests that replay what they found (see [`super::fuzzing`]).
    #[doc(hidden)]
    Scripted(super::fuzzing::ScriptedServer),
}

impl Stream {
    /// The TCP connection under it (none under a scripted one).
    fn tcp(&self) -> Option<&TcpStream> {
        match self {
            Stream::Plain(tcp) => Some(tcp),
            Stream::Tls(tls) => Some(tls.get_ref().0.tcp()),
            Stream::Scripted(_) => None,
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Stream::Scripted(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Stream::Scripted(s) => Pin::new(s).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Stream::Scripted(s) => Pin::new(s).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Stream::Scripted(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// A connection with a read buffer, a time limit per reply and a transcript.
pub struct Conn {
    stream: Option<Stream>,
    buffer: Vec<u8>,
    timeout: Duration,
    started: Instant,
    /// When the reply being read must be complete: one limit after the command that asked for
    /// it (after the connection, for the greeting). Each read does not restart it, so a server
    /// that trickles a byte at a time cannot hold the probe.
    reply_due: Instant,
    /// Bytes of the reply being read so far, to tell a slow reply from none.
    reply_bytes: usize,
    /// Bytes received on the connection in all ([`MAX_RECEIVED`]).
    received: usize,
    /// The most it may receive: [`MAX_RECEIVED`], and what [`Conn::allow_more`] added.
    max_received: usize,
    /// Transcript lines not kept ([`MAX_TRANSCRIPT_LINES`]).
    dropped_lines: usize,
    pub transcript: Vec<TranscriptLine>,
    /// Secrets to blank out of anything recorded.
    /// Cleared from memory with the connection.
    secrets: Vec<Zeroizing<String>>,
    /// Told of every read the server answered (bytes, or its close): a batch lends the slot of
    /// an account that only waits (`cli::slots`).
    pulse: Progress,
}

impl Conn {
    pub fn new(stream: Stream, timeout: Duration, started: Instant) -> Self {
        Self {
            stream: Some(stream),
            buffer: Vec::new(),
            timeout,
            started,
            reply_due: Instant::now() + timeout,
            reply_bytes: 0,
            received: 0,
            max_received: MAX_RECEIVED,
            dropped_lines: 0,
            transcript: Vec::new(),
            secrets: Vec::new(),
            pulse: Progress::default(),
        }
    }

    /// Tells `progress` whenever the server sends something.
    pub fn with_pulse(mut self, progress: &Progress) -> Self {
        self.pulse = progress.clone();
        self
    }

    /// Lets the connection receive `bytes` more than [`MAX_RECEIVED`]: for one reply known to
    /// be long (a mailbox's folder list), bounded by its own budget.
    pub fn allow_more(&mut self, bytes: usize) {
        self.max_received = self.received.max(MAX_RECEIVED) + bytes;
    }

    pub fn is_tls(&self) -> bool {
        matches!(self.stream, Some(Stream::Tls(_)))
    }

    /// Registers a secret: wherever it stands as a whole token, it never reaches the
    /// transcript ([`crate::secret::redact`]).
    pub fn add_secret(&mut self, secret: &str) {
        if !secret.is_empty() && !self.secrets.iter().any(|s| s.as_str() == secret) {
            self.secrets.push(Zeroizing::new(secret.to_owned()));
            // The longest first, so that no shorter secret splits a longer one.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Registers the password and its base64 forms (SASL LOGIN's answer, SASL PLAIN's
    /// `\0user\0password`) before a word of the dialogue is recorded: a server may say them
    /// back at any time.
    pub fn add_password(&mut self, user: &str, password: &Password) {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::STANDARD;
        let plain = Zeroizing::new(format!("\0{user}\0{}", password.expose()));
        for secret in [
            Zeroizing::new(password.expose().to_owned()),
            Zeroizing::new(engine.encode(password.expose())),
            Zeroizing::new(engine.encode(&*plain)),
        ] {
            self.add_secret(&secret);
        }
    }

    /// `text` (a server's reply, for evidence) with every registered secret hidden.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets {
            text = crate::secret::redact(&text, secret);
        }
        text
    }

    /// The SASL PLAIN initial response (RFC 4616), registered as a secret.
    pub fn sasl_plain(&mut self, user: &str, password: &Password) -> Zeroizing<String> {
        use base64::Engine as _;
        let message = Zeroizing::new(format!("\0{user}\0{}", password.expose()));
        let token = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*message));
        self.add_secret(&token);
        token
    }

    pub fn note(&mut self, remark: Remark) {
        self.record(Direction::Note(remark), String::new());
    }

    /// Records what the server said outside a line read (a plaintext answer to a TLS
    /// ClientHello).
    pub fn heard(&mut self, text: &str) {
        self.record(Direction::Server, text.to_owned());
    }

    fn record(&mut self, direction: Direction, text: String) {
        // mailcheck's own few remarks are always kept.
        let note = matches!(direction, Direction::Note(_));
        if self.transcript.len() >= MAX_TRANSCRIPT_LINES && !note {
            self.dropped_lines += 1;
            return;
        }
        let text = self.redact(&text);
        self.transcript.push(TranscriptLine {
            at: self.started.elapsed(),
            direction,
            text,
        });
    }

    /// Sends one command line. `shown` is what the transcript records instead, when the line
    /// carries a credential.
    pub async fn send(&mut self, line: &str, shown: Option<&str>) -> Result<(), IoFailure> {
        self.record(Direction::Client, shown.unwrap_or(line).to_owned());
        let timeout = self.timeout;
        let stream = self.stream.as_mut().ok_or(IoFailure::Closed)?;
        let mut data = line.as_bytes().to_vec();
        data.extend_from_slice(b"\r\n");
        match tokio::time::timeout(timeout, async {
            stream.write_all(&data).await?;
            stream.flush().await
        })
        .await
        {
            Err(_) => Err(IoFailure::Timeout(timeout)),
            Ok(Err(e)) => Err(IoFailure::from_io(&e)),
            Ok(Ok(())) => {
                // The answer to this command gets a limit of its own.
                self.reply_due = Instant::now() + timeout;
                self.reply_bytes = 0;
                Ok(())
            }
        }
    }

    /// Reads one line (without its line ending), decoded as UTF-8 or GBK.
    pub async fn read_line(&mut self) -> Result<String, IoFailure> {
        let raw = self.read_raw_line().await?;
        let text = crate::net::decode::reply_text(&raw);
        self.record(Direction::Server, text.clone());
        Ok(text)
    }

    /// A line of more than [`MAX_LINE`] bytes, not counting its line ending, is refused however
    /// the reads split it.
    async fn read_raw_line(&mut self) -> Result<Vec<u8>, IoFailure> {
        loop {
            if let Some(pos) = self.buffer.iter().position(|b| *b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=pos).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return within_max_line(line);
            }
            // One byte more than MAX_LINE may be the CR of a line that is just short enough.
            if self.buffer.len() > MAX_LINE + 1 {
                return Err(IoFailure::LineTooLong);
            }
            let n = self.read_some(self.reply_due).await?;
            if n == 0 {
                // A last line without its line ending still counts.
                if self.buffer.is_empty() {
                    return Err(IoFailure::Closed);
                }
                return within_max_line(std::mem::take(&mut self.buffer));
            }
        }
    }

    /// Reads what the server has sent into the buffer, waiting until `due` at most; the number
    /// of bytes (0: the server closed the connection).
    async fn read_some(&mut self, due: Instant) -> Result<usize, IoFailure> {
        let stream = self.stream.as_mut().ok_or(IoFailure::Closed)?;
        // A server whose reply comes in two writes (a TLS session ticket, then the reply) would
        // otherwise wait 40 ms for the ACK of the first: seen on Postfix's 465 greeting, and on
        // its 587 reply after STARTTLS one run in three while this was set only once.
        if let Some(tcp) = stream.tcp() {
            crate::net::connect::ack_at_once(tcp);
        }
        let mut chunk = [0u8; 4096];
        let n = match tokio::time::timeout_at(due.into(), stream.read(&mut chunk)).await {
            Err(_) if self.reply_bytes > 0 => return Err(IoFailure::SlowReply(self.timeout)),
            Err(_) => return Err(IoFailure::Timeout(self.timeout)),
            Ok(Err(e)) => return Err(IoFailure::from_io(&e)),
            Ok(Ok(n)) => n,
        };
        self.pulse.heard();
        self.received += n;
        self.reply_bytes += n;
        if self.received > self.max_received {
            return Err(IoFailure::TooMuchData);
        }
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// The first bytes the server sent, if any arrive within `wait`, without consuming them as
    /// a line: used to tell a TLS record from a plaintext greeting.
    pub async fn peek_bytes(&mut self, wait: Duration) -> Result<&[u8], IoFailure> {
        if self.buffer.is_empty() {
            let due = (Instant::now() + wait).min(self.reply_due);
            match self.read_some(due).await {
                Err(IoFailure::Timeout(_)) => return Err(IoFailure::Timeout(wait)),
                Err(failure) => return Err(failure),
                Ok(0) => return Err(IoFailure::Closed),
                Ok(_) => {}
            }
        }
        Ok(&self.buffer)
    }

    /// Takes the plain TCP stream for the TLS upgrade after STARTTLS. Whatever the server sent
    /// after its STARTTLS reply is returned so the caller can flag it as possible injection;
    /// it is never handed to TLS or to the protocol parser (RFC 3207 §4.2, CVE-2011-0411).
    pub fn take_for_upgrade(&mut self) -> Result<(TcpStream, Vec<u8>), IoFailure> {
        let leftover = std::mem::take(&mut self.buffer);
        match self.stream.take() {
            Some(Stream::Plain(tcp)) => Ok((tcp, leftover)),
            Some(other) => {
                self.stream = Some(other);
                Err(IoFailure::Io("the connection is already encrypted".into()))
            }
            None => Err(IoFailure::Closed),
        }
    }

    /// Continues the dialogue over TLS after a STARTTLS upgrade.
    pub fn upgraded(&mut self, tls: TlsStream<Recorded>) {
        self.stream = Some(Stream::Tls(Box::new(tls)));
        self.buffer.clear();
        // What comes first over TLS (the greeting, on an implicit TLS port) has a limit of its
        // own, not what the handshake left of the connection's.
        self.reply_due = Instant::now() + self.timeout;
        self.reply_bytes = 0;
    }

    /// Closes without waiting for the server.
    pub async fn close(&mut self) {
        if let Some(mut stream) = self.stream.take() {
            let _ = tokio::time::timeout(Duration::from_millis(200), stream.shutdown()).await;
        }
    }

    /// The transcript, with a last note of how many lines were not kept.
    pub fn take_transcript(&mut self) -> Vec<TranscriptLine> {
        let dropped = std::mem::take(&mut self.dropped_lines);
        let mut transcript = std::mem::take(&mut self.transcript);
        if dropped > 0 {
            transcript.push(TranscriptLine {
                at: self.started.elapsed(),
                direction: Direction::Note(Remark::NotKept(dropped)),
                text: String::new(),
            });
        }
        transcript
    }
}

fn within_max_line(line: Vec<u8>) -> Result<Vec<u8>, IoFailure> {
    if line.len() > MAX_LINE {
        return Err(IoFailure::LineTooLong);
    }
    Ok(line)
}

/// How a TCP connection attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectFailure {
    Refused(String),
    Timeout(Duration),
    Other(String),
}

/// What one address of a host did when a probe connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressAttempt {
    pub address: IpAddr,
    pub result: AttemptResult,
    /// From the start of this attempt to its end; `None` when it never started.
    pub elapsed: Option<Duration>,
}

/// How the attempt to one address ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptResult {
    Connected,
    Refused,
    /// No answer before the connect's limit ran out.
    Timeout,
    /// Another failure (a host unreachable, a local firewall's reject, …).
    Failed(String),
    /// This computer has no route to the address's network at all (ENETUNREACH): for IPv6,
    /// a network without IPv6, which costs a client nothing.
    NoRoute(String),
    /// Still trying when another address connected.
    Abandoned,
    /// Never started: another address had connected.
    NotTried,
}

impl AttemptResult {
    /// Whether the host answered the attempt at all (a connection, or a refusal).
    pub fn answered(&self) -> bool {
        matches!(self, AttemptResult::Connected | AttemptResult::Refused)
    }

    /// The report's name of the result.
    pub fn as_str(&self) -> &'static str {
        match self {
            AttemptResult::Connected => "connected",
            AttemptResult::Refused => "refused",
            AttemptResult::Timeout => "timeout",
            AttemptResult::Failed(_) | AttemptResult::NoRoute(_) => "error",
            AttemptResult::Abandoned => "abandoned",
            AttemptResult::NotTried => "not_tried",
        }
    }
}

/// A connection, or why there is none; and what each address did either way.
pub struct Connecting {
    pub result: Result<(TcpStream, SocketAddr), ConnectFailure>,
    pub attempts: Vec<AddressAttempt>,
    /// IPv6 attempts still running when an IPv4 address connected: they go on beside the
    /// probe until the connect's limit, to tell an IPv6 that fails from one only slower.
    pub late: Option<Late>,
}

/// Attempts that go on after another address connected; stopped when dropped.
pub struct Late(tokio::task::JoinHandle<Vec<(usize, AttemptResult, Duration)>>);

impl Late {
    /// Waits for them (they end at the connect's limit) and writes how each ended into
    /// `attempts`; one that connected late stays `abandoned`.
    pub async fn finish(mut self, attempts: &mut [AddressAttempt]) {
        let Ok(ended) = (&mut self.0).await else {
            return;
        };
        for (index, result, elapsed) in ended {
            if let Some(attempt) = attempts.get_mut(index) {
                attempt.result = result;
                attempt.elapsed = Some(elapsed);
            }
        }
    }
}

impl Drop for Late {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What one connection attempt came to.
fn attempt_result(result: &std::io::Result<TcpStream>) -> AttemptResult {
    match result {
        Ok(_) => AttemptResult::Connected,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => AttemptResult::Refused,
        Err(e) if e.kind() == std::io::ErrorKind::NetworkUnreachable => {
            AttemptResult::NoRoute(e.to_string())
        }
        Err(e) => AttemptResult::Failed(e.to_string()),
    }
}

/// Connects to a host's `addresses` the Happy Eyeballs way (RFC 8305): IPv6 and IPv4 taken in
/// turn, a new attempt started every `attempt_delay` (or at once when one fails) beside those
/// still running, the first to connect wins, and all of it within one `timeout`. Every
/// connection goes through `connector` (which may send it elsewhere; errors still name the
/// address asked for).
pub async fn connect(
    connector: &Connector,
    addresses: &[IpAddr],
    port: u16,
    timeout: Duration,
    attempt_delay: Duration,
) -> Connecting {
    use futures::StreamExt as _;
    let order = happy_eyeballs_order(addresses);
    let mut attempts: Vec<AddressAttempt> = order
        .iter()
        .map(|&address| AddressAttempt {
            address,
            result: AttemptResult::NotTried,
            elapsed: None,
        })
        .collect();
    let deadline = tokio::time::Instant::now() + timeout;
    let mut running = futures::stream::FuturesUnordered::new();
    let mut begun: Vec<Option<Instant>> = vec![None; order.len()];
    let mut next = 0;
    let mut next_due = tokio::time::Instant::now();
    let mut connected = None;
    loop {
        let now = tokio::time::Instant::now();
        if next < order.len() && (running.is_empty() || now >= next_due) && now < deadline {
            let (index, addr) = (next, SocketAddr::new(order[next], port));
            begun[index] = Some(Instant::now());
            let connector = connector.clone();
            running.push(async move { (index, connector.connect(addr).await) });
            next += 1;
            next_due = now + attempt_delay;
            continue;
        }
        if running.is_empty() {
            break;
        }
        let wake = if next < order.len() {
            next_due.min(deadline)
        } else {
            deadline
        };
        tokio::select! {
            Some((index, result)) = running.next() => {
                let attempt = &mut attempts[index];
                attempt.elapsed = begun[index].map(|b| b.elapsed());
                attempt.result = attempt_result(&result);
                if let Ok(stream) = result {
                    connected = Some((stream, SocketAddr::new(order[index], port)));
                    break;
                }
                // A failed attempt lets the next one start at once (RFC 8305 §5).
                next_due = tokio::time::Instant::now();
            }
            () = tokio::time::sleep_until(wake) => {
                if tokio::time::Instant::now() >= deadline {
                    break;
                }
            }
        }
    }
    // What is still running was abandoned for a winner, or ran out of time.
    let unfinished = if connected.is_some() {
        AttemptResult::Abandoned
    } else {
        AttemptResult::Timeout
    };
    for (attempt, begun) in attempts.iter_mut().zip(&begun) {
        if let (Some(begun), AttemptResult::NotTried) = (begun, &attempt.result) {
            attempt.result = unfinished.clone();
            attempt.elapsed = Some(begun.elapsed());
        }
    }
    let pending: Vec<usize> = (0..attempts.len())
        .filter(|&i| attempts[i].result == AttemptResult::Abandoned)
        .collect();
    let ipv6_pending = pending.iter().any(|&i| attempts[i].address.is_ipv6());
    let late = match &connected {
        Some((_, addr)) if addr.is_ipv4() && ipv6_pending => {
            Some(Late(tokio::spawn(go_on(running, pending, begun, deadline))))
        }
        _ => None,
    };
    let result = match connected {
        Some((stream, addr)) => {
            let _ = stream.set_nodelay(true);
            Ok((stream, addr))
        }
        None => Err(connect_failure(&attempts, port, timeout)),
    };
    Connecting {
        result,
        attempts,
        late,
    }
}

/// The attempts still `running` after a winner (`pending`), until `deadline`: how each ended,
/// `timeout` when it did not. One that connects is closed at once and left out.
async fn go_on<F>(
    mut running: futures::stream::FuturesUnordered<F>,
    mut pending: Vec<usize>,
    begun: Vec<Option<Instant>>,
    deadline: tokio::time::Instant,
) -> Vec<(usize, AttemptResult, Duration)>
where
    F: std::future::Future<Output = (usize, std::io::Result<TcpStream>)>,
{
    use futures::StreamExt as _;
    let took = |index: usize| begun[index].map(|b| b.elapsed()).unwrap_or_default();
    let mut ended = Vec::new();
    while let Ok(Some((index, result))) = tokio::time::timeout_at(deadline, running.next()).await {
        pending.retain(|i| *i != index);
        match attempt_result(&result) {
            AttemptResult::Connected => {}
            failed => ended.push((index, failed, took(index))),
        }
    }
    ended.extend(
        pending
            .into_iter()
            .map(|i| (i, AttemptResult::Timeout, took(i))),
    );
    ended
}

/// RFC 8305 §4: the addresses alternate between the families, IPv6 first, each family in the
/// order DNS gave.
pub fn happy_eyeballs_order(addresses: &[IpAddr]) -> Vec<IpAddr> {
    let (v6, v4): (Vec<IpAddr>, Vec<IpAddr>) = addresses.iter().partition(|ip| ip.is_ipv6());
    let mut order = Vec::with_capacity(addresses.len());
    let (mut v6, mut v4) = (v6.into_iter(), v4.into_iter());
    loop {
        match (v6.next(), v4.next()) {
            (None, None) => return order,
            (a, b) => order.extend(a.into_iter().chain(b)),
        }
    }
}

/// Why no address connected: a refusal is the port's answer and says most; else no answer;
/// else the first other error.
fn connect_failure(attempts: &[AddressAttempt], port: u16, timeout: Duration) -> ConnectFailure {
    let at = |a: &AddressAttempt| SocketAddr::new(a.address, port);
    if let Some(a) = attempts.iter().find(|a| a.result == AttemptResult::Refused) {
        return ConnectFailure::Refused(format!("{}: connection refused", at(a)));
    }
    if attempts.iter().any(|a| a.result == AttemptResult::Timeout) {
        return ConnectFailure::Timeout(timeout);
    }
    attempts
        .iter()
        .find_map(|a| match &a.result {
            AttemptResult::Failed(e) | AttemptResult::NoRoute(e) => {
                Some(ConnectFailure::Other(format!("{}: {e}", at(a))))
            }
            _ => None,
        })
        .unwrap_or_else(|| ConnectFailure::Other("no address to connect to".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_families_take_turns_ipv6_first() {
        let given = [
            ip("192.0.2.1"),
            ip("192.0.2.2"),
            ip("2001:db8::1"),
            ip("192.0.2.3"),
        ];
        assert_eq!(
            happy_eyeballs_order(&given),
            [
                ip("2001:db8::1"),
                ip("192.0.2.1"),
                ip("192.0.2.2"),
                ip("192.0.2.3")
            ]
        );
        assert!(happy_eyeballs_order(&[]).is_empty());
    }

    #[tokio::test]
    async fn every_address_of_a_black_holed_host_is_tried_within_one_limit() {
        use std::collections::{HashMap, HashSet};
        let holes: HashSet<SocketAddr> = ["192.0.2.1:993", "192.0.2.2:993", "[2001:db8::1]:993"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let connector = Connector::mapped(HashMap::new()).with_black_holes(holes);
        let addresses = [ip("192.0.2.1"), ip("192.0.2.2"), ip("2001:db8::1")];
        let started = Instant::now();
        let limit = Duration::from_millis(300);
        let done = connect(
            &connector,
            &addresses,
            993,
            limit,
            Duration::from_millis(50),
        )
        .await;
        assert!(started.elapsed() < limit * 2, "{:?}", started.elapsed());
        assert_eq!(done.result.unwrap_err(), ConnectFailure::Timeout(limit));
        let results: Vec<_> = done.attempts.iter().map(|a| a.result.as_str()).collect();
        assert_eq!(results, ["timeout"; 3]);
        assert_eq!(done.attempts[0].address, ip("2001:db8::1"));
    }

    #[tokio::test]
    async fn an_ipv6_attempt_that_ipv4_overtook_goes_on_to_its_end() {
        use std::collections::{HashMap, HashSet};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = listener.local_addr().unwrap();
        let hole: SocketAddr = "[2001:db8::1]:993".parse().unwrap();
        let connector =
            Connector::mapped(HashMap::from([("192.0.2.1:993".parse().unwrap(), server)]))
                .with_black_holes(HashSet::from([hole]));
        let limit = Duration::from_millis(400);
        let started = Instant::now();
        let done = connect(
            &connector,
            &[ip("192.0.2.1"), ip("2001:db8::1")],
            993,
            limit,
            Duration::from_millis(50),
        )
        .await;
        assert!(done.result.is_ok());
        assert!(started.elapsed() < limit, "the winner does not wait");
        let mut attempts = done.attempts;
        assert_eq!(attempts[0].result, AttemptResult::Abandoned);
        done.late
            .expect("the IPv6 attempt goes on")
            .finish(&mut attempts)
            .await;
        assert_eq!(attempts[0].result, AttemptResult::Timeout);
        assert!(attempts[0].elapsed.unwrap() >= limit - Duration::from_millis(20));
        assert!(started.elapsed() < limit * 2);
        assert_eq!(attempts[1].result, AttemptResult::Connected);
    }

    #[tokio::test]
    async fn a_refusal_starts_the_next_address_at_once_and_the_winner_stops_the_rest() {
        use std::collections::{HashMap, HashSet};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = listener.local_addr().unwrap();
        let hole: SocketAddr = "[2001:db8::1]:993".parse().unwrap();
        let connector =
            Connector::mapped(HashMap::from([("192.0.2.2:993".parse().unwrap(), server)]))
                .with_black_holes(HashSet::from([hole]));
        // 2001:db8::1 never answers, 192.0.2.1 refuses (unmapped), 192.0.2.2 connects.
        let addresses = [ip("192.0.2.1"), ip("2001:db8::1"), ip("192.0.2.2")];
        let done = connect(
            &connector,
            &addresses,
            993,
            Duration::from_secs(5),
            Duration::from_millis(100),
        )
        .await;
        assert!(done.result.is_ok());
        let results: Vec<_> = done
            .attempts
            .iter()
            .map(|a| (a.address, a.result.as_str()))
            .collect();
        assert_eq!(
            results,
            [
                (ip("2001:db8::1"), "abandoned"),
                (ip("192.0.2.1"), "refused"),
                (ip("192.0.2.2"), "connected"),
            ]
        );
    }
}

#[cfg(test)]
mod line_limits {
    use super::*;
    use crate::probe::fuzzing::ScriptedServer;

    async fn first_line(server: &[u8], chunk: usize) -> Result<String, IoFailure> {
        let stream = Stream::Scripted(ScriptedServer::new(server, chunk));
        Conn::new(stream, Duration::from_secs(1), Instant::now())
            .read_line()
            .await
    }

    /// Found by `fuzz/`: a line of up to a read more than MAX_LINE got through when its line
    /// ending came in the read that took it past the limit.
    #[tokio::test]
    async fn a_line_longer_than_max_line_is_refused_however_the_reads_split_it() {
        let line = |len: usize, ending: &[u8]| [&vec![b'A'; len][..], ending].concat();
        for chunk in [100, 4095, 4096, usize::MAX] {
            for ending in [&b"\r\n"[..], b"\n"] {
                let longest = first_line(&line(MAX_LINE, ending), chunk).await;
                assert_eq!(longest.map(|l| l.len()), Ok(MAX_LINE), "chunk {chunk}");
                let longer = first_line(&line(MAX_LINE + 1, ending), chunk).await;
                assert_eq!(longer, Err(IoFailure::LineTooLong), "chunk {chunk}");
            }
            let unended = first_line(&line(MAX_LINE + 1, b""), chunk).await;
            assert_eq!(unended, Err(IoFailure::LineTooLong), "chunk {chunk}");
        }
    }
}

#[cfg(test)]
mod pulse {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::probe::fuzzing::ScriptedServer;
    use crate::progress::{Event, Observer};

    #[derive(Default)]
    struct Ears(AtomicUsize);

    impl Observer for Ears {
        fn event(&self, _: Event) {}
        fn heard(&self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn listening() -> (Arc<Ears>, Progress) {
        let ears = Arc::new(Ears::default());
        (ears.clone(), Progress::to(ears))
    }

    #[tokio::test]
    async fn every_read_that_brings_bytes_is_heard() {
        let (ears, progress) = listening();
        let stream = Stream::Scripted(ScriptedServer::new(b"* OK ready\r\n", 4));
        let mut conn =
            Conn::new(stream, Duration::from_secs(1), Instant::now()).with_pulse(&progress);
        assert_eq!(conn.read_line().await.as_deref(), Ok("* OK ready"));
        assert_eq!(
            ears.0.load(Ordering::Relaxed),
            3,
            "three reads of four bytes"
        );
    }

    #[tokio::test]
    async fn a_server_that_says_nothing_is_not_heard() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let _accepted = listener.accept().await.unwrap();
        let (ears, progress) = listening();
        let limit = Duration::from_millis(50);
        let mut conn =
            Conn::new(Stream::Plain(client), limit, Instant::now()).with_pulse(&progress);
        assert_eq!(conn.read_line().await, Err(IoFailure::Timeout(limit)));
        assert_eq!(ears.0.load(Ordering::Relaxed), 0);
    }
}
