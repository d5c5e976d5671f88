//! Chinese reports in proper form (issue 14): every Chinese report snapshot, of the scenario
//! folders (`report.zh.txt.snap`, and those of `lang = "zh"`) and of the real servers
//! (`snapshots/*zh*`), is read for ASCII
//! punctuation beside Chinese text, for English step names, and for a tick beside words that
//! say "not". The servers' own words (evidence, dialogue lines) are theirs and are not read.

use std::path::{Path, PathBuf};

/// ASCII punctuation that Chinese text writes full-width (，：；（）). `?` is the report's mark
/// of an untested protocol, not a question.
const ASCII_PUNCTUATION: &str = ",:;()";

/// The English names of a probe's steps (`Step::as_str`), as a Chinese report must not quote
/// them.
const ENGLISH_STEPS: [&str; 10] = [
    "DNS lookup",
    "connect",
    "TLS handshake",
    "greeting",
    "capabilities",
    "STARTTLS",
    "TLS handshake after STARTTLS",
    "login",
    "EXAMINE INBOX",
    "logout",
];

/// A Chinese character (not full-width punctuation: a server's `(Failure)` inside our `（…）`
/// is the server's).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}')
}

/// The lines of a snapshot that are mailcheck's words: not the header, not evidence, not the
/// servers' lines of a dialogue.
fn own_lines(snapshot: &str) -> Vec<&str> {
    let body = snapshot.splitn(3, "---\n").nth(2).unwrap_or(snapshot);
    body.lines()
        .filter(|line| {
            let line = line.trim_start();
            let dialogue = line.contains(" ms C: ") || line.contains(" ms S: ");
            !line.starts_with("证据：") && !line.starts_with("Evidence:") && !dialogue
        })
        .collect()
}

/// What is wrong with one line of Chinese text.
fn problems(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !ASCII_PUNCTUATION.contains(c) {
            continue;
        }
        let before = chars[..i].iter().rev().find(|c| **c != ' ');
        let after = chars[i + 1..].iter().find(|c| **c != ' ');
        // A colon between two digits or letters is a port or a time, not punctuation.
        if before.is_some_and(|c| is_cjk(*c)) || after.is_some_and(|c| is_cjk(*c)) {
            found.push(format!("ASCII {c:?} beside Chinese text"));
        }
    }
    for step in ENGLISH_STEPS {
        if line.contains(&format!("“{step}”")) {
            found.push(format!("the English step name {step:?}"));
        }
    }
    if line.contains("✓ 未") {
        found.push("a tick beside 未 (not …)".to_owned());
    }
    found
}

/// Every Chinese report snapshot: `(path, text)`.
fn chinese_snapshots() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root.join("scenarios")).expect("tests/scenarios") {
        let dir = entry.expect("an entry").path();
        let Ok(spec) = std::fs::read_to_string(dir.join("scenario.toml")) else {
            continue;
        };
        // Every folder has its report in the other language too (`report.zh.txt.snap` beside
        // an English one).
        let mut files = vec!["report.zh.txt.snap"];
        if spec.lines().any(|l| l.replace(' ', "") == "lang=\"zh\"") {
            files.extend(["report.txt.snap", "trace.txt.snap"]);
        }
        for file in files {
            if let Ok(text) = std::fs::read_to_string(dir.join(file)) {
                found.push((dir.join(file), text));
            }
        }
    }
    for entry in std::fs::read_dir(root.join("integration/snapshots")).expect("snapshots") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.contains("_zh") {
            found.push((
                path.clone(),
                std::fs::read_to_string(&path).expect("a snapshot"),
            ));
        }
    }
    found.sort();
    found
}

#[test]
fn chinese_reports_use_chinese_punctuation_and_step_names() {
    let snapshots = chinese_snapshots();
    assert!(
        snapshots.len() >= 10,
        "only {} Chinese snapshots",
        snapshots.len()
    );
    let mut wrong = Vec::new();
    for (path, text) in &snapshots {
        for line in own_lines(text) {
            for problem in problems(line) {
                wrong.push(format!("{}: {problem}: {line}", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_checks_find_what_they_look_for() {
    assert_eq!(problems("在“TLS handshake”阶段").len(), 1);
    assert_eq!(problems("SSL/TLS, 登录成功").len(), 1);
    assert_eq!(problems("(已尝试 1 个服务器)").len(), 2);
    assert_eq!(problems("SMTP  ✓ 未登录").len(), 1);
    assert!(problems("imap.fakemail.test:993 在“TLS 握手”阶段（已尝试 1 个服务器）").is_empty());
    assert!(problems("IMAP  ✗ 错误 [timeout] IMAP imap.silent.test:993").is_empty());
}

/// Under Chinese (`--lang zh`, or a `zh_*` locale) the error lines on stderr are Chinese, the
/// causes too where they are mailcheck's words; the exit statuses stay the contract's.
#[test]
fn errors_on_stderr_are_chinese_under_chinese() {
    use crate::support::process::{BIN, run};
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("accounts.txt");
    std::fs::write(
        &batch,
        "alice@example.com\nbad\n@x\nbob@example.com colour=blue\n",
    )
    .unwrap();
    let batch = batch.to_str().unwrap();
    let mailcheck = |args: &[&str], lang: &str| {
        let mut command = Command::new(BIN);
        crate::support::process::isolated(&mut command)
            .args(args)
            .env_remove("MAILCHECK_PASSWORD")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang);
        run(&mut command)
    };
    let cases: [(&[&str], &str, i32, &[&str]); 8] = [
        (
            &["--ca-file", "/nonexistent/ca.pem", "alice@qq.com"],
            "zh_CN.UTF-8",
            3,
            &["无法检测 alice@qq.com：无法使用 CA 文件：无法读取 /nonexistent/ca.pem："],
        ),
        (
            &[
                "--lang",
                "zh",
                "--imap",
                "imap.qq.com:993:xyz",
                "alice@qq.com",
            ],
            "C",
            3,
            &["--imap imap.qq.com:993:xyz：未知的加密方式“xyz”"],
        ),
        (
            &["--lang", "zh", "notanaddress"],
            "C",
            3,
            &["mailcheck：地址“notanaddress”无效：缺少“@”"],
        ),
        (
            &["alice@x"],
            "zh_CN.UTF-8",
            3,
            &["地址“alice@x”无效：域名“x”只有一段"],
        ),
        (
            &[
                "--lang",
                "zh",
                "--offline",
                "--password-env",
                "MC_TEST_UNSET_VAR",
                "alice@qq.com",
            ],
            "C",
            3,
            &["环境变量 MC_TEST_UNSET_VAR 未设置"],
        ),
        (
            &["--lang", "zh", "--batch", batch],
            "C",
            3,
            &[
                "有 3 行有误：",
                "  第 2 行：地址“bad”无效：缺少“@”",
                "  第 3 行：",
                "  第 4 行：“colour”不是 password-env=VAR",
            ],
        ),
        (
            &["--timeout", "0", "alice@qq.com"],
            "zh_CN.UTF-8",
            2,
            &[
                "“--timeout <SECS>”的值“0”无效：必须大于 0 秒",
                "更多信息请运行",
            ],
        ),
        (
            &["--lang=zh", "--colr", "never", "alice@qq.com"],
            "C",
            2,
            &["未知的参数“--colr”（是否想用“--color”？）"],
        ),
    ];
    for (args, lang, code, says) in cases {
        let result = mailcheck(args, lang);
        assert_eq!(result.code, code, "{args:?}: {}", result.stderr);
        for said in says {
            assert!(
                result.stderr.contains(said),
                "{args:?}: {said:?} not in {}",
                result.stderr
            );
        }
        assert!(
            !result.stderr.contains("error:"),
            "{args:?}: {}",
            result.stderr
        );
        for line in result.stderr.lines().filter(|l| !l.is_empty()) {
            let found = problems(line);
            assert!(found.is_empty(), "{args:?}: {found:?}: {line}");
        }
    }
    // English stays as it was.
    let english = mailcheck(&["--timeout", "0", "alice@qq.com"], "C");
    assert!(
        english
            .stderr
            .starts_with("error: invalid value '0' for '--timeout <SECS>'"),
        "{}",
        english.stderr
    );
    let english = mailcheck(&["notanaddress"], "en_US.UTF-8");
    assert_eq!(
        english.stderr,
        "mailcheck: invalid address \"notanaddress\": it has no '@'\n"
    );
}
