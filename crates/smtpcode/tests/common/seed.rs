//! proptest's configuration for the suite.

use proptest::test_runner::{Config, RngSeed};

/// The seed of the suite's property tests. A fixed seed means a run cannot fail by chance:
/// what fails, fails on every run (and failures found once are kept in the
/// `.proptest-regressions` files). `make proptest-random` sets `PROPTEST_RNG_SEED` to a new
/// seed on every run, to explore.
const SEED: u64 = 0x5eed_0000_c0de_0011;

/// `cases` cases from the suite's seed, or from `PROPTEST_RNG_SEED` when it is set.
pub fn config(cases: u32) -> Config {
    let mut c = Config::with_cases(cases);
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    c
}
