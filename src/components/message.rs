//! A message for the user as markup: the engine and the page write column names between
//! backticks (`` `wt82` ``), shown here as code, never as raw backticks.

use yew::prelude::*;

/// `text` with each `` `name` `` shown as `<code>name</code>`; an unpaired backtick stays text.
pub(crate) fn message(text: &str) -> Html {
    html! { <>{ for spans(text).into_iter().map(|(code, s)| {
        if code { html! { <code>{s}</code> } } else { html! { {s} } }
    }) }</> }
}

/// `text` cut at its backticks: (is code, text) pieces in order.
fn spans(text: &str) -> Vec<(bool, &str)> {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An odd number of backticks: not a name, keep the text as it is.
        return vec![(false, text)];
    }
    parts.iter().enumerate().filter(|(_, p)| !p.is_empty()).map(|(i, p)| (i % 2 == 1, *p)).collect()
}

#[cfg(test)]
mod tests {
    use super::spans;

    #[test]
    fn names_between_backticks_are_code() {
        assert_eq!(
            spans("`t` is 0 in every row: `t`."),
            [(true, "t"), (false, " is 0 in every row: "), (true, "t"), (false, ".")]
        );
        assert_eq!(spans("no names"), [(false, "no names")]);
        assert_eq!(spans("odd ` tick"), [(false, "odd ` tick")]);
    }
}
