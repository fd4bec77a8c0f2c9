//! Results as files: a report's effect rows as CSV.
