//! The main job: one address, discovered, probed, diagnosed and reported.

use mailcheck::output::{self, Format};
use mailcheck::text::trouble::{Cause, Said, Trouble};
use mailcheck::{EmailAddress, Lang, Report};

use super::{
    Cli, Emit, ExitStatus, Failure, bad_input, language, password, progress, write_stdout,
};

pub fn run(cli: &Cli) -> Result<ExitStatus, Failure> {
    let typed = cli.address.as_deref().unwrap_or_default();
    let address = EmailAddress::parse(typed).map_err(|e| bad_input(invalid_address(typed, e)))?;
    let lang = language(cli.display.lang.as_deref());
    let mut options = cli.check.options();
    options.user_servers = user_servers(cli, &address).map_err(bad_input)?;
    options.password = password::from_args(&cli.check, typed, lang).map_err(bad_input)?;
    options.oauth_token =
        password::oauth_token_from_args(&cli.check, typed, lang).map_err(bad_input)?;
    let spinners = progress::Spinners::start(super::show_progress(&cli.display), lang);
    options.progress = spinners.progress();
    let runtime = super::runtime(super::Load::OneAccount)?;
    let diagnosis = runtime.block_on(mailcheck::check(&address, &options));
    spinners.finish();
    let diagnosis = diagnosis.map_err(|e| bad_input(check_failed(&address, &e)))?;
    let mut report = Report::from_diagnosis(&diagnosis, lang);
    if cli.display.trace {
        report.add_transcripts(&diagnosis, lang);
    }
    let code = ExitStatus::from(diagnosis.verdict());
    if let Some(emit) = cli.check.emit {
        return emit_document(emit, &report, code, cli.display.quiet, lang);
    }
    let format = cli.display.format();
    if format == Format::Nagios {
        return super::write_plugin(std::slice::from_ref(&report), cli, lang);
    }
    if !cli.display.quiet {
        let style = match format {
            Format::Json => output::Style::default(),
            _ => cli.display.style(lang),
        };
        write_stdout(&output::render(&report, format, style))?;
    }
    Ok(code)
}

/// `--emit autoconfig|autodiscover|pacc`: the document on stdout, or, when nothing was verified,
/// nothing there and the reason on stderr (publishing untested settings would spread the
/// problem).
fn emit_document(
    emit: Emit,
    report: &Report,
    code: ExitStatus,
    quiet: bool,
    lang: Lang,
) -> Result<ExitStatus, Failure> {
    // PACC's TXT record goes to stderr, so that stdout is exactly the bytes it digests.
    let (document, record, left_out) = match emit {
        Emit::Autoconfig => (
            output::autoconfig::render(report),
            None,
            output::autoconfig::left_out(report),
        ),
        Emit::Autodiscover => (
            output::autodiscover::render(report),
            None,
            output::autoconfig::left_out(report),
        ),
        Emit::Pacc => match output::pacc::render(report) {
            Some(emitted) => (
                Some(emitted.document),
                Some(emitted.record),
                output::pacc::left_out(report),
            ),
            None => (None, None, Vec::new()),
        },
    };
    let Some(document) = document else {
        super::say(
            &Trouble::new(Said::NothingVerified(report.address.clone())),
            lang,
        );
        return Ok(code.max(ExitStatus::Errors));
    };
    if !quiet {
        let unverified = output::autoconfig::left_out(report);
        for protocol in left_out {
            let name = protocol.display_name().to_owned();
            let said = if emit == Emit::Pacc && !unverified.contains(&protocol) {
                Said::ProtocolNotInPacc {
                    protocol: name,
                    port: mailcheck::discover::pacc::port(protocol),
                }
            } else {
                Said::ProtocolLeftOut(name)
            };
            super::say(&Trouble::new(said), lang);
        }
    }
    write_stdout(&document)?;
    if let Some(record) = record {
        eprintln!("{record}");
    }
    Ok(code)
}

/// `--imap`, `--pop3`, `--smtp`: the settings the user typed, to be checked as they are.
fn user_servers(
    cli: &Cli,
    address: &EmailAddress,
) -> Result<Vec<mailcheck::ServerSettings>, Trouble> {
    let mut servers = Vec::new();
    for (protocol, spec) in [
        (mailcheck::Protocol::Imap, &cli.check.imap),
        (mailcheck::Protocol::Pop3, &cli.check.pop3),
        (mailcheck::Protocol::Smtp, &cli.check.smtp),
    ] {
        if let Some(spec) = spec {
            let (host, port, security) = mailcheck::settings::parse_user_server(protocol, spec)
                .map_err(|e| {
                    Trouble::new(Said::UserServer {
                        protocol: protocol.to_string(),
                        typed: super::shown(spec),
                    })
                    .because(Cause::ServerSpec(e))
                })?;
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

/// `typed` is not an address, and why.
pub(super) fn invalid_address(typed: &str, error: mailcheck::AddressError) -> Trouble {
    Trouble::new(Said::InvalidAddress(super::shown(typed))).because(Cause::Address(error))
}

/// Why `address` could not be checked at all (its setup failed), and the causes.
pub(super) fn check_failed(address: &EmailAddress, error: &mailcheck::Error) -> Trouble {
    use mailcheck::net::trust::CaFileError;
    let why = match error {
        mailcheck::Error::CaFile(CaFileError::Read { path, source }) => {
            Trouble::new(Said::CaFileUnreadable(path.clone())).because_of(source)
        }
        mailcheck::Error::CaFile(CaFileError::Empty { path }) => {
            Trouble::new(Said::CaFileEmpty(path.clone()))
        }
        mailcheck::Error::CaFile(CaFileError::Invalid { path, reason }) => {
            Trouble::new(Said::CaFileInvalid(path.clone())).because(Cause::Other(reason.clone()))
        }
        mailcheck::Error::Dns(e) => Trouble::new(Said::CannotSetUpDns).because_of(e),
        mailcheck::Error::Http(e) => {
            Trouble::new(Said::CannotSetUpHttp).because(Cause::Other(e.clone()))
        }
        // The library may add more; its own words then.
        other => Trouble::new(Said::CannotCheck(address.to_string())).because_of(other),
    };
    if let Said::CannotCheck(_) = *why.said {
        return why;
    }
    why.within(Said::CannotCheck(address.to_string()))
}
