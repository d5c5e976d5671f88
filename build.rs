//! Compiles every file in `providers/` into the binary, so that adding a provider is adding
//! one file and nothing is read from disk at run time. It also writes the sorted table of every
//! file's `<domain>`s, so that looking up a domain parses one file, not all of them.

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
    for (index, name) in names.iter().enumerate() {
        let xml = std::fs::read_to_string(dir.join(name)).unwrap();
        domains.extend(domains_of(&xml).into_iter().map(|d| (d, index)));
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
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("providers.rs");
    std::fs::write(target, out).unwrap();
}

/// The text of every `<domain>` element outside comments, lower-case: what the config reader
/// takes from a provider file (`provider_db`'s tests check that the two agree on every file).
fn domains_of(xml: &str) -> Vec<String> {
    let mut text = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find("<!--") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    text.push_str(rest);
    let mut domains = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("<domain>") {
        rest = &rest[start + "<domain>".len()..];
        let end = rest.find("</domain>").expect("<domain> without </domain>");
        let domain = rest[..end].trim();
        assert!(
            !domain.contains(['&', '<']),
            "a <domain> with markup in it: {domain}"
        );
        if !domain.is_empty() {
            domains.push(domain.to_ascii_lowercase());
        }
        rest = &rest[end..];
    }
    domains
}
