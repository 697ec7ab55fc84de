//! Explains the figure verdicts on one line of a draft: the draft figure's
//! features, and every source figure that aligns with it or has its value.
//! `cargo run --example explain -- SOURCES_DIR DRAFT LINE`
use factcheck_ls::engine::check::{analyze, same_thing};
use factcheck_ls::load;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, draft, line] = &args[..] else {
        panic!("usage: explain SOURCES_DIR DRAFT LINE");
    };
    let line: usize = line.parse().expect("a line number");
    let corpus = load::load_corpus(&[dir.into()]).expect("a corpus").0;
    let text = std::fs::read_to_string(draft).expect("a readable draft");
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    for fc in analyze(&text, &corpus).figures {
        let f = &fc.figure;
        if line_of(f.span.start) != line {
            continue;
        }
        println!(
            "DRAFT {:?} gov={:?} noun={:?} head={:?} mods={:?} frame={:?} role={:?} side={:?} dir={:?} unit={:?} event={:?} proper={:?} subject={:?} per={:?}\n  local={:?}\n  verdict {:?}",
            f.text, f.governor, f.noun, f.head, f.modifiers, f.frame, f.role, f.side, f.direction, f.unit, f.event, f.proper, f.subject, f.per, f.local, fc.verdict
        );
        for (_, s) in corpus.sources() {
            for sf in &s.figures {
                let a = same_thing(f, sf);
                if a.is_none() && (sf.value - f.value).abs() > 1e-9 {
                    continue;
                }
                println!(
                    "  {} {:?} {:?} gov={:?} noun={:?} head={:?} frame={:?} side={:?} dir={:?} unit={:?} per={:?} role={:?} event={:?} proper={:?} subject={:?}\n     local={:?}",
                    s.id, a, sf.text, sf.governor, sf.noun, sf.head, sf.frame, sf.side, sf.direction, sf.unit, sf.per, sf.role, sf.event, sf.proper, sf.subject, sf.local
                );
            }
        }
    }
}
