//! Not part of mailcheck's API: the way in for the fuzz targets in `fuzz/` and for the tests
//! that replay what they found.
//!
//! A probe reads a server through [`Conn`] and the protocols' own readers, which are private to
//! `probe` and need a connection. [`dialogue`] runs those same readers, unchanged, over a
//! [`ScriptedServer`]: bytes in memory instead of a socket, so that arbitrary server bytes reach
//! the real greeting, capability, multi-line and login reply parsing at fuzzing speed.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::protocol::MailProtocol;
use super::transport::{Conn, IoFailure, Stream, TranscriptLine};
use super::{Capabilities, Reply, identify, imap, pop3, smtp};
use crate::settings::Protocol;

/// The user name the dialogue logs in with.
pub const USER: &str = "alice@example.test";
/// The password the dialogue logs in with; the transcript must never show it.
pub const PASSWORD: &str = "S3cret-pa55word";

/// Never reached: a scripted server always answers at once, or has hung up.
const STEP_LIMIT: Duration = Duration::from_secs(10);

/// A server that said everything in advance: its bytes arrive at most `chunk` at a time (to
/// try every way a reply can be split across reads), what the client sends is dropped, and
/// after the last byte the server has closed the connection.
pub struct ScriptedServer {
    bytes: Vec<u8>,
    sent: usize,
    chunk: usize,
}

impl ScriptedServer {
    pub fn new(bytes: &[u8], chunk: usize) -> Self {
        Self {
            bytes: bytes.to_vec(),
            sent: 0,
            // A read of nothing would mean the connection closed.
            chunk: chunk.max(1),
        }
    }
}

impl AsyncRead for ScriptedServer {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let n = (this.bytes.len() - this.sent)
            .min(this.chunk)
            .min(buf.remaining());
        buf.put_slice(&this.bytes[this.sent..this.sent + n]);
        this.sent += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for ScriptedServer {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// What a capability listing gave: the capabilities, and the refusal of the command that asked
/// for them (SMTP EHLO), if it was refused.
pub type Listed = Result<(Capabilities, Option<String>), IoFailure>;

/// What each step of the dialogue read.
#[derive(Debug)]
pub struct Dialogue {
    /// The first bytes, as a plaintext probe peeks at them: how many there were.
    pub peeked: Result<usize, IoFailure>,
    pub greeting: Result<String, IoFailure>,
    /// The protocol the greeting names.
    pub identified: Option<Protocol>,
    pub greeting_refuses: bool,
    pub greeting_forbids_starttls: bool,
    /// The capabilities before STARTTLS, with the greeting's.
    pub before_starttls: Listed,
    pub starttls: Result<Reply, IoFailure>,
    /// The capabilities asked anew, as after the TLS upgrade; the login uses these.
    pub capabilities: Listed,
    pub auth_mechanisms: Vec<String>,
    pub refuses_plaintext_login: Option<String>,
    pub offers_no_login: bool,
    pub login: Result<Reply, IoFailure>,
    pub after_login: Result<Option<Reply>, IoFailure>,
    pub mailbox: Option<super::mailbox::MailboxFacts>,
    pub transcript: Vec<TranscriptLine>,
}

/// Plays a probe's dialogue in `protocol` against a server that sends `server`, `chunk` bytes
/// at a time. Unlike a probe it goes on after a failed step (there is no TLS, and every reader
/// is to see the bytes), so each step reads whatever the server has left.
pub async fn dialogue(protocol: Protocol, server: &[u8], chunk: usize) -> Dialogue {
    let stream = Stream::Scripted(ScriptedServer::new(server, chunk));
    let mut conn = Conn::new(stream, STEP_LIMIT, Instant::now());
    match protocol {
        Protocol::Imap => play(&imap::Imap, &mut conn).await,
        Protocol::Pop3 => play(&pop3::Pop3, &mut conn).await,
        Protocol::Smtp => play(&smtp::Smtp, &mut conn).await,
    }
}

async fn play<P: MailProtocol>(protocol: &P, conn: &mut Conn) -> Dialogue {
    let peeked = conn.peek_bytes(STEP_LIMIT).await.map(<[u8]>::len);
    let greeting = protocol.read_greeting(conn).await;
    let said = greeting.as_deref().unwrap_or_default();
    let listed = |listing: Result<super::protocol::Listing, IoFailure>| {
        listing.map(|l| (l.capabilities, l.refusal))
    };
    let before_starttls = listed(protocol.capabilities(conn, said).await);
    let starttls = protocol.starttls(conn).await;
    let capabilities = listed(protocol.capabilities(conn, "").await);
    let caps = capabilities
        .as_ref()
        .map(|(caps, _)| caps.clone())
        .unwrap_or_default();
    conn.add_secret(PASSWORD);
    let password = crate::secret::Password::new(PASSWORD.to_owned());
    let login = protocol.login(conn, &caps, USER, &password).await;
    let after_login = protocol.after_login(conn, &caps).await;
    let login_reply = login.as_ref().map(|r| r.text.clone()).unwrap_or_default();
    let mailbox = protocol.mailbox(conn, &caps, &login_reply).await.facts;
    protocol.logout(conn).await;
    Dialogue {
        peeked,
        identified: identify(said),
        greeting_refuses: protocol.greeting_refuses(said),
        greeting_forbids_starttls: protocol.greeting_forbids_starttls(said),
        greeting,
        before_starttls,
        starttls,
        auth_mechanisms: protocol.auth_mechanisms(&caps),
        refuses_plaintext_login: protocol.refuses_plaintext_login(&caps),
        offers_no_login: protocol.offers_no_login(&caps),
        capabilities,
        login,
        after_login,
        mailbox,
        transcript: std::mem::take(&mut conn.transcript),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_scripted_dovecot_goes_through_every_step() {
        let server = b"* OK [CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN] Dovecot ready.\r\n\
            a2 OK Begin TLS negotiation now.\r\n\
            * CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN\r\na1 OK Pre-login capabilities listed.\r\n\
            a3 OK Logged in\r\n* ID NIL\r\na4 OK ID completed.\r\n\
            * 0 EXISTS\r\na5 OK [READ-ONLY] Examine completed.\r\n";
        for chunk in [1, 7, 4096] {
            let d = dialogue(Protocol::Imap, server, chunk).await;
            assert_eq!(d.identified, Some(Protocol::Imap));
            assert!(d.starttls.unwrap().ok);
            let (caps, _) = d.capabilities.unwrap();
            assert_eq!(caps.auth, ["PLAIN"]);
            assert!(d.login.unwrap().ok, "chunk {chunk}");
            assert!(d.after_login.unwrap().unwrap().ok);
            assert!(d.transcript.iter().all(|l| !l.text.contains(PASSWORD)));
        }
    }

    /// The mailbox after Dovecot's login, whatever the reads: the login reply's capabilities,
    /// GETQUOTAROOT, and a LIST with a name sent as a literal.
    #[tokio::test]
    async fn a_scripted_dovecot_mailbox_is_read_however_the_reads_split_it() {
        use super::super::mailbox::{MailboxFacts, QuotaCheck};
        let server = b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Dovecot ready.\r\n\
            a2 OK Begin TLS negotiation now.\r\n\
            * CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na1 OK Pre-login capabilities listed.\r\n\
            a3 OK [CAPABILITY IMAP4rev1 IDLE QUOTA SPECIAL-USE] Logged in\r\n\
            * 0 EXISTS\r\na5 OK [READ-ONLY] Examine completed.\r\n\
            * QUOTAROOT INBOX \"User quota\"\r\n* QUOTA \"User quota\" (STORAGE 94 100)\r\n\
            a7 OK Getquotaroot completed.\r\n\
            * LIST (\\HasNoChildren \\Sent) \".\" {4}\r\nSent\r\n\
            * LIST (\\HasNoChildren) \".\" Projects&MAA-2026\r\n\
            * LIST (\\HasNoChildren) \".\" INBOX\r\na8 OK List completed.\r\n";
        for chunk in [1, 5, 4096] {
            let d = dialogue(Protocol::Imap, server, chunk).await;
            let Some(MailboxFacts::Imap(imap)) = d.mailbox else {
                panic!("chunk {chunk}: {:?}", d.mailbox);
            };
            assert!(imap.idle);
            let QuotaCheck::Roots(resources) = &imap.quota else {
                panic!("{:?}", imap.quota);
            };
            assert_eq!((resources[0].usage, resources[0].limit), (94, 100));
            let folders = imap.folders.unwrap();
            assert_eq!(
                (folders.count, folders.complete),
                (3, true),
                "chunk {chunk}"
            );
            assert_eq!(folders.names, ["Sent", "Projects\u{3000}2026", "INBOX"]);
            assert_eq!(folders.roles[0].name, "Sent");
            assert_eq!(folders.problem_count, 1);
        }
    }

    /// A LIST that is not the protocol (a line neither untagged nor tagged) stops the listing
    /// there: what was read is counted, the dialogue is broken.
    #[tokio::test]
    async fn a_list_broken_by_garbage_is_counted_so_far() {
        use super::super::mailbox::MailboxFacts;
        let server = b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\na2 OK go\r\n\
            a1 OK\r\na3 OK [CAPABILITY IMAP4rev1] Logged in\r\na5 OK done\r\n\
            * LIST () \"/\" INBOX\r\nHTTP/1.1 400 Bad Request\r\n";
        let d = dialogue(Protocol::Imap, server, 4096).await;
        let Some(MailboxFacts::Imap(imap)) = d.mailbox else {
            panic!("{:?}", d.mailbox);
        };
        let folders = imap.folders.unwrap();
        assert_eq!((folders.count, folders.complete), (1, false));
        assert!(!imap.idle);
    }
}
