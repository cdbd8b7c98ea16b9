//! Human-readable names and values of the uncertain inputs: `Republic of Korea:
//! negotiator type` for `parties.kr.strategy.preset`, `boulware` for its drawn index.

use bargain_core::{Preset, Side};

use super::Scenario;

/// The plain-words name of a field path's last part(s).
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "opening" => "opening ask",
        "reservation" => "reservation",
        "discount" => "patience (discount)",
        "power" => "bargaining power",
        "ratification" => "ratification limit",
        "outside_option" => "outside option",
        "strategy.preset" => "negotiator type",
        "strategy.exponent" => "concession exponent",
        "strategy.max_aspiration" => "maximum aspiration",
        "strategy.eps" => "acceptance tolerance",
        "strategy.beta" => "concession shape β",
        "strategy.kappa" => "initial concession κ",
        "max_rounds" => "number of rounds",
        "breakdown_risk" => "breakdown risk",
        "lapse_cost" => "cost of a month of lapse",
        "end_game" => "end-game acceptance from",
        _ => return None,
    })
}

/// The name of a preset.
#[must_use]
pub fn preset_name(p: Preset) -> &'static str {
    match p {
        Preset::Boulware => "boulware",
        Preset::Linear => "linear",
        Preset::Conceder => "conceder",
    }
}

impl Scenario {
    /// The label of a field path: `Republic of Korea: negotiator type` for
    /// `parties.kr.strategy.preset`, `protocol: number of rounds` for
    /// `protocol.max_rounds`; the path itself when it is not a known field.
    #[must_use]
    pub fn field_label(&self, path: &str) -> String {
        if path == "calendar.round_months" {
            return "calendar: months between rounds".to_string();
        }
        if let Some(field) = path.strip_prefix("protocol.") {
            return field_label(field)
                .map_or_else(|| path.to_string(), |l| format!("protocol: {l}"));
        }
        if let Some(rest) = path.strip_prefix("parties.")
            && let Some((key, field)) = rest.split_once('.')
        {
            let name = [Side::Payee, Side::Payer]
                .into_iter()
                .find(|&s| self.party_key(s) == key)
                .map(|s| self.party_name(s));
            if let (Some(name), Some(label)) = (name, field_label(field)) {
                return format!("{name}: {label}");
            }
        }
        path.to_string()
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
