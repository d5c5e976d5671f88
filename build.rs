//! Compiles every file in `providers/` into the binary, so that adding a provider is adding
//! one file and nothing is read from disk at run time. It also writes the sorted table of every
//! file's `<domain>`s and the table of every file's MX patterns (`<mc:mx>`), so that looking up
//! a domain or an MX host parses one file, not all of them.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("providers");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".xml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("/// Every provider file, by file name.\n");
    out.push_str("pub static PROVIDER_FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let mut domains: Vec<(String, usize)> = Vec::new();
    let mut mx_patterns: Vec<(String, usize)> = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let xml = without_comments(&std::fs::read_to_string(dir.join(name)).unwrap());
        domains.extend(texts_of(&xml, "domain").into_iter().map(|d| (d, index)));
        mx_patterns.extend(texts_of(&xml, "mc:mx").into_iter().map(|m| (m, index)));
    }
    domains.sort();
    out.push_str(
        "/// Every `<domain>` of every file, lower-case and sorted, with the index of its file \
         in `PROVIDER_FILES`.\n",
    );
    out.push_str("pub static DOMAINS: &[(&str, usize)] = &[\n");
    for (domain, index) in &domains {
        writeln!(out, "    ({domain:?}, {index}),").unwrap();
    }
    out.push_str("];\n");
    out.push_str(
        "/// Every MX pattern of every file, lower-case, in the order of the files (the order in \
         which they are tried), with the index of its file in `PROVIDER_FILES`.\n",
    );
    out.push_str("pub static MX_PATTERNS: &[(&str, usize)] = &[\n");
    for (pattern, index) in &mx_patterns {
        writeln!(out, "    ({pattern:?}, {index}),").unwrap();
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("providers.rs");
    std::fs::write(target, out).unwrap();
}

/// The file without its comments: the config reader skips them.
fn without_comments(xml: &str) -> String {
    let mut text = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find("<!--") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    text.push_str(rest);
    text
}

/// The trimmed, lower-case text of every `<tag>` element: what the config reader takes from a
/// provider file (`provider_db`'s tests check that the two agree on every file).
fn texts_of(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut texts = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        rest = &rest[start + open.len()..];
        let end = rest
            .find(&close)
            .unwrap_or_else(|| panic!("{open} without {close}"));
        let text = rest[..end].trim();
        assert!(
            !text.contains(['&', '<']),
            "a {open} with markup in it: {text}"
        );
        if !text.is_empty() {
            texts.push(text.to_ascii_lowercase());
        }
        rest = &rest[end..];
    }
    texts
}
