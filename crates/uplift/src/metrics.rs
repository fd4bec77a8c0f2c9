//! Uplift curves and their coefficients.
