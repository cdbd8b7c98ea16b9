//! Global knobs that `bargain calibrate` tunes across a set of scenarios (issue #24 item 4):
//! variants of a scenario whose chosen inputs are widened or narrowed around their centres
//! (`spread`) or whose lapse costs are multiplied (`lapse_scale`).
//!
//! A variant keeps every input in its place with its own random stream, and maps each draw
//! `x` of a scaled input to `c + f·(x − c)` (clamped to the field's allowed values): the
//! same trial of two variants draws the same uniforms, so the variants share common random
//! numbers and their scores differ by the knob only. For `spread` the centre `c` is the
//! input's central value (its median, or a choice's most likely option), which the variant
//! keeps; for `lapse_scale` it is 0, so every lapse cost, drawn or constant, is multiplied.

use super::Scenario;
use super::dist::Dist;
use super::sample::Target;

/// How a scaled input is mapped: around its centre (`spread`) or around zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    /// Around the input's central value (median).
    Centre,
    /// Around zero (a plain multiplication).
    Zero,
}

/// Whether the field path `path` matches `pattern`: `*` stands for any run of characters
/// within one dotted segment (`parties.*.reservation` matches `parties.us.reservation`,
/// not `parties.us.strategy.reservation`).
#[must_use]
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('.').collect();
    let seg: Vec<&str> = path.split('.').collect();
    pat.len() == seg.len() && pat.iter().zip(&seg).all(|(p, s)| segment_matches(p, s))
}

/// `*` matches any run of characters (within a segment); everything else literally.
fn segment_matches(pattern: &str, text: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == text;
    };
    let Some(mut tail) = text.strip_prefix(head) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    loop {
        if segment_matches(rest, tail) {
            return true;
        }
        let mut chars = tail.chars();
        if chars.next().is_none() {
            return false;
        }
        tail = chars.as_str();
    }
}

impl Scenario {
    /// The names of the inputs (distributions) that `pattern` matches, in input order.
    /// Negotiator types (`strategy.preset`, a choice of names) are never matched.
    #[must_use]
    pub fn inputs_matching(&self, pattern: &str) -> Vec<String> {
        self.plan
            .inputs
            .iter()
            .filter(|i| i.presets.is_empty() && path_matches(pattern, &i.name))
            .map(|i| i.name.clone())
            .collect()
    }

    /// This scenario with every input that one of `patterns` matches mapped to
    /// `c + factor·(x − c)` (see the module docs), `c` per `about`. Returns the variant
    /// and how many inputs each pattern matched. Every other input, and every stream,
    /// is the same: `factor = 1` reproduces the scenario bit for bit.
    #[must_use]
    pub fn with_scaled_inputs(
        &self,
        patterns: &[String],
        about: About,
        factor: f64,
    ) -> (Scenario, Vec<usize>) {
        let mut v = self.clone();
        let mut counts = vec![0; patterns.len()];
        for input in &mut v.plan.inputs {
            if !input.presets.is_empty() {
                continue;
            }
            let mut hit = false;
            for (k, p) in patterns.iter().enumerate() {
                if path_matches(p, &input.name) {
                    counts[k] += 1;
                    hit = true;
                }
            }
            if !hit {
                continue;
            }
            let centre = match about {
                About::Centre => input.dist.central(),
                About::Zero => 0.0,
            };
            let (lo, hi) = match input.target {
                Target::Field(def, _) => allowed(def.domain),
                _ => (f64::NEG_INFINITY, f64::INFINITY),
            };
            input.dist = Dist::Affine {
                inner: Box::new(input.dist.clone()),
                centre,
                factor,
                lo,
                hi,
            };
        }
        (v, counts)
    }

    /// This scenario with every lapse cost multiplied by `factor`: drawn ones through
    /// [`Scenario::with_scaled_inputs`] (around zero), constant ones in place. Returns the
    /// variant and whether it has lapse costs at all (a `[calendar]`).
    #[must_use]
    pub fn with_lapse_scale(&self, factor: f64) -> (Scenario, bool) {
        let pattern = vec!["parties.*.lapse_cost".to_owned()];
        let (mut v, _) = self.with_scaled_inputs(&pattern, About::Zero, factor);
        let Some(c) = v.plan.central.calendar.as_mut() else {
            return (v, false);
        };
        // Constant costs; a drawn one overwrites its slot in every trial.
        for cost in &mut c.lapse_cost {
            *cost *= factor;
        }
        (v, true)
    }
}

/// The closed interval a value of `domain` is clamped to (an open end moved inside by one
/// step of the float grid).
fn allowed(domain: super::validate::Domain) -> (f64, f64) {
    let lo = if domain.lo_open {
        domain.lo.next_up()
    } else {
        domain.lo
    };
    let hi = if domain.hi_open {
        domain.hi.next_down()
    } else {
        domain.hi
    };
    let m = super::validate::MAX_MAGNITUDE;
    (lo.max(-m), hi.min(m))
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn patterns_match_within_segments() {
        assert!(path_matches(
            "parties.*.reservation",
            "parties.us.reservation"
        ));
        assert!(path_matches(
            "parties.*.reservation",
            "parties.kr.reservation"
        ));
        assert!(!path_matches("parties.*.reservation", "parties.kr.opening"));
        assert!(!path_matches("parties.*", "parties.kr.opening"));
        assert!(path_matches("parties.k*.open*", "parties.kr.opening"));
        assert!(path_matches("protocol.max_rounds", "protocol.max_rounds"));
        assert!(!path_matches(
            "parties.*.reservation",
            "parties.us.strategy.reservation"
        ));
    }
}
