//! The one wave driver: every parallel loop over trials runs through it.
//!
//! A range of trials is cut into fixed chunks (their bounds depend only on the range and
//! the chunk size); a wave of chunks at a time runs on the current rayon pool, each chunk
//! into its own accumulator, and the caller receives the chunks' accumulators in chunk
//! order. Folding them in that order makes the result bit-identical at any thread count,
//! even for accumulators that do not merge exactly (floating-point sums, row buffers).
//! Per-worker scratch state (inputs, the trial workspace) is made once per rayon job and
//! reused across the chunks that job runs; it must not influence results. The cancel flag
//! is checked before each wave, and progress is reported after each one. Memory is
//! bounded by one wave of chunk accumulators.
//!
//! Users: [`super::run`] (ensembles and their shards, with or without `trials.csv`
//! rows), `analysis::compare::run_paired` (two scenarios with common random numbers) and
//! the sample blocks of `analysis::sensitivity`.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::Interrupted;

/// An accumulator that absorbs another of its kind (the chunk after it).
pub trait Merge {
    /// Fold `other` (the accumulator of the following trials) into `self`.
    fn merge(&mut self, other: Self);
}

/// Rows appended chunk after chunk: merging is concatenation, in trial order.
impl<T> Merge for Vec<T> {
    fn merge(&mut self, mut other: Self) {
        self.append(&mut other);
    }
}

/// How to cut and drive a range of trials.
pub struct Waves<'a> {
    /// The trials `[start, end)` to run.
    pub range: (u64, u64),
    /// Trials per chunk (≥ 1): the unit of parallel work and of merging.
    pub chunk: u64,
    /// Chunks per wave (≥ 1): how many chunk accumulators are in flight at once.
    pub wave: u64,
    /// Set to stop before the next wave.
    pub cancel: &'a AtomicBool,
    /// Called after each wave with the number of trials done so far (from `range.0`).
    pub progress: &'a (dyn Fn(u64) + Sync),
}

impl Waves<'_> {
    /// Run every chunk: `worker` makes one scratch state per rayon job, `chunk` runs the
    /// trials `[start, end)` with it into a fresh accumulator, and `absorb` receives the
    /// accumulators one by one in chunk order, on the calling thread.
    ///
    /// # Errors
    /// [`Interrupted`] (converted into `E`) when the cancel flag is set before the last
    /// wave starts; any error `absorb` returns, which stops the run.
    pub fn drive<W, C, E>(
        &self,
        worker: impl Fn() -> W + Sync + Send,
        chunk: impl Fn(&mut W, (u64, u64)) -> C + Sync + Send,
        mut absorb: impl FnMut(C) -> Result<(), E>,
    ) -> Result<(), E>
    where
        C: Send,
        E: From<Interrupted>,
    {
        let (start, end) = self.range;
        let step = self.chunk.max(1);
        let span = step.saturating_mul(self.wave.max(1));
        let mut wave_start = start;
        while wave_start < end {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(Interrupted {
                    done: wave_start - start,
                }
                .into());
            }
            let wave_end = wave_start.saturating_add(span).min(end);
            let bounds: Vec<(u64, u64)> = (wave_start..wave_end)
                .step_by(usize::try_from(step).unwrap_or(usize::MAX))
                .map(|s| (s, s.saturating_add(step).min(wave_end)))
                .collect();
            let results: Vec<C> = bounds
                .par_iter()
                .map_init(&worker, |w, &b| chunk(w, b))
                .collect();
            for c in results {
                absorb(c)?;
            }
            (self.progress)(wave_end - start);
            wave_start = wave_end;
        }
        Ok(())
    }

    /// Run every chunk (see [`Waves::drive`]) and merge the chunk accumulators into
    /// `total` in chunk order.
    ///
    /// # Errors
    /// [`Interrupted`] when the cancel flag is set before the last wave starts.
    pub fn fold<W, A>(
        &self,
        mut total: A,
        worker: impl Fn() -> W + Sync + Send,
        chunk: impl Fn(&mut W, (u64, u64)) -> A + Sync + Send,
    ) -> Result<A, Interrupted>
    where
        A: Merge + Send,
    {
        self.drive(worker, chunk, |c| {
            total.merge(c);
            Ok::<(), Interrupted>(())
        })?;
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_progress(_: u64) {}

    #[test]
    fn cancel_stops_before_the_next_wave_and_counts_trials_done() {
        let cancel = AtomicBool::new(false);
        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |done: u64| {
            seen.lock().expect("lock").push(done);
            if done >= 200 {
                cancel.store(true, Ordering::Relaxed);
            }
        };
        let waves = Waves {
            range: (100, 1_000),
            chunk: 50,
            wave: 2,
            cancel: &cancel,
            progress: &progress,
        };
        let r = waves.fold(Vec::new(), || (), |(), (s, e)| vec![e - s]);
        assert_eq!(r, Err(Interrupted { done: 200 }));
        assert_eq!(*seen.lock().expect("lock"), vec![100, 200]);
    }

    #[test]
    fn an_absorb_error_stops_the_run() {
        #[derive(Debug, PartialEq)]
        enum Stop {
            Cancelled,
            Full,
        }
        impl From<Interrupted> for Stop {
            fn from(_: Interrupted) -> Self {
                Stop::Cancelled
            }
        }
        let cancel = AtomicBool::new(false);
        let waves = Waves {
            range: (0, 1_000),
            chunk: 10,
            wave: 4,
            cancel: &cancel,
            progress: &no_progress,
        };
        let mut got = 0;
        let r = waves.drive(
            || (),
            |(), (s, e)| e - s,
            |n| {
                got += n;
                if got >= 30 { Err(Stop::Full) } else { Ok(()) }
            },
        );
        assert_eq!(r, Err(Stop::Full));
        assert_eq!(got, 30);
    }
}
