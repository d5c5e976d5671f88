//! Progress on the terminal while a run goes: one line per discovery source and per probe,
//! each gone when its step ends, all gone before the report is printed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use mailcheck::Lang;
use mailcheck::discover::SourceKind;
use mailcheck::progress::{Event, Observer, Progress};
use mailcheck::settings::Endpoint;
use mailcheck::text::{Phrase, catalogue};

/// The spinners of one run on stderr, or nothing when nobody watches.
pub struct Spinners(Option<Arc<Lines>>);

/// The lines on screen.
struct Lines {
    lines: MultiProgress,
    running: Mutex<HashMap<String, ProgressBar>>,
    lang: Lang,
}

impl Spinners {
    /// Spinners on stderr when `show` is true (stderr is a terminal and the user did not ask
    /// for quiet), else a run that reports to nobody.
    pub fn start(show: bool, lang: Lang) -> Spinners {
        Spinners(show.then(|| {
            Arc::new(Lines {
                lines: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
                running: Mutex::new(HashMap::new()),
                lang,
            })
        }))
    }

    /// Where the run sends its events.
    pub fn progress(&self) -> Progress {
        match &self.0 {
            Some(lines) => Progress::to(lines.clone()),
            None => Progress::default(),
        }
    }

    /// Removes every line, so that the report starts on a clean screen.
    pub fn finish(&self) {
        if let Some(lines) = &self.0 {
            for (_, bar) in lines.running.lock().expect("not poisoned").drain() {
                bar.finish_and_clear();
            }
            let _ = lines.lines.clear();
        }
    }
}

/// One bar for a batch: how many accounts are done, gone when all are.
pub struct BatchBar(Option<ProgressBar>);

impl BatchBar {
    pub fn start(show: bool, total: usize, lang: Lang) -> BatchBar {
        BatchBar(show.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner:.cyan} {msg} {pos}/{len} {wide_bar:.cyan/dim} {elapsed:.dim}",
                )
                .expect("a valid template"),
            );
            bar.set_message(catalogue(lang).phrase(Phrase::CheckingAccounts).to_owned());
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        }))
    }

    pub fn done_one(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Runs `f` with the bar off the screen, for a line of output that must not be torn.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Lines {
    fn begin(&self, key: String, message: String) {
        let bar = self.lines.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
                .expect("a valid template"),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(100));
        self.running.lock().expect("not poisoned").insert(key, bar);
    }

    fn end(&self, key: &str) {
        if let Some(bar) = self.running.lock().expect("not poisoned").remove(key) {
            bar.finish_and_clear();
            self.lines.remove(&bar);
        }
    }

    fn source_line(&self, source: SourceKind) -> String {
        let what = match source {
            SourceKind::ProviderDb => catalogue(self.lang).phrase(Phrase::ProviderDbAndMx),
            other => catalogue(self.lang).source_title(other),
        };
        format!("{} {what}", catalogue(self.lang).phrase(Phrase::Asking))
    }

    fn probe_line(&self, endpoint: &Endpoint) -> String {
        format!(
            "{} {endpoint}",
            catalogue(self.lang).phrase(Phrase::Probing)
        )
    }
}

impl Observer for Lines {
    fn event(&self, event: Event) {
        match event {
            Event::SourceStarted(source) => {
                self.begin(source.as_str().to_owned(), self.source_line(source));
            }
            Event::SourceFinished(source, _) => self.end(source.as_str()),
            Event::ProbeStarted(endpoint) => {
                self.begin(endpoint.to_string(), self.probe_line(&endpoint));
            }
            Event::ProbeFinished(endpoint, _) => self.end(&endpoint.to_string()),
        }
    }
}
