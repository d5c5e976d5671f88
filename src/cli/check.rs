//! The main job: one address, discovered, probed, diagnosed and reported.

use anyhow::Context as _;

use mailcheck::output::{self, Format};
use mailcheck::{EmailAddress, Report};

use super::{
    Cli, Emit, ExitStatus, Failure, bad_input, language, password, progress, write_stdout,
};

pub fn run(cli: &Cli) -> Result<ExitStatus, Failure> {
    let typed = cli.address.as_deref().unwrap_or_default();
    let address = EmailAddress::parse(typed)
        .with_context(|| format!("invalid address {:?}", super::shown(typed)))
        .map_err(bad_input)?;
    let lang = language(cli.display.lang.as_deref());
    let mut options = cli.check.options();
    options.user_servers = user_servers(cli, &address).map_err(bad_input)?;
    options.password = password::from_args(&cli.check, typed).map_err(bad_input)?;
    options.oauth_token = password::oauth_token_from_args(&cli.check, typed).map_err(bad_input)?;
    let spinners = progress::Spinners::start(super::show_progress(&cli.display), lang);
    options.progress = spinners.progress();
    let runtime = super::runtime()?;
    let diagnosis = runtime.block_on(mailcheck::check(&address, &options));
    spinners.finish();
    let diagnosis = diagnosis.map_err(|e| bad_input(e.into()))?;
    let mut report = Report::from_diagnosis(&diagnosis, lang);
    if cli.display.trace {
        report.add_transcripts(&diagnosis);
    }
    let code = ExitStatus::from(diagnosis.verdict());
    if let Some(Emit::Autoconfig) = cli.check.emit {
        return emit_autoconfig(&report, code, cli.display.quiet);
    }
    if !cli.display.quiet {
        let (format, style) = if cli.display.json {
            (Format::Json, output::Style::default())
        } else {
            (Format::Human, cli.display.style(lang))
        };
        write_stdout(&output::render(&report, format, style))?;
    }
    Ok(code)
}

/// `--emit autoconfig`: the document on stdout, or, when nothing was verified, nothing there
/// and the reason on stderr (publishing untested settings would spread the problem).
fn emit_autoconfig(report: &Report, code: ExitStatus, quiet: bool) -> Result<ExitStatus, Failure> {
    let Some(document) = output::autoconfig::render(report) else {
        eprintln!(
            "mailcheck: no server was verified to work for {}, so there is no autoconfig \
             document to emit; run without --emit to see why",
            report.address
        );
        return Ok(code.max(ExitStatus::Errors));
    };
    if !quiet {
        for protocol in output::autoconfig::left_out(report) {
            eprintln!(
                "mailcheck: {}: no server was verified to work, so the document has none; \
                 run without --emit to see why",
                protocol.display_name()
            );
        }
    }
    write_stdout(&document)?;
    Ok(code)
}

/// `--imap`, `--pop3`, `--smtp`: the settings the user typed, to be checked as they are.
fn user_servers(
    cli: &Cli,
    address: &EmailAddress,
) -> anyhow::Result<Vec<mailcheck::ServerSettings>> {
    let mut servers = Vec::new();
    for (protocol, spec) in [
        (mailcheck::Protocol::Imap, &cli.check.imap),
        (mailcheck::Protocol::Pop3, &cli.check.pop3),
        (mailcheck::Protocol::Smtp, &cli.check.smtp),
    ] {
        if let Some(spec) = spec {
            let (host, port, security) = mailcheck::settings::parse_user_server(protocol, spec)
                .map_err(|e| anyhow::anyhow!("--{protocol} {spec}: {e}"))?;
            servers.push(mailcheck::ServerSettings {
                protocol,
                host,
                port,
                security,
                username: address.to_string(),
            });
        }
    }
    Ok(servers)
}
