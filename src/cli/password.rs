//! Where a password may come from: standard input, an environment variable, a hidden prompt,
//! or a file named in a batch file. Never argv: a password there is visible to every user of
//! the machine (`ps`) and lands in shell history.

use std::path::Path;

use mailcheck::Password;
use mailcheck::text::trouble::{Origin, Said, Trouble};

use super::CheckArgs;

/// The password of a single-address run: `--password-stdin`, `--password-env`,
/// `--ask-password`, else `MAILCHECK_PASSWORD`; `None` tests everything up to the login.
pub fn from_args(
    args: &CheckArgs,
    address: &str,
    lang: mailcheck::Lang,
) -> Result<Option<Password>, Trouble> {
    let (value, source) = if args.password_stdin {
        let line = first_line(std::io::stdin(), &Origin::Stdin)?;
        (line, Origin::Stdin)
    } else if let Some(var) = &args.password_env {
        return from_env(var).map(Some);
    } else if args.ask_password {
        (prompt(address, lang)?, Origin::Prompt)
    } else if let Some(value) = std::env::var_os("MAILCHECK_PASSWORD") {
        (
            value.to_string_lossy().into_owned(),
            Origin::Env("MAILCHECK_PASSWORD".to_owned()),
        )
    } else {
        return Ok(None);
    };
    non_empty(value, source).map(Some)
}

/// The value of environment variable `var`, which must be set and not empty.
pub fn from_env(var: &str) -> Result<Password, Trouble> {
    let value = std::env::var(var).map_err(|_| Trouble::new(Said::EnvNotSet(var.to_owned())))?;
    non_empty(value, Origin::Env(var.to_owned()))
}

/// The first line of the file at `path`.
pub fn from_file(path: &Path) -> Result<Password, Trouble> {
    let what = Origin::PasswordFile(path.display().to_string());
    let file = std::fs::File::open(path)
        .map_err(|e| Trouble::new(Said::CannotRead(what.clone())).because_of(&e))?;
    non_empty(first_line(file, &what)?, what)
}

/// Refuses an empty password: it would only ever be a mistake, and a confusing one (the
/// server says "wrong password").
fn non_empty(value: String, source: Origin) -> Result<Password, Trouble> {
    let password = Password::new(value);
    if password.is_empty() {
        return Err(Trouble::new(Said::EmptyPassword(source)));
    }
    Ok(password)
}

/// No password is this long; a longer first line is a wrong file (or `/dev/zero`), and
/// reading on would only eat memory.
const LONGEST_LINE: u64 = 4096;

/// The first line of `source`, without its line ending, read no further than its newline.
fn first_line(source: impl std::io::Read, what: &Origin) -> Result<String, Trouble> {
    use std::io::BufRead as _;
    let mut line = Vec::new();
    std::io::BufReader::new(source.take(LONGEST_LINE + 1))
        .read_until(b'\n', &mut line)
        .map_err(|e| Trouble::new(Said::CannotReadPassword(what.clone())).because_of(&e))?;
    if line.len() as u64 > LONGEST_LINE {
        return Err(Trouble::new(Said::FirstLineTooLong {
            origin: what.clone(),
            max: LONGEST_LINE,
        }));
    }
    let mut line =
        String::from_utf8(line).map_err(|_| Trouble::new(Said::PasswordNotText(what.clone())))?;
    // Cut in place: a trimmed copy would leave the password behind in the original.
    let end = line.trim_end_matches(['\r', '\n']).len();
    line.truncate(end);
    Ok(line)
}

/// Asks on the controlling terminal (`/dev/tty`) with echo off, so that stdout stays the
/// report's even when it is piped. Without a terminal there is nobody to ask, and reading a
/// pipe is what `--password-stdin` is for.
fn prompt(address: &str, lang: mailcheck::Lang) -> Result<String, Trouble> {
    rpassword::prompt_password(mailcheck::text::catalogue(lang).password_prompt(address))
        .map_err(|e| Trouble::new(Said::NoTerminal).because_of(&e))
}
