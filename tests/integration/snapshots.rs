//! Snapshots (insta, `tests/integration/snapshots/`) of the report for a person, as mailcheck
//! prints it against the real test servers: a healthy account and each kind of failure, in
//! English and Chinese, with colour off and on; the batch summary; `--help`.
//!
//! Only what varies from run to run is masked: milliseconds, the certificates' dates
//! (`tests/servers/up` makes the certificates anew), and Dovecot's greeting while its auth
//! process is busy ("Waiting for authentication process to respond.."). Colour escapes are
//! shown as `␛[…m` so that a snapshot reads as what the terminal gets. A change to the
//! report's wording or layout fails here; review it with `cargo insta review` (or accept with
//! `INSTA_UPDATE=always`) and commit the snapshots with the change.

use crate::support::process::{Run, mailcheck, run};
use crate::support::servers::Scenario;

/// What varies between runs and machines, masked.
fn masked(text: &str) -> String {
    text.replace('\x1b', "␛")
}

fn assert_report_snapshot(name: &str, text: &str) {
    insta::with_settings!({
        filters => crate::support::volatile_filters(),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, masked(text));
    });
}

/// The human report of `scenario`'s user, logging in with its own password unless `password`
/// says otherwise; the password must appear nowhere.
fn human(scenario: &'static str, password: Password, args: &[&str]) -> Run {
    let s = Scenario::new(scenario);
    let password = match password {
        Password::Right => Some(s.get("PASSWORD")),
        Password::Wrong => Some(s.env["MC_WRONG_PASSWORD"].clone()),
        Password::None => None,
    };
    let timeout = if scenario == "silent" { "2" } else { "3" };
    let result = run(s
        .human_command(password.as_deref(), timeout)
        .args(args)
        .arg(s.user()));
    if let Some(password) = &password {
        assert!(
            !result.stdout.contains(password.as_str()),
            "password leaked"
        );
        assert!(
            !result.stderr.contains(password.as_str()),
            "password leaked"
        );
    }
    assert!(
        result.stderr.is_empty(),
        "nothing on stderr (no progress into a pipe): {:?}",
        result.stderr
    );
    result
}

#[derive(Clone, Copy)]
enum Password {
    Right,
    Wrong,
    None,
}

/// One snapshot per scenario and language; `code` is the exit status the report goes with.
fn snapshot(name: &str, scenario: &'static str, password: Password, args: &[&str], code: i32) {
    let result = human(scenario, password, args);
    assert_eq!(result.code, code, "{}", result.stdout);
    assert_report_snapshot(name, &result.stdout);
}

/// One test per line: `name: scenario, password, [extra args], exit status;`. The snapshot
/// is named after the test. Every kind of failure is in English and Chinese; colour on for
/// one of each layout (everything works, a login refused, a TLS problem, a certificate, a
/// timeout, an alternate's timings).
macro_rules! report_snapshots {
    ($($test:ident: $scenario:literal, $password:ident, [$($arg:literal),*], $code:literal;)*) => {
        $(
            #[test]
            fn $test() {
                snapshot(stringify!($test), $scenario, Password::$password, &[$($arg),*], $code);
            }
        )*
    };
}

const USER_IMAP: &str = "imap.healthy.test:993:starttls";
const USER_SMTP: &str = "smtp.healthy.test:2525:tls";

report_snapshots! {
    healthy_en: "healthy", Right, ["--lang", "en"], 0;
    healthy_zh: "healthy", Right, ["--lang", "zh"], 0;
    healthy_en_colour: "healthy", Right, ["--lang", "en", "--color", "always"], 0;
    healthy_no_password_en: "healthy", None, [], 0;
    healthy_no_password_zh: "healthy", None, ["--lang", "zh"], 0;
    healthy_verbose_en: "healthy", Right, ["-v"], 0;
    healthy_verbose_zh: "healthy", Right, ["-v", "--lang", "zh"], 0;
    wrong_password_en: "wrongpass", Wrong, [], 1;
    wrong_password_zh: "wrongpass", Wrong, ["--lang", "zh"], 1;
    disabled_en: "disabled", Right, [], 1;
    disabled_zh: "disabled", Right, ["--lang", "zh"], 1;
    disabled_en_colour: "disabled", Right, ["--color", "always"], 1;
    smtp_auth_off_en: "smtpoff", Right, [], 1;
    smtp_auth_off_zh: "smtpoff", Right, ["--lang", "zh"], 1;
    app_password_en: "apppass", Right, [], 1;
    app_password_zh: "apppass", Right, ["--lang", "zh"], 1;
    tls_mismatch_en: "tlsmix", Right, [], 1;
    tls_mismatch_zh: "tlsmix", Right, ["--lang", "zh"], 1;
    tls_mismatch_en_colour: "tlsmix", Right, ["--color", "always"], 1;
    cert_expired_en: "expired", Right, [], 1;
    cert_expired_zh: "expired", Right, ["--lang", "zh"], 1;
    cert_expired_en_colour: "expired", Right, ["--color", "always"], 1;
    cert_wrong_name_en: "wrongname", Right, [], 1;
    cert_wrong_name_zh: "wrongname", Right, ["--lang", "zh"], 1;
    cert_self_signed_en: "selfsigned", Right, [], 1;
    cert_self_signed_zh: "selfsigned", Right, ["--lang", "zh"], 1;
    wrong_port_en: "badport", Right, [], 1;
    wrong_port_zh: "badport", Right, ["--lang", "zh"], 1;
    wrong_host_en: "nohost", Right, [], 1;
    wrong_host_zh: "nohost", Right, ["--lang", "zh"], 1;
    not_offered_en: "srvonly", Right, [], 0;
    not_offered_zh: "srvonly", Right, ["--lang", "zh"], 0;
    timeout_en: "silent", Right, [], 1;
    timeout_zh: "silent", Right, ["--lang", "zh"], 1;
    timeout_en_colour: "silent", Right, ["--color", "always"], 1;
    exmail_by_mx_en: "company", Right, [], 0;
    exmail_by_mx_zh: "company", Right, ["--lang", "zh"], 0;
    exmail_by_mx_zh_colour: "company", Right, ["--lang", "zh", "--color", "always"], 0;
}

#[test]
fn user_settings_en() {
    let args = ["--imap", USER_IMAP, "--smtp", USER_SMTP];
    snapshot("user_settings_en", "healthy", Password::Right, &args, 1);
}

#[test]
fn user_settings_zh() {
    let args = ["--lang", "zh", "--imap", USER_IMAP, "--smtp", USER_SMTP];
    snapshot("user_settings_zh", "healthy", Password::Right, &args, 1);
}

/// Offline needs no servers: the provider database alone, notes and alternates included.
#[test]
fn offline_provider_database_en_and_zh() {
    for (name, lang, address) in [
        ("offline_qq_en", "en", "alice@qq.com"),
        ("offline_qq_zh", "zh", "alice@qq.com"),
        ("offline_exmail_zh", "zh", "alice@exmail.qq.com"),
        ("offline_unknown_en", "en", "alice@unknown-domain.test"),
    ] {
        let result = run(mailcheck().args(["--offline", "--lang", lang, address]));
        let code = if name.contains("unknown") { 4 } else { 0 };
        assert_eq!(result.code, code, "{name}: {}", result.stderr);
        assert_report_snapshot(name, &result.stdout);
    }
}
