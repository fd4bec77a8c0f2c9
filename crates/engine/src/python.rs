//! "Copy as Python": a script that reproduces an analysis with causalml / statsmodels / DoWhy.
