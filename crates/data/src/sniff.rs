//! Delimiter detection.

/// The delimiters Counterfact recognises, in order of preference on a tie.
const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
/// At most this many lines are inspected.
const MAX_LINES: usize = 50;

/// Guesses the field delimiter from the first lines of a file.
///
/// For each candidate, counts its occurrences outside double quotes on every complete line. A
/// candidate that occurs the same, non-zero number of times on every line wins; among those, the
/// one with most fields. If no candidate is consistent, the one most frequent on the header line
/// wins; a file with none of them is read as one column (`,`).
pub fn sniff_delimiter(sample: &[u8]) -> u8 {
    let sample = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(sample);
    // Only complete lines count, unless the sample is the whole (short) file.
    let mut counts: Vec<[usize; 4]> = Vec::new();
    let mut current = [0usize; 4];
    let mut in_quotes = false;
    let mut line_has_text = false;
    for &b in sample {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                if line_has_text {
                    counts.push(current);
                }
                current = [0; 4];
                line_has_text = false;
                if counts.len() >= MAX_LINES {
                    break;
                }
                continue;
            }
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    current[i] += 1;
                }
            }
            _ => {}
        }
        if b != b'\r' {
            line_has_text = true;
        }
    }
    if line_has_text && counts.len() < MAX_LINES && counts.is_empty() {
        counts.push(current);
    }
    let Some(first) = counts.first() else { return b',' };

    let mut best: Option<(usize, usize)> = None; // (candidate index, count)
    for i in 0..CANDIDATES.len() {
        let n = first[i];
        if n > 0 && counts.iter().all(|c| c[i] == n) && best.is_none_or(|(_, m)| n > m) {
            best = Some((i, n));
        }
    }
    if let Some((i, _)) = best {
        return CANDIDATES[i];
    }
    let mut best_i = 0;
    for i in 1..CANDIDATES.len() {
        if first[i] > first[best_i] {
            best_i = i;
        }
    }
    if first[best_i] == 0 { b',' } else { CANDIDATES[best_i] }
}
