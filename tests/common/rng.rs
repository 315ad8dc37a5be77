//! A small deterministic generator: a stress run is reproducible from its seed.

/// xorshift64: enough randomness for test schedules, no dependency.
pub struct XorShift(pub u64);

impl XorShift {
    /// A number below `n`.
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}
