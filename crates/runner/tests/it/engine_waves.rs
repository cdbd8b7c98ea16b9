//! The wave driver (`ensemble::waves`) folds chunks in order at any pool size: row
//! buffers come back in trial order and an order-sensitive float sum is bit-identical on
//! 1, 2, 4 and 8 threads. (Here, not in the module, because pools belong to the commands
//! layer; see tests/it/layering.rs.)

use std::sync::atomic::AtomicBool;

use bargain_runner::ensemble::waves::{Merge, Waves};

fn no_progress(_: u64) {}

/// A float sum that depends on the order of additions: the driver must fold chunks in
/// order whatever the pool size.
#[derive(Debug, Default, PartialEq)]
struct Sums(Vec<f64>);

impl Merge for Sums {
    fn merge(&mut self, other: Self) {
        self.0.extend(other.0);
    }
}

fn run_on(threads: usize, range: (u64, u64), chunk: u64, wave: u64) -> (Vec<u64>, f64) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let cancel = AtomicBool::new(false);
    let waves = Waves {
        range,
        chunk,
        wave,
        cancel: &cancel,
        progress: &no_progress,
    };
    pool.install(|| {
        let rows = waves
            .fold(Vec::new(), || (), |(), (s, e)| (s..e).collect::<Vec<u64>>())
            .expect("not cancelled");
        let sums = waves
            .fold(
                Sums::default(),
                || (),
                |(), (s, e)| Sums(vec![(s..e).map(|t| 1.0 / (t as f64 + 1.0)).sum()]),
            )
            .expect("not cancelled");
        (rows, sums.0.iter().sum())
    })
}

#[test]
fn chunks_cover_the_range_in_order_at_any_thread_count() {
    let (rows, sum) = run_on(1, (5, 10_007), 64, 3);
    assert_eq!(rows, (5..10_007).collect::<Vec<u64>>());
    for threads in [2, 4, 8] {
        let (r, s) = run_on(threads, (5, 10_007), 64, 3);
        assert_eq!(r, rows);
        assert_eq!(s.to_bits(), sum.to_bits(), "{threads} threads");
    }
}
