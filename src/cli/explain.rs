//! `mailcheck explain`: the classifier that reads server refusals, on one line pasted from a
//! mail client or a log.

use clap::Args;
use mailcheck::text::trouble::{Said, Trouble};

use super::{ExitStatus, Failure, bad_input, language, write_stdout};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The reply, e.g. "535 Login Fail. Please enter your authorization code to login"; it may
    /// start with a hyphen ("-ERR [AUTH] …")
    #[arg(value_name = "REPLY", allow_hyphen_values = true)]
    reply: String,

    /// The protocol the reply came from
    #[arg(long, value_parser = ["imap", "pop3", "smtp"])]
    protocol: Option<String>,

    /// The user's mail domain or the provider's domain, for provider-specific meaning
    #[arg(long, value_name = "DOMAIN")]
    provider: Option<String>,

    /// Print one JSON document on stdout
    #[arg(long)]
    json: bool,

    /// Language of the explanation
    #[arg(long, value_parser = ["en", "zh"], value_name = "LANG")]
    pub(super) lang: Option<String>,
}

/// `mailcheck explain`: the classifier on one pasted reply.
pub fn run(args: &ExplainArgs) -> Result<ExitStatus, Failure> {
    let lang = language(args.lang.as_deref());
    let protocol = args
        .protocol
        .as_deref()
        .and_then(|p| p.parse::<mailcheck::Protocol>().ok());
    let explanation =
        mailcheck::diagnose::explain::explain(&args.reply, protocol, args.provider.as_deref())
            .map_err(|e| bad_input(Trouble::new(Said::CannotExplain).because_of(&e)))?;
    let text = mailcheck::output::explain::render(&explanation, args.json, lang);
    write_stdout(&text)?;
    Ok(ExitStatus::Clean)
}
