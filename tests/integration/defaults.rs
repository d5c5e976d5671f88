//! Defaults without retyping (`src/cli/config.rs`): options from `MAILCHECK_*` variables and
//! from the configuration file; a flag beats the environment, which beats the file; a
//! malformed file is exit 3 naming its line; a password is never written in the file, only
//! where it is. The harness's own isolation (`support::process::isolated`) is what keeps the
//! developer's file and variables out of every other test.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::process::{Run, mailcheck, run};
use crate::support::servers::Scenario;

/// A configuration directory holding `mailcheck/config.toml` with `text`.
fn config_dir(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mailcheck").join("config.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

/// `mailcheck` with `dir` as XDG_CONFIG_HOME.
fn with_config(dir: &Path) -> Command {
    let mut command = mailcheck();
    command.env("XDG_CONFIG_HOME", dir);
    command
}

fn starts(run: &Run, prefix: &str) {
    assert!(
        run.stdout.starts_with(prefix),
        "{prefix:?}:\n{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn flags_beat_the_environment_which_beats_the_file() {
    let (dir, _) = config_dir("# defaults\nformat = \"junit\"\nlang = \"zh\"\noffline = true\n");
    let file = run(with_config(dir.path()).arg("alice@qq.com"));
    assert_eq!(file.code, 0, "{}", file.stderr);
    starts(&file, "<?xml");
    assert!(
        file.stdout.contains("未测试"),
        "the file's language: {}",
        file.stdout
    );
    let env = run(with_config(dir.path())
        .env("MAILCHECK_FORMAT", "nagios")
        .env("MAILCHECK_LANG", "en")
        .arg("alice@qq.com"));
    starts(&env, "MAILCHECK UNKNOWN - IMAP, POP3 and SMTP not tested");
    assert_eq!(
        env.code, 3,
        "the plugin's status, asked for by the environment"
    );
    let flags = run(with_config(dir.path())
        .env("MAILCHECK_FORMAT", "nagios")
        .args(["--format", "prometheus", "--lang", "en", "alice@qq.com"]));
    assert_eq!(flags.code, 0, "{}", flags.stderr);
    starts(&flags, "# HELP mailcheck_account_ok");
    // --json is a flag too: it beats a default format, with no conflict.
    let json = run(with_config(dir.path()).args(["--json", "alice@qq.com"]));
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(json.report().ok);
    // The defaults show in --help, where they come from the environment or the file.
    let (dir, _) = config_dir("timeout = 7\n");
    let help = run(with_config(dir.path()).arg("--help"));
    assert!(help.stdout.contains("[default: 7]"), "{}", help.stdout);
    let help = run(with_config(dir.path())
        .env("MAILCHECK_TIMEOUT", "8")
        .arg("--help"));
    assert!(help.stdout.contains("[default: 8]"), "{}", help.stdout);
    // A flag's yes from the environment.
    let offline = run(mailcheck()
        .env("MAILCHECK_OFFLINE", "yes")
        .args(["--json", "alice@qq.com"]));
    assert!(
        offline
            .report()
            .servers
            .iter()
            .all(|s| s.status == "untested")
    );
}

#[test]
fn a_malformed_file_is_bad_input_naming_its_line() {
    for (text, line, said) in [
        ("timeout = 3\n\ntimeout = \n", "line 3: ", "string"),
        (
            "timeout = 3\ncolour = \"never\"\n",
            "line 2: ",
            "\"colour\" is not an option of mailcheck",
        ),
        (
            "\n\nbatch = \"x.txt\"\n",
            "line 3: ",
            "--batch cannot be set in the config file",
        ),
        (
            "timeout = 900\n",
            "line 1: timeout: invalid value \"900\"",
            "at most 600",
        ),
        (
            "offline = \"yes\"\n",
            "line 1: ",
            "offline takes true or false",
        ),
        (
            "color = \"purple\"\n",
            "line 1: color: invalid value \"purple\"",
            "auto, always, never",
        ),
        (
            "lang = \"zh\"\npassword = \"Hunter-22\"\n",
            "line 2: ",
            "a password is never written in the config file",
        ),
    ] {
        let (dir, file) = config_dir(text);
        let r = run(with_config(dir.path()).args(["--offline", "alice@qq.com"]));
        assert_eq!(r.code, 3, "{text:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        let expected = format!("mailcheck: config file {}: {line}", file.display());
        assert!(
            r.stderr.starts_with(&expected),
            "{text:?}: {expected:?} in {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(said),
            "{text:?}: {said:?} in {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("Hunter-22"),
            "the password is not echoed"
        );
    }
    // In the plugin mode, bad input is UNKNOWN (3) too; a named file must exist.
    let missing =
        run(mailcheck().args(["--config", "/nonexistent/mc.toml", "--offline", "a@qq.com"]));
    assert_eq!(missing.code, 3);
    assert!(
        missing.stderr.contains("cannot read /nonexistent/mc.toml"),
        "{}",
        missing.stderr
    );
    let from_env = run(mailcheck()
        .env("MAILCHECK_CONFIG", "/nonexistent/mc.toml")
        .args(["--offline", "a@qq.com"]));
    assert_eq!(from_env.code, 3);
    // A variable that is not a value of its option is a usage error, like the flag.
    let bad = run(mailcheck()
        .env("MAILCHECK_TIMEOUT", "soon")
        .args(["--offline", "a@qq.com"]));
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("environment variable MAILCHECK_TIMEOUT: invalid value \"soon\""),
        "{}",
        bad.stderr
    );
    // In Chinese, for a Chinese run.
    let (dir, _) = config_dir("timeout = 3\nbogus = 1\n");
    let zh = run(with_config(dir.path()).args(["--lang", "zh", "--offline", "a@qq.com"]));
    assert!(zh.stderr.contains("第 2 行"), "{}", zh.stderr);
}

#[test]
fn the_file_names_where_the_password_is_and_flags_and_the_variable_beat_it() {
    let (dir, _) = config_dir("password-env = \"MC_DEFAULTS_UNSET\"\n");
    let unset = run(with_config(dir.path()).args(["--offline", "alice@qq.com"]));
    assert_eq!(unset.code, 3, "the file's source is read: {}", unset.stderr);
    assert!(
        unset.stderr.contains("MC_DEFAULTS_UNSET"),
        "{}",
        unset.stderr
    );
    let variable = run(with_config(dir.path())
        .env("MAILCHECK_PASSWORD", "from-the-variable")
        .args(["--offline", "alice@qq.com"]));
    assert_eq!(
        variable.code, 0,
        "MAILCHECK_PASSWORD beats the file: {}",
        variable.stderr
    );
    let flag = run(with_config(dir.path())
        .env("MC_DEFAULTS_SET", "from-the-flag")
        .args([
            "--password-env",
            "MC_DEFAULTS_SET",
            "--offline",
            "alice@qq.com",
        ]));
    assert_eq!(
        flag.code, 0,
        "--password-env beats the file: {}",
        flag.stderr
    );
    let (dir, _) = config_dir("password-file = \"missing.pw\"\n");
    let missing = run(with_config(dir.path()).args(["--offline", "alice@qq.com"]));
    assert_eq!(missing.code, 3);
    let relative = dir.path().join("mailcheck").join("missing.pw");
    assert!(
        missing.stderr.contains(&relative.display().to_string()),
        "relative to the file: {}",
        missing.stderr
    );
}

#[test]
fn real_a_config_file_instead_of_retyping() {
    let s = Scenario::new("healthy");
    let (dir, file) = config_dir("");
    let own = file.parent().unwrap();
    std::fs::copy(&s.env["MC_CA_FILE"], own.join("company-ca.pem")).unwrap();
    std::fs::write(own.join("alice.pw"), format!("{}\n", s.get("PASSWORD"))).unwrap();
    std::fs::write(
        &file,
        format!(
            "# mailcheck's defaults\ndns-server = \"{}\"\nca-file = \"company-ca.pem\"\nispdb-url = \"{}\"\ntimeout = 3\npassword-file = \"alice.pw\"\n",
            s.env["MC_DNS"], s.env["MC_ISPDB_URL"]
        ),
    )
    .unwrap();
    let r = run(with_config(dir.path()).args(["--json", &s.user()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.report();
    assert!(
        report
            .servers
            .iter()
            .filter(|s| s.status == "ok")
            .all(|s| s.login == "ok")
    );
    assert!(
        report.servers.iter().any(|s| s.login == "ok"),
        "the file's password logged in"
    );
    assert!(!r.stdout.contains(&s.get("PASSWORD")));
}
