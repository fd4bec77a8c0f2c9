//! Numbers as people read them: thousands separators and a precision that follows the
//! uncertainty. Shared by the page and the CLI so both show the same text.

/// Decimal places that show a number whose standard error is `se` to about three significant
/// digits of the error (0 to 8).
pub fn decimals_for(se: f64) -> usize {
    if !(se.is_finite() && se > 0.0) {
        return 4;
    }
    let mag = se.abs().log10().floor();
    (2.0 - mag).clamp(0.0, 8.0) as usize
}

/// `x` with `decimals` places and `,` between thousands (`-1,794.34`); `–` for non-finite.
pub fn with_separators(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let negative = x < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A whole count with separators (`16,177`).
pub fn count(n: usize) -> String {
    with_separators(n as f64, 0)
}

/// A count and its noun, in the singular for exactly one: `1 row`, `0 rows`, `16,177 rows`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// `x` with `decimals` places and its sign: `+1,794`, `-8,497.5`, `0.00`.
pub fn signed(x: f64, decimals: usize) -> String {
    let s = with_separators(x, decimals);
    if x > 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) { format!("+{s}") } else { s }
}

/// The no-break space that keeps a number and its unit (or `<` and its number) on one line.
pub const NBSP: char = '\u{a0}';

/// A probability or p-value as text that never needs scientific notation (and so never wraps
/// inside a number): three decimals from 0.001, four below, and `< 0.0001` / `> 0.9999` beyond.
pub fn p_value(p: f64) -> String {
    if !p.is_finite() {
        "–".to_string()
    } else if p < 0.0001 {
        format!("<{NBSP}0.0001")
    } else if p > 0.9999 {
        format!(">{NBSP}0.9999")
    } else if p < 0.001 {
        format!("{p:.4}")
    } else {
        format!("{p:.3}")
    }
}

/// Decimal places of a difference of proportions shown in percentage points, from its standard
/// error (as a proportion): one place for an error of 0.1 points or more, two below, up to six.
pub fn pp_decimals(se: f64) -> usize {
    decimals_for(se * 100.0).saturating_sub(2).clamp(1, 6)
}

/// A difference of proportions in percentage points with its sign: `+7.7 pp` (no-break space).
pub fn pp(x: f64, decimals: usize) -> String {
    format!("{}{NBSP}pp", signed(100.0 * x, decimals))
}

/// `text` with its first letter capitalized (a sentence the engine writes in lower case).
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A proportion as a percentage: `15.2 %` (one place; two below 1 %; no-break space).
pub fn percent(x: f64) -> String {
    let d = if x.abs() < 0.01 { 2 } else { 1 };
    format!("{}{NBSP}%", with_separators(100.0 * x, d))
}

/// An effect on a 0/1 outcome relative to the control group's rate, as a signed whole
/// percentage (`+50 %`); `None` when the rate is 0 or not a number.
pub fn relative(effect: f64, control_rate: f64) -> Option<String> {
    (control_rate.is_finite() && control_rate > 0.0 && effect.is_finite())
        .then(|| format!("{}{NBSP}%", signed(100.0 * effect / control_rate, 0)))
}

/// How a comparison of a multi-valued treatment is named: by its levels
/// (`Womens E-Mail vs No E-Mail`), or, for numeric codes, with the column's name
/// (`arm 1 vs arm 0`).
pub fn comparison(treatment: &str, arm: &str, control: &str) -> String {
    let numeric = |s: &str| s.trim().parse::<f64>().is_ok();
    if numeric(arm) && numeric(control) {
        format!("{treatment} {arm} vs {treatment} {control}")
    } else {
        format!("{arm} vs {control}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_numbers() {
        assert_eq!(with_separators(1794.342, decimals_for(671.0)), "1,794");
        assert_eq!(with_separators(-8497.516, 1), "-8,497.5");
        assert_eq!(with_separators(0.060_881_9, decimals_for(0.002_78)), "0.06088");
        assert_eq!(with_separators(-0.000_01, 2), "0.00");
        assert_eq!(with_separators(1_234_567.0, 0), "1,234,567");
        assert_eq!(with_separators(f64::NAN, 2), "–");
        assert_eq!(count(16_177), "16,177");
        assert_eq!(decimals_for(0.0), 4);
    }

    #[test]
    fn counts_with_their_nouns() {
        assert_eq!(plural(1, "row", "rows"), "1 row");
        assert_eq!(plural(0, "row", "rows"), "0 rows");
        assert_eq!(plural(16_177, "row", "rows"), "16,177 rows");
        assert_eq!(plural(2, "covariate", "covariates"), "2 covariates");
    }

    #[test]
    fn p_values_never_in_scientific_notation() {
        assert_eq!(p_value(1.5e-6), "<\u{a0}0.0001");
        assert_eq!(p_value(3.3e-10), "<\u{a0}0.0001");
        assert_eq!(p_value(0.000_42), "0.0004");
        assert_eq!(p_value(0.0321), "0.032");
        assert_eq!(p_value(0.5), "0.500");
        assert_eq!(p_value(0.999_99), ">\u{a0}0.9999");
        assert_eq!(p_value(f64::NAN), "–");
        for p in [1e-300, 1e-12, 1.5e-6, 0.04, 0.7] {
            assert!(!p_value(p).contains('e'), "{p}");
        }
    }

    #[test]
    fn proportions_in_points_and_percent() {
        // Hillstrom's men's e-mail on visits: 0.07661 ± 0.0018.
        let d = pp_decimals(0.0018);
        assert_eq!(pp(0.076_61, d), "+7.7\u{a0}pp");
        assert_eq!(pp(-0.0012, pp_decimals(0.0004)), "-0.12\u{a0}pp");
        assert_eq!(percent(0.1516), "15.2\u{a0}%");
        assert_eq!(percent(0.0042), "0.42\u{a0}%");
        assert_eq!(relative(0.0761, 0.1520).as_deref(), Some("+50\u{a0}%"));
        assert_eq!(relative(0.01, 0.0), None);
        assert_eq!(signed(-0.0001, 2), "0.00");
        assert_eq!(signed(0.0001, 2), "0.00");
        assert_eq!(signed(1794.3, 0), "+1,794");
    }

    #[test]
    fn comparisons_named_by_their_levels() {
        assert_eq!(
            comparison("segment", "Womens E-Mail", "No E-Mail"),
            "Womens E-Mail vs No E-Mail"
        );
        assert_eq!(comparison("arm", "1", "0"), "arm 1 vs arm 0");
        assert_eq!(comparison("dose", "2.5", "low"), "2.5 vs low");
    }
}
