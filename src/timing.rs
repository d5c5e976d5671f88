//! How long a run waits, in one place: every limit follows from the one the user gives
//! (`--timeout`), so that its rules can be read, and changed, side by side. Nothing here knows
//! about a stage; the stages ask.

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

    /// How long a plaintext port may stay silent before the probe asks whether it wants TLS
    /// instead: half the limit, so that the TLS check fits in the other half
    /// ([`Self::tls_check_after_silence`]) and a silent server still costs one limit at most.
    pub fn first_bytes_wait(self) -> Duration {
        self.timeout / 2
    }

    /// The limit for proving that a silent plaintext port wants TLS: the other half of the
    /// limit that [`Self::first_bytes_wait`] started.
    pub fn tls_check_after_silence(self) -> Duration {
        self.timeout / 2
    }
}

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
    fn every_dns_try_ends_before_the_step() {
        let timing = Timing::new(Duration::from_secs(4));
        assert_eq!(timing.dns_try_limit(), Duration::from_secs(1));
        assert_eq!(timing.dns_lookup_limit(), Duration::from_secs(3));
        assert!(timing.dns_lookup_limit() < timing.step_limit());
    }

    #[test]
    fn a_silent_plaintext_port_costs_one_limit_at_most() {
        let timing = Timing::new(Duration::from_millis(2001));
        assert!(
            timing.first_bytes_wait() + timing.tls_check_after_silence() <= timing.step_limit()
        );
    }
}
