//! Human-readable names and values of the uncertain inputs: `Republic of Korea:
//! negotiator type` for `parties.kr.strategy.preset` (the field's label comes from its
//! entry in `fields.rs`), `boulware` for its drawn index.

use bargain_core::{Preset, Side};

use super::Scenario;

/// The name of a preset.
#[must_use]
pub fn preset_name(p: Preset) -> &'static str {
    match p {
        Preset::Boulware => "boulware",
        Preset::Linear => "linear",
        Preset::Conceder => "conceder",
    }
}

/// The label of a `[context]` quantity's path (`context: fx` for `context.fx`), of
/// either kind of file; `None` for other paths.
pub(crate) fn context_label(path: &str) -> Option<String> {
    path.strip_prefix("context.")
        .map(|quantity| format!("context: {quantity}"))
}

impl Scenario {
    /// The label of a field path: `Republic of Korea: negotiator type` for
    /// `parties.kr.strategy.preset`, `protocol: number of rounds` for
    /// `protocol.max_rounds`; the path itself when it is not a known field.
    #[must_use]
    pub fn field_label(&self, path: &str) -> String {
        let name = |key: &str| {
            [Side::Payee, Side::Payer]
                .into_iter()
                .find(|&s| self.party_key(s) == key)
                .map(|s| self.party_name(s).to_owned())
        };
        context_label(path)
            .or_else(|| super::fields::label(path, name))
            .unwrap_or_else(|| path.to_string())
    }

    /// The labels of the uncertain inputs, in [`Scenario::input_names`] order.
    #[must_use]
    pub fn input_labels(&self) -> Vec<String> {
        self.plan
            .inputs
            .iter()
            .map(|i| self.field_label(&i.name))
            .collect()
    }

    /// Input `j`'s drawn value `x` in words: the preset's name for a negotiator type, an
    /// integer for the rounds, otherwise at most 6 decimals without trailing zeros.
    #[must_use]
    pub fn input_value(&self, j: usize, x: f64) -> String {
        let Some(input) = self.plan.inputs.get(j) else {
            return format!("{x}");
        };
        if !input.presets.is_empty() {
            return input
                .presets
                .get(x as usize)
                .map_or_else(|| format!("{x}"), |&p| preset_name(p).to_string());
        }
        if input.integer {
            return format!("{x:.0}");
        }
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0');
        s.strip_suffix('.').unwrap_or(s).to_string()
    }
}
