//! Per-trial generators: trial `i` of a run draws from its own generator, so any trial
//! replays alone and every command that samples trial `i` sees the same draws.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// SplitMix64's output function: a fixed, portable 64-bit mixer.
#[must_use]
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of one trial: Xoshiro256++ seeded (through SplitMix64, as
/// `rand_xoshiro`'s `seed_from_u64` does) with `splitmix64(seed ⊕ splitmix64(trial))`.
#[must_use]
pub fn trial_rng(seed: u64, trial: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix64(seed ^ splitmix64(trial)))
}
