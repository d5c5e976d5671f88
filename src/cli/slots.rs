//! `--jobs N`: how many accounts of a batch are worked on at once.
//!
//! An account takes a slot when it starts and gives it back when it ends, or sooner: once it
//! has heard nothing from any server for a while (a server that never answers, a lookup that
//! times out), it only waits, so it lends its slot to the next account and goes on waiting
//! beside it. Silent servers among the accounts then cost their own accounts a timeout, not
//! the others. A waiting account holds a socket or two and its memory; at most
//! [`Limits::waiting`] wait beyond the slots.
//!
//! "A while" is [`Limits::quiet`] ([`mailcheck::timing::Timing::lend_slot_after`]), or twice
//! as long as the recent accounts took in all (their median), whichever is longer: on a
//! loaded machine every server answers late, and an account that lent its slot for that would
//! only add to the load. Until a few accounts have ended, nobody knows how long one takes, and
//! no slot is lent.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use mailcheck::progress::{Event, Observer, Progress};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How many accounts may run, and when one counts as only waiting.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Accounts worked on at once (`--jobs`).
    pub jobs: usize,
    /// Accounts that lent their slot and still wait, beside those worked on.
    pub waiting: usize,
    /// How long an account hears nothing before it lends its slot.
    pub quiet: Duration,
}

/// Starts `start(item, progress)` for each item in turn, as slots allow, and hands each
/// output with its item's index to `finished` as it comes (in any order). The `progress`
/// given to an item's work tells the scheduler when a server answered it.
pub async fn work_through<T, O, E, W>(
    items: impl IntoIterator<Item = T>,
    limits: Limits,
    mut start: impl FnMut(T, Progress) -> W,
    mut finished: impl FnMut(usize, O) -> Result<(), E>,
) -> Result<(), E>
where
    W: Future<Output = O>,
{
    let slots = Arc::new(Semaphore::new(limits.jobs.max(1)));
    let known = limits.jobs.clamp(1, Patience::KNOWN);
    let patience = Arc::new(Patience::new(limits.quiet, known));
    let mut queue = items.into_iter().enumerate().peekable();
    let mut running = FuturesUnordered::new();
    loop {
        let room = running.len() < limits.jobs.max(1) + limits.waiting;
        tokio::select! {
            biased;
            Some((i, output, took)) = running.next() => {
                patience.took(took);
                finished(i, output)?;
            }
            Ok(slot) = slots.clone().acquire_owned(), if room && queue.peek().is_some() => {
                let (i, item) = queue.next().expect("an item was there");
                let pulse = Arc::new(Pulse::new());
                let work = start(item, Progress::to(pulse.clone()));
                let patience = patience.clone();
                running.push(async move {
                    let output = lend_while_waiting(work, slot, &pulse, &patience).await;
                    (i, output, pulse.started.elapsed())
                });
            }
            else => return Ok(()),
        }
    }
}

/// Runs `work`, holding `slot` until it ends or has heard nothing for as long as `patience`
/// says.
async fn lend_while_waiting<W: Future>(
    work: W,
    slot: OwnedSemaphorePermit,
    pulse: &Pulse,
    patience: &Patience,
) -> W::Output {
    tokio::pin!(work);
    let mut slot = Some(slot);
    loop {
        // Not yet known: looked at again in a while, as accounts end.
        let lend_at = patience
            .lend_at(pulse.last())
            .unwrap_or_else(|| Instant::now() + patience.floor);
        tokio::select! {
            biased;
            output = &mut work => return output,
            () = tokio::time::sleep_until(lend_at), if slot.is_some() => {
                if patience.lend_at(pulse.last()).is_some_and(|at| at <= Instant::now()) {
                    slot = None;
                }
            }
        }
    }
}

/// How long an account may hear nothing and keep its slot: the floor, or twice the median
/// time the last [`Patience::KEPT`] accounts took; for ever until [`Patience::known`] of
/// them have ended.
struct Patience {
    floor: Duration,
    /// How many accounts must have ended before one may lend its slot.
    known: usize,
    recent: std::sync::Mutex<std::collections::VecDeque<Duration>>,
    /// The current answer, in microseconds, or [`NOT_KNOWN`].
    quiet: AtomicU64,
}

const NOT_KNOWN: u64 = u64::MAX;

impl Patience {
    const KEPT: usize = 63;
    /// At most this many accounts need to end before slots are lent.
    const KNOWN: usize = 8;

    fn new(floor: Duration, known: usize) -> Self {
        Self {
            floor,
            known,
            recent: Default::default(),
            quiet: AtomicU64::new(NOT_KNOWN),
        }
    }

    #[cfg(test)]
    fn quiet(&self) -> Duration {
        Duration::from_micros(self.quiet.load(Ordering::Relaxed))
    }

    /// When an account last heard something at `last` may lend its slot (`None`: not yet
    /// known).
    fn lend_at(&self, last: Instant) -> Option<Instant> {
        match self.quiet.load(Ordering::Relaxed) {
            NOT_KNOWN => None,
            quiet => Some(last + Duration::from_micros(quiet)),
        }
    }

    /// An account ended after `took`.
    fn took(&self, took: Duration) {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() == Self::KEPT {
            recent.pop_front();
        }
        recent.push_back(took);
        if recent.len() < self.known {
            return;
        }
        let mut sorted: Vec<Duration> = recent.iter().copied().collect();
        sorted.sort_unstable();
        let quiet = (sorted[sorted.len() / 2] * 2).max(self.floor);
        self.quiet.store(micros(quiet), Ordering::Relaxed);
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(NOT_KNOWN - 1)
}

/// When an account last heard from a server (or a discovery source answered).
struct Pulse {
    started: Instant,
    /// Microseconds from `started` to the last thing heard.
    last: AtomicU64,
}

impl Pulse {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            last: AtomicU64::new(0),
        }
    }

    fn beat(&self) {
        self.last
            .fetch_max(micros(self.started.elapsed()), Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.started + Duration::from_micros(self.last.load(Ordering::Relaxed))
    }
}

impl Observer for Pulse {
    fn event(&self, _: Event) {
        self.beat();
    }

    fn heard(&self) {
        self.beat();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    const QUIET: Duration = Duration::from_millis(500);

    /// What a test account does: answers every `beat` for `lasting` in all (`None`: never
    /// answers), and records when it started and ended.
    #[derive(Clone, Copy)]
    struct Account {
        lasting: Duration,
        beat: Option<Duration>,
    }

    fn busy(lasting_ms: u64) -> Account {
        Account {
            lasting: Duration::from_millis(lasting_ms),
            beat: Some(Duration::from_millis(50)),
        }
    }

    fn silent(lasting_ms: u64) -> Account {
        Account {
            lasting: Duration::from_millis(lasting_ms),
            beat: None,
        }
    }

    /// Runs the accounts; each one's start and end, in milliseconds from the start.
    async fn run(accounts: Vec<Account>, jobs: usize, waiting: usize) -> Vec<(u64, u64)> {
        let origin = Instant::now();
        let ms = move || u64::try_from(origin.elapsed().as_millis()).unwrap();
        let times = Arc::new(Mutex::new(vec![(0, 0); accounts.len()]));
        let limits = Limits {
            jobs,
            waiting,
            quiet: QUIET,
        };
        let started = times.clone();
        work_through(
            accounts.into_iter().enumerate(),
            limits,
            move |(i, account), progress| {
                started.lock().unwrap()[i].0 = ms();
                async move {
                    let end = Instant::now() + account.lasting;
                    while Instant::now() < end {
                        let step = account.beat.unwrap_or(account.lasting);
                        tokio::time::sleep_until((Instant::now() + step).min(end)).await;
                        if account.beat.is_some() {
                            progress.heard();
                        }
                    }
                    ms()
                }
            },
            |i, ended| {
                times.lock().unwrap()[i].1 = ended;
                Ok::<(), ()>(())
            },
        )
        .await
        .unwrap();
        Arc::try_unwrap(times).unwrap().into_inner().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn busy_accounts_take_turns_in_the_slots() {
        let times = run(vec![busy(1000); 4], 2, 8).await;
        assert_eq!(times, [(0, 1000), (0, 1000), (1000, 2000), (1000, 2000)]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_account_that_hears_nothing_lends_its_slot() {
        let accounts = vec![busy(100), silent(10_000), busy(1000), busy(1000)];
        let times = run(accounts, 1, 8).await;
        // Once one account has shown how long accounts take, the silent one lends its slot
        // after QUIET; the others go on one after another.
        assert_eq!(times, [(0, 100), (100, 10_100), (600, 1600), (1600, 2600)]);
    }

    #[tokio::test(start_paused = true)]
    async fn no_more_accounts_wait_than_allowed() {
        let accounts = vec![busy(100), silent(10_000), silent(10_000), busy(1000)];
        let times = run(accounts, 1, 1).await;
        // The first silent account lends its slot to the second, which may not lend it
        // again: only one may wait beside the slot.
        assert_eq!(
            times,
            [(0, 100), (100, 10_100), (600, 10_600), (10_100, 11_100)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_account_that_hears_from_its_servers_keeps_its_slot() {
        let slow_but_talking = busy(5000);
        let times = run(vec![slow_but_talking, busy(100)], 1, 8).await;
        assert_eq!(times, [(0, 5000), (5000, 5100)]);
    }

    #[tokio::test(start_paused = true)]
    async fn on_a_loaded_machine_an_account_waits_longer_before_it_lends() {
        // Each busy account takes 2 s: twice that, not QUIET, is what counts as only waiting.
        let mut accounts = vec![busy(2000); 3];
        accounts.extend([silent(10_000), busy(100)]);
        let times = run(accounts, 1, 8).await;
        assert_eq!(times[3], (6000, 16_000));
        assert_eq!(times[4], (10_000, 10_100), "lent after 4 s of silence");
    }

    #[test]
    fn patience_is_twice_the_median_of_recent_accounts_never_below_its_floor() {
        let patience = Patience::new(QUIET, 3);
        let now = Instant::now();
        for ms in [100, 100] {
            patience.took(Duration::from_millis(ms));
        }
        assert_eq!(patience.lend_at(now), None, "not known yet");
        patience.took(Duration::from_millis(100));
        assert_eq!(patience.quiet(), QUIET, "the floor");
        assert_eq!(patience.lend_at(now), Some(now + QUIET));
        for ms in [3000, 1000, 2000, 2000] {
            patience.took(Duration::from_millis(ms));
        }
        // 100 100 100 1000 2000 2000 3000: median 1000.
        assert_eq!(patience.quiet(), Duration::from_secs(2));
        for _ in 0..Patience::KEPT {
            patience.took(Duration::from_millis(300));
        }
        assert_eq!(
            patience.quiet(),
            Duration::from_millis(600),
            "only the recent count"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_slot_is_lent_before_accounts_have_ended() {
        let times = run(vec![silent(3000), silent(3000), busy(100), busy(100)], 2, 8).await;
        // Two silent accounts fill both slots, and nobody knows yet that 3 s is long.
        assert_eq!(times, [(0, 3000), (0, 3000), (3000, 3100), (3000, 3100)]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_stops_the_batch() {
        let result = work_through(
            0..10,
            Limits {
                jobs: 2,
                waiting: 0,
                quiet: QUIET,
            },
            |i, _| async move { i },
            |_, i| if i == 3 { Err(i) } else { Ok(()) },
        )
        .await;
        assert_eq!(result, Err(3));
    }
}
