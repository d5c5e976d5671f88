//! Where a password may come from: standard input, an environment variable, a hidden prompt,
//! or a file named in a batch file. Never argv: a password there is visible to every user of
//! the machine (`ps`) and lands in shell history.

use std::path::Path;

use anyhow::Context as _;
use mailcheck::Password;

use super::CheckArgs;

/// The password of a single-address run: `--password-stdin`, `--password-env`,
/// `--ask-password`, else `MAILCHECK_PASSWORD`; `None` tests everything up to the login.
pub fn from_args(args: &CheckArgs, address: &str) -> anyhow::Result<Option<Password>> {
    let (value, source) = if args.password_stdin {
        let line = first_line(std::io::stdin(), "standard input")?;
        (line, "standard input".to_owned())
    } else if let Some(var) = &args.password_env {
        return from_env(var).map(Some);
    } else if args.ask_password {
        (prompt(address)?, "the prompt".to_owned())
    } else if let Some(value) = std::env::var_os("MAILCHECK_PASSWORD") {
        (
            value.to_string_lossy().into_owned(),
            "MAILCHECK_PASSWORD".to_owned(),
        )
    } else {
        return Ok(None);
    };
    non_empty(value, &source).map(Some)
}

/// The OAuth token of a single-address run, from the same kinds of sources as the password:
/// `--oauth-token-stdin`, `--oauth-token-env`, `--ask-oauth-token`, else
/// `MAILCHECK_OAUTH_TOKEN`; never argv.
pub fn oauth_token_from_args(args: &CheckArgs, address: &str) -> anyhow::Result<Option<Password>> {
    let (value, source) = if args.oauth_token_stdin {
        let line = read_line(
            std::io::stdin(),
            "standard input",
            LONGEST_TOKEN,
            "OAuth token",
        )?;
        (line, "standard input".to_owned())
    } else if let Some(var) = &args.oauth_token_env {
        let value = std::env::var(var)
            .with_context(|| format!("the environment variable {var} is not set"))?;
        (value, format!("the environment variable {var}"))
    } else if args.ask_oauth_token {
        let prompt = rpassword::prompt_password(format!("OAuth token for {address}: ")).context(
            "--ask-oauth-token needs a terminal to ask on (use --oauth-token-stdin to read a pipe)",
        )?;
        (prompt, "the prompt".to_owned())
    } else if let Some(value) = std::env::var_os("MAILCHECK_OAUTH_TOKEN") {
        (
            value.to_string_lossy().into_owned(),
            "MAILCHECK_OAUTH_TOKEN".to_owned(),
        )
    } else {
        return Ok(None);
    };
    let token = Password::new(value);
    if token.is_empty() {
        anyhow::bail!("the OAuth token from {source} is empty");
    }
    Ok(Some(token))
}

/// The value of environment variable `var`, which must be set and not empty.
pub fn from_env(var: &str) -> anyhow::Result<Password> {
    let value =
        std::env::var(var).with_context(|| format!("the environment variable {var} is not set"))?;
    non_empty(value, &format!("the environment variable {var}"))
}

/// The first line of the file at `path`.
pub fn from_file(path: &Path) -> anyhow::Result<Password> {
    let what = format!("the password file {}", path.display());
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {what}"))?;
    non_empty(first_line(file, &what)?, &what)
}

/// Refuses an empty password: it would only ever be a mistake, and a confusing one (the
/// server says "wrong password").
fn non_empty(value: String, source: &str) -> anyhow::Result<Password> {
    let password = Password::new(value);
    if password.is_empty() {
        anyhow::bail!("the password from {source} is empty");
    }
    Ok(password)
}

/// No password is this long; a longer first line is a wrong file (or `/dev/zero`), and
/// reading on would only eat memory.
const LONGEST_LINE: u64 = 4096;
/// Access tokens are longer (a Microsoft JWT is 2–3 KB); none is this long.
const LONGEST_TOKEN: u64 = 16384;

/// The first line of `source`, without its line ending, read no further than its newline.
fn first_line(source: impl std::io::Read, what: &str) -> anyhow::Result<String> {
    read_line(source, what, LONGEST_LINE, "password")
}

/// The first line of `source` as a `kind` of secret no longer than `longest` bytes.
fn read_line(
    source: impl std::io::Read,
    what: &str,
    longest: u64,
    kind: &str,
) -> anyhow::Result<String> {
    use std::io::BufRead as _;
    let mut line = zeroize::Zeroizing::new(Vec::new());
    std::io::BufReader::new(source.take(longest + 1))
        .read_until(b'\n', &mut line)
        .with_context(|| format!("cannot read the {kind} from {what}"))?;
    if line.len() as u64 > longest {
        anyhow::bail!("the first line of {what} is longer than {longest} bytes: not a {kind}");
    }
    let mut line = String::from_utf8(std::mem::take(&mut *line))
        .map_err(|_| anyhow::anyhow!("the {kind} from {what} is not UTF-8 text"))?;
    // Cut in place: a trimmed copy would leave the password behind in the original.
    let end = line.trim_end_matches(['\r', '\n']).len();
    line.truncate(end);
    Ok(line)
}

/// Asks on the controlling terminal (`/dev/tty`) with echo off, so that stdout stays the
/// report's even when it is piped. Without a terminal there is nobody to ask, and reading a
/// pipe is what `--password-stdin` is for.
fn prompt(address: &str) -> anyhow::Result<String> {
    rpassword::prompt_password(format!("Password for {address}: "))
        .context("--ask-password needs a terminal to ask on (use --password-stdin to read a pipe)")
}
