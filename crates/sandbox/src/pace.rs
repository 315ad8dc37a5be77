//! The service's distance: a latency per request (with jitter) and an
//! optional rate limit answering 429 with `Retry-After`, so that bulk
//! sending is tested and measured against something like the real service.
//! Both apply to the instance API (`/{messenger}/{idInstance}/…`).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The settings, as the control API (`/sandbox/pace`) reads and writes them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaceConfig {
    /// Milliseconds added before every answer.
    pub latency_ms: u64,
    /// Up to this many milliseconds more, drawn anew for each request.
    pub jitter_ms: u64,
    /// Requests accepted per second (a fixed one-second window); 0 = no limit.
    pub rate_limit: u32,
    /// Seconds in the `Retry-After` of a 429 (at least 1).
    pub retry_after: u64,
}

/// The settings plus the rate limit's window.
#[derive(Debug)]
pub struct Pace {
    cfg: PaceConfig,
    window: Instant,
    in_window: u32,
    rejected: u64,
    seed: u64,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            cfg: PaceConfig::default(),
            window: Instant::now(),
            in_window: 0,
            rejected: 0,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

/// What to do with one request.
#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    /// How long to wait before answering.
    pub delay: Duration,
    /// `Some(seconds)`: answer 429 with this `Retry-After`.
    pub limited: Option<u64>,
}

impl Pace {
    /// The current settings.
    pub fn config(&self) -> PaceConfig {
        self.cfg
    }

    /// Replaces the settings and starts a fresh window.
    pub fn set(&mut self, cfg: PaceConfig) {
        self.cfg = cfg;
        self.window = Instant::now();
        self.in_window = 0;
    }

    /// How many requests were answered 429 so far.
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// Decides the fate of a request arriving now.
    pub fn admit(&mut self) -> Verdict {
        let jitter = if self.cfg.jitter_ms == 0 {
            0
        } else {
            // xorshift: uniform enough for jitter, no crate needed.
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            self.seed % (self.cfg.jitter_ms + 1)
        };
        let delay = Duration::from_millis(self.cfg.latency_ms + jitter);
        if self.cfg.rate_limit == 0 {
            return Verdict {
                delay,
                limited: None,
            };
        }
        let now = Instant::now();
        if now.duration_since(self.window) >= Duration::from_secs(1) {
            self.window = now;
            self.in_window = 0;
        }
        if self.in_window < self.cfg.rate_limit {
            self.in_window += 1;
            return Verdict {
                delay,
                limited: None,
            };
        }
        self.rejected += 1;
        Verdict {
            delay,
            limited: Some(self.cfg.retry_after.max(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_counts_a_window_and_jitter_stays_in_range() {
        let mut p = Pace::default();
        p.set(PaceConfig {
            latency_ms: 5,
            jitter_ms: 3,
            rate_limit: 2,
            retry_after: 0,
        });
        let v: Vec<Verdict> = (0..3).map(|_| p.admit()).collect();
        assert!(v
            .iter()
            .all(|v| (5..=8).contains(&(v.delay.as_millis() as u64))));
        assert_eq!(
            v.iter().map(|v| v.limited).collect::<Vec<_>>(),
            [None, None, Some(1)]
        );
        assert_eq!(p.rejected(), 1);
    }
}
