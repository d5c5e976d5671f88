//! The command line: the contract's options (`docs/report.md`), and the only place that prints.

use std::io::{IsTerminal, Write};

use anyhow::Context as _;
use clap::{Args, Parser, ValueEnum};

mod progress;

use mailcheck::output::{self, Format, Style};
use mailcheck::{EmailAddress, Lang, Report};

/// Exit status for bad input: an invalid address, an unreadable file, an empty password source.
const EXIT_BAD_INPUT: u8 = 3;
/// Exit status for a usage error (bad flags); clap's own code.
const EXIT_USAGE: u8 = 2;

const AFTER_HELP: &str = "\
Examples:
  mailcheck alice@example.com                 discover, probe and explain
  mailcheck --offline alice@qq.com            answer from the bundled provider database
  mailcheck --json alice@example.com | jq .   the JSON report for scripts

Exit status:
  0  checks ran and found no error-severity finding
  1  checks ran and found at least one error-severity finding
  2  usage error (bad flags)
  3  bad input: invalid address, unreadable file, empty password source
  4  no server settings could be found by any source";

/// Find out why a mail client cannot connect: discover the IMAP, POP3 and SMTP settings of an
/// address, check them, and explain what is wrong.
#[derive(Debug, Parser)]
#[command(
    name = "mailcheck",
    version,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// The mail address to check, e.g. alice@example.com
    #[arg(value_name = "ADDRESS", required = true)]
    address: Option<String>,

    #[command(flatten)]
    check: CheckArgs,

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
    #[arg(long, value_name = "IP[:PORT]", value_parser = mailcheck::dns::Dns::parse_server)]
    dns_server: Option<std::net::SocketAddr>,

    /// Extra trust anchors (PEM) for every TLS connection, mail and HTTPS alike
    #[arg(long, value_name = "FILE")]
    ca_file: Option<std::path::PathBuf>,

    /// Base URL of the ISPDB; the domain is appended
    #[arg(long, value_name = "URL", default_value = mailcheck::discover::ispdb::DEFAULT_ISPDB_URL)]
    ispdb_url: reqwest::Url,

    /// Read the password from the first line of standard input
    #[arg(long, conflicts_with = "password_env")]
    password_stdin: bool,

    /// Read the password from this environment variable (MAILCHECK_PASSWORD is read when set
    /// and no other source is given)
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,

    /// The IMAP settings typed into the mail client, to check against what works
    #[arg(long, value_name = "HOST:PORT[:MODE]")]
    imap: Option<String>,

    /// The POP3 settings typed into the mail client (MODE: tls|ssl, starttls, plain)
    #[arg(long, value_name = "HOST:PORT[:MODE]")]
    pop3: Option<String>,

    /// The SMTP settings typed into the mail client
    #[arg(long, value_name = "HOST:PORT[:MODE]")]
    smtp: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Explain one server reply pasted from a mail client or a log
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// The reply, e.g. "535 Login Fail. Please enter your authorization code to login"
    #[arg(value_name = "REPLY")]
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
    lang: Option<String>,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 600.0 => Ok(secs),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 600"
        )),
    }
}

#[derive(Debug, Args)]
struct DisplayArgs {
    /// Print one JSON document (the report) on stdout and nothing else
    #[arg(long)]
    json: bool,

    /// When to colour the report
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,

    /// Language of the report [default: from LC_ALL/LC_MESSAGES/LANG, else en]
    #[arg(long, value_parser = ["en", "zh"], value_name = "LANG")]
    lang: Option<String>,

    /// Print nothing; the exit status tells the result (errors still go to stderr)
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
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs the command and returns the exit status.
pub fn run() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { 0 };
        }
    };
    match check(&cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("mailcheck: {:#}", failure.error);
            failure.code
        }
    }
}

/// A run that could not produce a report.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

fn bad_input(error: anyhow::Error) -> Failure {
    Failure {
        code: EXIT_BAD_INPUT,
        error,
    }
}

fn check(cli: &Cli) -> Result<u8, Failure> {
    if let Some(Command::Explain(args)) = &cli.command {
        return explain(args);
    }
    let typed = cli.address.as_deref().unwrap_or_default();
    let address = EmailAddress::parse(typed)
        .with_context(|| format!("invalid address {typed:?}"))
        .map_err(bad_input)?;
    let lang = language(cli.display.lang.as_deref());
    let password = password(&cli.check).map_err(bad_input)?;
    let mut user_servers = Vec::new();
    for (protocol, spec) in [
        (mailcheck::Protocol::Imap, &cli.check.imap),
        (mailcheck::Protocol::Pop3, &cli.check.pop3),
        (mailcheck::Protocol::Smtp, &cli.check.smtp),
    ] {
        if let Some(spec) = spec {
            let (host, port, security) = mailcheck::settings::parse_user_server(protocol, spec)
                .map_err(|e| bad_input(anyhow::anyhow!("--{protocol} {spec}: {e}")))?;
            user_servers.push(mailcheck::ServerSettings {
                protocol,
                host,
                port,
                security,
                username: address.to_string(),
            });
        }
    }
    // Progress only for a person watching: never into a pipe or a file, never with -q.
    let (progress, spinners) =
        progress::Spinners::start(!cli.display.quiet && std::io::stderr().is_terminal(), lang);
    let options = mailcheck::Options {
        offline: cli.check.offline,
        timeout: std::time::Duration::from_secs_f64(cli.check.timeout),
        dns_server: cli.check.dns_server,
        ca_file: cli.check.ca_file.clone(),
        ispdb_url: cli.check.ispdb_url.clone(),
        lang,
        password,
        user_servers,
        no_probe: cli.check.no_probe,
        progress,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .map_err(bad_input)?;
    let diagnosis = runtime.block_on(mailcheck::check(&address, &options));
    if let Some(spinners) = spinners {
        spinners.finish();
    }
    let diagnosis = diagnosis.map_err(|e| bad_input(e.into()))?;
    let mut report = Report::from_diagnosis(&diagnosis, lang);
    if cli.display.trace {
        report.add_transcripts(&diagnosis);
    }
    let code = diagnosis.verdict().exit_code();
    if !cli.display.quiet {
        let (format, color) = if cli.display.json {
            (Format::Json, false)
        } else {
            (Format::Human, use_color(cli.display.color))
        };
        let style = Style {
            color,
            lang,
            verbose: cli.display.verbose,
        };
        write_stdout(&output::render(&report, format, style))?;
    }
    Ok(code)
}

/// The password from `--password-stdin`, `--password-env` or `MAILCHECK_PASSWORD`; never argv.
fn password(args: &CheckArgs) -> anyhow::Result<Option<String>> {
    let (value, source) = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        (
            line.trim_end_matches(['\r', '\n']).to_owned(),
            "standard input".to_owned(),
        )
    } else if let Some(var) = &args.password_env {
        let value = std::env::var(var)
            .with_context(|| format!("the environment variable {var} is not set"))?;
        (value, format!("the environment variable {var}"))
    } else if let Some(value) = std::env::var_os("MAILCHECK_PASSWORD") {
        (
            value.to_string_lossy().into_owned(),
            "MAILCHECK_PASSWORD".to_owned(),
        )
    } else {
        return Ok(None);
    };
    if value.is_empty() {
        anyhow::bail!("the password from {source} is empty");
    }
    Ok(Some(value))
}

/// `mailcheck explain`: the classifier on one pasted reply.
fn explain(args: &ExplainArgs) -> Result<u8, Failure> {
    use mailcheck::diagnose::{classify, servers::refusal_hint, text};
    let lang = language(args.lang.as_deref());
    let protocol = args
        .protocol
        .as_deref()
        .and_then(|p| p.parse::<mailcheck::Protocol>().ok());
    let provider = match args.provider.as_deref() {
        Some(name) => Some(classify::provider_for(name).ok_or_else(|| {
            bad_input(anyhow::anyhow!(
                "--provider {name}: not a known provider or mail domain"
            ))
        })?),
        None => None,
    };
    let class = classify::classify(protocol, classify::Stage::Other, &args.reply, provider);
    let (message, hint) = match class.code {
        Some(code) => (
            text::generic(code, lang).0.to_owned(),
            refusal_hint(provider, code, &class.possible_causes, lang),
        ),
        None => (
            lang.pick(
                "mailcheck does not recognise this reply.",
                "mailcheck 无法识别此回复。",
            )
            .to_owned(),
            lang.pick(
                "Run `mailcheck ADDRESS` to probe the servers themselves.",
                "请运行 `mailcheck 邮箱地址` 直接检测服务器。",
            )
            .to_owned(),
        ),
    };
    let code = class.code.map_or("unknown", |c| c.as_str());
    let text = if args.json {
        let doc = serde_json::json!({
            "code": code,
            "possible_causes": class.possible_causes,
            "protocol": protocol,
            "provider": args.provider,
            "message": message,
            "hint": hint,
        });
        format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("plain JSON")
        )
    } else {
        let causes: Vec<&str> = class.possible_causes.iter().map(|c| c.as_str()).collect();
        let mut out = format!("{code}: {message}\n→ {hint}\n");
        if causes.len() > 1 {
            out.push_str(&format!(
                "{} {}\n",
                lang.pick(
                    "Possible causes, most likely first:",
                    "可能原因（按可能性排序）："
                ),
                causes.join(", ")
            ));
        }
        out
    };
    write_stdout(&text)?;
    Ok(0)
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`mailcheck … | head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other
            .context("cannot write the report")
            .map_err(|error| Failure { code: 1, error }),
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
