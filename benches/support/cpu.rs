//! The client process's own CPU time (user + system, every thread of this
//! process, not its children): what a call costs the machine, apart from
//! the time spent waiting for the server.

use std::time::{Duration, Instant};

/// User + system time of this process so far.
#[cfg(unix)]
pub fn process_cpu() -> Duration {
    let mut u = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF always exists.
    let u = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, u.as_mut_ptr()), 0);
        u.assume_init()
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Not measured outside Unix (the benchmarks run on Linux).
#[cfg(not(unix))]
pub fn process_cpu() -> Duration {
    Duration::ZERO
}

/// (wall-clock µs, client CPU µs) per call of `batch` calls of `f`.
pub fn time_batch(f: &mut dyn FnMut(), batch: usize) -> (f64, f64) {
    let (t, c) = (Instant::now(), process_cpu());
    for _ in 0..batch {
        f();
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / batch as f64;
    (per(t.elapsed()), per(process_cpu() - c))
}
