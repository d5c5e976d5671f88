//! How long a run waits, in one place: every limit follows from the one the user gives
//! (`--timeout`), so that its rules can be read, and changed, side by side. Nothing here knows
//! about a stage; the stages ask.
//!
//! The bounds, with `T` the timeout:
//!
//! - one step (a DNS query, a connect to all of a host's addresses, a TLS handshake, one whole
//!   reply however slowly its bytes trickle): `T` ([`Timing::step_limit`]);
//! - one probe, from resolving the host to saying goodbye: `5 T` ([`Timing::probe_deadline`]),
//!   whatever the server sends and however slowly;
//! - discovery: `2 T + 1 s` ([`Timing::discovery_deadline`]);
//! - a whole run: discovery, then two probing rounds (the candidates, then the neighbours the
//!   first round found), the probes of a round at the same time: `2 T + 1 s + 2 × 5 T`
//!   ([`Timing::run_bound`]), as long as a round holds no more probes than run at once
//!   (`probe::MAX_CONCURRENT_PROBES`).

use std::time::Duration;

/// The time limits of a run, from the user's `--timeout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    timeout: Duration,
}

impl Timing {
    pub fn new(timeout: Duration) -> Self {
        Self { timeout }
    }

    /// The limit for any one network step (a DNS query, a connect, a handshake, one reply):
    /// the timeout itself, which is what the user means by it.
    pub fn step_limit(self) -> Duration {
        self.timeout
    }

    /// How long one DNS query waits before it is sent again: a quarter of the step, so that a
    /// lost UDP packet costs a quarter of the limit, not all of it.
    pub fn dns_try_limit(self) -> Duration {
        self.timeout / 4
    }

    /// How often a DNS query that got no answer is sent again.
    pub fn dns_retries(self) -> usize {
        2
    }

    /// How long one DNS lookup may take, every try included: three quarters of the step, so
    /// that a lookup that gets no answer has said so before the step that waits for it (a
    /// fetch of a document from that host) runs out.
    pub fn dns_lookup_limit(self) -> Duration {
        self.dns_try_limit() * (self.dns_retries() as u32 + 1)
    }

    /// How long one document fetch may take in all: connecting, every redirect and the whole
    /// body, so that a body trickling in one byte at a time ends at the limit like silence.
    pub fn fetch_limit(self) -> Duration {
        self.timeout
    }

    /// How long discovery may take in all. MX, then the ISPDB by MX, with a redirect or two:
    /// two steps' worth, plus slack.
    pub fn discovery_deadline(self) -> Duration {
        self.timeout * 2 + Duration::from_secs(1)
    }

    /// How long a login waits for a server ahead of it in the login order that has not reached
    /// its own login yet (still in its handshake, say): one step, the one it is in.
    pub fn login_patience(self) -> Duration {
        self.timeout
    }

    /// How long a server may stay silent before mailcheck acts on its silence: mail servers
    /// greet within milliseconds, so one silent this long is most likely waiting for something
    /// else. A protocol none of whose named servers has greeted yet gets its guesses started
    /// then (`probe::guesses`), and a plaintext port gets its TLS handshake on a second
    /// connection by then at the latest ([`Timing::greeting_overdue`]). The pause keeps both
    /// away from every server that greets in time (a TLS hello is junk that a plaintext server
    /// logs), and a silent server costs this much more, not another limit. Never more than a
    /// quarter of the step limit.
    pub fn silence_delay(self) -> Duration {
        Duration::from_millis(250).min(self.timeout / 4)
    }

    /// How long an account of a batch may hear nothing from any server before it counts as
    /// only waiting (on a server that never answers, a lookup that times out) and lends its
    /// `--jobs` slot to the next account: twice the silence delay, so that a server that
    /// greets late, but greets, keeps its account's slot.
    pub fn lend_slot_after(self) -> Duration {
        self.silence_delay() * 2
    }

    /// When a plaintext port's greeting is overdue, so that TLS is tried beside the wait: a
    /// server greets as soon as it accepts, so the greeting comes about one round trip after
    /// the connect, which took one too. Twice the connect's time (at least 20 ms, for the
    /// scheduler; at most [`Timing::silence_delay`]) waits out a greeting on its way, and a
    /// TLS mode that does not fit the port costs a round trip or two, not a pause.
    pub fn greeting_overdue(self, connect_time: Duration) -> Duration {
        (connect_time * 2)
            .max(Duration::from_millis(20))
            .min(self.silence_delay())
    }

    /// How long one probe may take in all, however the server answers: each step has its own
    /// limit, so without this a server that answers every step just in time (or a probe that
    /// checks neighbours after a failure) could hold a probe for many limits. Five: resolving,
    /// connecting and two neighbour checks end in their own findings first, and a healthy
    /// server needs a fraction of one.
    pub fn probe_deadline(self) -> Duration {
        self.timeout * PROBE_STEPS
    }

    /// Happy Eyeballs (RFC 8305 §5): how long a connection attempt to one address of a host
    /// runs alone before the next address is tried beside it. The RFC's 250 ms, but never more
    /// than a quarter of the step limit, so that a short limit still tries several addresses.
    pub fn connection_attempt_delay(self) -> Duration {
        Duration::from_millis(250).min(self.timeout / 4)
    }

    /// The longest a whole run can take (see the module's docs): discovery, then the probing
    /// rounds, each as long as its slowest probe.
    pub fn run_bound(self) -> Duration {
        self.discovery_deadline() + self.probe_deadline() * PROBING_ROUNDS
    }
}

/// How many step limits one probe may spend in all ([`Timing::probe_deadline`]).
const PROBE_STEPS: u32 = 5;

/// The candidates, then the neighbours the first round proved (`probe::second_round`).
const PROBING_ROUNDS: u32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_gets_the_timeout() {
        let timing = Timing::new(Duration::from_secs(3));
        assert_eq!(timing.step_limit(), Duration::from_secs(3));
    }

    #[test]
    fn discovery_gets_two_steps_and_a_second() {
        let timing = Timing::new(Duration::from_secs(3));
        assert_eq!(timing.discovery_deadline(), Duration::from_secs(7));
    }

    #[test]
    fn a_probe_gets_five_steps_and_a_run_discovery_and_two_rounds() {
        let timing = Timing::new(Duration::from_secs(2));
        assert_eq!(timing.probe_deadline(), Duration::from_secs(10));
        assert_eq!(timing.run_bound(), Duration::from_secs(5 + 20));
    }

    #[test]
    fn addresses_are_tried_a_quarter_limit_apart_at_most() {
        let short = Timing::new(Duration::from_millis(400));
        assert_eq!(short.connection_attempt_delay(), Duration::from_millis(100));
        let usual = Timing::new(Duration::from_secs(10));
        assert_eq!(usual.connection_attempt_delay(), Duration::from_millis(250));
    }

    #[test]
    fn every_dns_try_ends_before_the_step() {
        let timing = Timing::new(Duration::from_secs(4));
        assert_eq!(timing.dns_try_limit(), Duration::from_secs(1));
        assert_eq!(timing.dns_lookup_limit(), Duration::from_secs(3));
        assert!(timing.dns_lookup_limit() < timing.step_limit());
    }

    #[test]
    fn silence_is_acted_on_well_inside_the_step() {
        for millis in [400, 2001, 10_000] {
            let timing = Timing::new(Duration::from_millis(millis));
            assert!(timing.silence_delay() * 4 <= timing.step_limit());
        }
        let usual = Timing::new(Duration::from_secs(10));
        assert_eq!(usual.silence_delay(), Duration::from_millis(250));
        // A greeting is overdue after two connect times, within bounds.
        let ms = Duration::from_millis;
        assert_eq!(usual.greeting_overdue(ms(1)), ms(20));
        assert_eq!(usual.greeting_overdue(ms(40)), ms(80));
        assert_eq!(usual.greeting_overdue(ms(900)), ms(250));
    }
}
