//! The runner's layers (ARCHITECTURE.md, "Layers"), enforced: every `crate::…` path in
//! `crates/runner/src` names a top-level module, and a module may only name modules of its
//! own layer or of a lower one. The binary (`main.rs`, `cli.rs`) is the top layer and
//! reaches the library as `bargain_runner::…`, so it is not scanned.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// Scenario files, validation, sampling, per-trial generators (`bargain-scenario`).
    Scenario,
    /// The trial kernel, ensembles, accumulators, summaries, merging, report folders.
    Engine,
    /// Statistics over summaries and trial streams.
    Analysis,
    /// Plots, pages, terminal tables and CSV: presentation, no statistics.
    Report,
    /// One module per CLI verb and the shared session.
    Commands,
}

/// Every top-level module of the library and its layer (mirrored in ARCHITECTURE.md).
const LAYERS: &[(&str, Layer)] = &[
    ("scenario", Layer::Scenario),
    ("input", Layer::Scenario),
    ("trial", Layer::Engine),
    ("ensemble", Layer::Engine),
    ("accumulate", Layer::Engine),
    ("summary", Layer::Engine),
    ("timing", Layer::Engine),
    ("trials_out", Layer::Engine),
    ("pipeline", Layer::Engine),
    ("merge", Layer::Engine),
    ("merge_check", Layer::Engine),
    ("output", Layer::Engine),
    ("pairs", Layer::Engine),
    ("why", Layer::Engine),
    ("assumptions", Layer::Engine),
    ("replay_json", Layer::Engine),
    ("explain_json", Layer::Engine),
    ("events_report", Layer::Engine),
    ("starter", Layer::Engine),
    ("analysis", Layer::Analysis),
    ("report", Layer::Report),
    ("table", Layer::Report),
    ("csv_out", Layer::Report),
    ("commands", Layer::Commands),
];

/// Known upward edges, by file and target module: debt to pay, listed so that no new one
/// slips in. Each must still exist (a stale entry fails too), so the list stays true.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "analysis/sweep.rs",
    "report",
    "sweep::write_files renders the sweep page from inside analysis",
)];

fn layer_of(module: &str) -> Option<Layer> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

/// The top-level module a file under `src/` belongs to (`analysis/compare.rs` → `analysis`).
fn module_of(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The identifier at the start of `s`.
fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules named by `crate::` paths in a file, with their 1-based lines:
/// `crate::a::…` and groups `crate::{a, b::{c, d}}`, also over several lines. Line
/// comments are skipped.
fn edges(text: &str) -> Vec<(usize, String)> {
    // Comments cut off, line breaks kept, so positions still map to lines.
    let code: String = text
        .lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n");
    let line_of = |pos: usize| code[..pos].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize| {
        let item = &code[from..to];
        let lead = item.len() - item.trim_start().len();
        let name = ident(item.trim_start());
        if !name.is_empty() {
            out.push((line_of(from + lead), name.to_string()));
        }
    };
    for (i, _) in code.match_indices("crate::") {
        // `bargain_crate::x` is not `crate::x`.
        if code[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let start = i + "crate::".len();
        if !code[start..].starts_with('{') {
            push(start, code.len());
            continue;
        }
        // The group's top-level items.
        let (mut depth, mut item) = (0usize, start + 1);
        for (j, c) in code[start..].char_indices() {
            let p = start + j;
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        push(item, p);
                        break;
                    }
                }
                ',' if depth == 1 => {
                    push(item, p);
                    item = p + 1;
                }
                _ => {}
            }
        }
    }
    out
}

/// Every violation in `files` (paths relative to `src/`, texts): upward edges not in
/// `exceptions`, modules missing from the table, and stale exceptions.
fn violations(files: &[(String, String)], exceptions: &[(&str, &str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut used = BTreeSet::new();
    for (rel, text) in files {
        let from = module_of(rel);
        let Some(from_layer) = layer_of(from) else {
            out.push(format!(
                "{rel}: module `{from}` has no layer: add it to LAYERS (and ARCHITECTURE.md)"
            ));
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        for (n, to) in edges(text) {
            let line = lines.get(n - 1).copied().unwrap_or("");
            if to == from {
                continue;
            }
            let Some(to_layer) = layer_of(&to) else {
                out.push(format!(
                    "{rel}:{n}: `crate::{to}` names a module with no layer: add it to LAYERS"
                ));
                continue;
            };
            if to_layer <= from_layer {
                continue;
            }
            if let Some(i) = exceptions
                .iter()
                .position(|&(f, t, _)| f == rel.as_str() && t == to)
            {
                used.insert(i);
                continue;
            }
            out.push(format!(
                "{rel}:{n}: upward edge {from} ({from_layer:?}) → {to} ({to_layer:?}): `{}`",
                line.trim()
            ));
        }
    }
    for (i, (f, t, _)) in exceptions.iter().enumerate() {
        if !used.contains(&i) {
            out.push(format!(
                "exception {f} → {t} no longer occurs: remove it from EXCEPTIONS (and ARCHITECTURE.md)"
            ));
        }
    }
    out
}

fn rs_files(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read src dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, root, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let rel = p
                .strip_prefix(root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            // The crate root and the binary target are not layered modules.
            if matches!(rel.as_str(), "lib.rs" | "main.rs" | "cli.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read source");
            out.push((rel, text));
        }
    }
}

#[test]
fn no_module_uses_a_higher_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&root, &root, &mut files);
    assert!(files.len() > 50, "found only {} files", files.len());
    // The reader finds the edges (a broken reader would pass any tree).
    let n: usize = files.iter().map(|(_, t)| edges(t).len()).sum();
    assert!(n > 150, "found only {n} crate:: paths");
    let v = violations(&files, EXCEPTIONS);
    assert!(v.is_empty(), "layering violations:\n{}", v.join("\n"));
}

/// What only the session (`commands/`) or the binary may use: clap, the signal handler,
/// progress bars, building thread pools, ending the process.
const SESSION_ONLY: &[&str] = &[
    "clap::",
    "ctrlc::",
    "indicatif::",
    "ThreadPoolBuilder",
    "process::exit",
];

/// Uses of [`SESSION_ONLY`] names below the commands layer, as `file:line: name`.
fn session_leaks(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, text) in files {
        if layer_of(module_of(rel)).is_none_or(|l| l >= Layer::Commands) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for name in SESSION_ONLY.iter().filter(|name| code.contains(*name)) {
                out.push(format!("{rel}:{}: {name} below the commands layer", n + 1));
            }
        }
    }
    out
}

#[test]
fn cli_and_session_crates_stay_in_commands_and_the_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&root, &root, &mut files);
    let v = session_leaks(&files);
    assert!(v.is_empty(), "{}", v.join("\n"));
    // The check itself: a leak is found, the commands layer is allowed.
    let probe = vec![
        (
            "ensemble.rs".to_string(),
            "let p = rayon::ThreadPoolBuilder::new();\n".to_string(),
        ),
        (
            "commands/x.rs".to_string(),
            "use indicatif::ProgressBar;\n".to_string(),
        ),
    ];
    assert_eq!(
        session_leaks(&probe),
        ["ensemble.rs:1: ThreadPoolBuilder below the commands layer"]
    );
}

#[test]
fn every_library_module_has_a_layer() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs"))
        .expect("lib.rs");
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .collect();
    assert!(declared.len() > 10, "{declared:?}");
    for m in declared {
        assert!(layer_of(m).is_some(), "module `{m}` is missing from LAYERS");
    }
}

/// The modules of each layer row of ARCHITECTURE.md's layer table (`| 2. engine | \`a\`,
/// \`b\` |`), rows 1–5, as (module, layer) pairs; folders are written `analysis/`.
fn documented_layers(doc: &str) -> BTreeSet<(String, Layer)> {
    let rows = [
        ("| 1. scenario |", Layer::Scenario),
        ("| 2. engine |", Layer::Engine),
        ("| 3. analysis |", Layer::Analysis),
        ("| 4. report |", Layer::Report),
        ("| 5. commands |", Layer::Commands),
    ];
    let mut out = BTreeSet::new();
    for (prefix, layer) in rows {
        let line = doc
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("ARCHITECTURE.md has no layer row `{prefix}`"));
        // The module column only: the text between the second and third `|`.
        let cell = line[prefix.len()..].split('|').next().unwrap_or("");
        // Names are the backquoted words before any parenthesis of comment.
        let names = cell.split('(').next().unwrap_or("");
        for name in names.split('`').skip(1).step_by(2) {
            out.insert((name.trim_end_matches('/').to_string(), layer));
        }
    }
    out
}

#[test]
fn the_architecture_layer_table_lists_the_same_modules() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ARCHITECTURE.md"
    ))
    .expect("ARCHITECTURE.md");
    let documented = documented_layers(&doc);
    let enforced: BTreeSet<(String, Layer)> =
        LAYERS.iter().map(|&(m, l)| (m.to_string(), l)).collect();
    let missing: Vec<_> = enforced.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&enforced).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "ARCHITECTURE.md's layer table and LAYERS disagree: not in the table {missing:?}, \
         not in LAYERS {extra:?}"
    );
}

#[test]
fn the_checker_finds_an_upward_edge() {
    let files = vec![
        (
            "analysis/fake.rs".to_string(),
            concat!(
                "use crate::summary::Summary;\n",
                "// crate::commands in a comment is no edge\n",
                "use crate::{trial, commands::session};\n",
                "use crate::{\n    ensemble::{Plan, Shard},\n    report::write_plots,\n};\n",
            )
            .to_string(),
        ),
        (
            "report/fake.rs".to_string(),
            "fn f() { let _ = crate::analysis::rank::ranks(&[]); }\n".to_string(),
        ),
        (
            "trial.rs".to_string(),
            "fn g() { crate::report::write_plots(); }\n".to_string(),
        ),
    ];
    let v = violations(&files, &[]);
    assert_eq!(v.len(), 3, "{v:#?}");
    assert!(
        v[0].starts_with("analysis/fake.rs:3: upward edge analysis"),
        "{v:?}"
    );
    assert!(v[0].contains("→ commands"), "{v:?}");
    // A group over several lines, a nested group before the upward item.
    assert!(
        v[1].starts_with("analysis/fake.rs:6: upward edge analysis"),
        "{v:?}"
    );
    assert!(v[1].contains("→ report"), "{v:?}");
    assert!(v[2].starts_with("trial.rs:1: upward edge trial"), "{v:?}");
    // An exception silences its edge; a stale one is reported.
    let v = violations(
        &files,
        &[
            ("trial.rs", "report", "test"),
            ("analysis/fake.rs", "commands", "test"),
            ("analysis/fake.rs", "report", "test"),
            ("report/fake.rs", "commands", "stale"),
        ],
    );
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(
        v[0].contains("report/fake.rs → commands no longer occurs"),
        "{v:?}"
    );
}

#[test]
fn the_checker_rejects_an_unknown_module() {
    let files = vec![("newthing.rs".to_string(), String::new())];
    let v = violations(&files, &[]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("has no layer"), "{v:?}");
}

/// What `bargain-core` never does (ARCHITECTURE.md: pure and deterministic, no I/O, no
/// threads, no hidden state): files, the terminal, the environment, the clock, threads,
/// thread-locals, statics that change.
const IMPURE: &[&str] = &[
    "std::fs",
    "std::io",
    "std::env",
    "std::time",
    "std::thread",
    "thread_local!",
    "static mut",
    "Mutex",
    "AtomicU",
    "println!",
    "eprintln!",
    "rayon",
];

/// Each line of a source text that names an [`IMPURE`] item (comment lines aside).
fn impurities(rel: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for word in IMPURE {
            if line.contains(word) && !line.trim_start().starts_with("//") {
                out.push(format!("{rel}:{}: `{word}` in `{}`", n + 1, line.trim()));
            }
        }
    }
    out
}

#[test]
fn the_core_crate_is_pure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src");
    let mut files = Vec::new();
    rs_files(&root, &root, &mut files);
    let lib = std::fs::read_to_string(root.join("lib.rs")).expect("core lib.rs");
    files.push(("lib.rs".into(), lib));
    assert!(files.len() > 20, "found only {} files", files.len());
    let found: Vec<String> = files
        .iter()
        .flat_map(|(rel, text)| impurities(rel, text))
        .collect();
    assert!(
        found.is_empty(),
        "bargain-core must stay pure:\n{}",
        found.join("\n")
    );
    // The checker finds what it looks for.
    assert_eq!(
        impurities(
            "x.rs",
            "thread_local! {\n// std::fs in a comment\nlet x = std::fs::read(p);"
        )
        .len(),
        2
    );
}
