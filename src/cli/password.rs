//! Where a password (or an OAuth token) may come from: standard input, an environment variable, a hidden prompt,
//! or a file named in a batch file. Never argv: a password there is visible to every user of
//! the machine (`ps`) and lands in shell history.

use std::path::Path;

use mailcheck::Password;
use mailcheck::text::trouble::{Origin, Said, Trouble};

use super::CheckArgs;
use super::config::SecretSource;

/// What kind of secret is read: a password, or an OAuth access token (longer, and named as
/// one in what goes wrong). Both come from the same kinds of sources, never from argv.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Password,
    Token,
}

impl Kind {
    /// No password is this long (a longer first line is a wrong file, or `/dev/zero`, and
    /// reading on would only eat memory); access tokens are longer (a Microsoft JWT is 2–3 KB),
    /// none this long.
    fn longest(self) -> u64 {
        match self {
            Kind::Password => 4096,
            Kind::Token => 16384,
        }
    }

    fn env(self) -> &'static str {
        match self {
            Kind::Password => "MAILCHECK_PASSWORD",
            Kind::Token => "MAILCHECK_OAUTH_TOKEN",
        }
    }

    fn file(self, path: &Path) -> Origin {
        let path = path.display().to_string();
        match self {
            Kind::Password => Origin::PasswordFile(path),
            Kind::Token => Origin::TokenFile(path),
        }
    }

    fn empty(self, origin: Origin) -> Said {
        match self {
            Kind::Password => Said::EmptyPassword(origin),
            Kind::Token => Said::EmptyToken(origin),
        }
    }

    fn cannot_read(self, origin: Origin) -> Said {
        match self {
            Kind::Password => Said::CannotReadPassword(origin),
            Kind::Token => Said::CannotReadToken(origin),
        }
    }

    fn not_text(self, origin: Origin) -> Said {
        match self {
            Kind::Password => Said::PasswordNotText(origin),
            Kind::Token => Said::TokenNotText(origin),
        }
    }

    fn too_long(self, origin: Origin) -> Said {
        let max = self.longest();
        match self {
            Kind::Password => Said::FirstLineTooLong { origin, max },
            Kind::Token => Said::TokenLineTooLong { origin, max },
        }
    }
}

/// The password of a single-address run: `--password-stdin`, `--password-env`,
/// `--ask-password`, else `MAILCHECK_PASSWORD`; `None` tests everything up to the login.
pub fn from_args(
    args: &CheckArgs,
    address: &str,
    lang: mailcheck::Lang,
) -> Result<Option<Password>, Trouble> {
    let env = args.password_env.as_deref();
    let sources = (args.password_stdin, env, args.ask_password);
    read(
        Kind::Password,
        sources,
        address,
        lang,
        args.config_password.as_ref(),
    )
}

/// The OAuth token of a single-address run: `--oauth-token-stdin`, `--oauth-token-env`,
/// `--ask-oauth-token`, else `MAILCHECK_OAUTH_TOKEN`.
pub fn oauth_token_from_args(
    args: &CheckArgs,
    address: &str,
    lang: mailcheck::Lang,
) -> Result<Option<Password>, Trouble> {
    let env = args.oauth_token_env.as_deref();
    let sources = (args.oauth_token_stdin, env, args.ask_oauth_token);
    read(
        Kind::Token,
        sources,
        address,
        lang,
        args.config_oauth_token.as_ref(),
    )
}

/// A `kind` of secret from standard input, an environment variable or the prompt, as the
/// flags say (`sources`), else from its own environment variable, else from where the
/// configuration file says it is (`configured`).
fn read(
    kind: Kind,
    (stdin, env, ask): (bool, Option<&str>, bool),
    address: &str,
    lang: mailcheck::Lang,
    configured: Option<&SecretSource>,
) -> Result<Option<Password>, Trouble> {
    let (value, source) = if stdin {
        let line = first_line(std::io::stdin(), &Origin::Stdin, kind)?;
        (line, Origin::Stdin)
    } else if let Some(var) = env {
        return from_env(var, kind).map(Some);
    } else if ask {
        (prompt(address, lang, kind)?, Origin::Prompt)
    } else if let Some(value) = std::env::var_os(kind.env()) {
        (
            value.to_string_lossy().into_owned(),
            Origin::Env(kind.env().to_owned()),
        )
    } else {
        return match configured {
            Some(SecretSource::Env(var)) => from_env(var, kind).map(Some),
            Some(SecretSource::File(path)) => from_file(path, kind).map(Some),
            None => Ok(None),
        };
    };
    non_empty(value, source, kind).map(Some)
}

/// The value of environment variable `var`, which must be set and not empty.
pub fn from_env(var: &str, kind: Kind) -> Result<Password, Trouble> {
    let value = std::env::var(var).map_err(|_| Trouble::new(Said::EnvNotSet(var.to_owned())))?;
    non_empty(value, Origin::Env(var.to_owned()), kind)
}

/// The first line of the file at `path`.
pub fn from_file(path: &Path, kind: Kind) -> Result<Password, Trouble> {
    let what = kind.file(path);
    let file = std::fs::File::open(path)
        .map_err(|e| Trouble::new(Said::CannotRead(what.clone())).because_of(&e))?;
    non_empty(first_line(file, &what, kind)?, what, kind)
}

/// Refuses an empty password: it would only ever be a mistake, and a confusing one (the
/// server says "wrong password").
fn non_empty(value: String, source: Origin, kind: Kind) -> Result<Password, Trouble> {
    let password = Password::new(value);
    if password.is_empty() {
        return Err(Trouble::new(kind.empty(source)));
    }
    Ok(password)
}

/// The first line of `source`, without its line ending, read no further than its newline.
fn first_line(source: impl std::io::Read, what: &Origin, kind: Kind) -> Result<String, Trouble> {
    use std::io::BufRead as _;
    let longest = kind.longest();
    let mut line = zeroize::Zeroizing::new(Vec::new());
    std::io::BufReader::new(source.take(longest + 1))
        .read_until(b'\n', &mut line)
        .map_err(|e| Trouble::new(kind.cannot_read(what.clone())).because_of(&e))?;
    if line.len() as u64 > longest {
        return Err(Trouble::new(kind.too_long(what.clone())));
    }
    let mut line = String::from_utf8(std::mem::take(&mut *line))
        .map_err(|_| Trouble::new(kind.not_text(what.clone())))?;
    // Cut in place: a trimmed copy would leave the password behind in the original.
    let end = line.trim_end_matches(['\r', '\n']).len();
    line.truncate(end);
    Ok(line)
}

/// Asks on the controlling terminal (`/dev/tty`) with echo off, so that stdout stays the
/// report's even when it is piped. Without a terminal there is nobody to ask, and reading a
/// pipe is what `--password-stdin` (`--oauth-token-stdin`) is for.
fn prompt(address: &str, lang: mailcheck::Lang, kind: Kind) -> Result<String, Trouble> {
    let words = mailcheck::text::catalogue(lang);
    let (question, no_terminal) = match kind {
        Kind::Password => (words.password_prompt(address), Said::NoTerminal),
        Kind::Token => (words.token_prompt(address), Said::NoTerminalForToken),
    };
    rpassword::prompt_password(question).map_err(|e| Trouble::new(no_terminal).because_of(&e))
}
