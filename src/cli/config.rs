//! Defaults without retyping: every option of the main job (but the per-account ones) can also
//! come from an environment variable, `MAILCHECK_<OPTION>` (`MAILCHECK_TIMEOUT`,
//! `MAILCHECK_DNS_SERVER`, …), and from a configuration file, TOML with the long options' names
//! as keys: `--config FILE`, else `$MAILCHECK_CONFIG`, else
//! `$XDG_CONFIG_HOME/mailcheck/config.toml` (`~/.config/…` without XDG_CONFIG_HOME). A flag
//! beats the environment, which beats the file, which beats the built-in default: the two
//! become clap's default values, so they never conflict with a flag.
//!
//! A password is never written in the file: it may only name where one is (`password-env`,
//! `password-file`; `oauth-token-env`, `oauth-token-file`), and a flag or `MAILCHECK_PASSWORD`
//! beats that. A malformed file is bad input (exit 3) naming its line; a malformed variable is
//! a usage error (exit 2), like the flag it stands for.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use mailcheck::text::trouble::{Cause, Origin, Said, Trouble};
use toml::Spanned;

/// The options that may be given in the environment and the file (long names). The others are
/// about one account or one invocation (`--batch`, `--imap`, `--emit`, `--json`, the prompts).
pub const SETTABLE: [&str; 18] = [
    "offline",
    "no-probe",
    "timeout",
    "dns-server",
    "resolve",
    "ca-file",
    "ispdb-url",
    "max-failed-logins",
    "trust-insecure-sources",
    "format",
    "warning-days",
    "critical-days",
    "color",
    "lang",
    "quiet",
    "verbose",
    "trace",
    "jobs",
];

/// Options whose values are paths: relative in the file, they are relative to the file.
const PATHS: [&str; 1] = ["ca-file"];

/// Where a secret is, as the file names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    Env(String),
    File(PathBuf),
}

/// The defaults of this run: from the environment and the file, and the file's secret sources.
#[derive(Debug, Default)]
pub struct Defaults {
    /// Option id (clap's, `no_probe`) and its values, already checked.
    values: Vec<(String, Vec<String>)>,
    pub password: Option<SecretSource>,
    pub oauth_token: Option<SecretSource>,
}

/// Why the defaults could not be had: a variable is a usage error, the file bad input.
pub enum Refused {
    Env(Trouble),
    File(Trouble),
}

impl Defaults {
    /// The environment's and the file's defaults for `command`, `args` being the raw command
    /// line (for `--config`).
    pub fn load(command: &clap::Command, args: &[OsString]) -> Result<Defaults, Refused> {
        let mut defaults = Defaults::default();
        if let Some((path, must_exist)) = config_path(args) {
            defaults.file(command, &path, must_exist).map_err(|e| {
                Refused::File(e.within(Said::ConfigFile(path.display().to_string())))
            })?;
        }
        defaults.env(command).map_err(Refused::Env)?;
        Ok(defaults)
    }

    /// `command` with these defaults in place of the built-in ones.
    pub fn apply(&self, mut command: clap::Command) -> clap::Command {
        for (id, values) in &self.values {
            let values: Vec<clap::builder::OsStr> =
                values.iter().map(|v| v.clone().into()).collect();
            command = command.mut_arg(id, |arg| arg.default_values(values));
        }
        command
    }

    /// The default of `long` (`format`), if the environment or the file gave one.
    pub fn value(&self, long: &str) -> Option<&str> {
        let id = long.replace('-', "_");
        self.values
            .iter()
            .find(|(i, _)| *i == id)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }

    fn set(&mut self, id: String, values: Vec<String>) {
        self.values.retain(|(i, _)| *i != id);
        self.values.push((id, values));
    }

    /// `MAILCHECK_<OPTION>` for every settable option; set and not empty beats the file.
    fn env(&mut self, command: &clap::Command) -> Result<(), Trouble> {
        for long in SETTABLE {
            let var = env_name(long);
            let Some(value) = std::env::var_os(&var).filter(|v| !v.is_empty()) else {
                continue;
            };
            let origin = || Said::EnvValue(var.clone());
            let value = value
                .into_string()
                .map_err(|_| Trouble::new(Said::NotText(Origin::Env(var.clone()))))?;
            let arg = find(command, long);
            let values: Vec<String> = if is_flag(arg) {
                vec![
                    boolish(&value)
                        .ok_or_else(|| Trouble::new(Said::NotBoolean).within(origin()))?
                        .to_owned(),
                ]
            } else if takes_many(arg) {
                value.split(',').map(|v| v.trim().to_owned()).collect()
            } else {
                vec![value]
            };
            for value in &values {
                check(command, arg, value).map_err(|e| e.within(origin()))?;
            }
            self.set(arg.get_id().to_string(), values);
        }
        Ok(())
    }

    /// The file at `path` (absent is fine unless it was named).
    fn file(
        &mut self,
        command: &clap::Command,
        path: &Path,
        must_exist: bool,
    ) -> Result<(), Trouble> {
        let text = match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => return Ok(()),
            Err(e) => {
                let origin = Origin::File(path.display().to_string());
                return Err(Trouble::new(Said::CannotRead(origin)).because_of(&e));
            }
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Trouble::new(Said::NotText(Origin::File(path.display().to_string())))
            })?,
        };
        let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let table: std::collections::BTreeMap<Spanned<String>, Spanned<toml::Value>> =
            toml::from_str(&text).map_err(|e| {
                let at = e.span().map_or(1, |span| line(span.start));
                Trouble::new(Said::BatchLine(at)).because(Cause::Other(e.message().to_owned()))
            })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut entries: Vec<_> = table.into_iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        for (key, value) in entries {
            let at = Said::BatchLine(line(key.span().start));
            self.entry(command, key.get_ref(), value.into_inner(), base)
                .map_err(|e| e.within(at))?;
        }
        Ok(())
    }

    fn entry(
        &mut self,
        command: &clap::Command,
        key: &str,
        value: toml::Value,
        base: &Path,
    ) -> Result<(), Trouble> {
        let secret = |value: &toml::Value, file: bool| match value {
            toml::Value::String(s) if !s.is_empty() && file => Ok(SecretSource::File(base.join(s))),
            toml::Value::String(s) if !s.is_empty() => Ok(SecretSource::Env(s.clone())),
            _ => Err(Trouble::new(Said::ConfigNeedsText(key.to_owned()))),
        };
        match key {
            "password" | "oauth-token" => return Err(Trouble::new(Said::PasswordWrittenInConfig)),
            "password-env" | "password-file" => {
                self.password = Some(secret(&value, key.ends_with("file"))?);
                return Ok(());
            }
            "oauth-token-env" | "oauth-token-file" => {
                self.oauth_token = Some(secret(&value, key.ends_with("file"))?);
                return Ok(());
            }
            _ => {}
        }
        if !SETTABLE.contains(&key) {
            let known = command.get_arguments().any(|a| a.get_long() == Some(key));
            return Err(Trouble::new(if known {
                Said::ConfigNotSettable(key.to_owned())
            } else {
                Said::ConfigUnknown(key.to_owned())
            }));
        }
        let arg = find(command, key);
        let text = |value: &toml::Value| match value {
            toml::Value::String(s) if PATHS.contains(&key) => {
                Some(base.join(s).display().to_string())
            }
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Integer(i) => Some(i.to_string()),
            toml::Value::Float(f) => Some(f.to_string()),
            _ => None,
        };
        let values: Vec<String> = match &value {
            toml::Value::Boolean(b) if is_flag(arg) => vec![b.to_string()],
            _ if is_flag(arg) => {
                return Err(Trouble::new(Said::ConfigNeedsBoolean(key.to_owned())));
            }
            toml::Value::Array(items) if takes_many(arg) => items
                .iter()
                .map(|v| text(v).ok_or_else(|| Trouble::new(Said::ConfigNeedsText(key.to_owned()))))
                .collect::<Result<_, _>>()?,
            one => {
                vec![text(one).ok_or_else(|| Trouble::new(Said::ConfigNeedsText(key.to_owned())))?]
            }
        };
        for value in &values {
            check(command, arg, value).map_err(|e| e.within(Said::ConfigKey(key.to_owned())))?;
        }
        self.set(arg.get_id().to_string(), values);
        Ok(())
    }
}

/// `--config FILE` (which must exist), else `$MAILCHECK_CONFIG` (likewise), else the XDG
/// place (which may be absent).
fn config_path(args: &[OsString]) -> Option<(PathBuf, bool)> {
    if let Some(file) = super::raw_value(args, "--config") {
        return Some((PathBuf::from(file), true));
    }
    if let Some(file) = std::env::var_os("MAILCHECK_CONFIG").filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(file), true));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some((base.join("mailcheck").join("config.toml"), false))
}

/// `MAILCHECK_DNS_SERVER` for `dns-server`.
pub fn env_name(long: &str) -> String {
    format!("MAILCHECK_{}", long.replace('-', "_").to_uppercase())
}

fn find<'a>(command: &'a clap::Command, long: &str) -> &'a clap::Arg {
    command
        .get_arguments()
        .find(|a| a.get_long() == Some(long))
        .expect("every settable option is an option of the command")
}

fn is_flag(arg: &clap::Arg) -> bool {
    matches!(arg.get_action(), clap::ArgAction::SetTrue)
}

fn takes_many(arg: &clap::Arg) -> bool {
    matches!(arg.get_action(), clap::ArgAction::Append)
}

/// An environment variable's yes or no.
fn boolish(value: &str) -> Option<&'static str> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some("true"),
        "0" | "false" | "no" | "off" => Some("false"),
        _ => None,
    }
}

/// `value` as the option's own check sees it, refused in its words.
fn check(command: &clap::Command, arg: &clap::Arg, value: &str) -> Result<(), Trouble> {
    use clap::error::{ContextKind, ContextValue};
    // The option alone, with its own check and none of its relations to the others.
    let long = arg.get_long().unwrap_or_default();
    let alone = clap::Command::new(command.get_name().to_owned())
        .no_binary_name(true)
        .arg(
            clap::Arg::new("value")
                .long(long.to_owned())
                .value_parser(arg.get_value_parser().clone())
                .action(clap::ArgAction::Set),
        );
    let Err(e) = alone.try_get_matches_from([OsString::from(format!("--{long}={value}"))]) else {
        return Ok(());
    };
    let why = match (
        std::error::Error::source(&e),
        e.get(ContextKind::ValidValue),
    ) {
        (Some(why), _) => why.to_string(),
        (None, Some(ContextValue::Strings(valid))) => valid.join(", "),
        _ => e
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_owned(),
    };
    Err(Trouble::new(Said::ConfigValue(value.to_owned())).because(Cause::Other(why)))
}
