//! Fake IMAP, POP3 and SMTP servers in process (tokio, TLS with tokio-rustls), each playing a
//! script of `fixtures/transcripts/` to every connection and logging what the client said.
//!
//! A script is a list of steps (see `fixtures/transcripts/README.md`): send a line, read a line
//! the client must start with a prefix, send an endless line, or do the TLS handshake now (at
//! the start for implicit TLS, after the STARTTLS reply for the upgrade). After `TLS` every
//! line is read and written through TLS.

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
    Expect(String),
    Big(usize),
    Tls,
}

/// The steps of `fixtures/transcripts/<name>.txt`.
pub fn script(name: &str) -> Vec<Step> {
    let path = super::fixtures()
        .join("transcripts")
        .join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            if let Some(rest) = line.strip_prefix("S: ") {
                Step::Send(crlf(unescape(rest)))
            } else if let Some(rest) = line.strip_prefix("GBK: ") {
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(rest);
                assert!(!unmappable, "{}: {rest:?} is not GBK", path.display());
                Step::Send(crlf(bytes.into_owned()))
            } else if let Some(rest) = line.strip_prefix("C: ") {
                Step::Expect(rest.to_owned())
            } else if let Some(n) = line.strip_prefix("BIG: ") {
                Step::Big(n.trim().parse().expect("BIG takes a number"))
            } else if line.trim_end() == "TLS" {
                Step::Tls
            } else {
                panic!("{}: cannot read {line:?}", path.display())
            }
        })
        .collect()
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
    log: Arc<Mutex<Vec<String>>>,
    /// Connections still being played.
    open: Arc<AtomicUsize>,
}

impl MailServer {
    /// Everything heard and seen, in order, over all connections. Asked after the client has
    /// gone, so it first lets every connection see the end of its stream and log its last
    /// event (bounded, in case a client is still connected).
    pub fn log(&self) -> Vec<String> {
        let started = Instant::now();
        while self.open.load(Ordering::SeqCst) > 0 && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.log.lock().unwrap().clone()
    }

    /// Only what the client sent.
    pub fn heard(&self) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| !l.starts_with("-- ") && !l.is_empty())
            .collect()
    }

    /// Panics when the client sent a line starting with `command` (case-insensitive), e.g. a
    /// password command.
    pub fn assert_never_heard(&self, command: &str) {
        let heard = self.heard();
        assert!(
            !heard.iter().any(|l| l
                .to_ascii_uppercase()
                .contains(&command.to_ascii_uppercase())),
            "the client sent {command:?}: {heard:?}"
        );
    }
}

impl World {
    /// Starts a fake server on `port` of this world's address playing `script_name`; `cert`
    /// is what it presents at its `TLS` steps.
    pub fn mail_server(
        &self,
        port: u16,
        script_name: &str,
        cert: Option<&ServerCert>,
    ) -> MailServer {
        let steps = Arc::new(script(script_name));
        let acceptor = cert.map(|c| TlsAcceptor::from(c.server_config(&[])));
        let log = Arc::new(Mutex::new(Vec::new()));
        let runtime = self.runtime.as_ref().expect("the world is running");
        let listener = runtime
            .block_on(TcpListener::bind((self.ip, port)))
            .unwrap_or_else(|e| panic!("bind {}:{port}: {e}", self.ip));
        let open = Arc::new(AtomicUsize::new(0));
        let (shared, counter) = (Arc::clone(&log), Arc::clone(&open));
        runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let steps = Arc::clone(&steps);
                let acceptor = acceptor.clone();
                let log = Arc::clone(&shared);
                let open = Arc::clone(&counter);
                open.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    play(tcp, &steps, acceptor, &log).await;
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        MailServer { log, open }
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

async fn play(
    tcp: TcpStream,
    steps: &[Step],
    acceptor: Option<TlsAcceptor>,
    log: &Mutex<Vec<String>>,
) {
    let note = |line: String| log.lock().unwrap().push(line);
    note("-- connection".into());
    let mut stream: BufReader<Box<dyn Io>> = BufReader::new(Box::new(tcp));
    for step in steps {
        match step {
            Step::Send(bytes) => {
                if stream.write_all(bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
            Step::Big(n) => {
                if stream.write_all(&vec![b'A'; *n]).await.is_err() {
                    return;
                }
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
