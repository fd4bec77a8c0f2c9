//! Textbook graphs with answers written from the definitions (Pearl 2009, ch. 3; Textor et al.,
//! "Robust causal inference using directed acyclic graphs: the R package dagitty", 2016).
#![allow(clippy::unwrap_used)]

use cf_graph::identify::{Instrument, identify};
use cf_graph::text::{parse, to_dagitty, to_dot};

fn sets(v: &[&[&str]]) -> Vec<Vec<String>> {
    v.iter().map(|s| s.iter().map(|x| x.to_string()).collect()).collect()
}

#[test]
fn pearls_backdoor_example_has_four_minimal_sets() {
    // Causality (2009), Fig. 3.4, with Z1..Z5 for X1..X5 and W for X6.
    let g = parse(
        "dag { Z1 -> Z3; Z1 -> Z4; Z2 -> Z4; Z2 -> Z5; Z3 -> X; Z4 -> X; Z4 -> Y; Z5 -> Y; X -> W; W -> Y }",
    )
    .unwrap();
    let id = identify(&g, "X", "Y").unwrap();
    assert!(id.backdoor.identifiable);
    assert_eq!(
        id.backdoor.minimal_sets,
        sets(&[&["Z1", "Z4"], &["Z2", "Z4"], &["Z3", "Z4"], &["Z4", "Z5"]])
    );
    assert_eq!(id.backdoor.canonical_set.unwrap(), ["Z1", "Z2", "Z3", "Z4", "Z5"]);
    // W is also a front-door set: it intercepts X -> W -> Y, every back-door path from X to W
    // passes the collider Y, and X blocks every back-door path from W to Y.
    assert_eq!(id.frontdoor.sets, sets(&[&["W"]]));
}

#[test]
fn m_bias_needs_no_adjustment_and_adjusting_for_m_is_wrong() {
    let g = parse("dag { A -> X; A -> M; B -> M; B -> Y; X -> Y }").unwrap();
    let id = identify(&g, "X", "Y").unwrap();
    assert_eq!(id.backdoor.minimal_sets, sets(&[&[]]));
    let (x, y, m) = (g.index("X").unwrap(), g.index("Y").unwrap(), g.index("M").unwrap());
    assert!(
        !cf_graph::identify::is_backdoor(&g, x, y, &[m]),
        "M is a collider: conditioning opens X <- A -> M <- B -> Y"
    );
    let open: Vec<String> = cf_graph::identify::open_paths(&g, x, y, &[m])
        .into_iter()
        .filter(|p| p.open && !p.causal)
        .map(|p| p.nodes.join(" "))
        .collect();
    assert_eq!(open, ["X A M B Y"]);
}

#[test]
fn butterfly_bias_needs_m_and_one_of_its_parents() {
    let g = parse("dag { A -> X; A -> M; B -> M; B -> Y; M -> X; M -> Y; X -> Y }").unwrap();
    let id = identify(&g, "X", "Y").unwrap();
    assert_eq!(id.backdoor.minimal_sets, sets(&[&["A", "M"], &["B", "M"]]));
}

#[test]
fn a_latent_confounder_blocks_adjustment_and_the_front_door_opens() {
    let g = parse("dag { U [latent] U -> X; U -> Y; X -> M; M -> Y }").unwrap();
    let id = identify(&g, "X", "Y").unwrap();
    assert!(!id.backdoor.identifiable);
    assert!(id.backdoor.minimal_sets.is_empty());
    assert_eq!(id.backdoor.canonical_set, None);
    let reason = id.backdoor.reason.unwrap();
    assert!(reason.contains("X – U – Y") && reason.contains("`U`"), "{reason}");
    assert_eq!(id.frontdoor.sets, sets(&[&["M"]]));
}

#[test]
fn an_unobserved_confounder_without_mediator_is_not_identifiable() {
    let g = parse("dag { U [latent]\n U -> X\n U -> Y\n X -> Y }").unwrap();
    let id = identify(&g, "X", "Y").unwrap();
    assert!(!id.backdoor.identifiable && id.frontdoor.sets.is_empty());
    // The bidirected edge of DAGitty is the same graph.
    let g2 = parse("dag { X <-> Y; X -> Y }").unwrap();
    assert!(!identify(&g2, "X", "Y").unwrap().backdoor.identifiable);
}

#[test]
fn instrument_and_conditional_instrument() {
    let g = parse("dag { U [latent] Z -> X; X -> Y; U -> X; U -> Y }").unwrap();
    let id = identify(&g, "X", "Y").unwrap();
    assert_eq!(id.instruments, [Instrument { instrument: "Z".into(), given: vec![] }]);
    // Z shares a cause W with Y: an instrument only given W.
    let g = parse("dag { U [latent] W -> Z; W -> Y; Z -> X; X -> Y; U -> X; U -> Y }").unwrap();
    let id = identify(&g, "X", "Y").unwrap();
    assert_eq!(id.instruments, [Instrument { instrument: "Z".into(), given: vec!["W".into()] }]);
}

#[test]
fn testable_implications_of_a_chain_and_a_collider() {
    let g = parse("dag { A -> B -> C; D -> C }").unwrap();
    let imp: Vec<String> = identify(&g, "A", "C")
        .unwrap()
        .implications
        .iter()
        .map(|i| format!("{} _||_ {} | {}", i.x, i.y, i.given.join(",")))
        .collect();
    assert_eq!(imp, ["A _||_ C | B", "A _||_ D | ", "B _||_ D | "]);
}

#[test]
fn text_round_trips_keep_positions_and_roles() {
    let src = "dag {\nX [exposure,pos=\"0,1\"]\nY [outcome]\nU [latent]\n\"age group\" [adjusted,pos=\"-1.5,2\"]\nX -> Y\n{U \"age group\"} -> {X Y}\n}\n";
    let g = parse(src).unwrap();
    assert_eq!(g.len(), 4);
    assert_eq!(g.edges().len(), 5);
    let again = parse(&to_dagitty(&g)).unwrap();
    assert_eq!(again, g);
    let dot = to_dot(&g);
    assert!(dot.starts_with("digraph {"), "{dot}");
    assert_eq!(parse(&dot).unwrap(), g);
    let plain =
        parse("strict digraph G { rankdir=LR; node [shape=box]; a -> b -> c [color=red]; d; }")
            .unwrap();
    assert_eq!(plain.edges().len(), 2);
    assert_eq!(plain.len(), 4);
}

#[test]
fn bad_text_says_where() {
    let err = parse("dag {\n X -> Y\n Y -> X\n}").unwrap_err().to_string();
    assert_eq!(
        err,
        "line 3, column 4: this edge would close a cycle: X → Y → X; a causal graph cannot have cycles"
    );
    let err = parse("dag { X -> }").unwrap_err().to_string();
    assert_eq!(err, "line 1, column 12: expected a name");
    let err = parse("dag { X -- Y }").unwrap_err().to_string();
    assert!(err.starts_with("line 1, column 9: an undirected edge"), "{err}");
    let err = parse("dag { \"X -> Y }").unwrap_err().to_string();
    assert_eq!(err, "line 1, column 7: a quoted name is never closed");
    assert!(parse("digraph { a -> b ").unwrap_err().to_string().contains("never closed"));
    assert!(parse("graph { a -- b }").is_err());
    // Found by fuzzing: an escaped line break would put a newline in a name that could not be
    // written back.
    assert_eq!(
        parse("dag { \"a\\\nb\" }").unwrap_err().to_string(),
        "line 1, column 7: a quoted name is never closed"
    );
}
