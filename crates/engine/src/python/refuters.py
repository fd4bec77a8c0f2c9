

# ---- Can it be trusted? DoWhy's refuters ---------------------------------------------------------
# The refuters Counterfact runs, as DoWhy calls: placebo treatment (permuted), random common cause,
# data subsets (80 %), bootstrap and dummy outcome, REFUTE_N simulations each, on DoWhy's estimator
# closest to REFUTE_METHOD. DoWhy draws its own random numbers and states its own pass rules, so its
# new effects are not Counterfact's to the digit; the estimate refuted is the same regression or
# weighting. Each refuter prints {"dowhy_refuter": {"refuter", "estimate", "new_effect", "p_value"}}.
# IPW and matching get the script's propensity model (DoWhy's default is another, penalized one),
# and IPW no clipping: DoWhy's ips_weight is then the Hajek estimate of the ipw block. Note that
# DoWhy's random common cause and subset refuters of a weighting estimator may reuse the propensity
# fitted on the original data (DoWhy issue 1728); Counterfact refits it in every simulation.
DOWHY_METHODS = {"ols": ("backdoor.linear_regression", lambda: {}),
                 "ipw": ("backdoor.propensity_score_weighting",
                         lambda: {"propensity_score_model": propensity_model(), "min_ps_score": 0.0,
                                  "max_ps_score": 1.0, "weighting_scheme": "ips_weight"}),
                 "psm": ("backdoor.propensity_score_matching",
                         lambda: {"propensity_score_model": propensity_model()})}
DOWHY_REFUTERS = [("placebo", "placebo_treatment_refuter", {"placebo_type": "permute"}),
                  ("random-cause", "random_common_cause", {}),
                  ("subset", "data_subset_refuter", {"subset_fraction": 0.8}),
                  ("bootstrap", "bootstrap_refuter", {}),
                  ("dummy-outcome", "dummy_outcome_refuter", {})]


def dowhy_refuters(y, t, X, arm):
    try:
        from dowhy import CausalModel
    except ImportError:
        print("# dowhy is not installed (pip install dowhy): the refuters are skipped", file=sys.stderr)
        return
    method, params = DOWHY_METHODS.get(REFUTE_METHOD, DOWHY_METHODS["ols"])
    params = params()
    if REFUTE_METHOD not in DOWHY_METHODS:
        print(f"# DoWhy has no estimator equal to {REFUTE_METHOD}: its refuters run on "
              "backdoor.linear_regression", file=sys.stderr)
    causes = [f"x{j}" for j in range(X.shape[1])]  # plain names: DoWhy writes formulas from them
    frame = pd.DataFrame(X, columns=causes)
    frame["treatment"] = t.astype(bool) if method != "backdoor.linear_regression" else t
    frame["outcome"] = y
    model = CausalModel(data=frame, treatment="treatment", outcome="outcome", common_causes=causes)
    estimand = model.identify_effect(proceed_when_unidentifiable=True)
    est = model.estimate_effect(estimand, method_name=method, target_units="ate",
                                method_params=params or None)
    for name, dowhy_name, kwargs in DOWHY_REFUTERS:
        try:
            r = model.refute_estimate(estimand, est, method_name=dowhy_name,
                                      num_simulations=REFUTE_N, random_seed=SEED, **kwargs)
            r = r[0] if isinstance(r, list) else r  # the dummy outcome refuter gives a list
            p = r.refutation_result.get("p_value") if isinstance(r.refutation_result, dict) else None
            p = None if p is None or not np.isfinite(p) else float(p)
            out = {"refuter": name, "estimate": float(est.value), "new_effect": float(np.mean(r.new_effect)),
                   "p_value": p}
        except Exception as e:  # noqa: BLE001
            out = {"refuter": name, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps({"dowhy_refuter": out, "arm": arm}), flush=True)
