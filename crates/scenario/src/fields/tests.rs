//! The derivation, field by field: a distribution on the field yields an input of its
//! path with its label, and `set_number` on the path moves the central value exactly
//! as the field's setter does.

use super::*;
use crate::Scenario;

/// Two distinct values of the domain (the first is a `choice`'s central value).
fn inside(d: &Domain) -> (f64, f64) {
    match (d.lo.is_finite(), d.hi.is_finite()) {
        (true, true) if d.integer => (d.lo + 1.0, d.lo + 2.0),
        (true, true) => (d.lo + 0.25 * (d.hi - d.lo), d.lo + 0.5 * (d.hi - d.lo)),
        (true, false) => (d.lo + 1.0, d.lo + 2.0),
        _ => (1.0, 2.0),
    }
}

/// A scenario (with a calendar) where `def` is `spec` for party `a` (or its table),
/// every other field at a plain value, both strategies of `kind`.
fn scenario_text(def: &FieldDef, spec: &str, kind: StrategyKind) -> String {
    let line = |key: &str, plain: &str| {
        if def.key == key {
            format!("{key} = {spec}\n")
        } else if plain.is_empty() {
            String::new()
        } else {
            format!("{key} = {plain}\n")
        }
    };
    let shape = |mine: bool| {
        let Some(shape) = of_kind(kind).find(|d| d.preset_shape.is_some()) else {
            return String::new();
        };
        if mine && (def.key == "preset" || def.key == shape.key) {
            line(def.key, "")
        } else {
            "preset = \"linear\"\n".to_owned()
        }
    };
    let mut others_a = String::new();
    for other in of_kind(kind).filter(|d| d.preset_shape.is_none() && d.key != "preset") {
        if other.key == def.key {
            others_a.push_str(&line(def.key, ""));
        }
    }
    let party = |d: &FieldDef| matches!(d.scope(), Scope::Party) && d.key == def.key;
    let extra_a = if party(def) && !["opening", "reservation"].contains(&def.key) {
        line(def.key, "")
    } else {
        String::new()
    };
    format!(
        "[scenario]\nname = \"t\"\n[run]\ntrials = 20\n[protocol]\nfirst_mover = \"a\"\n{}{}\
         [calendar]\nstart = \"2020-01-01\"\nexpiry = \"2020-06-01\"\n{}\
         [parties.a]\nname = \"Alpha\"\nside = \"payee\"\n{}{}{}\
         [parties.a.strategy]\nkind = \"{k}\"\n{}{}\
         [parties.b]\nside = \"payer\"\nopening = 1\nreservation = 2\n\
         [parties.b.strategy]\nkind = \"{k}\"\n{}",
        line("max_rounds", "10"),
        line("breakdown_risk", ""),
        line("round_months", "1"),
        line("opening", "3"),
        line("reservation", "1.5"),
        extra_a,
        shape(true),
        others_a,
        shape(false),
        k = kind.as_str(),
    )
}

#[test]
fn every_field_is_an_input_with_its_label_and_a_sweep_path_with_its_setter() {
    let mut checked = 0;
    for def in FIELDS {
        let is_preset = matches!(def.slot, Slot::Preset(_));
        if !def.is_number() && !is_preset {
            continue;
        }
        let kind = def
            .kinds()
            .first()
            .copied()
            .unwrap_or(StrategyKind::TimeBased);
        let (x0, x1) = inside(&def.domain);
        let spec = if is_preset {
            "{ choice = [\"boulware\", \"conceder\"] }".to_owned()
        } else {
            format!("{{ choice = [{x0}, {x1}] }}")
        };
        let text = scenario_text(def, &spec, kind);
        let base =
            Scenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{}: {e}\n{text}", def.key));
        let path = def.path("a");
        let j = base
            .input_names()
            .iter()
            .position(|n| *n == path)
            .unwrap_or_else(|| panic!("{path} is an input of\n{text}"));
        let owner = match def.scope() {
            Scope::Protocol => "protocol",
            Scope::Calendar => "calendar",
            Scope::Party | Scope::Strategy | Scope::Utility => "Alpha",
        };
        assert_eq!(base.input_labels()[j], format!("{owner}: {}", def.label));

        // `set_number` on the path (a sweep's, an override's) changes the central
        // value exactly as the field's setter does.
        let mut want = base.central();
        let variant = if is_preset {
            let shape = of_kind(kind)
                .find(|d| d.preset_shape.is_some())
                .expect("a kind with a preset has a shape");
            let linear = shape.preset_shape.map_or(f64::NAN, |v| v(Preset::Linear));
            shape.set.apply(&mut want, Side::Payee, linear);
            assert!(base.sweep_axis(&path, "linear").is_ok());
            base.with_overrides(&[(&path, 1.0)])
        } else {
            def.set.apply(&mut want, Side::Payee, x1);
            assert!(base.check_number_path(&path).is_ok(), "{path} can be swept");
            base.with_overrides(&[(&path, x1)])
        }
        .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_ne!(
            variant.central(),
            base.central(),
            "{path} moves the central value"
        );
        assert_eq!(variant.central(), want, "{path}");
        checked += 1;
    }
    assert_eq!(checked, FIELDS.iter().filter(|d| d.is_number()).count() + 1);
}

#[test]
fn inputs_follow_the_table_order_not_the_file_order() {
    let u = "{ uniform = [0.2, 0.4] }";
    let text = format!(
        "[scenario]\nname = \"t\"\n[run]\ntrials = 20\n\
         [parties.b]\nside = \"payer\"\nlapse_cost = {u}\nreservation = {{ uniform = [2, 3] }}\nopening = 1\n\
         [parties.b.strategy]\nkind = \"faratin\"\nkappa = {u}\nbeta = {u}\n\
         [parties.a]\nside = \"payee\"\noutside_option = {u}\nratification = {u}\npower = {u}\n\
         discount = {u}\nreservation = 1.5\nopening = {{ uniform = [3, 4] }}\nlapse_cost = {u}\n\
         [parties.a.strategy]\nkind = \"time-based\"\neps = {u}\nmax_aspiration = {{ uniform = [0.5, 1] }}\n\
         preset = {{ choice = [\"boulware\", \"linear\"] }}\n\
         [calendar]\nround_months = {u}\nstart = \"2020-01-01\"\nexpiry = \"2020-06-01\"\n\
         [protocol]\nbreakdown_risk = {u}\nfirst_mover = \"a\"\nmax_rounds = {{ choice = [5, 6] }}\n"
    );
    let s = Scenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut table_order: Vec<String> = s.number_paths().to_vec();
    // The negotiator type sits where the table has it: before the kind's numbers.
    let at = table_order
        .iter()
        .position(|p| p == "parties.a.strategy.max_aspiration")
        .expect("a time-based party has max_aspiration");
    table_order.insert(at, "parties.a.strategy.preset".into());
    table_order.retain(|p| s.input_names().contains(p));
    assert_eq!(s.input_names(), table_order);
    let names = s.input_names();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "protocol.max_rounds",
            "protocol.breakdown_risk",
            "calendar.round_months",
            "parties.a.opening",
            "parties.a.discount",
            "parties.a.power",
            "parties.a.ratification",
            "parties.a.outside_option",
            "parties.a.lapse_cost",
            "parties.a.strategy.preset",
            "parties.a.strategy.max_aspiration",
            "parties.a.strategy.eps",
            "parties.b.reservation",
            "parties.b.lapse_cost",
            "parties.b.strategy.beta",
            "parties.b.strategy.kappa",
        ]
    );
}

#[test]
fn each_kind_takes_exactly_its_table_keys() {
    for kind in [
        StrategyKind::TimeBased,
        StrategyKind::Faratin,
        StrategyKind::TitForTat,
        StrategyKind::Hardliner,
        StrategyKind::Learning,
    ] {
        // A key another kind shares (`exponent`) is this kind's key too.
        let own = |d: &FieldDef| of_kind(kind).any(|o| o.key == d.key);
        for def in of_scope(Scope::Strategy).filter(|d| !own(d)) {
            let value = match def.slot {
                Slot::Preset(_) => "\"linear\"",
                Slot::StrategyText(..) => "\"exponential\"",
                _ => "1",
            };
            let text = scenario_text(&FIELDS[1], "0", kind).replacen(
                "[parties.b.strategy]\n",
                &format!("[parties.b.strategy]\n{} = {value}\n", def.key),
                1,
            );
            let e = Scenario::parse(&text, "t.toml")
                .expect_err(def.key)
                .to_string();
            assert!(
                e.contains(&format!(
                    "parties.b.strategy.{}: expected only keys",
                    def.key
                )),
                "{e}"
            );
        }
    }
}
