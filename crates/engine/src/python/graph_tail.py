try:
    from dowhy import CausalModel
except ImportError:
    print("# dowhy is not installed (pip install dowhy): the graph block is skipped", file=sys.stderr)
else:
    try:  # reading DOT needs pydot or pygraphviz besides DoWhy
        model = CausalModel(data=df, treatment=TREATMENT, outcome=OUTCOME, graph=GRAPH)
        estimand = model.identify_effect(proceed_when_unidentifiable=True)
        print(estimand)
        # The same in one line a program can read: DoWhy's back-door set and instruments.
        print(json.dumps({"dowhy": {
            "backdoor": sorted(estimand.get_backdoor_variables() or []),
            "instruments": sorted(estimand.get_instrumental_variables() or []),
        }}))
    except Exception as e:  # noqa: BLE001
        print(f"# DoWhy could not use the graph: {type(e).__name__}: {e}", file=sys.stderr)
