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

/// A count with its noun in the right number (`1 row`, `16,177 rows`).
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
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
        assert_eq!(plural(1, "row", "rows"), "1 row");
        assert_eq!(plural(0, "row", "rows"), "0 rows");
        assert_eq!(plural(2_500, "row", "rows"), "2,500 rows");
        assert_eq!(decimals_for(0.0), 4);
    }
}
