//! Structure-aware fuzz target: well-formed scenario files whose numbers come from the
//! fuzz input (raw `f64` bits, so NaN, infinities, subnormals and huge values appear, or
//! small "nice" values), with every distribution family on every numeric field. The
//! file must parse or be rejected with positioned diagnostics, never panic; an accepted
//! scenario is sampled and every model is run on a few trials (replayed exactly as the
//! ensemble would), and every deal must be finite.

#![no_main]

use std::fmt::Write as _;

use bargain_runner::ensemble::{self, Plan, Shard};
use bargain_runner::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

/// Reads choices and numbers from the fuzz input (zeros once it runs out).
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn u64(&mut self) -> u64 {
        let mut v = 0u64;
        for _ in 0..8 {
            v = (v << 8) | u64::from(self.byte());
        }
        v
    }

    /// A number: usually small and plain, sometimes any `f64` bit pattern.
    fn num(&mut self) -> String {
        let x = match self.byte() % 8 {
            0 => f64::from_bits(self.u64()),
            1 => f64::from(self.byte()) / 255.0,
            2 => f64::from(self.byte()) / 16.0,
            3 => f64::from(self.byte() as i8),
            4 => [0.0, 1.0, -1.0, 1e-12, 1e12, 1e100, -1e100, 1e-300][usize::from(self.byte() % 8)],
            _ => 0.5 + f64::from(self.byte()) / 128.0,
        };
        fmt(x)
    }

    fn dist(&mut self) -> String {
        let mut s = match self.byte() % 8 {
            0 => return self.num(),
            1 => format!("{{ uniform = [{}, {}]", self.num(), self.num()),
            2 => format!("{{ normal = [{}, {}]", self.num(), self.num()),
            3 => format!("{{ lognormal = [{}, {}]", self.num(), self.num()),
            4 => format!(
                "{{ triangular = [{}, {}, {}]",
                self.num(),
                self.num(),
                self.num()
            ),
            5 => format!("{{ beta = [{}, {}]", self.num(), self.num()),
            6 => {
                let n = usize::from(self.byte() % 4);
                let xs: Vec<String> = (0..n).map(|_| self.num()).collect();
                let mut s = format!("{{ choice = [{}]", xs.join(", "));
                if self.byte() % 2 == 0 {
                    let ws: Vec<String> = (0..n).map(|_| self.num()).collect();
                    let _ = write!(s, ", weights = [{}]", ws.join(", "));
                }
                s
            }
            _ => return format!("{}", self.byte() % 12),
        };
        if self.byte() % 3 == 0 {
            let _ = write!(s, ", within = [{}, {}]", self.num(), self.num());
        }
        s.push_str(" }");
        s
    }

    fn strategy(&mut self) -> String {
        let presets = ["\"boulware\"", "\"linear\"", "\"conceder\""];
        match self.byte() % 5 {
            0 => format!(
                "{{ kind = \"time-based\", preset = {} }}",
                presets[usize::from(self.byte() % 3)]
            ),
            1 => format!(
                "{{ kind = \"time-based\", exponent = {}, max_aspiration = {}, eps = {} }}",
                self.dist(),
                self.dist(),
                self.dist()
            ),
            2 => format!(
                "{{ kind = \"faratin\", beta = {}, kappa = {}, family = \"{}\" }}",
                self.dist(),
                self.dist(),
                if self.byte() % 2 == 0 {
                    "polynomial"
                } else {
                    "exponential"
                }
            ),
            3 => "{ kind = \"tit-for-tat\" }".into(),
            _ => "{ kind = \"hardliner\" }".into(),
        }
    }
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

fn scenario(data: &[u8]) -> String {
    let mut i = Input(data);
    let mut t = String::from("[scenario]\nname = \"fuzz\"\n[run]\n");
    let _ = writeln!(t, "trials = {}", 1 + i.u64() % 1_000_000_000_000);
    let _ = writeln!(t, "seed = {}", i.u64() >> 1);
    let _ = writeln!(
        t,
        "models = [\"agents\", \"rubinstein\", \"stahl\", \"nash\", \"kalai-smorodinsky\", \"breakdown\"]\nsampler = \"{}\"",
        if i.byte() % 2 == 0 {
            "monte-carlo"
        } else {
            "latin-hypercube"
        }
    );
    let _ = writeln!(
        t,
        "[protocol]\nmax_rounds = {}\nfirst_mover = \"{}\"\nbreakdown_risk = {}",
        i.dist(),
        if i.byte() % 2 == 0 { "a" } else { "b" },
        i.dist()
    );
    if i.byte() % 2 == 0 {
        let _ = writeln!(
            t,
            "grid = {{ lo = {}, hi = {}, step = {} }}",
            i.num(),
            i.num(),
            i.num()
        );
    }
    for (key, side) in [("a", "payee"), ("b", "payer")] {
        let _ = writeln!(
            t,
            "[parties.{key}]\nside = \"{side}\"\nopening = {}\nreservation = {}\nstrategy = {}",
            i.dist(),
            i.dist(),
            i.strategy()
        );
        for field in ["discount", "power", "ratification", "outside_option"] {
            if i.byte() % 2 == 0 {
                let _ = writeln!(t, "{field} = {}", i.dist());
            }
        }
    }
    if i.byte() % 4 == 0 {
        let _ = writeln!(t, "[observed]\namount = {}\nround = {}", i.num(), i.byte());
    }
    t
}

fuzz_target!(|data: &[u8]| {
    let text = scenario(data);
    if std::env::var_os("FUZZ_PRINT").is_some() {
        eprintln!("{text}");
    }
    // `FUZZ_DUMP_DIR=dir … -runs=0 corpus/scenario_numbers` writes the generated files,
    // which seed the text corpus that CI replays.
    if let Some(dir) = std::env::var_os("FUZZ_DUMP_DIR") {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        let path = std::path::Path::new(&dir).join(format!("numbers-{:016x}.toml", h.finish()));
        let _ = std::fs::write(path, &text);
    }
    let scenario = match Scenario::parse(&text, "fuzz.toml") {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.diagnostics().is_empty(), "an error without diagnostics");
            for d in e.diagnostics() {
                assert!(d.line >= 1 && d.column >= 1, "bad position: {d:?}");
                assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
            }
            return;
        }
    };
    let plan = Plan {
        trials: scenario.run.trials,
        seed: scenario.run.seed,
        models: scenario.run.models.clone(),
        shard: Shard::WHOLE,
    };
    let _ = ensemble::amount_range(
        &scenario,
        &Plan {
            trials: plan.trials.min(64),
            ..plan.clone()
        },
    );
    for trial in [0, plan.trials / 2, plan.trials - 1] {
        for &model in &plan.models {
            let r = ensemble::replay(&scenario, &plan, trial, model);
            if let Some(a) = r.outcome.amount {
                assert!(a.is_finite(), "{model:?}: non-finite deal {a}\n{text}");
            }
        }
    }
});
