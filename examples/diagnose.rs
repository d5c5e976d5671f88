//! Diagnoses one address with the mailcheck library and prints the finding codes, one a line
//! (code, severity, where, message), then the conclusion.
//!
//! ```text
//! cargo run --example diagnose -- alice@example.com
//! cargo run --example diagnose -- --offline alice@qq.com
//! MAILCHECK_PASSWORD=… cargo run --example diagnose -- alice@example.com
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut options = mailcheck::Options::default();
    let mut address = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--offline" => options.offline = true,
            _ => address = Some(arg),
        }
    }
    let Some(typed) = address else {
        eprintln!("usage: diagnose [--offline] ADDRESS");
        return ExitCode::from(2);
    };
    let address = match mailcheck::EmailAddress::parse(&typed) {
        Ok(address) => address,
        Err(e) => {
            eprintln!("{typed}: {e}");
            return ExitCode::from(3);
        }
    };
    // The library never reads the environment itself: the caller decides.
    options.password = std::env::var("MAILCHECK_PASSWORD")
        .ok()
        .map(mailcheck::Password::new);
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let diagnosis = match runtime.block_on(mailcheck::check(&address, &options)) {
        Ok(diagnosis) => diagnosis,
        Err(e) => {
            eprintln!("cannot check {address}: {e}");
            return ExitCode::from(3);
        }
    };
    let report = mailcheck::Report::from_diagnosis(&diagnosis, mailcheck::Lang::En);
    for finding in &report.findings {
        println!(
            "{}\t{}\t{}\t{}",
            finding.code,
            finding.severity.as_str(),
            finding.place().unwrap_or_else(|| "-".to_owned()),
            finding.message
        );
    }
    if let Some(conclusion) = &report.conclusion {
        println!("conclusion: {} ({})", conclusion.code, conclusion.message);
    }
    if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
