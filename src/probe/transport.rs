//! The connection under a probe: TCP, optional TLS, bounded line reads, every step under the
//! time limit, and a transcript with credentials removed.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::tls::Recorded;

/// Longest reply line accepted; a server sending more is hostile or broken.
pub const MAX_LINE: usize = 16 * 1024;
/// Most lines in one multi-line reply (CAPA, EHLO, IMAP untagged data).
pub const MAX_LINES: usize = 512;

/// Why a step of the dialogue failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IoFailure {
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the server closed the connection")]
    Closed,
    #[error("a reply line longer than {MAX_LINE} bytes")]
    LineTooLong,
    #[error("a reply of more than {MAX_LINES} lines")]
    TooManyLines,
    #[error("{0}")]
    Io(String),
}

/// Who said a line of the transcript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Client,
    Server,
    /// mailcheck's own remark (connected, TLS established, …).
    Note,
}

/// One line of a probe's dialogue, safe to show: credentials are already replaced by `***`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscriptLine {
    pub at: Duration,
    pub direction: Direction,
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

/// A connection with a read buffer, a time limit per step and a transcript.
pub struct Conn {
    stream: Option<Stream>,
    buffer: Vec<u8>,
    timeout: Duration,
    started: Instant,
    pub transcript: Vec<TranscriptLine>,
    /// Secrets to blank out of anything recorded.
    secrets: Vec<String>,
}

impl Conn {
    pub fn new(stream: Stream, timeout: Duration, started: Instant) -> Self {
        Self {
            stream: Some(stream),
            buffer: Vec::new(),
            timeout,
            started,
            transcript: Vec::new(),
            secrets: Vec::new(),
        }
    }

    pub fn is_tls(&self) -> bool {
        matches!(self.stream, Some(Stream::Tls(_)))
    }

    /// Registers a secret: it, and its base64 forms used in SASL, never reach the transcript.
    pub fn add_secret(&mut self, secret: &str) {
        if !secret.is_empty() {
            self.secrets.push(secret.to_owned());
        }
    }

    /// The SASL PLAIN initial response (RFC 4616), registered as a secret.
    pub fn sasl_plain(&mut self, user: &str, password: &str) -> String {
        use base64::Engine as _;
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"));
        self.add_secret(&token);
        token
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.record(Direction::Note, text.into());
    }

    fn record(&mut self, direction: Direction, text: String) {
        let mut text = text;
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), "***");
        }
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
            Ok(Err(e)) => Err(IoFailure::Io(e.to_string())),
            Ok(Ok(())) => Ok(()),
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
            let timeout = self.timeout;
            let stream = self.stream.as_mut().ok_or(IoFailure::Closed)?;
            let mut chunk = [0u8; 4096];
            let n = match tokio::time::timeout(timeout, stream.read(&mut chunk)).await {
                Err(_) => return Err(IoFailure::Timeout(timeout)),
                Ok(Err(e)) => return Err(IoFailure::Io(e.to_string())),
                Ok(Ok(0)) => {
                    // A last line without its line ending still counts.
                    if self.buffer.is_empty() {
                        return Err(IoFailure::Closed);
                    }
                    return within_max_line(std::mem::take(&mut self.buffer));
                }
                Ok(Ok(n)) => n,
            };
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }

    /// The first bytes the server sent, if any arrive within `wait`, without consuming them as
    /// a line: used to tell a TLS record from a plaintext greeting.
    pub async fn peek_bytes(&mut self, wait: Duration) -> Result<&[u8], IoFailure> {
        if self.buffer.is_empty() {
            let stream = self.stream.as_mut().ok_or(IoFailure::Closed)?;
            let mut chunk = [0u8; 4096];
            match tokio::time::timeout(wait, stream.read(&mut chunk)).await {
                Err(_) => return Err(IoFailure::Timeout(wait)),
                Ok(Err(e)) => return Err(IoFailure::Io(e.to_string())),
                Ok(Ok(0)) => return Err(IoFailure::Closed),
                Ok(Ok(n)) => self.buffer.extend_from_slice(&chunk[..n]),
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
    }

    /// Closes without waiting for the server.
    pub async fn close(&mut self) {
        if let Some(mut stream) = self.stream.take() {
            let _ = tokio::time::timeout(Duration::from_millis(200), stream.shutdown()).await;
        }
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

/// Connects to the first address that accepts, each attempt under the time limit.
pub async fn connect(
    addresses: &[IpAddr],
    port: u16,
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), ConnectFailure> {
    let mut last = ConnectFailure::Other("no address to connect to".into());
    for ip in addresses {
        let addr = SocketAddr::new(*ip, port);
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                return Ok((stream, addr));
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = ConnectFailure::Refused(format!("{addr}: connection refused"));
            }
            Ok(Err(e)) => last = ConnectFailure::Other(format!("{addr}: {e}")),
            Err(_) => last = ConnectFailure::Timeout(timeout),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
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
