

# ---- Optional: the causal graph in DoWhy ----------------------------------------------------------
# Builds a DoWhy CausalModel on the data with the graph drawn in Counterfact (Graphviz DOT) and
# prints the estimand DoWhy identifies from it. Skipped when DoWhy is not installed.
