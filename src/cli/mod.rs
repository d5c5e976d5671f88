//! The command line: the contract's options (`docs/report.md`), and the only place that prints.
//!
//! One file per feature: `check` (one address), `batch` (many), `explain`, `config` (defaults
//! from the environment and the configuration file), `password` (where
//! a password may come from), `generate` (completions and the man page), `progress`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, ValueEnum};

mod batch;
mod check;
mod config;
mod exit;
mod explain;
mod generate;
mod password;
mod progress;
mod slots;

use mailcheck::Lang;
use mailcheck::text::trouble::{Said, Trouble};

pub use exit::ExitStatus;

const AFTER_HELP: &str = "\
Examples:
  mailcheck alice@example.com                    discover, probe and explain
  MAILCHECK_PASSWORD=… mailcheck alice@example.com
                                                 … and log in (never sends mail)
  mailcheck --ask-password alice@example.com     type the password at a hidden prompt
  mailcheck --imap mail.example.com:143:tls alice@example.com
                                                 check what the user typed into the client
  mailcheck --offline alice@qq.com               answer from the bundled provider database
  mailcheck --json alice@example.com | jq .      the JSON report for scripts
  mailcheck --batch accounts.txt --json          many accounts, one JSON report per line
  mailcheck --format nagios alice@example.com    a monitoring plugin's line (also junit,
                                                 prometheus, html; docs/report.md)
  mailcheck --emit autoconfig alice@example.com  a config-v1.1 file of what works, to publish
  mailcheck --lang zh alice@company.com          中文报告
  mailcheck explain \"535 Login Fail. Please enter your authorization code to login\"

Exit status:
  0  checks ran and found no error-severity finding
  1  checks ran and found at least one error-severity finding
  2  usage error (bad flags)
  3  bad input: invalid address, unreadable file, empty password source
  4  no server settings could be found by any source
  With --format nagios alone: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.

Passwords never come from the command line: --password-stdin, --password-env VAR,
MAILCHECK_PASSWORD or --ask-password. A password goes only over verified TLS, to the
likeliest server first; after a refusal of it no other server is tried, and a run makes at
most 2 failed logins (--max-failed-logins). SECURITY.md says more.
Colour: --color, or NO_COLOR=1 to turn it off.
Defaults: most options also come from MAILCHECK_<OPTION> variables (MAILCHECK_TIMEOUT=5) and
from $XDG_CONFIG_HOME/mailcheck/config.toml (--config FILE); a flag beats a variable, which
beats the file. A password is never in the file, only where it is (password-env, -file).";

/// Find out why a mail client cannot connect: discover the IMAP, POP3 and SMTP settings of an
/// address, check them, and explain what is wrong.
#[derive(Debug, Parser)]
#[command(
    name = "mailcheck",
    version,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// The mail address to check, e.g. alice@example.com
    #[arg(value_name = "ADDRESS", required_unless_present = "batch")]
    address: Option<String>,

    #[command(flatten)]
    check: CheckArgs,

    #[command(flatten)]
    many: BatchArgs,

    #[command(flatten)]
    display: DisplayArgs,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// No network at all: answer from the bundled provider database
    #[arg(long)]
    offline: bool,

    /// Discover only: list the candidate servers without connecting to them
    #[arg(long, conflicts_with = "offline")]
    no_probe: bool,

    /// The limit in seconds for any one network step (connect, TLS handshake, a reply)
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = parse_timeout)]
    timeout: f64,

    /// Use this DNS server for every lookup (SRV, MX, A/AAAA, autoconfig host names)
    #[arg(long, value_name = "IP[:PORT]", value_parser = parse_dns_server)]
    dns_server: Option<std::net::SocketAddr>,

    /// Connect to ADDRESS for HOST (repeatable), checking the certificate and sending SNI for
    /// HOST: test a new server under its real name before the DNS records move
    #[arg(long, value_name = "HOST:ADDRESS", value_parser = mailcheck::net::dns::Dns::parse_pin)]
    resolve: Vec<(String, std::net::IpAddr)>,

    /// Extra trust anchors (PEM) for every TLS connection, mail and HTTPS alike
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,

    /// Base URL of the ISPDB; the domain is appended
    #[arg(long, value_name = "URL", default_value = mailcheck::discover::ispdb::DEFAULT_ISPDB_URL, value_parser = parse_ispdb_url)]
    ispdb_url: reqwest::Url,

    /// Read the password from the first line of standard input
    #[arg(long, conflicts_with_all = ["password_env", "ask_password"])]
    password_stdin: bool,

    /// Read the password from this environment variable (MAILCHECK_PASSWORD is read when set
    /// and no other source is given)
    #[arg(long, value_name = "VAR", conflicts_with = "ask_password")]
    password_env: Option<String>,

    /// Ask for the password at a prompt on the terminal, without echoing it
    #[arg(long)]
    ask_password: bool,

    /// Read an OAuth access token from the first line of standard input, to log in with
    /// OAUTHBEARER or XOAUTH2 where a server offers them
    #[arg(long, conflicts_with_all = ["password_stdin", "oauth_token_env", "ask_oauth_token"])]
    oauth_token_stdin: bool,

    /// Read the OAuth access token from this environment variable (MAILCHECK_OAUTH_TOKEN is
    /// read when set and no other source is given)
    #[arg(long, value_name = "VAR", conflicts_with = "ask_oauth_token")]
    oauth_token_env: Option<String>,

    /// Ask for the OAuth access token at a prompt on the terminal, without echoing it
    #[arg(long)]
    ask_oauth_token: bool,

    /// The IMAP settings typed into the mail client, to check against what works
    #[arg(long, value_name = "HOST:PORT[:MODE]")]
    imap: Option<String>,

    /// The POP3 settings typed into the mail client (MODE: tls|ssl, starttls, plain)
    #[arg(long, value_name = "HOST:PORT[:MODE]")]
    pop3: Option<String>,

    /// The SMTP settings typed into the mail client
    #[arg(long, value_name = "HOST:PORT[:MODE]")]
    smtp: Option<String>,

    /// The most failed login attempts a run may make, over all its servers; a refused password
    /// is never tried on another server anyway
    #[arg(
        long,
        value_name = "N",
        default_value_t = mailcheck::probe::logins::DEFAULT_MAX_FAILED_LOGINS,
        value_parser = clap::value_parser!(u32).range(1..=100)
    )]
    max_failed_logins: u32,

    /// Send the password also to servers that only plain-HTTP sources named (anyone on the
    /// network path could have named them)
    #[arg(long)]
    trust_insecure_sources: bool,

    /// Read defaults for the options from this TOML file instead of
    /// $XDG_CONFIG_HOME/mailcheck/config.toml (also $MAILCHECK_CONFIG); flags and MAILCHECK_*
    /// variables beat it
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Where the configuration file says the password is (never the password itself).
    #[arg(skip)]
    config_password: Option<config::SecretSource>,

    /// Where the configuration file says the OAuth token is.
    #[arg(skip)]
    config_oauth_token: Option<config::SecretSource>,

    /// Print a document of the verified working settings instead of the report:
    /// `autoconfig` is a config-v1.1 file to publish at autoconfig.<domain>
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        conflicts_with_all = ["json", "format", "offline", "no_probe"]
    )]
    emit: Option<Emit>,
}

#[derive(Debug, Args)]
struct BatchArgs {
    /// Check every address in FILE, one per line (`#` starts a comment); a password only
    /// through `password-env=VAR` or `password-file=PATH` after the address (an OAuth token:
    /// `oauth-token-env=VAR`, `oauth-token-file=PATH`)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = [
            "address", "imap", "pop3", "smtp", "password_stdin", "password_env",
            "ask_password", "emit", "oauth_token_stdin", "oauth_token_env", "ask_oauth_token",
        ]
    )]
    batch: Option<PathBuf>,

    /// How many accounts of a batch are worked on at once (one that only waits on a silent
    /// server lends its place to the next)
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: u16,

    /// Check only the K-th of N equal, consecutive shares of the batch file (1 <= K <= N), so
    /// that N runs (GNU parallel, a CI matrix, N machines) split it; their outputs concatenate
    /// in the file's order
    #[arg(long, value_name = "K/N", value_parser = batch::parse_shard)]
    shard: Option<batch::Shard>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Emit {
    /// A Thunderbird config-v1.1 document (autoconfig)
    Autoconfig,
    /// An Exchange Autodiscover (POX) response
    Autodiscover,
    /// A PACC document (stdout) and its _ua-auto-config TXT record with the digest (stderr)
    Pacc,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Explain one server reply pasted from a mail client or a log
    Explain(explain::ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `mailcheck man | man -l -`
    Man,
}

/// `--ispdb-url`: an absolute http(s) URL, said so when it is not (url's own "relative URL
/// without a base" means nothing to a user).
/// A value check's refusal, in the run's language.
fn refused(said: Said) -> String {
    mailcheck::text::catalogue(early()).said(&said)
}

fn parse_ispdb_url(text: &str) -> Result<reqwest::Url, String> {
    match reqwest::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "https" | "http") => Ok(url),
        _ => Err(refused(Said::NotHttpUrl {
            typed: shown(text),
            example: mailcheck::discover::ispdb::DEFAULT_ISPDB_URL.to_owned(),
        })),
    }
}

fn parse_dns_server(text: &str) -> Result<std::net::SocketAddr, String> {
    mailcheck::net::dns::Dns::parse_server(text)
        .map_err(|_| refused(Said::NotDnsServer(shown(text))))
}

/// What the user typed, as an error message shows it: a pasted 100 KB blob is not echoed whole.
fn shown(typed: &str) -> String {
    const SHOWN: usize = 80;
    match typed.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}… ({} bytes)", &typed[..cut], typed.len()),
        None => typed.to_owned(),
    }
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 600.0 => Ok(secs),
        // "between 0 and 600" read as a contradiction when the value was 0 itself.
        Ok(secs) if secs <= 0.0 => Err(refused(Said::TimeoutNotPositive)),
        Ok(_) => Err(refused(Said::TimeoutTooLong)),
        Err(_) => Err(refused(Said::TimeoutNotNumber(shown(text)))),
    }
}

#[derive(Debug, Args)]
struct DisplayArgs {
    /// Print one JSON document (the report) on stdout and nothing else; with --batch, one
    /// report per line (JSON Lines)
    #[arg(long)]
    json: bool,

    /// The report's format: human, json (as --json), junit (JUnit XML for CI), nagios (a
    /// monitoring plugin's status line, performance data and exit status 0-3), prometheus
    /// (text exposition for node_exporter's textfile collector), html (a self-contained page)
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "json")]
    format: Option<FormatChoice>,

    /// With --format nagios: WARNING when a certificate has at most this many days left
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    warning_days: i64,

    /// With --format nagios: CRITICAL when a certificate has at most this many days left
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    critical_days: i64,

    /// When to colour the report
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,

    /// Language of the report [default: from LC_ALL/LC_MESSAGES/LANG, else en]
    #[arg(long, value_parser = ["en", "zh"], value_name = "LANG")]
    lang: Option<String>,

    /// Print nothing (but the document --emit asks for); the exit status tells the result
    /// (errors still go to stderr)
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,

    /// Show every server considered, with its certificate, timings and capabilities, and
    /// every source's answer
    #[arg(short, long)]
    verbose: bool,

    /// Add the full protocol dialogue of every probe, credentials replaced by ***, ready to
    /// paste into a ticket (in the JSON report: servers[].transcript)
    #[arg(long)]
    trace: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FormatChoice {
    Human,
    Json,
    Junit,
    Nagios,
    Prometheus,
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The clap definition, for completions, the man page and tests.
fn command() -> clap::Command {
    Cli::command()
}

/// Runs the command and returns the exit status.
pub fn run() -> ExitStatus {
    one_malloc_arena();
    let args = lang_after_explain(std::env::args_os().collect());
    let _ = EARLY_LANG.set(early_language(&args));
    let defaults = match config::Defaults::load(&Cli::command(), &args) {
        Ok(defaults) => defaults,
        Err(refused) => {
            let (trouble, status) = match refused {
                config::Refused::Env(trouble) => (trouble, ExitStatus::Usage),
                config::Refused::File(trouble) => (trouble, ExitStatus::BadInput),
            };
            say(&trouble, early());
            return if plugin_requested(&args, None) {
                status.for_plugin()
            } else {
                status
            };
        }
    };
    let status = run_with(&args, &defaults);
    if plugin_requested(&args, defaults.value("format")) {
        status.for_plugin()
    } else {
        status
    }
}

/// Whether the run is a monitoring plugin's (`--format nagios`, from the command line or the
/// environment), whose usage errors and bad input are UNKNOWN (3) whatever else went wrong.
fn plugin_requested(args: &[std::ffi::OsString], default: Option<&str>) -> bool {
    match raw_value(args, "--format") {
        Some(format) => format == "nagios",
        None => match default {
            Some(format) => format == "nagios",
            None => std::env::var("MAILCHECK_FORMAT").is_ok_and(|f| f == "nagios"),
        },
    }
}

/// `--jobs` and `--shard` given without `--batch` are a usage error. Checked here: clap's
/// `requires = "batch"` on them let `--jobs 3 ADDRESS` run (seen before and after the
/// configuration's defaults were added), and the default value `--jobs` has must not count.
fn batch_only(matches: &clap::ArgMatches) -> Result<(), clap::Error> {
    if matches.get_one::<PathBuf>("batch").is_some() {
        return Ok(());
    }
    for (id, flag) in [("jobs", "--jobs"), ("shard", "--shard")] {
        if matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
            return Err(Cli::command().error(
                clap::error::ErrorKind::MissingRequiredArgument,
                format!("{flag} needs --batch FILE"),
            ));
        }
    }
    Ok(())
}

fn run_with(args: &[std::ffi::OsString], defaults: &config::Defaults) -> ExitStatus {
    let parsed = defaults
        .apply(Cli::command())
        .try_get_matches_from(args)
        .and_then(|matches| {
            batch_only(&matches)?;
            Cli::from_arg_matches(&matches)
        });
    let cli = match parsed {
        Ok(mut cli) => {
            cli.check.config_password = defaults.password.clone();
            cli.check.config_oauth_token = defaults.oauth_token.clone();
            cli
        }
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            if !e.use_stderr() {
                let _ = e.print();
                return ExitStatus::Clean;
            }
            match usage_error(&e, early()) {
                Some(said) => eprint!("{said}"),
                None => {
                    let _ = e.print();
                }
            }
            return ExitStatus::Usage;
        }
    };
    let result = match &cli.command {
        Some(Command::Explain(args)) => explain::run(args),
        Some(Command::Completions { shell }) => generate::completions(*shell),
        Some(Command::Man) => generate::man(),
        None if cli.many.batch.is_some() => batch::run(&cli),
        None => check::run(&cli),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            let lang = match &cli.command {
                Some(Command::Explain(args)) => language(args.lang.as_deref()),
                _ => language(cli.display.lang.as_deref()),
            };
            say(&failure.error, lang);
            failure.code
        }
    }
}

/// The language before the arguments are parsed (for clap's errors and the value checks):
/// `--lang` wherever it stands, else the locale.
static EARLY_LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

fn early() -> Lang {
    EARLY_LANG.get().copied().unwrap_or_default()
}

fn early_language(args: &[std::ffi::OsString]) -> Lang {
    let env = std::env::var("MAILCHECK_LANG").ok();
    language(raw_value(args, "--lang").as_deref().or(env.as_deref()))
}

/// The value of the long option `name` (`--name VALUE` or `--name=VALUE`) wherever it stands
/// in the raw arguments, before clap has judged them.
fn raw_value(args: &[std::ffi::OsString], name: &str) -> Option<String> {
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    args.iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix(name) {
            Some("") => args.get(i + 1).copied(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        })
        .map(str::to_owned)
}

/// A usage error in Chinese, from clap's facts (English keeps clap's own words); `None` where
/// clap's kind of error is not one of ours.
fn usage_error(e: &clap::Error, lang: Lang) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if lang == Lang::En {
        return None;
    }
    let one = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        _ => None,
    };
    let all = |kind| match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let arg = one(ContextKind::InvalidArg).unwrap_or_default();
    let value = one(ContextKind::InvalidValue).unwrap_or_default();
    let trouble = match e.kind() {
        ErrorKind::UnknownArgument => Trouble::new(Said::UnknownArgument {
            arg,
            suggestion: one(ContextKind::SuggestedArg),
        }),
        ErrorKind::InvalidValue => Trouble::new(Said::InvalidValue {
            arg,
            value,
            valid: all(ContextKind::ValidValue),
        }),
        ErrorKind::ValueValidation => {
            let refused = Trouble::new(Said::RefusedValue { arg, value });
            match std::error::Error::source(e) {
                Some(why) => {
                    refused.because(mailcheck::text::trouble::Cause::Other(why.to_string()))
                }
                None => refused,
            }
        }
        ErrorKind::MissingRequiredArgument => {
            Trouble::new(Said::MissingArgument(all(ContextKind::InvalidArg)))
        }
        ErrorKind::ArgumentConflict => Trouble::new(Said::Conflict {
            arg,
            other: one(ContextKind::PriorArg).unwrap_or_default(),
        }),
        _ => return None,
    };
    let t = mailcheck::text::catalogue(lang);
    Some(format!(
        "mailcheck{}{}\n\n{}\n",
        t.cause_separator(),
        trouble.word(lang),
        t.said(&Said::TryHelp)
    ))
}

/// `mailcheck --lang zh explain …`: `--lang` is an option of the main job and of `explain`, and
/// clap takes no option of the main job before a subcommand, so a `--lang` given before
/// `explain` is moved behind it.
fn lang_after_explain(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let Some(at) = args
        .iter()
        .skip(1)
        .position(|a| a == "explain")
        .map(|i| i + 1)
    else {
        return args;
    };
    let mut before = Vec::new();
    let mut moved = Vec::new();
    let mut i = 1;
    while i < at {
        let arg = &args[i];
        if arg == "--lang" && i + 1 < at {
            moved.extend([arg.clone(), args[i + 1].clone()]);
            i += 2;
            continue;
        }
        if arg.to_str().is_some_and(|a| a.starts_with("--lang=")) {
            moved.push(arg.clone());
        } else {
            before.push(arg.clone());
        }
        i += 1;
    }
    if moved.is_empty() || !before.is_empty() {
        // Only `--lang` may stand before `explain`; anything else is left for clap to judge.
        return args;
    }
    let mut out = vec![args[0].clone(), args[at].clone()];
    out.extend(moved);
    out.extend(args[at + 1..].iter().cloned());
    out
}

/// Says `trouble` on stderr, in `lang`.
fn say(trouble: &Trouble, lang: Lang) {
    let t = mailcheck::text::catalogue(lang);
    eprintln!("mailcheck{}{}", t.cause_separator(), trouble.word(lang));
}

/// A run that could not produce a report.
struct Failure {
    code: ExitStatus,
    error: Trouble,
}

fn bad_input(error: Trouble) -> Failure {
    Failure {
        code: ExitStatus::BadInput,
        error,
    }
}

/// glibc gives every thread that allocates an arena of its own and keeps what they free
/// resident: a batch's peak memory was about twice its live heap (55 MiB for 25 MiB). One
/// arena is enough for a program that mostly waits on the network; measured, it costs no
/// speed (README.md, "Speed"). A fixed mmap threshold keeps glibc from raising it after
/// each large buffer freed, which would keep every later one of that size in the heap:
/// 63.3 to 59.1 MiB peak over 10,000 accounts at `--jobs 64`.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets tunables; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// glibc's own default, before it starts raising it.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

/// What a runtime is for.
#[derive(Clone, Copy)]
enum Load {
    /// One account: its work is waiting, and the little TLS it computes costs less on one
    /// thread than handed between two. A healthy run with its 7 logins, old and new binaries
    /// in turn, 40 runs each, four times: 18 to 24 % less CPU (21.4 to 17.6 ms on a quiet
    /// machine), 2 to 9 ms less wall time, while the servers share the two cores.
    OneAccount,
    /// A batch: two workers, as many as the machines it is built for.
    Batch,
}

fn runtime(load: Load) -> Result<tokio::runtime::Runtime, Failure> {
    let mut builder = match load {
        Load::OneAccount => tokio::runtime::Builder::new_current_thread(),
        Load::Batch => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(2);
            builder
        }
    };
    builder
        .enable_all()
        .build()
        .map_err(|e| bad_input(Trouble::new(Said::CannotStartRuntime).because_of(&e)))
}

/// `--format nagios`: the status line and long output (even with `-q`: the line is the
/// check's result), and the plugin's exit status.
fn write_plugin(
    reports: &[mailcheck::Report],
    cli: &Cli,
    lang: Lang,
) -> Result<ExitStatus, Failure> {
    let now = time::OffsetDateTime::now_utc();
    let (text, state) =
        mailcheck::output::nagios::render(reports, cli.display.thresholds(), now, lang);
    write_stdout(&text)?;
    Ok(ExitStatus::Plugin(state))
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`mailcheck … | head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Failure {
            code: ExitStatus::Errors,
            error: Trouble::new(Said::CannotWriteReport).because_of(&e),
        }),
    }
}

/// `--lang`, else the locale, else English.
fn language(flag: Option<&str>) -> Lang {
    if let Some(lang) = flag.and_then(|l| l.parse().ok()) {
        return lang;
    }
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find_map(|value| Lang::from_locale(&value))
        .unwrap_or_default()
}

/// `--color`, `NO_COLOR` and whether stdout is a terminal.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
                && std::io::stdout().is_terminal()
        }
    }
}

/// Progress is for a person watching: never into a pipe or a file, never with `-q`.
fn show_progress(display: &DisplayArgs) -> bool {
    !display.quiet && std::io::stderr().is_terminal()
}

impl CheckArgs {
    /// What every run of this invocation may do; the password and the user's own settings
    /// are per account.
    fn options(&self) -> mailcheck::Options {
        mailcheck::Options {
            offline: self.offline,
            timeout: std::time::Duration::from_secs_f64(self.timeout),
            dns_server: self.dns_server,
            resolve: self.resolve.clone(),
            ca_file: self.ca_file.clone(),
            ispdb_url: self.ispdb_url.clone(),
            no_probe: self.no_probe,
            max_failed_logins: self.max_failed_logins,
            trust_insecure_sources: self.trust_insecure_sources,
            ..mailcheck::Options::default()
        }
    }
}

impl DisplayArgs {
    /// `--format`, or `--json`.
    fn format(&self) -> mailcheck::output::Format {
        use mailcheck::output::Format;
        match self.format {
            _ if self.json => Format::Json,
            None | Some(FormatChoice::Human) => Format::Human,
            Some(FormatChoice::Json) => Format::Json,
            Some(FormatChoice::Junit) => Format::Junit,
            Some(FormatChoice::Nagios) => Format::Nagios,
            Some(FormatChoice::Prometheus) => Format::Prometheus,
            Some(FormatChoice::Html) => Format::Html,
        }
    }

    fn thresholds(&self) -> mailcheck::output::nagios::Thresholds {
        mailcheck::output::nagios::Thresholds {
            warning_days: self.warning_days,
            critical_days: self.critical_days,
        }
    }

    /// The human report's style (colour only where it is wanted).
    fn style(&self, lang: Lang) -> mailcheck::output::Style {
        mailcheck::output::Style {
            color: use_color(self.color),
            lang,
            verbose: self.verbose,
        }
    }
}
