//! The package compiler's check of the strategic closed forms (`rubinstein`, `stahl`,
//! `brw`): they split the `amount` issue as a transferable good
//! (`bargain_core::package::theory`), so the package needs an `amount` issue whose value
//! is a line in the amount for both parties, rising for one and falling for the other.

use bargain_core::package::preferences::ValueFunction;
use bargain_core::package::space::OutcomeSpace;
use bargain_core::package::theory::amount_line;

use crate::file::RunFile;
use crate::span::{index, join};
use crate::validate::fmt_num;

use super::compile::Compiler;
use super::rules::amount_issue;
use super::{PackageModel, PackageParty, Target};

impl Compiler<'_, '_> {
    /// Refuses, at the key, a party's `outside_option` in a package that runs a strategic
    /// closed form: on one issue these bargain from the plain reservations and let an
    /// option act only when it binds (Binmore–Shaked–Sutton), which is not derived for
    /// the split of a package's amount.
    pub(super) fn split_without_options(&mut self, f: &super::file::PackageFile, keys: &[&String]) {
        let names = f.run.models.as_deref().unwrap_or_default();
        let Some(model) = names
            .iter()
            .filter_map(|n| PackageModel::from_name(n))
            .find(|m| m.split().is_some())
        else {
            return;
        };
        for key in keys {
            if f.parties[*key].outside_option.is_some() {
                self.c.error(
                    &join(&join("parties", key), "outside_option"),
                    format!("expected no `outside_option` in a package that runs `{}` (the outside-option principle is not derived for the split of a package's amount; `nash`, `kalai-smorodinsky`, `max-welfare` and `agents` take it), found one", model.as_str()),
                );
            }
        }
    }

    /// Refuses, with located errors, a package on which a strategic closed form of
    /// `run.models` has no meaning: no `amount` issue (at the model), a value of the
    /// amount that is not a line over the issue's range or that points with uncertain
    /// values could bend (at the value function), central values of the amount that do
    /// not rise for one party and fall for the other (at the second party's function,
    /// or at a weight of 0). `keys` and `parties` are in slot order. `timed`: the file has
    /// events or vetoes that resume the talks, which these models do not follow yet.
    pub(super) fn transferable(
        &mut self,
        run: &RunFile,
        space: &OutcomeSpace,
        keys: &[&String],
        parties: &[Option<PackageParty>],
        timed: bool,
    ) {
        let names = run.models.as_deref().unwrap_or_default();
        let Some((at, model)) = names.iter().enumerate().find_map(|(i, n)| {
            let m = PackageModel::from_name(n)?;
            m.split().map(|_| (i, m.as_str()))
        }) else {
            return;
        };
        if timed {
            self.c.error(
                &index("run.models", at),
                format!("expected no `{model}` in a package scenario with `[[events]]` or `on_veto = \"resume\"` (the split of a transferable amount does not follow dated events or vetoes on packages yet), found it"),
            );
            return;
        }
        let Some(j) = amount_issue(space) else {
            self.c.error(
                &index("run.models", at),
                format!("expected an `amount` issue (a `number` issue keyed `amount`, the good `{model}` splits between the parties) in a package that runs `{model}`, found none"),
            );
            return;
        };
        let (lo, hi) = space.issues()[j].range().unwrap_or((0.0, 0.0));
        let mut per_unit: [Option<(f64, String)>; 2] = [None, None];
        for (i, (key, party)) in keys.iter().zip(parties).enumerate() {
            let Some(p) = party else { continue };
            let path = join(&join(&join("parties", key), "utility"), "amount");
            let uncertain = self.inputs.iter().any(|x| match x.target {
                Target::Field(d, at) => {
                    d.key == crate::fields::package::POINT && at.party == i && at.issue == j
                }
                Target::Preset(..) | Target::Context(_) => false,
            });
            let bendable = match &p.preferences.utility.values[j] {
                ValueFunction::Points(pts) => {
                    uncertain && !(pts.len() == 2 && pts[0].0 == lo && pts[1].0 == hi)
                }
                _ => false,
            };
            match amount_line(&p.preferences, space, j) {
                Some(line) if !bendable => per_unit[i] = Some((line.per_unit(), path)),
                _ => {
                    let found = if bendable {
                        "points with uncertain values that can bend it"
                    } else {
                        "a value function that bends"
                    };
                    self.c.error(
                        &path,
                        format!("expected a value linear in the amount over [{}, {}] (`increasing`, `decreasing`, or `points` on one line from {} to {}: utility transferable in the amount, which `{model}` splits), found {found}", fmt_num(lo), fmt_num(hi), fmt_num(lo), fmt_num(hi)),
                    );
                }
            }
        }
        let [Some((k0, path0)), Some((k1, path1))] = per_unit else {
            return;
        };
        if (k0 > 0.0 && k1 < 0.0) || (k0 < 0.0 && k1 > 0.0) {
            return;
        }
        // A party to which the amount is worth nothing: at its weight when that is 0.
        let (path, found) = match [k0, k1].iter().position(|&k| k == 0.0) {
            Some(i) => {
                let weight = parties[i]
                    .as_ref()
                    .map_or(1.0, |p| p.preferences.utility.weights[j]);
                let path = if weight == 0.0 {
                    join(
                        &join(&join(&join("parties", keys[i]), "utility"), "weights"),
                        "amount",
                    )
                } else if i == 0 {
                    path0
                } else {
                    path1
                };
                (path, format!("`{}` indifferent to the amount", keys[i]))
            }
            None => (
                path1,
                format!(
                    "both valuing it {}",
                    if k0 > 0.0 { "increasing" } else { "decreasing" }
                ),
            ),
        };
        self.c.error(
            &path,
            format!("expected the amount to be worth more to one party and less to the other (the transfer `{model}` splits), found {found}"),
        );
    }
}
