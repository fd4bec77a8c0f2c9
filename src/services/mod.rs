//! What the page asks of the browser besides the DOM: the clipboard (and the page's address),
//! `localStorage` for the drawn graphs, and file downloads.

pub mod clipboard;
pub mod download;
pub mod storage;
