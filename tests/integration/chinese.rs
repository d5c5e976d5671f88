//! Chinese reports in proper form (issue 14): every Chinese report snapshot, of the scenario
//! folders (`lang = "zh"`) and of the real servers (`snapshots/*zh*`), is read for ASCII
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
        if !spec.lines().any(|l| l.replace(' ', "") == "lang=\"zh\"") {
            continue;
        }
        for file in ["report.txt.snap", "trace.txt.snap"] {
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
