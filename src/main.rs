//! The page's entry point.

fn main() {
    yew::Renderer::<counterfact_web::App>::new().render();
}
