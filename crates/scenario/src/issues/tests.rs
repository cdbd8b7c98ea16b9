//! Package numbers come from the field table: every input a package file compiles is an
//! entry of [`FIELDS`] that packages take (with its label and its setter), every such
//! entry is exercised, and a value outside an entry's domain is refused with the entry's
//! words, so no package number has a domain of its own elsewhere.

use super::*;
use crate::fields::package::{
    POINT, Package, RESERVATION, TABLE, WEIGHT, field, field_at, strategy_field,
};
use crate::fields::{FIELDS, FieldDef, Scope};
use crate::validate::{Domain, fmt_num};

/// `{ uniform = [lo, hi] }` inside `d`, or a choice of two small integers for an integer
/// domain.
fn dist(d: &Domain) -> String {
    let (a, b) = match (d.lo.is_finite(), d.hi.is_finite()) {
        (true, true) => (d.lo + 0.25 * (d.hi - d.lo), d.lo + 0.5 * (d.hi - d.lo)),
        (true, false) => (d.lo + 1.0, d.lo + 2.0),
        _ => (0.2, 0.4),
    };
    if d.integer {
        format!("{{ choice = [{}, {}] }}", d.lo + 9.0, d.lo + 10.0)
    } else {
        format!("{{ uniform = [{a}, {b}] }}")
    }
}

/// The domain of the package entry of `scope` keyed `key`.
fn dom(scope: Scope, key: &str) -> Domain {
    field(scope, key)
        .map(|d| d.domain)
        .expect("a package entry")
}

/// The domain of strategy field `key` of `kind`.
fn sdom(kind: StrategyKind, key: &str) -> Domain {
    strategy_field(kind, key)
        .map(|d| d.domain)
        .expect("a package strategy entry")
}

/// A package file whose every number that may be a distribution is one; the parties'
/// strategies are `a` (first mover) and `b`, written as given.
fn all_inputs(a: &str, b: &str) -> String {
    let p = |key| dist(&dom(Scope::Party, key));
    let u = |key| dist(&dom(Scope::Utility, key));
    let (w, pt, tb) = (u(WEIGHT), u(POINT), u(TABLE));
    // The weight of `term` that makes the central weights sum to 1.
    let (lo, hi) = {
        let d = dom(Scope::Utility, WEIGHT);
        (d.lo + 0.25 * (d.hi - d.lo), d.lo + 0.5 * (d.hi - d.lo))
    };
    let term = 0.8 - 0.5 * (lo + hi);
    let party = |strategy: &str| {
        format!(
            "discount = {}\npower = {}\nratification = {{ uniform = [1.2, 1.4] }}\noutside_option = {{ uniform = [0.1, 0.3] }}\nlapse_cost = {}\nend_game = 0.5\n\
             strategy = {strategy}\n\
             [PARTY.utility]\nreservation = {}\n\
             weights = {{ amount = {w}, term = {term}, escalation = 0.2 }}\n\
             amount = \"increasing\"\nterm = {{ points = [[1, {pt}], [5, 0.5]] }}\n\
             escalation = {{ table = {{ none = {tb}, cap = 1.0 }} }}\n",
            p("discount"),
            p("power"),
            p("lapse_cost"),
            u(RESERVATION),
        )
    };
    format!(
        "[scenario]\nname = \"t\"\n[run]\ntrials = 10\n\
         [protocol]\nfirst_mover = \"a\"\nmax_rounds = {}\nbreakdown_risk = {}\n\
         [calendar]\nstart = \"2020-01-01\"\nexpiry = \"2020-06-01\"\nround_months = {}\n\
         [issues.amount]\nkind = \"number\"\nlo = 1\nhi = 2\n\
         [issues.term]\nkind = \"integer\"\nlo = 1\nhi = 5\n\
         [issues.escalation]\nkind = \"choice\"\nvalues = [\"none\", \"cap\"]\n\
         [parties.a]\n{}[parties.b]\n{}",
        dist(&dom(Scope::Protocol, "max_rounds")),
        dist(&dom(Scope::Protocol, "breakdown_risk")),
        dist(&dom(Scope::Calendar, "round_months")),
        party(a).replace("PARTY", "parties.a"),
        party(b).replace("PARTY", "parties.b"),
    )
}

fn strategies() -> [(String, String); 2] {
    use StrategyKind::{Faratin, Learning, TimeBased};
    [
        (
            format!(
                "{{ kind = \"time-based\", exponent = {}, max_aspiration = {} }}",
                dist(&sdom(TimeBased, "exponent")),
                dist(&sdom(TimeBased, "max_aspiration"))
            ),
            format!(
                "{{ kind = \"faratin\", beta = {}, kappa = {} }}",
                dist(&sdom(Faratin, "beta")),
                dist(&sdom(Faratin, "kappa"))
            ),
        ),
        (
            "{ kind = \"time-based\", preset = { choice = [\"boulware\", \"conceder\"] } }"
                .to_owned(),
            format!(
                "{{ kind = \"learning\", exponent = {}, prior_width = 0.5, hypotheses = 8 }}",
                dist(&sdom(Learning, "exponent"))
            ),
        ),
    ]
}

#[test]
fn every_package_input_is_an_entry_of_the_table_with_its_label_and_setter() {
    let mut seen: Vec<&'static FieldDef> = Vec::new();
    for (a, b) in strategies() {
        let text = all_inputs(&a, &b);
        let s = PackageScenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        let labels = s.input_labels();
        let kind = |key: &str| {
            Some(match (key, b.contains("faratin")) {
                ("a", _) => StrategyKind::TimeBased,
                (_, true) => StrategyKind::Faratin,
                _ => StrategyKind::Learning,
            })
        };
        let central = s.central();
        for (j, input) in s.inputs.iter().enumerate() {
            let name = &input.name;
            let (def, holes) = field_at(name, kind).unwrap_or_else(|| panic!("{name}: no entry"));
            let (target, at) = match input.target {
                Target::Field(d, at) => (d, at),
                Target::Preset(shape, party) => (shape, At::party(party)),
                Target::Context(_) => panic!("{name}: the test's files have no `[context]`"),
            };
            if matches!(input.target, Target::Field(..)) {
                assert!(std::ptr::eq(def, target), "{name}: its entry is its target");
                seen.push(def);
            } else {
                assert_eq!(def.key, "preset", "{name}");
                seen.push(target);
            }
            // The party, issue and point or label of the target are those of the path.
            assert_eq!(
                at.party,
                usize::from(name.starts_with("parties.b.")),
                "{name}"
            );
            if def.scope() == Scope::Utility && def.key != RESERVATION {
                let issue = s.space().issue_position(&holes[0]);
                assert_eq!(issue, Some(at.issue), "{name}");
            }
            // The label is the entry's, its placeholders filled, after the owner's name.
            let owner = match def.scope() {
                Scope::Protocol => "protocol".to_owned(),
                Scope::Calendar => "calendar".to_owned(),
                _ => s.party_names[at.party].clone(),
            };
            let mut want = def.label.to_owned();
            for (hole, value) in ["ISSUE", "POINT", "LABEL"]
                .into_iter()
                .filter(|h| def.label.contains(h))
                .zip(&holes)
            {
                want = want.replacen(hole, value, 1);
            }
            assert_eq!(labels[j], format!("{owner}: {want}"), "{name}");
            // Its entry's setter moves the trial: the input alone at a value other than
            // its central one.
            let x = if input.presets.is_empty() {
                input.dist.central() * 0.5 + 0.125
            } else {
                let c = input.presets[0];
                input.presets.iter().position(|&v| v != c).unwrap_or(0) as f64
            };
            let mut moved = central.clone();
            apply(&mut moved, input, x);
            assert_ne!(moved, central, "{name}: its value goes into the trial");
        }
    }
    // Every entry packages take as a possible distribution is exercised.
    for def in FIELDS {
        if matches!(def.package, Package::Input { .. }) {
            assert!(
                seen.iter().any(|&d| std::ptr::eq(d, def)),
                "{} ({:?}) is not exercised",
                def.key,
                def.kinds().iter().map(|k| k.as_str()).collect::<Vec<_>>()
            );
        }
    }
}

/// A value of `d`'s complement, if it has a finite bound: below `lo` or above `hi` (the
/// open bound itself when it is open).
fn outside(d: &Domain) -> Option<f64> {
    if d.lo.is_finite() {
        Some(if d.lo_open { d.lo } else { d.lo - 1.0 })
    } else if d.hi.is_finite() {
        Some(if d.hi_open { d.hi } else { d.hi + 1.0 })
    } else {
        None
    }
}

#[test]
fn a_value_outside_an_entry_s_domain_is_refused_in_the_entry_s_words() {
    let (a, b) = strategies()[1].clone();
    let base = all_inputs(&a, &b);
    let (a2, b2) = strategies()[0].clone();
    let base2 = all_inputs(&a2, &b2);
    let mut checked = 0;
    for def in FIELDS.iter().filter(|d| d.package.taken()) {
        let Some(x) = outside(&def.domain) else {
            continue;
        };
        if matches!(def.package, Package::Text) {
            continue;
        }
        // The field written as `key = x` for party `a` (or its table), in a file that
        // has it.
        let key = def.key.rsplit('.').next().unwrap_or(def.key);
        let text = if def.kinds().contains(&StrategyKind::Faratin)
            || def.kinds() == [StrategyKind::TimeBased]
        {
            &base2
        } else {
            &base
        };
        let x = fmt_num(x);
        let (text, path) = match def.scope() {
            Scope::Protocol | Scope::Calendar => {
                let at = text.find(&format!("\n{key} = ")).expect("the key") + 1;
                let end = at + text[at..].find('\n').expect("a line");
                (
                    format!("{}{key} = {x}{}", &text[..at], &text[end..]),
                    def.path(""),
                )
            }
            Scope::Party => {
                let at = text.find(&format!("\n{key} = ")).expect("the key") + 1;
                let end = at + text[at..].find('\n').expect("a line");
                (
                    format!("{}{key} = {x}{}", &text[..at], &text[end..]),
                    def.path("a"),
                )
            }
            Scope::Strategy => {
                let at = text.find(&format!(" {key} = ")).expect("the key") + 1;
                let rest = &text[at..];
                let end = at
                    + rest.find([',', '}', '\n']).map_or(rest.len(), |i| {
                        // A distribution's inline table ends at its `}`.
                        if rest.starts_with(&format!("{key} = {{")) {
                            rest.find('}').map_or(i, |j| j + 1)
                        } else {
                            i
                        }
                    });
                let text = format!("{}{key} = {x}{}", &text[..at], &text[end..]);
                // The time-based party is `a`; the other kinds are `b`'s.
                let party = if def.kinds() == [StrategyKind::TimeBased] {
                    "a"
                } else {
                    "b"
                };
                (text, def.path(party))
            }
            Scope::Utility => {
                let (from, to, path) = match def.key {
                    RESERVATION => ("reservation = ", "\n", "parties.a.utility.reservation"),
                    WEIGHT => ("amount = ", ", term", "parties.a.utility.weights.amount"),
                    POINT => ("[[1, ", "], [5", "parties.a.utility.term.points[0][1]"),
                    _ => (
                        "none = ",
                        ", cap",
                        "parties.a.utility.escalation.table.none",
                    ),
                };
                let at = text.find(from).expect("the key") + from.len();
                let end = at + text[at..].find(to).expect("its end");
                (
                    format!("{}{x}{}", &text[..at], &text[end..]),
                    path.to_owned(),
                )
            }
        };
        let e = PackageScenario::parse(&text, "t.toml")
            .err()
            .unwrap_or_else(|| panic!("{path} = {x} is refused\n{text}"))
            .to_string();
        let want = format!("{path}: expected {}, found {x}", def.domain.what);
        assert!(e.contains(&want), "{want}\nin\n{e}\n{text}");
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

/// The errors of `text` (a package file when `package`), one message per line.
fn errors(text: &str, package: bool) -> String {
    let e = if package {
        PackageScenario::parse(text, "t.toml").err()
    } else {
        crate::Scenario::parse(text, "t.toml").err()
    };
    e.map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn names_party_keys_and_text_follow_the_one_issue_rules() {
    let (a, b) = strategies()[0].clone();
    let package = all_inputs(&a, &b);
    let one_issue = "[scenario]\nname = \"t\"\n[protocol]\nmax_rounds = 5\nfirst_mover = \"a\"\n\
        [parties.a]\nside = \"payee\"\nopening = 2\nreservation = 1\n\
        strategy = { kind = \"hardliner\" }\n\
        [parties.b]\nside = \"payer\"\nopening = 1\nreservation = 2\n\
        strategy = { kind = \"hardliner\" }\n";
    assert_eq!(errors(one_issue, false), "", "the one-issue file is valid");
    let long = "x".repeat(101);
    let cases = [
        (
            "name = \"t\"",
            "name = \"Bad Name\"".to_owned(),
            "scenario.name: ",
        ),
        (
            "name = \"t\"",
            format!("name = \"{long}\""),
            "scenario.name: ",
        ),
        (
            "[parties.a]\n",
            "[parties.a]\nname = \"A\\u0007\"\n".into(),
            "parties.a.name: ",
        ),
        ("[parties.b]\n", "[parties.B]\n".into(), "parties.B: "),
    ];
    for (from, to, at) in cases {
        let mut p = package.replacen(from, &to, 1);
        let o = one_issue.replacen(from, &to, 1);
        if at == "parties.B: " {
            p = p.replace("[parties.b.", "[parties.B.");
        }
        let (pe, oe) = (errors(&p, true), errors(&o, false));
        let message = |e: &str| {
            e.lines()
                .find_map(|l| l.split_once(at).map(|(_, m)| m.to_owned()))
                .unwrap_or_else(|| panic!("an error at {at}in\n{e}"))
        };
        assert_eq!(message(&pe), message(&oe), "{to}");
    }
    // `observed.source` may span lines in both.
    let p = format!(
        "{package}[observed]\namount = 1.5\nterm = 2\nescalation = \"none\"\nsource = \"a\\tb\\nc\"\n"
    );
    assert_eq!(errors(&p, true), "");
}

/// A party whose preferences fail (fixed weights not summing to 1) gets that error only: an
/// event that sets its ratification limit is not also told the party values the amount
/// neither rising nor falling (its preferences are unknown, not flat).
#[test]
fn an_event_on_a_party_whose_preferences_failed_adds_no_second_error() {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/sma-2021-package.toml"
    ));
    assert_eq!(errors(text, true), "", "the shipped file is valid");
    let bad = text.replacen(
        "weights = { amount = { uniform = [0.55, 0.7] }, term = { uniform = [0.2, 0.3] }, escalation = { uniform = [0.075, 0.175] } }",
        "weights = { amount = 0.6, term = 0.1, escalation = 0.15 }",
        1,
    );
    assert_ne!(bad, text);
    let e = errors(&bad, true);
    assert!(e.contains("expected weights summing to 1"), "{e}");
    assert!(!e.contains("events[0]"), "{e}");
    assert_eq!(
        e.lines().filter(|l| l.contains("t.toml:")).count(),
        1,
        "{e}"
    );
}

/// Weights of which one is drawn need not sum to 1 (each trial divides them by their
/// sum): fixing one of them, as a sweep or `--set` does, leaves a valid file whose
/// central weights are divided by their sum, with a warning; fixed weights must sum to 1.
#[test]
fn drawn_weights_are_divided_by_their_sum_and_fixed_ones_must_sum_to_one() {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/sma-2019-package.toml"
    ));
    let fixed_term = text.replacen("term = { uniform = [0.2, 0.3] }", "term = 0.1", 1);
    let s = PackageScenario::parse(&fixed_term, "t.toml").expect("valid");
    let w = &s.central().parties[0].preferences.utility.weights;
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{w:?}");
    // amount 0.625, term 0.1, escalation 0.125 (medians), divided by 0.85.
    assert!((w[1] - 0.1 / 0.85).abs() < 1e-12, "{w:?}");
    assert!(
        s.warnings()
            .iter()
            .any(|x| x.contains("the central weights sum to 0.85")),
        "{:?}",
        s.warnings()
    );
    let all_fixed = text.replacen(
        "weights = { amount = { uniform = [0.55, 0.7] }, term = { uniform = [0.2, 0.3] }, escalation = { uniform = [0.075, 0.175] } }",
        "weights = { amount = 0.6, term = 0.1, escalation = 0.15 }",
        1,
    );
    assert!(errors(&all_fixed, true).contains("expected weights summing to 1"));
}

/// A package that draws nothing per trial has one trial, equal to every drawn one; one
/// with uncertain inputs (or events, or a breakdown risk) has none.
#[test]
fn a_package_that_draws_nothing_has_one_fixed_trial() {
    let fixed = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../benches/data/package-600.toml"
    ));
    let s = PackageScenario::parse(fixed, "p.toml").expect("valid");
    let t = s.fixed_trial().expect("nothing is drawn");
    for trial in [0, 1, 77] {
        let ctx = crate::SampleCtx {
            trial,
            trials: 100,
            seed: 600,
        };
        assert_eq!(&s.draw_trial(ctx, &mut []).0, t);
    }
    let drawn = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/sma-2019-package.toml"
    ));
    let s = PackageScenario::parse(drawn, "s.toml").expect("valid");
    assert!(s.fixed_trial().is_none());
    let risky = fixed.replace("[protocol]\n", "[protocol]\nbreakdown_risk = 0.01\n");
    assert_ne!(risky, fixed);
    let s = PackageScenario::parse(&risky, "r.toml").expect("valid");
    assert!(
        s.fixed_trial().is_none(),
        "each trial has its breakdown stream"
    );
}
