//! Fingerprints the engine's source code, so that an on-disk index written
//! by another build of the engine is never read back (see `src/cache.rs`).

use std::path::Path;

fn fnv(hash: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *hash ^= u64::from(*b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

/// Every file below `dir`, folders included: the engine's modules and
/// its data tables live in sub-folders too.
fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let dir = Path::new("src/engine");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for f in files {
        fnv(&mut hash, f.to_string_lossy().as_bytes());
        fnv(&mut hash, &std::fs::read(&f).unwrap_or_default());
    }
    println!("cargo:rustc-env=FACTCHECK_ENGINE_HASH={hash:016x}");
}
