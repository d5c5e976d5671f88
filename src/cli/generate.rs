//! `mailcheck completions SHELL` and `mailcheck man`: both generated from the clap definition,
//! so they can never disagree with `--help`.

use mailcheck::text::trouble::{Said, Trouble};

use super::{ExitStatus, Failure, write_stdout};

pub fn completions(shell: clap_complete::Shell) -> Result<ExitStatus, Failure> {
    let mut command = super::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "mailcheck", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))?;
    Ok(ExitStatus::Clean)
}

pub fn man() -> Result<ExitStatus, Failure> {
    write_stdout(&man_page().map_err(|error| Failure {
        code: ExitStatus::Errors,
        error,
    })?)?;
    Ok(ExitStatus::Clean)
}

/// The manual page: clap_mangen's sections, with a synopsis of our own that names every
/// option's value (`--imap HOST:PORT[:MODE]`), which clap_mangen's leaves out.
fn man_page() -> Result<String, Trouble> {
    let command = super::command();
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    let failed = |e: std::io::Error| Trouble::new(Said::CannotRenderManual).because_of(&e);
    man.render_title(&mut page)
        .and_then(|()| man.render_name_section(&mut page))
        .map_err(failed)?;
    page.extend_from_slice(synopsis(&command).as_bytes());
    man.render_description_section(&mut page)
        .and_then(|()| man.render_options_section(&mut page))
        .and_then(|()| man.render_subcommands_section(&mut page))
        .and_then(|()| man.render_extra_section(&mut page))
        .and_then(|()| man.render_version_section(&mut page))
        .map_err(failed)?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// `.SH SYNOPSIS`: the main job with every option and its value's name, then one line per
/// subcommand.
fn synopsis(command: &clap::Command) -> String {
    let mut out = String::from(".SH SYNOPSIS\n");
    out.push_str(&usage_line("mailcheck", command));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        out.push_str(".br\n");
        out.push_str(&usage_line(&format!("mailcheck {}", sub.get_name()), sub));
    }
    out
}

fn usage_line(name: &str, command: &clap::Command) -> String {
    let mut words = vec![bold(name)];
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        let flag = match (arg.get_short(), arg.get_long()) {
            (Some(short), Some(long)) => format!(
                "{}|{}",
                bold(&format!("-{short}")),
                bold(&format!("--{long}"))
            ),
            (None, Some(long)) => bold(&format!("--{long}")),
            (Some(short), None) => bold(&format!("-{short}")),
            (None, None) => continue,
        };
        let value = arg
            .get_action()
            .takes_values()
            .then(|| value_name(arg))
            .map(|v| format!(" {}", italic(&v)))
            .unwrap_or_default();
        words.push(format!("[{flag}{value}]"));
    }
    for arg in command.get_positionals() {
        let value = italic(&value_name(arg));
        words.push(if arg.is_required_set() {
            value
        } else {
            format!("[{value}]")
        });
    }
    format!("{}\n", words.join(" "))
}

fn value_name(arg: &clap::Arg) -> String {
    arg.get_value_names()
        .map(|names| names.join(" "))
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase())
}

/// Roff escapes for text: a backslash, and `-` as a real hyphen-minus.
fn roff(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

fn bold(text: &str) -> String {
    format!("\\fB{}\\fR", roff(text))
}

fn italic(text: &str) -> String {
    format!("\\fI{}\\fR", roff(text))
}
