//! `[[exclude]]` of package scenarios: combinations of issue values that are not valid
//! contracts (a one-year term with an escalator, say). Each rule's keys combine with AND,
//! a list of values with OR; an outcome that matches any rule is never offered, accepted
//! or chosen by a closed form (`bargain_core::package::space::Exclusion`).

use std::collections::BTreeMap;

use bargain_core::package::space::{Exclusion, IssueKind, OutcomeSpace};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::did_you_mean;
use crate::span::{index, join};
use crate::validate::fmt_num;

use super::compile::Compiler;
use super::file::ObservedValueFile;

/// The values of one issue in a rule, as written: one value or a list of them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum ExcludeValuesFile {
    /// Any one of these values.
    Many(Vec<ObservedValueFile>),
    /// This value.
    One(ObservedValueFile),
}

/// One `[[exclude]]` rule as written: issue key → value(s).
pub(crate) type ExcludeFile = BTreeMap<String, ExcludeValuesFile>;

impl Compiler<'_, '_> {
    /// Check every rule against the outcome space and compile it; report a rule set
    /// that leaves no outcome. Rules with problems are reported and left out.
    pub(super) fn exclusions(
        &mut self,
        rules: &[ExcludeFile],
        space: &OutcomeSpace,
    ) -> Vec<Exclusion> {
        let mut out = Vec::new();
        let mut ok = true;
        for (r, rule) in rules.iter().enumerate() {
            let at = index("exclude", r);
            if rule.is_empty() {
                self.c.error(
                    &at,
                    "expected at least one issue key with its value(s), found an empty rule",
                );
                ok = false;
                continue;
            }
            let mut terms = Vec::new();
            for (key, values) in rule {
                let path = join(&at, key);
                let Some(j) = space.issue_position(key) else {
                    let hint = did_you_mean(key, space.issues().iter().map(|i| i.key.as_str()));
                    self.c
                        .error(&path, format!("expected an issue key, found `{key}`{hint}"));
                    ok = false;
                    continue;
                };
                let list: Vec<(String, &ObservedValueFile)> = match values {
                    ExcludeValuesFile::One(v) => vec![(path.clone(), v)],
                    ExcludeValuesFile::Many(vs) => {
                        if vs.is_empty() {
                            self.c.error(
                                &path,
                                "expected a value or a non-empty list of values, found []",
                            );
                            ok = false;
                        }
                        vs.iter()
                            .enumerate()
                            .map(|(k, v)| (index(&path, k), v))
                            .collect()
                    }
                };
                let mut ks = Vec::new();
                for (p, v) in list {
                    match self.value_index(&p, space, j, v) {
                        Some(k) => ks.push(k),
                        None => ok = false,
                    }
                }
                ks.sort_unstable();
                ks.dedup();
                terms.push((j, ks));
            }
            out.push(Exclusion { terms });
        }
        if ok && !out.is_empty() && !(0..space.len() as u32).any(|o| space.is_allowed(o, &out)) {
            self.c.error(
                "exclude",
                format!(
                    "expected rules that leave at least one valid contract, found that they exclude all {} outcomes",
                    space.len()
                ),
            );
        }
        out
    }

    /// The value index of `v` on issue `j`, or a located error.
    fn value_index(
        &mut self,
        path: &str,
        space: &OutcomeSpace,
        j: usize,
        v: &ObservedValueFile,
    ) -> Option<usize> {
        let issue = &space.issues()[j];
        let found = match (&issue.kind, v) {
            (_, ObservedValueFile::Bad(what)) => {
                self.c
                    .error(path, format!("expected a number or a label, found {what}"));
                return None;
            }
            (IssueKind::Choice { labels }, ObservedValueFile::Label(l)) => {
                let k = labels.iter().position(|x| x == l);
                if k.is_none() {
                    let hint = did_you_mean(l, labels.iter().map(String::as_str));
                    let list = labels
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.c
                        .error(path, format!("expected one of {list}, found `{l}`{hint}"));
                }
                return k;
            }
            (IssueKind::Choice { .. }, ObservedValueFile::Number(x)) => {
                self.c.error(
                    path,
                    format!(
                        "expected a label of the choice issue `{}`, found the number {}",
                        issue.key,
                        fmt_num(*x)
                    ),
                );
                return None;
            }
            (_, ObservedValueFile::Label(l)) => {
                self.c.error(
                    path,
                    format!(
                        "expected a number (issue `{}` is numeric), found the label {l:?}",
                        issue.key
                    ),
                );
                return None;
            }
            (_, ObservedValueFile::Number(x)) => (0..space.size(j)).find(|&k| {
                issue
                    .numeric(k)
                    .is_some_and(|y| (y - x).abs() <= 1e-9 * x.abs().max(1.0))
            }),
        };
        if found.is_none() {
            let (lo, hi) = issue.range().unwrap_or((f64::NAN, f64::NAN));
            let ObservedValueFile::Number(x) = v else {
                return None;
            };
            self.c.error(
                path,
                format!(
                    "expected a value of issue `{}` (from {} to {}, on its grid), found {}",
                    issue.key,
                    fmt_num(lo),
                    fmt_num(hi),
                    fmt_num(*x)
                ),
            );
        }
        found
    }
}
