//! Per-trial generators: trial `i` of a run draws from its own generator, so any trial
//! replays alone and every command that samples trial `i` sees the same draws; and each
//! uncertain input of trial `i` draws from a stream of its own, keyed by its field path,
//! so adding, removing or fixing one input leaves every other input's draws unchanged.

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

/// The stream key of an input: 64-bit FNV-1a of its field path (`parties.us.reservation`),
/// so an input's draws depend on its name, never on its position in the file.
#[must_use]
pub fn stream_key(path: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    path.bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// The generator of one input of one trial: Xoshiro256++ seeded with
/// `splitmix64(splitmix64(seed ⊕ splitmix64(trial)) ⊕ key)`, `key` being the input's
/// [`stream_key`]. Distinct from [`trial_rng`] (which the models' own draws use), so the
/// breakdown draws of the agents never depend on which inputs are uncertain either.
#[must_use]
pub fn input_rng(seed: u64, trial: u64, key: u64) -> Xoshiro256PlusPlus {
    keyed_rng(trial_key(seed, trial), key)
}

/// `splitmix64(seed ⊕ splitmix64(trial))`: what every stream of one trial is derived from
/// (computed once per trial by the samplers).
#[must_use]
#[inline]
pub fn trial_key(seed: u64, trial: u64) -> u64 {
    splitmix64(seed ^ splitmix64(trial))
}

/// The generator of the input with stream key `key` in the trial whose [`trial_key`] is
/// `trial`: the same as [`input_rng`].
#[must_use]
#[inline]
pub fn keyed_rng(trial: u64, key: u64) -> Xoshiro256PlusPlus {
    seeded(splitmix64(trial ^ key))
}

/// `Xoshiro256PlusPlus::seed_from_u64(seed)`, bit for bit, without its byte buffer: the
/// state is the next four outputs of SplitMix64 started at `seed`, as `rand_xoshiro`
/// fills it (tested against it). One call per uncertain input per trial, so it matters.
#[must_use]
#[inline]
fn seeded(seed: u64) -> Xoshiro256PlusPlus {
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_exact_mut(8).enumerate() {
        // SplitMix64's i-th output: the mixer of seed + (i + 1)·golden.
        let z = seed.wrapping_add(GOLDEN.wrapping_mul(i as u64));
        chunk.copy_from_slice(&splitmix64(z).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn stream_keys_are_fnv1a_of_the_path() {
        // FNV-1a test vectors: "" is the offset basis, "a" a published value.
        assert_eq!(stream_key(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stream_key("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(
            stream_key("parties.us.reservation"),
            stream_key("parties.kr.reservation")
        );
    }

    #[test]
    fn seeded_is_seed_from_u64_bit_for_bit() {
        for s in [
            0u64,
            1,
            7,
            2019,
            u64::MAX,
            0x9E37_79B9_7F4A_7C15,
            12_345_678_901,
        ] {
            let (mut a, mut b) = (seeded(s), Xoshiro256PlusPlus::seed_from_u64(s));
            for _ in 0..8 {
                assert_eq!(a.next_u64(), b.next_u64(), "seed {s}");
            }
        }
    }

    #[test]
    fn input_streams_differ_from_each_other_and_from_the_trial_stream() {
        let a = input_rng(7, 3, stream_key("parties.us.reservation")).next_u64();
        let b = input_rng(7, 3, stream_key("parties.kr.reservation")).next_u64();
        let t = trial_rng(7, 3).next_u64();
        let next_trial = input_rng(7, 4, stream_key("parties.us.reservation")).next_u64();
        assert!(a != b && a != t && b != t && a != next_trial);
    }
}
