//! What the command line says when it cannot do what it was asked (a bad address, an unset
//! variable, an unreadable file): the trouble as data, worded here in the run's language, its
//! causes after it. A cause that is not mailcheck's own words (the system's "No such file or
//! directory") is kept as it is, like a server's evidence.

use std::fmt;

use super::catalogue;
use crate::address::AddressError;
use crate::lang::Lang;

/// Where an input came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Stdin,
    /// The hidden prompt of `--ask-password`.
    Prompt,
    /// An environment variable.
    Env(String),
    /// A password file (its path).
    PasswordFile(String),
    /// An OAuth token file (its path).
    TokenFile(String),
    /// A file (its path).
    File(String),
}

/// What went wrong, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Said {
    /// What the user typed (already cut short) is not an address.
    InvalidAddress(String),
    /// `--imap`/`--pop3`/`--smtp` (the flag's protocol) with what was typed.
    UserServer {
        protocol: String,
        typed: String,
    },
    EnvNotSet(String),
    /// The password from there is empty.
    EmptyPassword(Origin),
    CannotRead(Origin),
    CannotReadPassword(Origin),
    NotText(Origin),
    PasswordNotText(Origin),
    /// The first line is longer than any password.
    FirstLineTooLong {
        origin: Origin,
        max: u64,
    },
    NoTerminal,
    /// The OAuth token from there is empty.
    EmptyToken(Origin),
    CannotReadToken(Origin),
    TokenNotText(Origin),
    /// The first line is longer than any OAuth token.
    TokenLineTooLong {
        origin: Origin,
        max: u64,
    },
    /// `--ask-oauth-token` without a terminal.
    NoTerminalForToken,
    /// The address has more than one OAuth token source.
    TwoTokenSources(String),
    /// `--batch FILE`.
    BatchFile(String),
    /// A line of the batch file (its number).
    BatchLine(usize),
    /// This many lines of the batch file are wrong (each follows).
    BatchLines(usize),
    /// This many more are not listed.
    AndMore(usize),
    NoAddresses,
    PasswordWrittenInBatch,
    /// A setting after an address that is not a password source (its key only).
    NotPasswordSource(String),
    /// The address has more than one password source.
    TwoPasswordSources(String),
    CannotCheck(String),
    CannotExplain,
    /// `--ca-file`: cannot read it (the system's reason follows).
    CaFileUnreadable(String),
    /// `--ca-file` holds no PEM certificate.
    CaFileEmpty(String),
    /// `--ca-file` holds something that is not a usable certificate (the reason follows).
    CaFileInvalid(String),
    CannotSetUpDns,
    CannotSetUpHttp,
    /// `--emit autoconfig`: no server of the address was verified, so there is no document.
    NothingVerified(String),
    /// `--emit autoconfig`: no server of this protocol was verified; the document has none.
    ProtocolLeftOut(String),
    /// `--emit pacc`: this protocol was verified, but not with implicit TLS on the one port PACC
    /// can name for it (`port`); the document has none.
    ProtocolNotInPacc {
        protocol: String,
        port: u16,
    },
    CannotStartRuntime,
    // The command line's own checks (clap's, worded here in Chinese; clap says them in English).
    /// An argument the command does not know, and the one meant, if clap guesses one.
    UnknownArgument {
        arg: String,
        suggestion: Option<String>,
    },
    /// A value that is none of the values allowed.
    InvalidValue {
        arg: String,
        value: String,
        valid: Vec<String>,
    },
    /// A value the argument's own check refused (why follows as the cause).
    RefusedValue {
        arg: String,
        value: String,
    },
    MissingArgument(Vec<String>),
    Conflict {
        arg: String,
        other: String,
    },
    TryHelp,
    TimeoutNotPositive,
    TimeoutTooLong,
    TimeoutNotNumber(String),
    /// Not an http(s) URL; the example is the default.
    NotHttpUrl {
        typed: String,
        example: String,
    },
    NotDnsServer(String),
    CannotWriteReport,
    CannotRenderManual,
    // The configuration file and the environment's defaults (`src/cli/config.rs`).
    /// The configuration file (its path); a line of it is a `BatchLine`.
    ConfigFile(String),
    /// An environment variable standing for an option (its name).
    EnvValue(String),
    /// A yes or no was wanted.
    NotBoolean,
    PasswordWrittenInConfig,
    /// The key takes text (a path, a variable's name, a value).
    ConfigNeedsText(String),
    /// The key takes true or false.
    ConfigNeedsBoolean(String),
    /// An option that cannot be given in the file (per account, per invocation).
    ConfigNotSettable(String),
    /// Not an option at all.
    ConfigUnknown(String),
    /// The key whose value follows.
    ConfigKey(String),
    /// A value the option refuses (why follows).
    ConfigValue(String),
}

/// Why: mailcheck's own words, or another program's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    Trouble(Box<Trouble>),
    Address(AddressError),
    ServerSpec(crate::settings::ServerSpecError),
    /// The system's or a library's message, as it is.
    Other(String),
}

/// A trouble, what caused it, and, for a list of them (the wrong lines of a batch file), each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trouble {
    /// Boxed: a trouble travels in every `Result` of the command line, and stays small there.
    pub said: Box<Said>,
    pub cause: Option<Cause>,
    pub each: Vec<Trouble>,
}

impl Trouble {
    pub fn new(said: Said) -> Self {
        Self {
            said: Box::new(said),
            cause: None,
            each: Vec::new(),
        }
    }

    /// The same trouble, caused by `cause`.
    pub fn because(mut self, cause: Cause) -> Self {
        self.cause = Some(cause);
        self
    }

    /// The same trouble, caused by another error (its whole chain, as it is).
    pub fn because_of(self, error: &(dyn std::error::Error + 'static)) -> Self {
        let mut text = error.to_string();
        let mut source = error.source();
        while let Some(inner) = source {
            text.push_str(": ");
            text.push_str(&inner.to_string());
            source = inner.source();
        }
        self.because(Cause::Other(text))
    }

    /// This trouble as the cause of another.
    pub fn within(self, said: Said) -> Self {
        Trouble::new(said).because(Cause::Trouble(Box::new(self)))
    }

    /// The trouble and its causes, in `lang`.
    pub fn word(&self, lang: Lang) -> String {
        let t = catalogue(lang);
        let mut out = t.said(&self.said);
        let mut cause = self.cause.as_ref();
        while let Some(next) = cause {
            out.push_str(t.cause_separator());
            cause = match next {
                Cause::Trouble(inner) => {
                    out.push_str(&inner.word_alone(lang));
                    inner.cause.as_ref()
                }
                Cause::Address(error) => {
                    out.push_str(&t.address_error(error));
                    None
                }
                Cause::ServerSpec(error) => {
                    out.push_str(&t.server_spec_error(error));
                    None
                }
                Cause::Other(text) => {
                    out.push_str(text);
                    None
                }
            };
        }
        for each in &self.each {
            out.push_str("\n  ");
            out.push_str(&each.word(lang));
        }
        out
    }

    /// The trouble without its causes, with its list.
    fn word_alone(&self, lang: Lang) -> String {
        Trouble {
            cause: None,
            ..self.clone()
        }
        .word(lang)
    }
}

impl fmt::Display for Trouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.word(Lang::En))
    }
}

impl std::error::Error for Trouble {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trouble_and_its_causes_in_each_language() {
        let trouble = Trouble::new(Said::InvalidAddress("alice".into()))
            .because(Cause::Address(AddressError::MissingAt));
        assert_eq!(
            trouble.word(Lang::En),
            "invalid address \"alice\": it has no '@'"
        );
        assert_eq!(trouble.word(Lang::Zh), "地址“alice”无效：缺少“@”");
        let file = Trouble::new(Said::CannotRead(Origin::File("x.txt".into())))
            .because(Cause::Other(
                "No such file or directory (os error 2)".into(),
            ))
            .within(Said::BatchFile("x.txt".into()));
        assert_eq!(
            file.word(Lang::En),
            "--batch x.txt: cannot read x.txt: No such file or directory (os error 2)"
        );
        assert_eq!(
            file.word(Lang::Zh),
            "--batch x.txt：无法读取 x.txt：No such file or directory (os error 2)"
        );
    }
}
