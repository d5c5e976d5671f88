//! `mailcheck --batch FILE`: many accounts, a few at a time, one report each.
//!
//! The file holds one address a line; `#` starts a comment. After the address, a password may
//! be named, never written: `password-env=VAR` (an environment variable) or
//! `password-file=PATH` (its first line; a relative path is relative to the batch file), and
//! an OAuth token likewise: `oauth-token-env=VAR` or `oauth-token-file=PATH`.
//! `MAILCHECK_PASSWORD` is not used for a batch: one password sent to many accounts' servers
//! would be a leak waiting to happen.
//!
//! The whole file is read and checked before anything is probed, so that a typo on line 90
//! is an error at once, not after 89 accounts.

use std::collections::BTreeMap;
use std::path::Path;

use mailcheck::output::{self, Format, json, summary};
use mailcheck::text::trouble::{Origin, Said, Trouble};
use mailcheck::{EmailAddress, Lang, Report};

use super::password::Kind;
use super::{
    Cli, ExitStatus, Failure, bad_input, language, password, progress, slots, write_stdout,
};

/// One line of the batch file.
#[derive(Debug)]
struct Account {
    address: EmailAddress,
    password: Option<mailcheck::Password>,
    oauth_token: Option<mailcheck::Password>,
}

pub fn run(cli: &Cli) -> Result<ExitStatus, Failure> {
    let file = cli.many.batch.as_deref().expect("only called with --batch");
    let text = read(file).map_err(bad_input)?;
    let base = file.parent().unwrap_or(Path::new("."));
    let accounts = parse(&text, base)
        .map_err(|e| bad_input(e.within(Said::BatchFile(file.display().to_string()))))?;
    let accounts = match cli.many.shard {
        Some(shard) => shard.of(accounts),
        None => accounts,
    };
    let lang = language(cli.display.lang.as_deref());
    let options = cli.check.options();
    let jobs = usize::from(cli.many.jobs);
    let bar = progress::BatchBar::start(super::show_progress(&cli.display), accounts.len(), lang);
    let runtime = super::runtime(super::Load::Batch)?;
    let format = cli.display.format();
    // JSON Lines are written as they come and not kept: ten thousand accounts' reports would
    // otherwise all be held to the end. The other formats are one document of all of them.
    let keep = format != Format::Json;
    let outcome = runtime.block_on(async {
        let mut done = Done {
            next: 0,
            all_ok: true,
            kept: Vec::new(),
        };
        let Some(first) = accounts.first() else {
            return Ok(done);
        };
        // One session for every account: one DNS cache, one HTTP client whose connections
        // are reused, one TLS configuration. Its setup fails alike for every account.
        let session = mailcheck::Session::new(&options)
            .map_err(|e| bad_input(super::check::check_failed(&first.address, &e)))?;
        // An account starts as soon as a slot is free, and one that only waits on a silent
        // server lends its slot (`slots`); the reports that finish early wait in `finished`
        // until those before them are done, so that JSON Lines come out in the file's order.
        let limits = slots::Limits {
            jobs,
            waiting: WAITING,
            quiet: mailcheck::timing::Timing::new(options.timeout).lend_slot_after(),
        };
        let mut finished = BTreeMap::new();
        let (options, session) = (&options, &session);
        slots::work_through(
            &accounts,
            limits,
            |account, pulse| check_one(session, account, options, pulse, cli.display.trace, lang),
            |i, result| {
                bar.done_one();
                let report = result?;
                // A JSON line waiting its turn is held as its text: a tenth of the report's
                // memory, and a batch with silent servers holds hundreds.
                let held = if keep {
                    Held::Whole(Box::new(report))
                } else {
                    let line = (!cli.display.quiet).then(|| json::render_line(&report));
                    Held::Line {
                        ok: report.ok,
                        line,
                    }
                };
                finished.insert(i, held);
                done.hand_on(&mut finished, &bar)
            },
        )
        .await?;
        Ok::<_, Failure>(done)
    });
    bar.finish();
    let Done {
        all_ok,
        kept: reports,
        ..
    } = outcome?;
    let style = cli.display.style(lang);
    let document = match format {
        Format::Nagios => return super::write_plugin(&reports, cli, lang),
        // Written line by line above.
        Format::Json => None,
        Format::Human => Some(human(&reports, cli, lang)),
        Format::Junit => Some(output::junit::render(&reports, lang)),
        Format::Prometheus => Some(output::prometheus::render(&reports)),
        Format::Html => Some(output::html::render(&reports, style)),
    };
    if let Some(document) = document.filter(|_| !cli.display.quiet) {
        write_stdout(&document)?;
    }
    // No account gets a pass for another's success: one error finding anywhere is status 1.
    Ok(if all_ok {
        ExitStatus::Clean
    } else {
        ExitStatus::Errors
    })
}

/// Accounts that may wait on silent servers beside the slots. How many a batch needs depends
/// not on `--jobs` but on how many of its accounts wait, and how long: one silent domain in
/// ten keeps about 25 waiting at the default timeout (README.md, "Speed"). A waiting account
/// holds a socket or two and about a third of a MiB.
const WAITING: usize = 32;

/// A finished account's report, until those before it are done.
enum Held {
    /// For JSON Lines: its line, unless nothing is printed.
    Line { ok: bool, line: Option<String> },
    /// For a format that is one document of all the reports.
    Whole(Box<Report>),
}

/// How far a batch has got: the reports are handed on in the file's order.
struct Done {
    /// The next account whose report is due.
    next: usize,
    /// No report so far has an error finding.
    all_ok: bool,
    /// The reports, for a format that is one document of them all.
    kept: Vec<Report>,
}

impl Done {
    /// Hands on the reports of `finished` that are due, in the file's order: a JSON line is
    /// written, a whole report kept.
    fn hand_on(
        &mut self,
        finished: &mut BTreeMap<usize, Held>,
        bar: &progress::BatchBar,
    ) -> Result<(), Failure> {
        while let Some(held) = finished.remove(&self.next) {
            self.next += 1;
            match held {
                Held::Line { ok, line } => {
                    self.all_ok &= ok;
                    if let Some(line) = line {
                        bar.suspend(|| write_stdout(&line))?;
                    }
                }
                Held::Whole(report) => {
                    self.all_ok &= report.ok;
                    self.kept.push(*report);
                }
            }
        }
        Ok(())
    }
}

/// `--shard K/N`: the K-th of N consecutive shares of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    k: usize,
    n: usize,
}

impl Shard {
    /// Share K holds the accounts from (K-1)·len/N up to K·len/N: every account is in exactly
    /// one share, the shares differ in size by one at most, and the same file always splits
    /// the same way. A share may be empty (more shares than accounts): it checks nothing.
    fn of<T>(self, mut all: Vec<T>) -> Vec<T> {
        let len = all.len();
        let (start, end) = ((self.k - 1) * len / self.n, self.k * len / self.n);
        all.truncate(end);
        all.drain(..start);
        all
    }
}

/// Reads `K/N`, with 1 <= K <= N.
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let wrong = || format!("`{text}` is not K/N with 1 <= K <= N (for example 2/4)");
    let (k, n) = text.split_once('/').ok_or_else(wrong)?;
    let (k, n): (usize, usize) = (
        k.trim().parse().map_err(|_| wrong())?,
        n.trim().parse().map_err(|_| wrong())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(wrong());
    }
    Ok(Shard { k, n })
}

async fn check_one(
    session: &mailcheck::Session,
    account: &Account,
    shared: &mailcheck::Options,
    pulse: mailcheck::progress::Progress,
    trace: bool,
    lang: Lang,
) -> Result<Report, Failure> {
    let options = mailcheck::Options {
        password: account.password.clone(),
        oauth_token: account.oauth_token.clone(),
        progress: pulse,
        ..shared.clone()
    };
    let diagnosis = mailcheck::check_in(session, &account.address, &options)
        .await
        .map_err(|e| bad_input(super::check::check_failed(&account.address, &e)))?;
    let mut report = Report::from_diagnosis(&diagnosis, lang);
    if trace {
        report.add_transcripts(&diagnosis, lang);
    }
    Ok(report)
}

/// The summary table, then, with `-v` or `--trace`, each account's report or dialogues.
fn human(reports: &[Report], cli: &Cli, lang: Lang) -> String {
    let style = cli.display.style(lang);
    let mut out = summary::render(reports, style);
    for report in reports {
        if cli.display.verbose {
            out.push('\n');
            out.push_str(&output::human::render(report, style));
        } else if cli.display.trace {
            out.push('\n');
            out.push_str(&output::trace::render(
                report,
                mailcheck::text::catalogue(lang),
            ));
        }
    }
    out
}

/// A batch of a hundred thousand accounts is far below this; more is a wrong file (or an
/// endless one such as `/dev/zero`), refused before it eats memory.
const LARGEST_BATCH: u64 = 16 << 20;

fn read(file: &Path) -> Result<String, Trouble> {
    let (bytes, what) = if file == Path::new("-") {
        let bytes = mailcheck::net::bounded::read_at_most(std::io::stdin(), LARGEST_BATCH);
        (bytes, Origin::Stdin)
    } else {
        let bytes = std::fs::File::open(file)
            .and_then(|opened| mailcheck::net::bounded::read_at_most(opened, LARGEST_BATCH));
        (bytes, Origin::File(file.display().to_string()))
    };
    let bytes = bytes.map_err(|e| Trouble::new(Said::CannotRead(what.clone())).because_of(&e))?;
    String::from_utf8(bytes).map_err(|_| Trouble::new(Said::NotText(what)))
}

/// Most wrong lines named one by one; the rest are counted.
const WRONG_LINES_NAMED: usize = 20;

/// Every account of the file, or every line that is wrong (by number).
fn parse(text: &str, base: &Path) -> Result<Vec<Account>, Trouble> {
    let mut accounts = Vec::new();
    let mut wrong = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default();
        let mut words = line.split_whitespace();
        let Some(typed) = words.next() else {
            continue;
        };
        match account(typed, words, base) {
            Ok(account) => accounts.push(account),
            Err(error) => wrong.push(error.within(Said::BatchLine(index + 1))),
        }
    }
    match wrong.len() {
        0 if accounts.is_empty() => Err(Trouble::new(Said::NoAddresses)),
        0 => Ok(accounts),
        1 => Err(wrong.remove(0)),
        n => {
            let more = n.saturating_sub(WRONG_LINES_NAMED);
            wrong.truncate(WRONG_LINES_NAMED);
            if more > 0 {
                wrong.push(Trouble::new(Said::AndMore(more)));
            }
            Err(Trouble {
                each: wrong,
                ..Trouble::new(Said::BatchLines(n))
            })
        }
    }
}

fn account<'a>(
    typed: &str,
    settings: impl Iterator<Item = &'a str>,
    base: &Path,
) -> Result<Account, Trouble> {
    let address =
        EmailAddress::parse(typed).map_err(|e| super::check::invalid_address(typed, e))?;
    let mut password = None;
    let mut oauth_token = None;
    for setting in settings {
        let token = match setting.split_once('=') {
            Some(("oauth-token-env", var)) => Some(password::from_env(var, Kind::Token)?),
            Some(("oauth-token-file", path)) => {
                Some(password::from_file(&base.join(path), Kind::Token)?)
            }
            _ => None,
        };
        if let Some(token) = token {
            if oauth_token.replace(token).is_some() {
                return Err(Trouble::new(Said::TwoTokenSources(typed.to_owned())));
            }
            continue;
        }
        let value = match setting.split_once('=') {
            Some(("password-env", var)) => password::from_env(var, Kind::Password)?,
            // `join` keeps an absolute path as it is.
            Some(("password-file", path)) => password::from_file(&base.join(path), Kind::Password)?,
            Some(("password", _)) => return Err(Trouble::new(Said::PasswordWrittenInBatch)),
            // Only the key: a mistyped `pasword=…` must not echo the password.
            _ => {
                let key = setting.split('=').next().unwrap_or_default();
                return Err(Trouble::new(Said::NotPasswordSource(key.to_owned())));
            }
        };
        if password.replace(value).is_some() {
            return Err(Trouble::new(Said::TwoPasswordSources(typed.to_owned())));
        }
    }
    Ok(Account {
        address,
        password,
        oauth_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_account_once_in_order() {
        for len in [0, 1, 3, 10, 10_001] {
            for n in [1, 2, 4, 7] {
                let shares: Vec<Vec<usize>> = (1..=n)
                    .map(|k| {
                        parse_shard(&format!("{k}/{n}"))
                            .unwrap()
                            .of((0..len).collect())
                    })
                    .collect();
                let joined: Vec<usize> = shares.concat();
                assert_eq!(
                    joined,
                    (0..len).collect::<Vec<_>>(),
                    "{len} accounts in {n}"
                );
                let sizes: Vec<usize> = shares.iter().map(Vec::len).collect();
                let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(max - min <= 1, "{sizes:?}");
            }
        }
    }

    #[test]
    fn a_shard_is_k_of_n() {
        for wrong in ["0/4", "5/4", "1/0", "2", "a/4", "1/b", "", "-1/4", "1/4/2"] {
            assert!(parse_shard(wrong).is_err(), "{wrong}");
        }
        assert_eq!(parse_shard("4/4"), Ok(Shard { k: 4, n: 4 }));
    }

    #[test]
    fn comments_blank_lines_and_password_sources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("carol.pw"), "Carol-Pass\nignored\n").unwrap();
        // SAFETY: this test alone reads this variable.
        unsafe { std::env::set_var("MC_BATCH_TEST_BOB", "Bob-Pass") };
        let text = "# accounts\n\nalice@example.com\n  bob@example.com password-env=MC_BATCH_TEST_BOB # bob\ncarol@example.com password-file=carol.pw\n";
        let accounts = parse(text, dir.path()).unwrap();
        let got: Vec<(String, Option<&str>)> = accounts
            .iter()
            .map(|a| {
                (
                    a.address.to_string(),
                    a.password.as_ref().map(|p| p.expose()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("alice@example.com".to_owned(), None),
                ("bob@example.com".to_owned(), Some("Bob-Pass")),
                ("carol@example.com".to_owned(), Some("Carol-Pass")),
            ]
        );
    }

    #[test]
    fn oauth_tokens_are_named_like_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!("eyJ{}.e30.c2ln", "A".repeat(6000));
        std::fs::write(dir.path().join("dave.token"), format!("{long}\n")).unwrap();
        let text = "dave@example.com oauth-token-file=dave.token\n";
        let accounts = parse(text, dir.path()).unwrap();
        assert_eq!(
            accounts[0].oauth_token.as_ref().map(|t| t.expose()),
            Some(long.as_str())
        );
        assert!(accounts[0].password.is_none());
        let twice = "dave@example.com oauth-token-file=dave.token oauth-token-file=dave.token\n";
        let error = parse(twice, dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("more than one OAuth token source"),
            "{error}"
        );
        let unset = parse(
            "d@example.com oauth-token-env=MC_BATCH_TEST_UNSET\n",
            dir.path(),
        );
        assert!(unset.unwrap_err().to_string().contains("not set"));
    }

    #[test]
    fn a_wrong_line_is_named_with_its_number() {
        let base = Path::new(".");
        let error = |text: &str| parse(text, base).unwrap_err().to_string();
        assert!(error("a@b.example\nnot an address\n").starts_with("line 2: invalid address"));
        assert!(error("a@b.example password=hunter2\n").contains("never written"));
        assert!(!error("a@b.example password=hunter2\n").contains("hunter2"));
        assert!(error("a@b.example password-env=MC_BATCH_TEST_UNSET\n").contains("not set"));
        assert!(error("a@b.example colour=blue\n").contains("not password-env"));
        assert!(!error("a@b.example pasword=hunter2\n").contains("hunter2"));
        assert!(error("# nothing\n\n").contains("no addresses"));
        assert!(error("a@b.example password-file=/nonexistent/pw\n").contains("cannot read"));
    }

    #[test]
    fn every_wrong_line_is_named_not_only_the_first() {
        let text = "a@b.example\nnot-an-address\nc@d.example colour=blue\n\n# fine\n@nobody\n";
        let error = parse(text, Path::new(".")).unwrap_err().to_string();
        assert!(error.starts_with("3 lines are wrong:"), "{error}");
        for line in [
            "line 2: invalid address",
            "line 3: ",
            "line 6: invalid address",
        ] {
            assert!(error.contains(line), "{line} in {error}");
        }
        assert!(!error.contains("line 1:"), "{error}");
        let many: String = (0..30).map(|i| format!("bad{i}\n")).collect();
        let error = parse(&many, Path::new(".")).unwrap_err().to_string();
        assert!(
            error.contains("line 20:") && !error.contains("line 21:"),
            "{error}"
        );
        assert!(error.contains("and 10 more"), "{error}");
    }
}
