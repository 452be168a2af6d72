//! Fleet-scale benchmark: uplan against a Rego peer (regorus) and a hand-written floor,
//! on generated ACP fleets of 10 … 10,000 clusters (benches/fleet/gen.rs).
//!
//! ```text
//! cargo bench --bench fleet                     # everything (N = 10, 100, 1000, 10000)
//! cargo bench --bench fleet -- --quick          # N ≤ 1000, fewer iterations (or UPLAN_BENCH_QUICK=1)
//! cargo bench --bench fleet -- --sizes 1000 --sources 4.1
//! cargo bench --bench fleet -- --write-inventories target/fleets   # write the YAML, then stop
//! cargo bench --bench fleet -- --only plan --sizes 10000 --sources 4.1 --time 10   # one stage, for a profiler
//! cargo bench --bench fleet -- --only plan --rules /tmp/acp-changed   # same, against another rulebook
//! ```
//!
//! The stages of one fleet run interleaved, in rounds (each stage a ~50 ms burst per
//! round, fast stages warmed first), so that load from other processes on a shared
//! machine hits them alike. After a warm-up round, rounds repeat until every stage has
//! at least `--iters` runs (default 10) and the rounds took `--time` seconds per stage on
//! average (default 1), or `--max-time` seconds per stage on average (default 20) with
//! at least 3 runs each; each stage's median is reported.
//! Before timing, the three implementations' findings are compared (tests/crosscheck.rs
//! does the same in `cargo test`).

#[path = "fleet/gen.rs"]
mod fleet_gen;
#[path = "fleet/floor.rs"]
mod floor;
#[path = "fleet/peers.rs"]
mod peers;

use std::hint::black_box;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fleet_gen::{Fleet, Source};
use uplan::eval::{self, Mode};
use uplan::model::Version;

const SEED: u64 = 2026;

const USAGE: &str = "\
Fleet benchmark: uplan against the Rego policy (regorus) and the hand loop on generated
ACP fleets; the three must find the same block/fix findings before anything is timed.

usage: cargo bench --bench fleet [-- OPTIONS]

  --quick                 N <= 1000, fewer runs (or UPLAN_BENCH_QUICK=1)
  --sizes 10,100          numbers of clusters (default 10,100,1000,10000)
  --sources 4.1,3.18      source versions: 3.16, 3.18, 4.0, 4.1, 4.2 (default 4.1,3.18)
  --time S                seconds per stage on average, at least (default 1)
  --max-time S            seconds per stage on average, at most (default 20)
  --iters N               runs per stage, at least (default 10)
  --only STAGE            one stage alone: parse load check plan to-plan e2e rego rvm hand compile
  --rules DIR             the same fleets against another rulebook
  --write-inventories DIR write the generated YAML, then stop
  --help                  this text
";

struct Opts {
    sizes: Vec<usize>,
    sources: Vec<Source>,
    time: Duration,
    max_time: Duration,
    iters: usize,
    write: Option<PathBuf>,
    only: Option<String>,
    rules: Option<PathBuf>,
}

fn opts() -> Opts {
    let mut args = std::env::args().skip(1);
    let quick_env = std::env::var("UPLAN_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let mut o = Opts {
        sizes: vec![10, 100, 1000, 10_000],
        sources: vec![Source::V4_1, Source::V3_18],
        time: Duration::from_secs(1),
        max_time: Duration::from_secs(20),
        iters: 10,
        write: None,
        only: None,
        rules: None,
    };
    let quick = |o: &mut Opts| {
        o.sizes.retain(|&n| n <= 1000);
        o.time = Duration::from_millis(300);
        o.max_time = Duration::from_secs(3);
        o.iters = 5;
    };
    if quick_env {
        quick(&mut o);
    }
    let secs = |v: Option<String>| {
        Duration::from_secs_f64(v.and_then(|v| v.parse().ok()).expect("a number of seconds"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => quick(&mut o),
            "--sizes" => {
                o.sizes = args
                    .next()
                    .expect("--sizes 10,100")
                    .split(',')
                    .map(|n| n.trim().parse().expect("a number of clusters"))
                    .collect()
            }
            "--sources" => {
                o.sources = args
                    .next()
                    .expect("--sources 4.1,3.18")
                    .split(',')
                    .map(|s| {
                        Source::parse(s.trim()).expect("a source: 3.16, 3.18, 4.0, 4.1 or 4.2")
                    })
                    .collect()
            }
            "--time" => o.time = secs(args.next()),
            "--max-time" => o.max_time = secs(args.next()),
            "--iters" => o.iters = args.next().and_then(|v| v.parse().ok()).expect("--iters N"),
            "--only" => {
                o.only = Some(
                    args.next()
                        .expect("--only load|check|plan|to-plan|e2e|rego|rvm|hand|parse"),
                )
            }
            "--rules" => o.rules = Some(args.next().expect("--rules DIR").into()),
            "--write-inventories" => {
                o.write = Some(args.next().expect("--write-inventories DIR").into())
            }
            "--help" | "-h" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            // what `cargo bench` passes to every bench target
            "--bench" => {}
            other if other.starts_with('-') => {
                eprintln!("fleet bench: ignoring unknown option {other}")
            }
            _ => {}
        }
    }
    o
}

/// Median of repeated runs, after one warm-up run.
fn measure<T>(o: &Opts, mut f: impl FnMut() -> T) -> Duration {
    black_box(f());
    let mut runs = Vec::new();
    let start = Instant::now();
    loop {
        let t = Instant::now();
        black_box(f());
        runs.push(t.elapsed());
        let spent = start.elapsed();
        if (spent >= o.time && runs.len() >= o.iters)
            || (spent >= o.max_time && runs.len() >= 3)
            || runs.len() >= 100_000
        {
            break;
        }
    }
    runs.sort();
    runs[runs.len() / 2]
}

/// A named stage to time.
type Timed<'a> = (&'static str, Box<dyn FnMut() + 'a>);

/// Medians of stages run in rounds. Each round gives every stage a burst of about
/// `BURST` (at least one run); a fast stage first gets one untimed run, so it is timed
/// with warm caches as when it runs alone. Rounds repeat, after a warm-up round, until
/// every stage has at least `iters` runs and the rounds took `time` per stage on
/// average, or `max_time` per stage on average with at least 3 runs each.
fn measure_rounds(o: &Opts, label: &str, stages: &mut [Timed<'_>]) -> Vec<Duration> {
    const BURST: Duration = Duration::from_millis(50);
    let tty = std::io::stderr().is_terminal();
    let mut last = Vec::new();
    for (_, f) in stages.iter_mut() {
        let t = Instant::now();
        f();
        last.push(t.elapsed());
    }
    let mut runs: Vec<Vec<Duration>> = vec![Vec::new(); stages.len()];
    let start = Instant::now();
    let k = stages.len() as u32;
    loop {
        for (s, (_, f)) in stages.iter_mut().enumerate() {
            if last[s] < Duration::from_millis(10) {
                f();
            }
            let burst = Instant::now();
            loop {
                let t = Instant::now();
                f();
                last[s] = t.elapsed();
                runs[s].push(last[s]);
                if burst.elapsed() >= BURST.min(o.time) {
                    break;
                }
            }
        }
        let fewest = runs.iter().map(Vec::len).min().unwrap_or(0);
        let spent = start.elapsed();
        if tty {
            eprint!("\r  {label}: {:.0} s   ", spent.as_secs_f64());
        }
        if (spent >= o.time * k && fewest >= o.iters) || (spent >= o.max_time * k && fewest >= 3) {
            break;
        }
    }
    if tty {
        eprint!("\r{:60}\r", "");
    }
    runs.into_iter()
        .map(|mut r| {
            r.sort();
            r[r.len() / 2]
        })
        .collect()
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.1} µs")
    } else if us < 1e6 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

fn ratio(a: Duration, b: Duration) -> String {
    let r = a.as_secs_f64() / b.as_secs_f64();
    if r >= 10.0 {
        format!("{r:.0}×")
    } else if r >= 0.1 {
        format!("{r:.2}×")
    } else {
        format!("{r:.3}×")
    }
}

/// One column of the table: every median for one fleet.
struct Column {
    clusters: usize,
    bytes: usize,
    findings: usize,
    steps: usize,
    bare_parse: Duration,
    json_parse: Duration,
    load: Duration,
    check_eval: Duration,
    check: Duration,
    plan: Duration,
    to_plan: Duration,
    end_to_end: Duration,
    rego: Duration,
    rego_vm: Duration,
    hand: Duration,
}

fn run(o: &Opts, rb: &uplan::model::Rulebook, source: Source, n: usize) -> Column {
    let fleet = Fleet::new(source, n, SEED);
    let yaml = fleet.yaml();
    let to_text = source.target();
    let to = Version::parse(to_text).unwrap();
    let to_ver = floor::Ver::parse(to_text).unwrap();

    // The comparison first: the same findings, or no timing at all.
    let inv = uplan::inventory::load(rb, "fleet.yaml", &yaml)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let (_, findings) = peers::uplan_check(rb, &inv, &to);
    let uplan_keys = peers::uplan_keys(&findings);
    let input = peers::rego_input(&yaml);
    let json = peers::json_text(&yaml);
    let mut engine = peers::rego_engine(to_text);
    let program = peers::rego_program(to_text);
    let mut vm = peers::rego_vm(&program, to_text);
    let plain = floor::parse(&yaml);
    assert_eq!(
        uplan_keys,
        peers::rego_keys(&peers::rego_eval(&mut engine, &input)),
        "Rego ≠ uplan"
    );
    assert_eq!(
        uplan_keys,
        peers::rego_keys(&peers::rego_vm_eval(&mut vm, &input)),
        "RVM ≠ uplan"
    );
    assert_eq!(
        uplan_keys,
        peers::floor_keys(&floor::check(&plain, to_ver)),
        "hand loop ≠ uplan"
    );
    let plan_eval = eval::evaluate(rb, &inv, Some(&to), Mode::Plan)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let steps = plan_eval.step_count();

    // Interleaved: each round runs every stage once, so a burst of load on this shared
    // machine hits all stages alike and the ratios stay fair.
    let mut stages: Vec<Timed<'_>> = vec![
        (
            "bare serde_yaml parse",
            Box::new(|| drop(black_box(floor::parse(&yaml)))),
        ),
        (
            "JSON parse",
            Box::new(|| drop(black_box(regorus::Value::from_json_str(&json).unwrap()))),
        ),
        (
            "inventory::load",
            Box::new(|| {
                drop(black_box(
                    uplan::inventory::load(rb, "fleet.yaml", &yaml).unwrap(),
                ))
            }),
        ),
        (
            "evaluate(Check)",
            Box::new(|| {
                drop(black_box(
                    eval::evaluate(rb, &inv, Some(&to), Mode::Check).unwrap(),
                ))
            }),
        ),
        (
            "check",
            Box::new(|| drop(black_box(peers::uplan_check(rb, &inv, &to)))),
        ),
        (
            "evaluate(Plan)",
            Box::new(|| {
                drop(black_box(
                    eval::evaluate(rb, &inv, Some(&to), Mode::Plan).unwrap(),
                ))
            }),
        ),
        (
            "to_plan",
            Box::new(|| drop(black_box(plan_eval.to_plan(rb, &inv)))),
        ),
        (
            "end to end",
            Box::new(|| {
                let inv = uplan::inventory::load(rb, "fleet.yaml", &yaml).unwrap();
                let ev = eval::evaluate(rb, &inv, Some(&to), Mode::Plan).unwrap();
                drop(black_box(ev.to_plan(rb, &inv)))
            }),
        ),
        (
            "regorus",
            Box::new(|| drop(black_box(peers::rego_eval(&mut engine, &input)))),
        ),
        (
            "regorus RVM",
            Box::new(|| drop(black_box(peers::rego_vm_eval(&mut vm, &input)))),
        ),
        (
            "hand loop",
            Box::new(|| drop(black_box(floor::check(&plain, to_ver)))),
        ),
    ];
    let m = measure_rounds(o, &format!("{} N={n}", source.name()), &mut stages);
    drop(stages);
    Column {
        clusters: n,
        bytes: yaml.len(),
        findings: uplan_keys.len(),
        steps,
        bare_parse: m[0],
        json_parse: m[1],
        load: m[2],
        check_eval: m[3],
        check: m[4],
        plan: m[5],
        to_plan: m[6],
        end_to_end: m[7],
        rego: m[8],
        rego_vm: m[9],
        hand: m[10],
    }
}

fn print_table(source: Source, cols: &[Column]) {
    let head: Vec<String> = cols.iter().map(|c| format!("N = {}", c.clusters)).collect();
    println!(
        "\n### {} → {} (seed {SEED})\n",
        source.name(),
        source.target()
    );
    println!("| median | {} |", head.join(" | "));
    println!("|---|{}", "---:|".repeat(cols.len()));
    let row = |name: &str, f: &dyn Fn(&Column) -> String| {
        let cells: Vec<String> = cols.iter().map(f).collect();
        println!("| {name} | {} |", cells.join(" | "));
    };
    row("inventory YAML", &|c| format!("{} KiB", c.bytes / 1024));
    row("block/fix findings (all three agree)", &|c| {
        c.findings.to_string()
    });
    row("plan steps", &|c| c.steps.to_string());
    row("bare `serde_yaml` parse into structs", &|c| {
        fmt(c.bare_parse)
    });
    row("JSON parse into `regorus::Value`", &|c| fmt(c.json_parse));
    row("uplan `inventory::load`", &|c| fmt(c.load));
    row("uplan `evaluate(Check)`", &|c| fmt(c.check_eval));
    row("**uplan check** (evaluate + findings)", &|c| fmt(c.check));
    row("uplan `evaluate(Plan)`", &|c| fmt(c.plan));
    row("uplan `to_plan`", &|c| fmt(c.to_plan));
    row("**uplan end to end** (load + plan + to_plan)", &|c| {
        fmt(c.end_to_end)
    });
    row("regorus interpreter", &|c| fmt(c.rego));
    row("regorus RVM (bytecode)", &|c| fmt(c.rego_vm));
    row("hand loop", &|c| fmt(c.hand));
    row("speed-up of check over regorus (target ≥ 20×)", &|c| {
        ratio(c.rego, c.check)
    });
    row("speed-up of check over regorus RVM", &|c| {
        ratio(c.rego_vm, c.check)
    });
    row("check / hand loop (target ≤ 2×)", &|c| {
        ratio(c.check, c.hand)
    });
    row("end to end / bare parse (target ≤ 2×)", &|c| {
        ratio(c.end_to_end, c.bare_parse)
    });
    row("check per cluster", &|c| fmt(c.check / c.clusters as u32));
    row("plan per cluster", &|c| fmt(c.plan / c.clusters as u32));
    row("end to end per cluster", &|c| {
        fmt(c.end_to_end / c.clusters as u32)
    });
    row("regorus per cluster", &|c| fmt(c.rego / c.clusters as u32));
    print_growth(cols);
}

type Stage = fn(&Column) -> Duration;

/// How each cost grows with N: the exponent k of t ∝ N^k between consecutive sizes
/// (1 = linear; n·log n from 1,000 to 10,000 is k ≈ 1.12; 2 = quadratic).
fn print_growth(cols: &[Column]) {
    if cols.len() < 2 {
        return;
    }
    let pairs: Vec<(&Column, &Column)> = cols.windows(2).map(|w| (&w[0], &w[1])).collect();
    let head: Vec<String> = pairs
        .iter()
        .map(|(a, b)| format!("{} → {}", a.clusters, b.clusters))
        .collect();
    println!("\nGrowth exponent k (t ∝ N^k) between consecutive sizes:\n");
    println!("| stage | {} |", head.join(" | "));
    println!("|---|{}", "---:|".repeat(pairs.len()));
    let stages: [(&str, Stage); 9] = [
        ("bare `serde_yaml` parse", |c| c.bare_parse),
        ("uplan `inventory::load`", |c| c.load),
        ("uplan check", |c| c.check),
        ("uplan `evaluate(Plan)`", |c| c.plan),
        ("uplan `to_plan`", |c| c.to_plan),
        ("uplan end to end", |c| c.end_to_end),
        ("regorus interpreter", |c| c.rego),
        ("regorus RVM", |c| c.rego_vm),
        ("hand loop", |c| c.hand),
    ];
    for (name, get) in stages {
        let cells: Vec<String> = pairs
            .iter()
            .map(|(a, b)| {
                let k = (get(b).as_secs_f64() / get(a).as_secs_f64()).ln()
                    / (b.clusters as f64 / a.clusters as f64).ln();
                format!("{k:.2}")
            })
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
}

fn main() {
    let o = opts();
    if let Some(dir) = &o.write {
        std::fs::create_dir_all(dir).expect("create the output directory");
        for &source in &o.sources {
            for &n in &o.sizes {
                let path = dir.join(format!("fleet-{}-{n}.yaml", source.name()));
                std::fs::write(&path, Fleet::new(source, n, SEED).yaml())
                    .expect("write the inventory");
                println!(
                    "{} (plan it with: uplan plan {} --to {})",
                    path.display(),
                    path.display(),
                    source.target()
                );
            }
        }
        return;
    }
    let files = match &o.rules {
        // an experiment: the same fleets against a changed rulebook
        Some(dir) => uplan::rulebooks::read_dir_files(dir)
            .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false))),
        None => uplan::rulebooks::embedded_acp_files(),
    };
    if let Some(stage) = &o.only {
        only(&o, stage, &files);
        return;
    }
    let rb = uplan::compile(&files)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let compile = measure(&o, || uplan::compile(&files).unwrap());
    let rego_compile = measure(&o, || peers::rego_program("4.3"));
    println!("## uplan fleet benchmark\n");
    println!(
        "- ACP rulebook compile (parse + check, {} rules): **{}** (target ≤ 5 ms)",
        rb.rules.len(),
        fmt(compile)
    );
    println!(
        "- Rego policy load + compile to RVM bytecode: {}",
        fmt(rego_compile)
    );
    println!(
        "- each value: median of ≥ {} runs, the stages of a fleet interleaved in rounds of ~50 ms bursts \
         (≥ {:.1} s, at most {:.0} s, per stage), after a warm-up round",
        o.iters,
        o.time.as_secs_f64(),
        o.max_time.as_secs_f64()
    );
    for &source in &o.sources {
        let cols: Vec<Column> = o.sizes.iter().map(|&n| run(&o, &rb, source, n)).collect();
        print_table(source, &cols);
    }
}

/// Runs one stage alone (for `perf record` and friends) and prints its median.
fn only(o: &Opts, stage: &str, files: &[(String, String)]) {
    let rb = uplan::compile(files)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    if stage == "compile" {
        println!(
            "compile: {}",
            fmt(measure(o, || uplan::compile(files).unwrap()))
        );
        return;
    }
    for &source in &o.sources {
        for &n in &o.sizes {
            let yaml = Fleet::new(source, n, SEED).yaml();
            let to = Version::parse(source.target()).unwrap();
            let inv = uplan::inventory::load(&rb, "fleet.yaml", &yaml).unwrap();
            let d = match stage {
                "parse" => measure(o, || floor::parse(&yaml)),
                "load" => measure(o, || {
                    uplan::inventory::load(&rb, "fleet.yaml", &yaml).unwrap()
                }),
                "check" => measure(o, || peers::uplan_check(&rb, &inv, &to)),
                "plan" => measure(o, || {
                    eval::evaluate(&rb, &inv, Some(&to), Mode::Plan).unwrap()
                }),
                "to-plan" => {
                    let ev = eval::evaluate(&rb, &inv, Some(&to), Mode::Plan).unwrap();
                    measure(o, || ev.to_plan(&rb, &inv))
                }
                "e2e" => measure(o, || {
                    let inv = uplan::inventory::load(&rb, "fleet.yaml", &yaml).unwrap();
                    eval::evaluate(&rb, &inv, Some(&to), Mode::Plan)
                        .unwrap()
                        .to_plan(&rb, &inv)
                }),
                "rego" => {
                    let input = peers::rego_input(&yaml);
                    let mut engine = peers::rego_engine(source.target());
                    measure(o, || peers::rego_eval(&mut engine, &input))
                }
                "rvm" => {
                    let input = peers::rego_input(&yaml);
                    let mut vm =
                        peers::rego_vm(&peers::rego_program(source.target()), source.target());
                    measure(o, || peers::rego_vm_eval(&mut vm, &input))
                }
                "hand" => {
                    let plain = floor::parse(&yaml);
                    let to = floor::Ver::parse(source.target()).unwrap();
                    measure(o, || floor::check(&plain, to))
                }
                other => panic!("unknown stage `{other}`"),
            };
            println!("{} N={n} {stage}: {}", source.name(), fmt(d));
        }
    }
}
