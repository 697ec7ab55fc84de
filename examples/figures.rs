//! Prints the figures the engine reads in a text file, with their features.
//! `cargo run --example figures -- FILE`
use factcheck_ls::engine::{figure, markdown, text};

fn main() {
    let path = std::env::args().nth(1).expect("usage: figures FILE");
    let src = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let prose = markdown::parse(&src);
    let sentences = text::sentences(&prose.masked, &prose.blocks, text::LineBreaks::Soft);
    for f in figure::extract(&prose.masked, &sentences) {
        println!(
            "{:?} noun={:?} head={:?} mods={:?} unit={} per={:?} frame={:?} role={:?} side={:?} dir={:?} gov={:?} event={:?} proper={:?} band={:?} subject={:?}\n    local={:?} context={:?}",
            f.text, f.noun, f.head, f.modifiers, f.unit.name(), f.per, f.frame, f.role, f.side, f.direction, f.governor, f.event, f.proper, f.band, f.subject, f.local, f.context
        );
    }
}
