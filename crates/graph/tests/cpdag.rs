//! Graphs with undecided edges: text in and out, and identification over the DAGs a CPDAG
//! stands for, on small graphs whose equivalence classes are worked out by hand in the comments.
#![allow(clippy::unwrap_used)]

use cf_graph::cpdag::{CpdagIdentification, MAX_DAGS, identify_cpdag};
use cf_graph::text::{parse, parse_pdag, to_dagitty, to_dot};
use cf_graph::{Dag, GraphError, Role};

fn sets(v: &[&[&str]]) -> Vec<Vec<String>> {
    v.iter().map(|s| s.iter().map(|x| x.to_string()).collect()).collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

fn undirected(g: &Dag) -> Vec<(String, String)> {
    g.undirected_edges().iter().map(|&(a, b)| pair(g.name(a), g.name(b))).collect()
}

fn directed(g: &Dag) -> Vec<(String, String)> {
    g.edges().into_iter().map(|(a, b)| pair(g.name(a), g.name(b))).collect()
}

// ---------------------------------------------------------------------------------------------
// Text

#[test]
fn dagitty_pdag_is_read_and_written_back() {
    let g = parse_pdag("pdag { a -- b; c -> d }").unwrap();
    assert_eq!(undirected(&g), [pair("a", "b")]);
    assert_eq!(directed(&g), [pair("c", "d")]);
    // `--` inside `dag { }`, in a chain with an arrow.
    let g = parse_pdag("dag { a -- b -> c }").unwrap();
    assert_eq!(undirected(&g), [pair("a", "b")]);
    assert_eq!(directed(&g), [pair("b", "c")]);

    let src = "pdag {\nt [exposure,pos=\"0,1\"]\ny [outcome]\n\"age group\" [adjusted]\nU [latent]\nt -> y\nU -> y\nt -- \"age group\"\n{x z} -- y\n}\n";
    let g = parse_pdag(src).unwrap();
    assert_eq!(undirected(&g), [pair("t", "age group"), pair("x", "y"), pair("z", "y")]);
    let text = to_dagitty(&g);
    assert!(text.starts_with("pdag {\n"), "{text}");
    assert!(text.contains("t -- \"age group\"\n") && text.contains("x -- y\n"), "{text}");
    let again = parse_pdag(&text).unwrap();
    assert_eq!(again, g);
    let t = again.index("t").unwrap();
    assert_eq!(again.nodes()[t].role, Role::Exposure);
    assert_eq!(again.nodes()[t].pos, Some((0.0, 1.0)));
    // The DAG reader refuses what has undecided edges.
    assert!(parse(&text).is_err());
}

#[test]
fn a_graph_without_undecided_edges_is_written_as_before() {
    let src = "dag { X [exposure] Y [outcome] A -> X; A -> Y; X -> Y; X <-> Y }";
    let strict = parse(src).unwrap();
    let partial = parse_pdag(src).unwrap();
    assert_eq!(strict, partial);
    assert!(!partial.has_undirected());
    assert_eq!(to_dagitty(&partial), to_dagitty(&strict));
    assert!(to_dagitty(&partial).starts_with("dag {\n"));
    assert_eq!(to_dot(&partial), to_dot(&strict));
    assert!(!to_dot(&partial).contains("dir=none"));
}

#[test]
fn dot_undirected_edges_use_dir_none_and_round_trip() {
    let g = parse_pdag("pdag { t [exposure] a -- t; t -> y; b -- y }").unwrap();
    let dot = to_dot(&g);
    assert!(dot.starts_with("digraph {"), "{dot}");
    assert!(
        dot.contains("  a -> t [dir=none];\n") && dot.contains("  b -> y [dir=none];\n"),
        "{dot}"
    );
    assert_eq!(parse_pdag(&dot).unwrap(), g);
    // The DAG reader does not silently read `dir=none` as an arrow.
    let err = parse("digraph {\n  a -> t [dir=none];\n}").unwrap_err().to_string();
    assert_eq!(
        err,
        "line 2, column 10: an undirected edge `[dir=none]` has no causal direction; use `->`"
    );
    // An attribute list after a chain is the edges', for every link of it.
    let g = parse_pdag("digraph { a -> b -> c [dir=none, color=red]; c -> d; b [pos=\"1,2\"] }")
        .unwrap();
    assert_eq!(undirected(&g), [pair("a", "b"), pair("b", "c")]);
    assert_eq!(directed(&g), [pair("c", "d")]);
    assert_eq!(g.nodes()[g.index("b").unwrap()].pos, Some((1.0, 2.0)));
    // `--` in a digraph, and an undirected DOT graph.
    let g = parse_pdag("digraph { a -- b }").unwrap();
    assert_eq!(undirected(&g), [pair("a", "b")]);
    let g = parse_pdag("strict graph G { a -- b -- c; d }").unwrap();
    assert_eq!(undirected(&g), [pair("a", "b"), pair("b", "c")]);
    assert_eq!(g.len(), 4);
    assert_eq!(
        parse_pdag("graph {\n a -> b }").unwrap_err().to_string(),
        "line 2, column 4: an undirected `graph` has only undecided edges `--`; use `digraph` for arrows"
    );
    assert!(parse("graph { a -- b }").is_err());
}

#[test]
fn undecided_text_errors_say_where() {
    assert_eq!(
        parse_pdag("pdag {\n a -- \n}").unwrap_err().to_string(),
        "line 3, column 1: expected a name"
    );
    assert_eq!(
        parse_pdag("mag { a -- b }").unwrap_err().to_string(),
        "line 1, column 1: a `mag` is not a DAG or a CPDAG; Counterfact reads `dag { … }` and `pdag { … }`"
    );
    assert_eq!(
        parse("pdag { a -- b }").unwrap_err().to_string(),
        "line 1, column 1: a `pdag` is not a DAG; Counterfact reads `dag { … }`"
    );
    // `a <- c` closes a → b → c → a.
    assert_eq!(
        parse_pdag("pdag {\n a -> b -> c\n c -- a\n a <- c\n}").unwrap_err().to_string(),
        "line 4, column 4: this edge would close a cycle: a → b → c → a; a causal graph cannot have cycles"
    );
    assert_eq!(
        parse_pdag("pdag { a -- a }").unwrap_err(),
        GraphError::SelfLoop { name: "a".into() }
    );
}

#[test]
fn the_later_of_two_edges_between_a_pair_wins() {
    let g = parse_pdag("pdag { a -> b; a -- b }").unwrap();
    assert_eq!((directed(&g), undirected(&g)), (vec![], vec![pair("a", "b")]));
    let g = parse_pdag("pdag { a -- b; b -> a }").unwrap();
    assert_eq!((directed(&g), undirected(&g)), (vec![pair("b", "a")], vec![]));
}

#[test]
fn full_identification_refuses_undecided_edges() {
    let g = parse_pdag("pdag { x -- t; t -> y }").unwrap();
    let err = cf_graph::identify::identify(&g, "t", "y").unwrap_err();
    assert_eq!(err, GraphError::Undecided { edges: vec![pair("x", "t")] });
    assert_eq!(
        err.to_string(),
        "the graph has undecided edge `x -- t`: orient it to analyse the graph as a DAG"
    );
}

// ---------------------------------------------------------------------------------------------
// Identification over the equivalence class

fn cpdag_id(text: &str, x: &str, y: &str) -> CpdagIdentification {
    identify_cpdag(&parse_pdag(text).unwrap(), x, y).unwrap()
}

#[test]
fn an_undirected_chain_depends_on_the_edge_between_treatment_and_outcome() {
    // x -- t -- y stands for x → t → y, x ← t ← y and x ← t → y (x → t ← y is a collider the
    // data would have shown). With t → y nothing needs adjusting in the two DAGs left; with
    // y → t the outcome causes the treatment and no set works. Orienting x → t also settles it
    // (it forces t → y), so x -- t is listed too.
    let id = cpdag_id("pdag { x -- t -- y }", "t", "y");
    let CpdagIdentification::DependsOn { edge, reason, also, n_dags } = &id else {
        panic!("{id:?}")
    };
    assert_eq!(edge, &pair("t", "y"));
    assert_eq!(
        reason,
        "with `t -> y`: no adjustment is needed; with `y -> t`: no adjustment set works"
    );
    assert_eq!(also, &[pair("x", "t")]);
    assert_eq!(*n_dags, 3);
    assert_eq!(
        id.to_string(),
        "the adjustment set depends on the undecided edge `t -- y`: orient it to decide (with `t -> y`: no adjustment is needed; with `y -> t`: no adjustment set works)"
    );
    assert_eq!(id.smallest(), None);
}

#[test]
fn a_compelled_collider_leaves_one_set_for_every_dag() {
    // x → t ← z is a collider (x, z not adjacent); t → y is compelled (x → t -- y, x and y not
    // adjacent), and z → y (z → t → y). Only w -- x is undecided, and either way z is the
    // confounder to adjust for.
    let id = cpdag_id("pdag { x -> t <- z; t -> y; z -> y; w -- x }", "t", "y");
    assert_eq!(id, CpdagIdentification::Valid { sets: sets(&[&["z"]]), n_dags: 2 });
    assert_eq!(
        id.to_string(),
        "adjusting for {z} works in every DAG the undecided edges allow (2 DAGs checked)"
    );
    assert_eq!(id.smallest(), Some(&["z".to_string()][..]));
}

#[test]
fn every_dag_of_the_class_admits_the_same_confounder() {
    // a → x ← b and c → t ← x are colliders; x → y and t → y follow (Meek's first rule). The
    // edges w -- c and d -- a stay undecided: four DAGs, all with the back-door path t ← x → y
    // and nothing else to block.
    let text = "pdag { a -> x <- b; c -> t <- x; x -> y; t -> y; w -- c; d -- a }";
    let id = cpdag_id(text, "t", "y");
    assert_eq!(id, CpdagIdentification::Valid { sets: sets(&[&["x"]]), n_dags: 4 });
}

#[test]
fn a_confounder_or_a_mediator_depending_on_one_edge() {
    // c → y ← t and c → y ← z are colliders (c adjacent to neither t nor z), so t → y and
    // z → y are compelled, and t -- z is undecided: with z → t, z confounds t → y; with t → z it
    // mediates, and adjusting for it would be wrong.
    let id = cpdag_id("pdag { t -- z; t -> y; z -> y; c -> y }", "t", "y");
    let CpdagIdentification::DependsOn { edge, reason, also, n_dags } = &id else {
        panic!("{id:?}")
    };
    assert_eq!(edge, &pair("t", "z"));
    assert_eq!(reason, "with `t -> z`: no adjustment is needed; with `z -> t`: adjust for {z}");
    assert!(also.is_empty());
    assert_eq!(*n_dags, 2);
}

#[test]
fn a_hand_oriented_triangle_depends_on_its_last_edge() {
    // Not a CPDAG (a triangle's CPDAG is fully undirected), but a CPDAG two of whose edges were
    // then oriented: x -> t gives the confounder {x}, t -> x makes x a mediator.
    let id = cpdag_id("pdag { x -- t; t -> y; x -> y }", "t", "y");
    let CpdagIdentification::DependsOn { edge, reason, .. } = &id else { panic!("{id:?}") };
    assert_eq!(edge, &pair("x", "t"));
    assert_eq!(reason, "with `x -> t`: adjust for {x}; with `t -> x`: no adjustment is needed");
}

#[test]
fn no_single_edge_settles_a_fully_undirected_triangle() {
    // Six DAGs. With t → y the three left need {x} (x → t) or nothing (t → x); with y → t no
    // set works; no orientation of x -- t or x -- y alone leaves a common set either.
    let id = cpdag_id("pdag { x -- t -- y -- x }", "t", "y");
    let CpdagIdentification::DependsOn { edge, reason, also, n_dags } = &id else {
        panic!("{id:?}")
    };
    assert_eq!(edge, &pair("t", "y"));
    assert_eq!(
        reason,
        "with `t -> y`: it still depends on other undecided edges; with `y -> t`: no adjustment set works"
    );
    assert!(also.is_empty());
    assert_eq!(*n_dags, 6);
}

#[test]
fn a_latent_confounder_is_not_identifiable_however_edges_turn() {
    // U → t ← w would be a new collider, so t -- w can only be t → w: one DAG, confounded by U.
    let id = cpdag_id("pdag { U [latent] U -> t; U -> y; t -> y; w -- t }", "t", "y");
    let CpdagIdentification::NotIdentifiable { reason, n_dags } = &id else { panic!("{id:?}") };
    assert!(reason.contains("`U`"), "{reason}");
    assert_eq!(*n_dags, 1);
    assert!(id.to_string().starts_with("no adjustment set works in any DAG"), "{id}");
}

#[test]
fn undecided_edges_that_cannot_matter_are_not_enumerated() {
    // Thirteen undecided pairs below y: none is a possible cause of t or y.
    let mut text = String::from("pdag { a -> t; a -> y; t -> y; ");
    for i in 0..13 {
        text += &format!("y -> c{i}; c{i} -- d{i}; ");
    }
    text.push('}');
    assert_eq!(
        cpdag_id(&text, "t", "y"),
        CpdagIdentification::Valid { sets: sets(&[&["a"]]), n_dags: 1 }
    );
}

#[test]
fn too_many_dags_names_the_edges_to_orient_first() {
    // Thirteen independent undecided pairs above y: 2^13 DAGs.
    let mut text = String::from("pdag { t -> y; ");
    for i in 0..13 {
        text += &format!("a{i} -- b{i}; b{i} -> y; ");
    }
    text += "e -- t }";
    let id = cpdag_id(&text, "t", "y");
    let CpdagIdentification::TooManyToCheck { undecided, orient_first } = &id else {
        panic!("{id:?}")
    };
    assert_eq!(*undecided, 14);
    assert_eq!(
        orient_first,
        &[pair("e", "t"), pair("a0", "b0"), pair("a1", "b1"), pair("a2", "b2"), pair("a3", "b3")]
    );
    assert!(2usize.pow(14) > MAX_DAGS);
    assert!(
        id.to_string().starts_with(
            "the 14 undecided edges allow more than 4096 DAGs, too many to check: orient `e -- t`, `a0 -- b0`"
        ),
        "{id}"
    );
}

#[test]
fn an_inconsistent_graph_is_reported() {
    // a → b -- c ← d (a, c and b, d not adjacent): b -- c makes a new collider either way.
    let id = cpdag_id("pdag { a -> b -- c <- d; t -> y }", "t", "y");
    assert_eq!(id, CpdagIdentification::NoConsistentDag);
}

#[test]
fn a_dag_gets_its_own_back_door_answer() {
    let g = parse(
        "dag { Z1 -> Z3; Z1 -> Z4; Z2 -> Z4; Z2 -> Z5; Z3 -> X; Z4 -> X; Z4 -> Y; Z5 -> Y; X -> W; W -> Y }",
    )
    .unwrap();
    let id = identify_cpdag(&g, "X", "Y").unwrap();
    let want = cf_graph::identify::identify(&g, "X", "Y").unwrap().backdoor.minimal_sets;
    assert_eq!(want.len(), 4);
    assert_eq!(id, CpdagIdentification::Valid { sets: want, n_dags: 1 });
    assert_eq!(
        cpdag_id("dag { A -> X; A -> M; B -> M; B -> Y; X -> Y }", "X", "Y"),
        CpdagIdentification::Valid { sets: sets(&[&[]]), n_dags: 1 }
    );
}

#[test]
fn bad_names_are_errors() {
    let g = parse_pdag("pdag { t -- y }").unwrap();
    assert_eq!(
        identify_cpdag(&g, "t", "nope").unwrap_err(),
        GraphError::UnknownNode { name: "nope".into() }
    );
    assert!(identify_cpdag(&g, "t", "t").is_err());
}
