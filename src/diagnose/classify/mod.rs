//! Reading refusals: what a server's "no" means, as the contract's finding codes.
//!
//! One classifier serves the probes (a refused `LOGIN`, `AUTH`, `PASS` or `EXAMINE`) and
//! `mailcheck explain` (a line pasted from a mail client or a log). The rules run in the order of
//! issue 4, and the first that recognises the reply decides:
//!
//! 0. what libraries print when the connection failed before any reply (`library.txt`: TLS
//!    mode against the port, certificates, DNS, refused or unanswered connections);
//! 1. the provider's own reply patterns (`mc:reply` in `providers/`);
//! 2. IMAP response codes (RFC 5530 and the `[ALERT]` text); then, for `explain` only, replies
//!    about a message rather than the connection (bounces, spam, size limits);
//! 3. SMTP reply codes and enhanced status codes (RFC 3463, RFC 4954, Microsoft's 5.7.139);
//! 4. POP3 response codes (RFC 2449, RFC 3206);
//! 5. the wording, in English and Chinese (the phrases of `cues.txt`);
//! 6. the stage alone: a refused greeting, or a refused login that says nothing more.
//!
//! Response codes that carry no detail by definition (`[AUTHENTICATIONFAILED]`, `535 5.7.8`,
//! `-ERR [AUTH]`, …) are refined by the wording: a specific cause named in the text ("authorization
//! code", "not enabled for POP access", "plaintext authentication disallowed") is ranked before the
//! code's own causes, and the rule says `… + wording`.
//!
//! A reply is read leniently: codes are found in server lines (`a1 NO [AUTHENTICATIONFAILED] …`,
//! `535-5.7.8 …`, `-ERR [AUTH] …`) and in what mail clients and libraries print around them
//! (`(535, b'5.7.8 …')`, `Server said: [ALERT] …`). Only the first [`MAX_REPLY_BYTES`] are read.
//!
//! `reply` parses a reply into codes and shape, `cues` reads its wording, `rules` holds the rules
//! in the order above; `provider` finds the provider for `explain --provider`. How to tell the
//! remaining causes apart is worded in `text`.

mod cues;
mod library;
mod provider;
mod ranked;
mod repair;
mod reply;
mod rules;
#[cfg(test)]
mod tests;

use crate::clientconfig::ProviderConfig;
use crate::finding::{FindingCode, Stage};
use crate::settings::Protocol;

use reply::ParsedReply;

pub use provider::provider_for;

/// How much of a reply is read; the rest is ignored (real refusals are one or a few lines).
pub const MAX_REPLY_BYTES: usize = 16 * 1024;

/// What a refusal means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    /// The most likely code; `None` when the reply says nothing recognisable ("unknown").
    pub code: Option<FindingCode>,
    /// Every cause the reply leaves open, most likely first, starting with `code` (empty when
    /// unknown).
    pub possible_causes: Vec<FindingCode>,
    /// Which rule decided: for tests and for `-v` ("provider qq: reply pattern …", "RFC 5530
    /// AUTHENTICATIONFAILED", "SMTP 535 5.7.8", "POP3 \[AUTH\]", "wording", …). Also set when the
    /// reply is unknown ("no rule matched") or not a refusal at all ("not a refusal").
    pub rule: String,
    /// IMAP `[ALERT]` text, to show as-is.
    pub alert: Option<String>,
}

impl Classification {
    /// The contract's name of the code: a finding code, or `unknown`.
    pub fn code_str(&self) -> &'static str {
        self.code.map_or("unknown", FindingCode::as_str)
    }

    pub fn is_unknown(&self) -> bool {
        self.code.is_none()
    }

    fn unknown(rule: &str, alert: Option<String>) -> Self {
        Self {
            code: None,
            possible_causes: Vec::new(),
            rule: rule.to_owned(),
            alert,
        }
    }
}

/// Classifies one server reply (one line or several). Never panics.
///
/// `protocol` is the protocol spoken; when `None` it is guessed from the reply's shape (`+OK`/
/// `-ERR` POP3, `* NO`/`a1 NO` IMAP, `535 …` SMTP). `provider` is the provider the account
/// belongs to, whose reply patterns are tried first. `stage` is where in the dialogue the reply
/// came (a NO to LOGIN means something else than a NO to EXAMINE); `None` when that is not known
/// (a line pasted into `mailcheck explain`).
/// The reply as the classifier reads it: a Chinese reply garbled by a wrong decoding (GBK read
/// as Latin-1, say) is decoded again. An alert the classifier quotes is taken from this text.
pub fn as_read(reply: &str) -> String {
    repair::repair(reply).into_owned()
}

pub fn classify(
    protocol: Option<Protocol>,
    stage: Option<Stage>,
    reply: &str,
    provider: Option<&ProviderConfig>,
) -> Classification {
    let reply = repair::repair(reply);
    if let Some((causes, phrase)) = library::failure(&reply.to_lowercase()) {
        return Classification {
            code: causes.first().copied(),
            possible_causes: causes,
            rule: format!("library: {phrase}"),
            alert: None,
        };
    }
    let reply = ParsedReply::parse(&reply);
    let alert = reply.alert.clone();
    if reply.is_positive() {
        return Classification::unknown("not a refusal", alert);
    }
    match rules::decide(protocol.or(reply.shape), stage, provider, reply) {
        Some((causes, rule)) => Classification {
            code: causes.first().copied(),
            possible_causes: causes,
            rule,
            alert,
        },
        None => Classification::unknown("no rule matched", alert),
    }
}
