//! The interfaces people and scripts meet besides the report itself: `--help` (and the README's
//! copy of it), completions and the man page, progress only on a terminal, colour rules, the
//! password prompt, `--batch`, `--emit autoconfig`, and no password in any output.
//!
//! The tests that need a terminal run mailcheck under `script(1)`, which gives it a
//! pseudo-terminal; the ones that talk to servers use the real test servers.

use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::Engine as _;
use mailcheck::report::Report;
use mailcheck::{Protocol, Security};

use crate::support::process::{BIN, Run, mailcheck, run};
use crate::support::servers::Scenario;

/// `mailcheck --help` as a script or a pipe sees it (no terminal: 100 columns at most).
fn help() -> Run {
    run(mailcheck().env("COLUMNS", "100").arg("--help"))
}

#[test]
fn help_lists_examples_and_the_exit_status_table() {
    let help = help();
    assert_eq!(help.code, 0);
    for needle in [
        "Examples:",
        "Exit status:",
        "4  no server settings could be found by any source",
        "--batch <FILE>",
        "--emit <FORMAT>",
        "--ask-password",
        "completions",
    ] {
        assert!(
            help.stdout.contains(needle),
            "{needle:?} missing from --help"
        );
    }
    insta::assert_snapshot!("help", help.stdout);
}

/// The README's usage block is `mailcheck --help`, word for word: docs that drift from the
/// program are worse than none.
#[test]
fn readme_usage_block_is_the_help_text() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = "<!-- mailcheck --help: start -->\n```text\n$ mailcheck --help\n";
    let end = "```\n<!-- mailcheck --help: end -->";
    let from = readme.find(start).expect("the README has the --help block") + start.len();
    let to = from + readme[from..].find(end).expect("the --help block ends");
    let help = help().stdout;
    assert!(
        readme[from..to] == help,
        "README.md's usage block differs from `mailcheck --help`; paste this in:\n{help}"
    );
}

#[test]
fn version_names_the_package_version() {
    let version = run(mailcheck().arg("--version"));
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout,
        format!("mailcheck {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_for_every_shell_know_every_flag() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = run(mailcheck().args(["completions", shell]));
        assert_eq!(script.code, 0, "{shell}: {}", script.stderr);
        for flag in ["batch", "emit", "ask-password", "password-env", "trace"] {
            assert!(script.stdout.contains(flag), "{shell} lacks --{flag}");
        }
    }
    // The bash script is valid bash.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mailcheck.bash");
    std::fs::write(&path, run(mailcheck().args(["completions", "bash"])).stdout).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).status().unwrap();
    assert!(check.success(), "bash -n rejects the completion script");
    assert_eq!(run(mailcheck().args(["completions", "tcsh"])).code, 2);
}

#[test]
fn man_page_is_roff_with_every_option_and_the_exit_status() {
    let page = run(mailcheck().arg("man"));
    assert_eq!(page.code, 0);
    assert!(page.stdout.contains(".TH mailcheck 1"), "no .TH header");
    for needle in [
        r"\-\-batch",
        r"\-\-emit",
        r"\-\-password\-stdin",
        "Exit status:",
        "explain",
    ] {
        assert!(
            page.stdout.contains(needle),
            "{needle:?} not in the man page"
        );
    }
    // The synopsis names every option's value, as --help does.
    let synopsis = page
        .stdout
        .split(".SH SYNOPSIS")
        .nth(1)
        .expect("a synopsis");
    let synopsis = synopsis.split(".SH").next().unwrap();
    for needle in [
        r"[\fB\-\-imap\fR \fIHOST:PORT[:MODE]\fR]",
        r"[\fB\-\-smtp\fR \fIHOST:PORT[:MODE]\fR]",
        r"[\fB\-\-timeout\fR \fISECS\fR]",
        r"[\fB\-\-dns\-server\fR \fIIP[:PORT]\fR]",
        r"[\fB\-\-password\-env\fR \fIVAR\fR]",
        r"[\fB\-\-trace\fR]",
        r"[\fIADDRESS\fR]",
        r"\fBmailcheck explain\fR",
    ] {
        assert!(synopsis.contains(needle), "{needle:?} not in {synopsis}");
    }
    let help = help().stdout;
    for needle in [
        "--imap <HOST:PORT[:MODE]>",
        "--timeout <SECS>",
        "--batch <FILE>",
    ] {
        assert!(help.contains(needle), "{needle:?} not in --help");
    }
}

/// Runs `command` (a shell command line) on a pseudo-terminal; returns what the terminal got.
fn on_terminal(command: &str, env: &[(&str, &str)], input: Option<&str>) -> String {
    let mut script = Command::new("script");
    crate::support::process::isolated(&mut script)
        .args(["-qefc", command, "/dev/null"])
        .env_remove("MAILCHECK_PASSWORD")
        .env_remove("NO_COLOR")
        .env("LANG", "C.UTF-8")
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        script.env(key, value);
    }
    let mut child = script.spawn().expect("script(1) runs (util-linux)");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.map(str::to_owned);
    // The typing waits for the prompt: a password typed before echo is off would be echoed
    // by the terminal itself, which is not what this test is about.
    let typist = std::thread::spawn(move || {
        if let Some(input) = input {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            let _ = stdin.write_all(input.as_bytes());
        }
    });
    let output = child.wait_with_output().unwrap();
    typist.join().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The arguments that point mailcheck at the real test servers, as one shell word list.
fn server_args(s: &Scenario) -> String {
    format!(
        "--dns-server {} --ca-file {} --ispdb-url {}",
        s.env["MC_DNS"], s.env["MC_CA_FILE"], s.env["MC_ISPDB_URL"]
    )
}

#[test]
fn progress_is_drawn_on_a_terminal_and_never_into_a_pipe() {
    let s = Scenario::new("silent");
    let args = format!("{} --timeout 2 {}", server_args(&s), s.user());
    let screen = on_terminal(&format!("{BIN} {args}"), &[], None);
    assert!(
        screen.contains("probing IMAP imap.silent.test:993"),
        "no progress line on the terminal:\n{screen}"
    );
    assert!(screen.contains("Settings for your mail client"), "{screen}");
    // The same run into pipes: the report on stdout, and not one byte of progress anywhere.
    let piped = run(mailcheck()
        .args(args.split(' '))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped()));
    assert!(piped.stderr.is_empty(), "stderr: {:?}", piped.stderr);
    assert!(!piped.stdout.contains("probing"), "{}", piped.stdout);
    assert!(!piped.stdout.contains('\x1b'), "escapes in a pipe");
}

#[test]
fn colour_follows_the_terminal_no_color_and_the_flag() {
    let offline = format!("{BIN} --offline alice@qq.com");
    assert!(
        on_terminal(&offline, &[], None).contains("\x1b["),
        "no colour"
    );
    let no_color = on_terminal(&offline, &[("NO_COLOR", "1")], None);
    assert!(!no_color.contains("\x1b["), "NO_COLOR ignored");
    let never = on_terminal(&format!("{offline} --color never"), &[], None);
    assert!(!never.contains("\x1b["), "--color never ignored");
    let always = run(mailcheck().args(["--offline", "--color", "always", "alice@qq.com"]));
    assert!(
        always.stdout.contains("\x1b["),
        "--color always into a pipe"
    );
}

#[test]
fn quiet_prints_nothing_and_keeps_the_status() {
    let quiet = run(mailcheck().args(["-q", "--offline", "alice@qq.com"]));
    assert_eq!((quiet.code, quiet.stdout.as_str()), (0, ""));
    let unknown = run(mailcheck().args(["-q", "--offline", "alice@unknown.test"]));
    assert_eq!((unknown.code, unknown.stdout.as_str()), (4, ""));
}

#[test]
fn the_locale_chooses_chinese_and_the_flag_overrides_it() {
    let chinese = run(mailcheck()
        .env("LANG", "zh_CN.UTF-8")
        .args(["--offline", "alice@qq.com"]));
    assert!(
        chinese.stdout.contains("邮件客户端设置"),
        "{}",
        chinese.stdout
    );
    let english = run(mailcheck().env("LANG", "zh_CN.UTF-8").args([
        "--offline",
        "--lang",
        "en",
        "alice@qq.com",
    ]));
    assert!(english.stdout.contains("Settings for your mail client"));
}

#[test]
fn ask_password_prompts_without_echo_and_logs_in() {
    let s = Scenario::new("healthy");
    let password = s.get("PASSWORD");
    let command = format!(
        "{BIN} --ask-password --json {} {}",
        server_args(&s),
        s.user()
    );
    let screen = on_terminal(&command, &[], Some(&format!("{password}\n")));
    assert!(
        screen.contains(&format!("Password for {}: ", s.user())),
        "{screen}"
    );
    assert!(!screen.contains(&password), "the password was echoed");
    let json = &screen[screen.find('{').expect("a report")..screen.rfind('}').unwrap() + 1];
    let report: Report = serde_json::from_str(json).expect("the JSON report");
    assert!(report.servers.iter().all(|s| s.login == "ok"), "{json}");
}

#[test]
fn ask_password_without_a_terminal_is_bad_input() {
    // setsid: no controlling terminal at all, as under cron or CI.
    let result = run(
        crate::support::process::isolated(&mut Command::new("setsid"))
            .args(["-w", BIN, "--ask-password", "--offline", "alice@qq.com"])
            .stdin(Stdio::null()),
    );
    assert_eq!(result.code, 3, "{}", result.stderr);
    assert!(result.stdout.is_empty());
    assert!(
        result.stderr.contains("--ask-password needs a terminal"),
        "{}",
        result.stderr
    );
}

/// Every form a password could leak in: as typed, and base64 as SASL PLAIN and LOGIN send it.
fn leak_forms(user: &str, password: &str) -> Vec<String> {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    vec![
        password.to_owned(),
        b64(password.as_bytes()),
        b64(format!("\0{user}\0{password}").as_bytes()),
        b64(format!("{user}\0{user}\0{password}").as_bytes()),
    ]
}

#[test]
fn no_password_in_any_output_trace_included() {
    let s = Scenario::new("healthy");
    let password = s.get("PASSWORD");
    let forms = leak_forms(&s.user(), &password);
    let runs: &[&[&str]] = &[
        &[],
        &["--json"],
        &["--trace"],
        &["--trace", "--json"],
        &["-v", "--trace"],
    ];
    for extra in runs {
        let result = run(s
            .human_command(Some(&password), "3")
            .args(*extra)
            .arg(s.user()));
        assert_eq!(result.code, 0, "{extra:?}: {}", result.stderr);
        for form in &forms {
            assert!(!result.stdout.contains(form.as_str()), "{extra:?}: leaked");
            assert!(!result.stderr.contains(form.as_str()), "{extra:?}: leaked");
        }
        if extra.contains(&"--trace") {
            // The dialogue is there, login included, with the credential masked.
            assert!(
                result.stdout.contains("AUTHENTICATE PLAIN ***"),
                "{extra:?}"
            );
            assert!(result.stdout.contains("***"), "{extra:?}");
        }
    }
}

/// A batch file in a temporary directory, with the batch's own passwords beside it.
struct Batch {
    dir: tempfile::TempDir,
}

impl Batch {
    fn new(lines: &str) -> Batch {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("accounts.txt"), lines).unwrap();
        Batch { dir }
    }

    fn file(&self, name: &str, text: &str) {
        std::fs::write(self.dir.path().join(name), text).unwrap();
    }

    fn run(&self, s: &Scenario, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let path = self.dir.path().join("accounts.txt");
        let mut command = s.human_command(None, "2");
        command.args(extra).arg("--batch").arg(path);
        for (key, value) in env {
            command.env(key, value);
        }
        // A batch never uses this one: each account's password is named in the file.
        command.env("MAILCHECK_PASSWORD", "Not-For-Batches-1");
        run(&mut command)
    }
}

#[test]
fn batch_json_lines_in_file_order_with_each_accounts_password() {
    let s = Scenario::new("healthy");
    let disabled = Scenario::new("disabled");
    let batch = Batch::new(&format!(
        "# two accounts and one without a password\n{} password-env=MC_TEST_HEALTHY_PW\n\n{} password-file=disabled.pw  # IMAP off\nalice@srvonly.test\n",
        s.user(),
        disabled.user()
    ));
    batch.file("disabled.pw", &format!("{}\n", disabled.get("PASSWORD")));
    let healthy_pw = s.get("PASSWORD");
    let result = batch.run(
        &s,
        &["--json", "--jobs", "2"],
        &[("MC_TEST_HEALTHY_PW", &healthy_pw)],
    );
    assert_eq!(result.code, 1, "one account has errors: {}", result.stderr);
    for form in leak_forms(&s.user(), &healthy_pw) {
        assert!(!result.stdout.contains(&form), "leaked");
    }
    let reports: Vec<Report> = result
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one report"))
        .collect();
    let addresses: Vec<&str> = reports.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "alice@healthy.test",
            "alice@disabled.test",
            "alice@srvonly.test"
        ]
    );
    // Each account logged in with its own password, the last with none at all.
    assert!(reports[0].ok && reports[0].servers.iter().all(|x| x.login == "ok"));
    assert!(!reports[1].ok);
    let smtp = reports[1]
        .servers
        .iter()
        .find(|x| x.protocol == Protocol::Smtp && x.port == 465)
        .unwrap();
    assert_eq!(smtp.login, "ok", "the password file was read");
    assert!(reports[2].servers.iter().all(|x| x.login == "not_tested"));
}

#[test]
fn batch_summary_table() {
    let s = Scenario::new("healthy");
    let batch = Batch::new(
        "alice@healthy.test password-env=MC_TEST_PW\nalice@nohost.test\nalice@srvonly.test\n",
    );
    let result = batch.run(&s, &[], &[("MC_TEST_PW", &s.get("PASSWORD"))]);
    assert_eq!(result.code, 1);
    assert!(result.stderr.is_empty(), "{}", result.stderr);
    insta::assert_snapshot!("batch_summary_en", result.stdout);
    let ok = Batch::new("alice@healthy.test\nalice@srvonly.test\n").run(&s, &["-q"], &[]);
    assert_eq!((ok.code, ok.stdout.as_str()), (0, ""));
}

#[test]
fn batch_with_a_bad_line_checks_nothing() {
    let s = Scenario::new("healthy");
    for (lines, says) in [
        (
            "alice@healthy.test\nnot-an-address\n",
            "line 2: invalid address",
        ),
        (
            "alice@healthy.test password-env=MC_TEST_UNSET_VAR\n",
            "MC_TEST_UNSET_VAR is not set",
        ),
        (
            "alice@healthy.test password=Written-Down-1\n",
            "never written",
        ),
        ("# only a comment\n", "no addresses"),
        (
            "alice@healthy.test\nbad-one\n@bad-two\nalice@healthy.test colour=blue\n",
            "3 lines are wrong:\n  line 2: invalid address \"bad-one\"",
        ),
        (
            "bad-one\n\nbad-two\n",
            "line 3: invalid address \"bad-two\"",
        ),
    ] {
        let result = Batch::new(lines).run(&s, &["--json"], &[]);
        assert_eq!(result.code, 3, "{lines:?}: {}", result.stderr);
        assert!(result.stdout.is_empty(), "{lines:?}: {}", result.stdout);
        assert!(result.stderr.contains(says), "{lines:?}: {}", result.stderr);
        assert!(!result.stderr.contains("Written-Down-1"));
    }
    let conflict = run(mailcheck().args(["--batch", "x.txt", "alice@example.test"]));
    assert_eq!(conflict.code, 2);
}

#[test]
fn emitted_autoconfig_parses_back_to_the_verified_settings() {
    let s = Scenario::new("healthy");
    let password = s.get("PASSWORD");
    let result = run(s
        .human_command(Some(&password), "3")
        .args(["--emit", "autoconfig"])
        .arg(s.user()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let config = mailcheck::clientconfig::parse(&result.stdout).expect("mailcheck reads it");
    let provider = &config.providers[0];
    assert_eq!(provider.domains, ["healthy.test"]);
    let address = mailcheck::EmailAddress::parse(&s.user()).unwrap();
    let incoming: Vec<_> = provider
        .incoming
        .iter()
        .filter_map(|t| t.settings_for(&address))
        .collect();
    let outgoing: Vec<_> = provider
        .outgoing
        .iter()
        .filter_map(|t| t.settings_for(&address))
        .collect();
    // What a client takes first is what the report recommends.
    let report: Report =
        serde_json::from_str(&run(s.command(Some(&password), "3").arg(s.user())).stdout).unwrap();
    let first = &incoming[0];
    let imap = report.recommended.imap.as_ref().unwrap();
    assert_eq!(
        (
            first.protocol,
            first.host.as_str(),
            first.port,
            first.security
        ),
        (Protocol::Imap, imap.host.as_str(), imap.port, imap.security)
    );
    assert_eq!(
        first.username,
        s.user(),
        "%EMAILADDRESS% expands to the address"
    );
    assert!(incoming.iter().any(|x| x.protocol == Protocol::Pop3));
    assert_eq!(
        (outgoing[0].port, outgoing[0].security),
        (465, Security::Tls)
    );
    assert!(
        incoming
            .iter()
            .chain(&outgoing)
            .all(|x| x.security != Security::Plain),
        "nothing in cleartext"
    );
}

#[test]
fn emit_leaves_out_what_failed_and_says_so() {
    let s = Scenario::new("nohost");
    let result = run(s
        .human_command(Some(&s.get("PASSWORD")), "3")
        .args(["--emit", "autoconfig"])
        .arg(s.user()));
    assert_eq!(result.code, 1, "the report has an error finding");
    let config = mailcheck::clientconfig::parse(&result.stdout).expect("a document");
    let hosts: Vec<&str> = config.providers[0]
        .incoming
        .iter()
        .map(|t| t.hostname.as_str())
        .collect();
    assert!(!hosts.contains(&"imap.nohost.test"), "{hosts:?}");
    // The guess that works, probed because the named IMAP server failed, takes its place.
    assert!(hosts.contains(&"mail.nohost.test"), "{hosts:?}");
    // No IMAP server of silent.test answers (the named one is silent, the guesses closed).
    let s = Scenario::new("silent");
    let result = run(s
        .human_command(Some(&s.get("PASSWORD")), "2")
        .args(["--emit", "autoconfig"])
        .arg(s.user()));
    assert_eq!(result.code, 1, "the report has an error finding");
    assert!(
        result.stderr.contains("IMAP: no server was verified"),
        "{}",
        result.stderr
    );
    let offline = run(mailcheck().args(["--offline", "--emit", "autoconfig", "alice@qq.com"]));
    assert_eq!(offline.code, 2, "nothing offline can be verified");
}

/// IMAP and POP3 switched off for this one account: their servers still work for every other
/// user of the domain, so the document keeps them (issue 14); a wrong password likewise.
#[test]
fn emit_keeps_the_settings_an_accounts_own_refusal_says_nothing_about() {
    for (label, password) in [("disabled", None), ("wrongpass", Some("MC_WRONG_PASSWORD"))] {
        let s = Scenario::new(label);
        let password = password.map_or_else(|| s.get("PASSWORD"), |key| s.env[key].clone());
        let result = run(s
            .human_command(Some(&password), "3")
            .args(["--emit", "autoconfig"])
            .arg(s.user()));
        assert_eq!(result.code, 1, "{label}: the report has an error finding");
        let config = mailcheck::clientconfig::parse(&result.stdout).expect("a document");
        let provider = &config.providers[0];
        let servers: Vec<(Option<Protocol>, &str, Option<u16>)> = provider
            .incoming
            .iter()
            .chain(&provider.outgoing)
            .map(|t| (t.protocol(), t.hostname.as_str(), t.port))
            .collect();
        for (protocol, host, port) in [
            (Protocol::Imap, format!("imap.{label}.test"), 993),
            (Protocol::Pop3, format!("pop.{label}.test"), 995),
            (Protocol::Smtp, format!("smtp.{label}.test"), 465),
        ] {
            assert!(
                servers.contains(&(Some(protocol), host.as_str(), Some(port))),
                "{label}: {host}:{port} missing from {servers:?}"
            );
        }
        assert!(
            !result.stderr.contains("no server was verified"),
            "{label}: {}",
            result.stderr
        );
    }
}

/// Endless input is refused with a clear line, not read until memory runs out.
#[test]
fn endless_password_or_batch_input_is_bad_input() {
    let zero = || std::fs::File::open("/dev/zero").unwrap();
    let password = run(mailcheck()
        .args(["--password-stdin", "--offline", "alice@qq.com"])
        .stdin(zero()));
    assert_eq!(password.code, 3, "{}", password.stderr);
    assert!(
        password.stderr.contains("longer than 4096 bytes"),
        "{}",
        password.stderr
    );
    let batch = run(mailcheck().args(["--batch", "-"]).stdin(zero()));
    assert_eq!(batch.code, 3, "{}", batch.stderr);
    assert!(
        batch.stderr.contains("larger than 16 MiB"),
        "{}",
        batch.stderr
    );
    assert!(password.stdout.is_empty() && batch.stdout.is_empty());
}

/// `explain` on what users paste most, as the contract words it: any `--provider` domain, a
/// reply starting with a hyphen, `--lang` before the subcommand, a bounce, a client that never
/// logged in to SMTP, a library's TLS error.
#[test]
fn explain_takes_any_domain_hyphen_replies_and_lang_before_the_subcommand() {
    let json = |args: &[&str]| {
        let result = run(mailcheck().arg("explain").arg("--json").args(args));
        assert_eq!(result.code, 0, "{args:?}: {}", result.stderr);
        serde_json::from_str::<serde_json::Value>(&result.stdout).unwrap()
    };
    let doc = json(&[
        "--provider",
        "contoso-mail.example",
        "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
    ]);
    assert_eq!(doc["code"], "oauth_required");
    assert!(doc["provider"].is_null(), "{doc}");
    // office365.com is a domain of the ISPDB's Microsoft 365 file, so it is known now.
    let doc = json(&[
        "--provider",
        "office365.com",
        "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
    ]);
    assert_eq!(doc["code"], "oauth_required");
    assert_eq!(doc["provider"], "office365.com", "{doc}");
    let doc = json(&[
        "--provider",
        "qq.com",
        "535 Login Fail. Please enter your authorization code to login",
    ]);
    assert_eq!(doc["provider"], "qq.com");
    assert_eq!(doc["code"], "app_password_required");
    let pasted = [
        ("-ERR [AUTH] Authentication failed.", "bad_credentials"),
        (
            "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table",
            "not_a_connection_problem",
        ),
        ("530 5.7.0 Authentication required", "smtp_auth_missing"),
        (
            "554 5.7.1 <bob@example.org>: Relay access denied",
            "smtp_auth_missing",
        ),
        (
            "Error: 40184D5F147F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number",
            "tls_mismatch",
        ),
    ];
    for (reply, code) in pasted {
        assert_eq!(json(&[reply])["code"], code, "{reply}");
    }

    let human = |args: &[&str]| {
        let result = run(mailcheck().args(args));
        assert_eq!(result.code, 0, "{args:?}: {}", result.stderr);
        result.stdout
    };
    let out = human(&[
        "explain",
        "--provider",
        "mycompany.example",
        "530 5.7.0 Authentication required",
    ]);
    assert!(
        out.contains("provider not recognised: mycompany.example"),
        "{out}"
    );
    let out = human(&[
        "--lang",
        "zh",
        "explain",
        "-ERR [AUTH] Authentication failed.",
    ]);
    assert!(
        out.starts_with("bad_credentials: ") && !out.is_ascii(),
        "{out}"
    );
    let out = human(&[
        "--lang=zh",
        "explain",
        "--json",
        "530 5.7.0 Authentication required",
    ]);
    assert!(out.contains("smtp_auth_missing"), "{out}");
}

/// Before the DNS moves: `--resolve` sends a host's connections to the given address while the
/// certificate is checked for the host's name. imap.nohost.test has no address in DNS; its
/// server is 127.0.9.1, whose certificate names it.
#[test]
fn resolve_pins_a_host_to_an_address_and_keeps_its_name_for_tls() {
    let s = Scenario::new("nohost");
    let pinned = run(s
        .command(Some(&s.get("PASSWORD")), "3")
        .args(["--imap", "imap.nohost.test:993:tls"])
        .args(["--resolve", "imap.nohost.test:127.0.9.1"])
        .arg(s.user()));
    let report: Report = serde_json::from_str(&pinned.stdout).expect(&pinned.stderr);
    let imap = report
        .servers
        .iter()
        .find(|e| e.host == "imap.nohost.test" && e.port == 993)
        .expect("the typed server");
    assert_eq!(
        (imap.status.as_str(), imap.login.as_str()),
        ("ok", "ok"),
        "{}",
        pinned.stdout
    );
    assert_eq!(imap.addresses[0].address, "127.0.9.1");
    assert!(
        imap.tls
            .as_ref()
            .unwrap()
            .cert_names
            .iter()
            .any(|n| n == "imap.nohost.test")
    );

    // Pinned to another server, the certificate check still holds the name to account.
    let elsewhere = run(s
        .command(None, "3")
        .args(["--imap", "imap.nohost.test:993:tls"])
        .args(["--resolve", "imap.nohost.test:127.0.7.3"])
        .arg(s.user()));
    let report: Report = serde_json::from_str(&elsewhere.stdout).expect(&elsewhere.stderr);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.host.as_deref() == Some("imap.nohost.test")
                && f.code == mailcheck::FindingCode::CertUntrusted),
        "{}",
        elsewhere.stdout
    );

    let bad = run(mailcheck().args(["--resolve", "imap.nohost.test", "--offline", "a@b.test"]));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("HOST:ADDRESS"), "{}", bad.stderr);
}

/// `--emit autodiscover` writes a POX response that mailcheck's own Autodiscover reader reads
/// back as the verified settings, the recommended ones first and each mode said outright.
#[test]
fn emitted_autodiscover_parses_back_to_the_verified_settings() {
    let s = Scenario::new("healthy");
    let password = s.get("PASSWORD");
    let result = run(s
        .human_command(Some(&password), "3")
        .args(["--emit", "autodiscover"])
        .arg(s.user()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stdout.contains("<SPA>off</SPA>"),
        "{}",
        result.stdout
    );
    let servers = mailcheck::discover::autodiscover::servers_in(&result.stdout, &s.user())
        .expect("mailcheck reads it");
    let report: Report =
        serde_json::from_str(&run(s.command(Some(&password), "3").arg(s.user())).stdout).unwrap();
    for protocol in Protocol::ALL {
        let first = servers
            .iter()
            .find(|x| x.protocol == protocol)
            .unwrap_or_else(|| panic!("{protocol} is in the document"));
        let recommended = report.recommended_for(protocol).unwrap();
        assert_eq!(
            (&first.host, first.port, first.security),
            (&recommended.host, recommended.port, recommended.security)
        );
    }
    // STARTTLS servers are said as such (Encryption TLS), not left to the port.
    assert!(
        servers.iter().any(|x| x.protocol == Protocol::Imap
            && x.port == 143
            && x.security == Security::Starttls),
        "{servers:?}"
    );
    assert!(servers.iter().all(|x| x.security != Security::Plain));
}

/// `--emit pacc` writes a PACC document (stdout) that mailcheck's own PACC reader reads back as
/// the verified implicit-TLS settings, and its TXT record (stderr) whose digest validates the
/// exact bytes written; one changed byte does not.
#[test]
fn emitted_pacc_parses_back_and_its_txt_digest_validates() {
    use mailcheck::discover::pacc;
    let s = Scenario::new("healthy");
    let password = s.get("PASSWORD");
    let result = run(s
        .human_command(Some(&password), "3")
        .args(["--emit", "pacc"])
        .arg(s.user()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let domain = s.user().rsplit('@').next().unwrap().to_owned();
    let line = result
        .stderr
        .lines()
        .find(|l| l.starts_with(&format!("_ua-auto-config.{domain}. IN TXT \"")))
        .unwrap_or_else(|| panic!("no TXT record in {:?}", result.stderr));
    let record = line.split('"').nth(1).unwrap().to_owned();
    assert!(record.starts_with("v=UAAC1; a=sha256; d="), "{record}");
    let bytes = result.stdout.as_bytes();
    assert_eq!(pacc::verify(std::slice::from_ref(&record), bytes), Ok(()));
    let mut changed = bytes.to_vec();
    changed.insert(1, b' ');
    assert!(pacc::verify(&[record], &changed).is_err());

    let servers = pacc::servers_in(bytes, &s.user()).expect("mailcheck reads it");
    let report: Report =
        serde_json::from_str(&run(s.command(Some(&password), "3").arg(s.user())).stdout).unwrap();
    assert!(!servers.is_empty(), "{}", result.stdout);
    for named in &servers {
        let settings = &named.settings;
        let proved = report.servers.iter().any(|x| {
            x.protocol == settings.protocol
                && x.host == settings.host
                && x.port == settings.port
                && x.security == settings.security
                && x.status == "ok"
        });
        assert!(proved, "{settings:?} was not proved: {}", result.stdout);
    }
    for protocol in Protocol::ALL {
        let recommended = report.recommended_for(protocol).unwrap();
        if recommended.security == Security::Tls {
            let named = servers.iter().find(|n| n.settings.protocol == protocol);
            assert_eq!(
                named.map(|n| (&n.settings.host, n.settings.port)),
                Some((&recommended.host, recommended.port)),
                "{protocol}"
            );
        }
    }
}

/// `--emit pacc` on tlsmix.test: IMAP is proved only as SSL/TLS on 143, which PACC (993 only)
/// cannot say, so the document leaves IMAP out and stderr says why; POP3 and SMTP on their PACC
/// ports stay in, and the TXT record still validates the document.
#[test]
fn emitted_pacc_leaves_out_what_pacc_cannot_say_and_says_why() {
    let s = Scenario::new("tlsmix");
    let result = run(s
        .human_command(Some(&s.get("PASSWORD")), "3")
        .args(["--emit", "pacc"])
        .arg(s.user()));
    assert!(
        result
            .stderr
            .contains("IMAP: PACC names only implicit TLS on port 993"),
        "{}",
        result.stderr
    );
    let servers = mailcheck::discover::pacc::servers_in(result.stdout.as_bytes(), &s.user())
        .expect("a PACC document");
    assert!(
        !servers
            .iter()
            .any(|n| n.settings.protocol == Protocol::Imap),
        "{}",
        result.stdout
    );
    assert!(!servers.is_empty(), "{}", result.stdout);
    let record = result
        .stderr
        .lines()
        .find_map(|l| l.split('"').nth(1).filter(|r| r.starts_with("v=UAAC1")))
        .expect("the TXT record")
        .to_owned();
    assert_eq!(
        mailcheck::discover::pacc::verify(&[record], result.stdout.as_bytes()),
        Ok(())
    );
}
