//! Scenario 16 of `tests/servers/`: Dovecot whose only login is an OAuth token (OAUTHBEARER,
//! XOAUTH2), checked by its `oauth2` passdb against an HS256 key (`introspection_mode = local`).
//! The tokens are minted here with that key: one that works, and one for each way a token is
//! refused. The names of `oauth.test` come from this test's own DNS server (in process, serving
//! `tests/servers/oauth/oauth.test.zone`), the servers are the real ones on 127.0.14.1.
//!
//! Needs `tests/servers/up` (root), like `real_servers`.

use std::process::Command;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use mailcheck::FindingCode;
use mailcheck::report::Report;

use crate::support::process::{Run, mailcheck, run};
use crate::support::servers::state;

const USER: &str = "alice@oauth.test";
/// Scenario 16's address (`tests/servers/README.md`, and `oauth.test.zone`).
const ADDR: &str = "127.0.14.1";
const KEY_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers/oauth/hs256.key");

/// A JWT signed with the scenario's HS256 key: the claims Dovecot wants, then `changes`.
fn mint(changes: serde_json::Value) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let key = base64::engine::general_purpose::STANDARD
        .decode(std::fs::read_to_string(KEY_FILE).unwrap().trim())
        .unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut claims = serde_json::json!({
        "iss": "https://idp.oauth.test",
        "sub": "alice",
        "email": USER,
        "aud": "https://imap.oauth.test",
        "scope": "mail",
        "iat": now - 60,
        "exp": now + 3600,
    });
    for (k, v) in changes.as_object().unwrap() {
        claims[k] = v.clone();
    }
    let signed = format!(
        "{}.{}",
        engine.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        engine.encode(claims.to_string())
    );
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
        signed.as_bytes(),
    );
    format!("{signed}.{}", engine.encode(tag.as_ref()))
}

/// `mailcheck --json` for alice@oauth.test with `token` from an environment variable, the
/// transcripts included, and the token nowhere in what it printed.
fn check(token: &str, extra: &[&str]) -> (Run, Report) {
    let mut args = vec!["--oauth-token-env", "MC_TEST_OAUTH_TOKEN"];
    args.extend(extra);
    check_with(token, &args)
}

/// `mailcheck --json` for alice@oauth.test with `secret` in `MC_TEST_OAUTH_TOKEN`, given as
/// `args` say (a token or a password), and the secret nowhere in what it printed.
fn check_with(token: &str, args: &[&str]) -> (Run, Report) {
    let env = state();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let zones = crate::support::dns::load_files(
        &[concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/servers/oauth/oauth.test.zone"
        )
        .into()],
        "127.0.0.1",
    );
    let dns = runtime.block_on(crate::scenarios::start_dns(
        zones,
        Arc::new(Mutex::new(Vec::new())),
    ));
    let mut command: Command = mailcheck();
    command
        .args(["--json", "--trace", "--timeout", "3"])
        .args(["--dns-server", &dns.to_string()])
        .args(["--ca-file", &env["MC_CA_FILE"]])
        // Nothing may reach the real ISPDB: this name does not resolve here.
        .args(["--ispdb-url", "https://ispdb.oauth.test/v1.1/"])
        .args(["--imap", "imap.oauth.test:993:tls"])
        .args(["--pop3", "pop.oauth.test:995:tls"])
        .args(args)
        .arg(USER)
        .env("MC_TEST_OAUTH_TOKEN", token);
    let run = run(&mut command);
    let signature = token.rsplit('.').next().unwrap();
    for (what, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(!text.contains(token), "the token leaked to {what}");
        assert!(
            !text.contains(signature),
            "the token's signature leaked to {what}"
        );
    }
    let report = run.report();
    drop(runtime);
    (run, report)
}

/// The codes found for the IMAP server on 993.
fn imap_codes(report: &Report) -> Vec<FindingCode> {
    report
        .findings
        .iter()
        .filter(|f| f.host.as_deref() == Some("imap.oauth.test") && f.port == Some(993))
        .map(|f| f.code)
        .collect()
}

/// The first finding about the IMAP server on 993.
fn imap_finding(report: &Report) -> &mailcheck::report::FindingEntry {
    report
        .findings
        .iter()
        .find(|f| f.host.as_deref() == Some("imap.oauth.test") && f.port == Some(993))
        .expect("a finding about imap.oauth.test:993")
}

fn imap_login(report: &Report) -> String {
    report
        .servers
        .iter()
        .find(|s| s.host == "imap.oauth.test" && s.port == 993)
        .map(|s| s.login.clone())
        .unwrap_or_default()
}

#[test]
fn s16_a_good_token_logs_in_to_imap_and_pop3() {
    let (_, report) = check(&mint(serde_json::json!({})), &[]);
    assert_eq!(imap_login(&report), "ok", "{:?}", report.findings);
    let pop = report
        .servers
        .iter()
        .find(|s| s.host == "pop.oauth.test" && s.port == 995)
        .unwrap();
    assert_eq!(pop.login, "ok");
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.code.as_str().starts_with("oauth_")),
        "{:?}",
        report.findings
    );
    // The server offers only OAuth: the report shows it.
    let imap = report.servers.iter().find(|s| s.port == 993).unwrap();
    assert!(imap.auth_mechanisms.iter().any(|m| m == "OAUTHBEARER"));
}

#[test]
fn s16_an_expired_token_is_told_as_expired() {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = mint(serde_json::json!({"iat": now - 7200, "exp": now - 3600}));
    let (run, report) = check(&token, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(imap_codes(&report), [FindingCode::OauthTokenExpired]);
    let finding = imap_finding(&report);
    assert!(
        finding.message.contains("expired at"),
        "{}",
        finding.message
    );
    assert!(
        finding
            .evidence
            .as_deref()
            .is_some_and(|e| e.contains("AUTHENTICATIONFAILED")),
        "{finding:?}"
    );
    assert_eq!(imap_login(&report), "failed");
}

#[test]
fn s16_a_graph_token_is_for_another_audience_and_lacks_the_servers_scope() {
    let token = mint(serde_json::json!({
        "aud": "https://graph.microsoft.com",
        "scope": "Mail.Read User.Read",
    }));
    let (_, report) = check(&token, &["--lang", "zh"]);
    assert_eq!(
        imap_codes(&report),
        [
            FindingCode::OauthTokenWrongAudience,
            FindingCode::OauthTokenMissingScope
        ]
    );
    let scope = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::OauthTokenMissingScope)
        .unwrap();
    // The scope Dovecot named in its error challenge, in Chinese words.
    assert!(
        scope.message.contains("mail") && scope.message.contains("权限范围"),
        "{}",
        scope.message
    );
}

#[test]
fn s16_a_token_without_the_scope_is_told_so() {
    let (_, report) = check(&mint(serde_json::json!({"scope": "openid profile"})), &[]);
    assert_eq!(imap_codes(&report), [FindingCode::OauthTokenMissingScope]);
}

#[test]
fn s16_a_token_of_another_user_is_told_so() {
    let (_, report) = check(&mint(serde_json::json!({"email": "bob@oauth.test"})), &[]);
    assert_eq!(imap_codes(&report), [FindingCode::OauthTokenWrongUser]);
    let finding = imap_finding(&report);
    assert!(
        finding.message.contains("bob@oauth.test") && finding.message.contains(USER),
        "{}",
        finding.message
    );
}

#[test]
fn s16_an_opaque_token_is_refused_and_its_claims_cannot_be_read() {
    let (_, report) = check("ya29.opaque-test-token-0123456789", &[]);
    assert_eq!(imap_codes(&report), [FindingCode::OauthTokenRejected]);
    let message = &imap_finding(&report).message;
    assert!(message.contains("not a JWT"), "{message}");
}

/// One IMAP `AUTHENTICATE OAUTHBEARER` with mailcheck's own first message, over TLS to the real
/// Dovecot, answering an error challenge with `AQ==`: the lines the server sent after the
/// greeting. Every read has a limit, so a silent server fails the test instead of hanging it.
fn oauthbearer_dialogue(token: &str) -> Vec<String> {
    use std::io::{BufRead as _, BufReader, Write as _};
    let env = state();
    let anchors =
        mailcheck::net::trust::TrustAnchors::load(Some(std::path::Path::new(&env["MC_CA_FILE"])))
            .unwrap();
    let name = rustls::pki_types::ServerName::try_from("imap.oauth.test").unwrap();
    let tls = rustls::ClientConnection::new(Arc::new(anchors.client_config(&[])), name).unwrap();
    let tcp = std::net::TcpStream::connect((ADDR, 993)).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut stream = BufReader::new(rustls::StreamOwned::new(tls, tcp));
    let mut greeting = String::new();
    stream
        .read_line(&mut greeting)
        .expect("a greeting within 5 s");
    let initial = mailcheck::oauth::Mechanism::OauthBearer
        .initial_response(USER, &mailcheck::Password::new(token.to_owned()));
    let mut heard = Vec::new();
    write!(
        stream.get_mut(),
        "a AUTHENTICATE OAUTHBEARER {}\r\n",
        *initial
    )
    .unwrap();
    loop {
        let mut text = String::new();
        stream.read_line(&mut text).expect("a line within 5 s");
        let text = text.trim_end().to_owned();
        let challenge = text.starts_with("+ ");
        heard.push(text);
        if challenge {
            stream.get_mut().write_all(b"AQ==\r\n").unwrap();
        } else if heard.last().unwrap().starts_with("a ") || heard.len() > 5 {
            return heard;
        }
    }
}

#[test]
fn s16_oauthbearer_as_mailcheck_writes_it_logs_in_and_is_refused_with_a_challenge() {
    let good = oauthbearer_dialogue(&mint(serde_json::json!({})));
    assert!(good.last().unwrap().starts_with("a OK"), "{good:?}");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let expired = oauthbearer_dialogue(&mint(
        serde_json::json!({"iat": now - 7200, "exp": now - 3600}),
    ));
    assert_eq!(expired.len(), 2, "{expired:?}");
    let error = mailcheck::oauth::ServerError::read(expired[0].trim_start_matches("+ "))
        .expect("the challenge is base64 JSON");
    assert_eq!(error.status.as_deref(), Some("invalid_token"));
    assert!(
        expired[1].starts_with("a NO [AUTHENTICATIONFAILED]"),
        "{expired:?}"
    );
}

/// A password, not a token, for servers that offer only OAuth mechanisms: `oauth_required`, in
/// English and in Chinese, and the password is never sent (no mechanism takes it).
#[test]
fn s16_a_password_where_only_oauth_is_offered_is_oauth_required() {
    let password = "Not-A-Token-16";
    for lang in ["en", "zh"] {
        let (run, report) = check_with(
            password,
            &["--password-env", "MC_TEST_OAUTH_TOKEN", "--lang", lang],
        );
        assert_eq!(run.code, 1, "{}", run.stdout);
        assert_eq!(
            imap_codes(&report),
            [FindingCode::OauthRequired],
            "{}",
            run.stdout
        );
        let imap = report
            .servers
            .iter()
            .find(|s| s.host == "imap.oauth.test" && s.port == 993)
            .unwrap();
        assert_eq!(imap.login_skipped.as_deref(), Some("no_usable_mechanism"));
        let finding = imap_finding(&report);
        assert!(
            finding.message.contains("XOAUTH2") || finding.message.contains("OAUTHBEARER"),
            "{}",
            finding.message
        );
        if lang == "zh" {
            assert!(
                finding.hint.contains("OAuth") && finding.hint.chars().any(|c| c > '\u{4e00}'),
                "{}",
                finding.hint
            );
        }
        // Nothing that carries a password went to the server (AUTHENTICATE/LOGIN).
        for line in imap.transcript.iter().filter(|l| l.from == "client") {
            assert!(
                !line.text.contains("LOGIN") && !line.text.contains("AUTHENTICATE PLAIN"),
                "{}",
                line.text
            );
        }
    }
}
