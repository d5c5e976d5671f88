//! Where a password (or an OAuth token) may come from: standard input, an environment variable, a hidden prompt,
//! or a file named in a batch file. Never argv: a password there is visible to every user of
//! the machine (`ps`) and lands in shell history.

use std::path::Path;

use anyhow::Context as _;
use mailcheck::Password;

use super::CheckArgs;

/// What kind of secret is read: its name in messages, how long it may be, and the flags
/// that give it.
pub struct Kind {
    name: &'static str,
    longest: u64,
    env: &'static str,
    stdin_flag: &'static str,
    ask_flag: &'static str,
}

/// No password is this long; a longer first line is a wrong file (or `/dev/zero`), and
/// reading on would only eat memory.
pub const PASSWORD: Kind = Kind {
    name: "password",
    longest: 4096,
    env: "MAILCHECK_PASSWORD",
    stdin_flag: "--password-stdin",
    ask_flag: "--ask-password",
};

/// Access tokens are longer (a Microsoft JWT is 2–3 KB); none is this long.
pub const TOKEN: Kind = Kind {
    name: "OAuth token",
    longest: 16384,
    env: "MAILCHECK_OAUTH_TOKEN",
    stdin_flag: "--oauth-token-stdin",
    ask_flag: "--ask-oauth-token",
};

/// The password of a single-address run: `--password-stdin`, `--password-env`,
/// `--ask-password`, else `MAILCHECK_PASSWORD`; `None` tests everything up to the login.
pub fn from_args(args: &CheckArgs, address: &str) -> anyhow::Result<Option<Password>> {
    let env = args.password_env.as_deref();
    read(
        &PASSWORD,
        args.password_stdin,
        env,
        args.ask_password,
        address,
    )
}

/// The OAuth token of a single-address run, from the same kinds of sources as the password:
/// `--oauth-token-stdin`, `--oauth-token-env`, `--ask-oauth-token`, else
/// `MAILCHECK_OAUTH_TOKEN`; never argv.
pub fn oauth_token_from_args(args: &CheckArgs, address: &str) -> anyhow::Result<Option<Password>> {
    let env = args.oauth_token_env.as_deref();
    read(
        &TOKEN,
        args.oauth_token_stdin,
        env,
        args.ask_oauth_token,
        address,
    )
}

/// A `kind` of secret from the source the flags name, else its environment variable.
fn read(
    kind: &Kind,
    stdin: bool,
    env: Option<&str>,
    ask: bool,
    address: &str,
) -> anyhow::Result<Option<Password>> {
    let (value, source) = if stdin {
        let line = first_line(std::io::stdin(), "standard input", kind)?;
        (line, "standard input".to_owned())
    } else if let Some(var) = env {
        return from_env(var, kind).map(Some);
    } else if ask {
        (prompt(address, kind)?, "the prompt".to_owned())
    } else if let Some(value) = std::env::var_os(kind.env) {
        (value.to_string_lossy().into_owned(), kind.env.to_owned())
    } else {
        return Ok(None);
    };
    non_empty(value, &source, kind).map(Some)
}

/// The value of environment variable `var`, which must be set and not empty.
pub fn from_env(var: &str, kind: &Kind) -> anyhow::Result<Password> {
    let value =
        std::env::var(var).with_context(|| format!("the environment variable {var} is not set"))?;
    non_empty(value, &format!("the environment variable {var}"), kind)
}

/// The first line of the file at `path`.
pub fn from_file(path: &Path, kind: &Kind) -> anyhow::Result<Password> {
    let what = format!("the {} file {}", kind.name, path.display());
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {what}"))?;
    non_empty(first_line(file, &what, kind)?, &what, kind)
}

/// Refuses an empty password: it would only ever be a mistake, and a confusing one (the
/// server says "wrong password").
fn non_empty(value: String, source: &str, kind: &Kind) -> anyhow::Result<Password> {
    let password = Password::new(value);
    if password.is_empty() {
        anyhow::bail!("the {} from {source} is empty", kind.name);
    }
    Ok(password)
}

/// The first line of `source`, without its line ending, read no further than its newline.
fn first_line(source: impl std::io::Read, what: &str, kind: &Kind) -> anyhow::Result<String> {
    use std::io::BufRead as _;
    let (name, longest) = (kind.name, kind.longest);
    let mut line = zeroize::Zeroizing::new(Vec::new());
    std::io::BufReader::new(source.take(longest + 1))
        .read_until(b'\n', &mut line)
        .with_context(|| format!("cannot read the {name} from {what}"))?;
    if line.len() as u64 > longest {
        anyhow::bail!("the first line of {what} is longer than {longest} bytes: not a {name}");
    }
    let mut line = String::from_utf8(std::mem::take(&mut *line))
        .map_err(|_| anyhow::anyhow!("the {name} from {what} is not UTF-8 text"))?;
    // Cut in place: a trimmed copy would leave the password behind in the original.
    let end = line.trim_end_matches(['\r', '\n']).len();
    line.truncate(end);
    Ok(line)
}

/// Asks on the controlling terminal (`/dev/tty`) with echo off, so that stdout stays the
/// report's even when it is piped. Without a terminal there is nobody to ask, and reading a
/// pipe is what `--password-stdin` is for.
fn prompt(address: &str, kind: &Kind) -> anyhow::Result<String> {
    let what = if kind.name == PASSWORD.name {
        "Password"
    } else {
        "OAuth token"
    };
    rpassword::prompt_password(format!("{what} for {address}: ")).with_context(|| {
        format!(
            "{} needs a terminal to ask on (use {} to read a pipe)",
            kind.ask_flag, kind.stdin_flag
        )
    })
}
