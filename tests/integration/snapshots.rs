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
        filters => vec![
            (r"\b\d+ ms\b", "[N] ms"),
            (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "[DATE]"),
            // Dovecot greets with this instead while its auth process is busy (a loaded CI).
            (
                r"\* OK Waiting for authentication process to respond\.\.",
                "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.",
            ),
        ],
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

#[test]
fn healthy_en() {
    snapshot(
        "healthy_en",
        "healthy",
        Password::Right,
        &["--lang", "en"],
        0,
    );
}

#[test]
fn healthy_zh() {
    snapshot(
        "healthy_zh",
        "healthy",
        Password::Right,
        &["--lang", "zh"],
        0,
    );
}

#[test]
fn healthy_en_colour() {
    snapshot(
        "healthy_en_colour",
        "healthy",
        Password::Right,
        &["--lang", "en", "--color", "always"],
        0,
    );
}

#[test]
fn healthy_without_password_en() {
    snapshot("healthy_no_password_en", "healthy", Password::None, &[], 0);
}

#[test]
fn healthy_verbose_en() {
    snapshot("healthy_verbose_en", "healthy", Password::Right, &["-v"], 0);
}

#[test]
fn wrong_password_en() {
    snapshot("wrong_password_en", "wrongpass", Password::Wrong, &[], 1);
}

#[test]
fn wrong_password_zh() {
    snapshot(
        "wrong_password_zh",
        "wrongpass",
        Password::Wrong,
        &["--lang", "zh"],
        1,
    );
}

#[test]
fn imap_pop3_disabled_en() {
    snapshot("disabled_en", "disabled", Password::Right, &[], 1);
}

#[test]
fn imap_pop3_disabled_zh() {
    snapshot(
        "disabled_zh",
        "disabled",
        Password::Right,
        &["--lang", "zh"],
        1,
    );
}

#[test]
fn imap_pop3_disabled_en_colour() {
    snapshot(
        "disabled_en_colour",
        "disabled",
        Password::Right,
        &["--color", "always"],
        1,
    );
}

#[test]
fn smtp_auth_off_en() {
    snapshot("smtp_auth_off_en", "smtpoff", Password::Right, &[], 1);
}

#[test]
fn app_password_en() {
    snapshot("app_password_en", "apppass", Password::Right, &[], 1);
}

#[test]
fn app_password_zh() {
    snapshot(
        "app_password_zh",
        "apppass",
        Password::Right,
        &["--lang", "zh"],
        1,
    );
}

#[test]
fn tls_mismatch_en() {
    snapshot("tls_mismatch_en", "tlsmix", Password::Right, &[], 1);
}

#[test]
fn tls_mismatch_zh() {
    snapshot(
        "tls_mismatch_zh",
        "tlsmix",
        Password::Right,
        &["--lang", "zh"],
        1,
    );
}

#[test]
fn certificate_expired_en() {
    snapshot("cert_expired_en", "expired", Password::Right, &[], 1);
}

#[test]
fn certificate_wrong_name_en() {
    snapshot("cert_wrong_name_en", "wrongname", Password::Right, &[], 1);
}

#[test]
fn certificate_self_signed_en() {
    snapshot("cert_self_signed_en", "selfsigned", Password::Right, &[], 1);
}

#[test]
fn nothing_listens_on_the_port_en() {
    snapshot("wrong_port_en", "badport", Password::Right, &[], 1);
}

#[test]
fn host_does_not_resolve_en() {
    snapshot("wrong_host_en", "nohost", Password::Right, &[], 1);
}

#[test]
fn pop3_not_offered_en() {
    snapshot("not_offered_en", "srvonly", Password::Right, &[], 0);
}

#[test]
fn silent_server_en() {
    snapshot("timeout_en", "silent", Password::Right, &[], 1);
}

#[test]
fn exmail_custom_domain_en() {
    snapshot("exmail_by_mx_en", "company", Password::Right, &[], 0);
}

#[test]
fn exmail_custom_domain_zh_colour() {
    snapshot(
        "exmail_by_mx_zh_colour",
        "company",
        Password::Right,
        &["--lang", "zh", "--color", "always"],
        0,
    );
}

#[test]
fn users_own_wrong_settings_en() {
    let imap = "imap.healthy.test:993:starttls";
    let smtp = "smtp.healthy.test:2525:tls";
    let args = ["--imap", imap, "--smtp", smtp];
    snapshot("user_settings_en", "healthy", Password::Right, &args, 1);
}

#[test]
fn users_own_wrong_settings_zh() {
    let args = [
        "--lang",
        "zh",
        "--imap",
        "imap.healthy.test:993:starttls",
        "--smtp",
        "smtp.healthy.test:2525:tls",
    ];
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
