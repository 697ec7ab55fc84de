use clap::{Parser, Subcommand};
use factcheck_ls::cli::{self, Format, Outcome};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc rather than the system's allocator: a cold build of 100,000
/// sources allocates on the parsing threads and frees on the inserting one,
/// where glibc spent a sixth of the build in malloc and free (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Checks the figures and quotes of Markdown news drafts against a folder of
/// sources. With no command, serves the Language Server Protocol on stdio.
#[derive(Parser)]
#[command(name = "factcheck-ls", version)]
struct Args {
    /// Serve LSP on stdin/stdout (the default).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check drafts and print findings. Exit status: 1 if any error was
    /// found, 0 otherwise, 2 on usage or configuration errors.
    Check {
        /// Corpus folder; repeat for several. Overrides factcheck.toml.
        #[arg(long = "corpus", value_name = "DIR")]
        corpus: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Parse every source instead of reading unchanged ones from the
        /// index in `.factcheck/` (and do not write that index).
        #[arg(long)]
        no_index: bool,
        /// Drafts, or folders of drafts.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Build or refresh the on-disk index of a project's sources (in its
    /// `.factcheck/` folder), as the server does on start.
    Index {
        /// Corpus folder; repeat for several. Overrides factcheck.toml.
        #[arg(long = "corpus", value_name = "DIR")]
        corpus: Vec<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The project folder (or a draft in it).
        #[arg(default_value = ".", value_name = "PATH")]
        path: PathBuf,
    },
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FACTCHECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .with_env_filter(filter)
        .init();
}

fn main() -> ExitCode {
    init_logging();
    let args = Args::parse();
    match args.command {
        None => factcheck_ls_serve(),
        Some(Command::Index { corpus, json, path }) => match cli::index(&path, &corpus) {
            Ok(r) => {
                if json {
                    println!("{}", serde_json::to_string(&r).unwrap_or_default());
                } else {
                    let index = r
                        .index
                        .as_ref()
                        .map_or("not written".into(), |p| p.display().to_string());
                    println!(
                        "{} sources ({} from the index, {} parsed, {} skipped) in {:.2} s; index: {index}",
                        r.sources, r.reused, r.parsed, r.skipped, r.seconds
                    );
                    if let Some(why) = &r.rebuilt {
                        println!("the saved index was not used: {why}");
                    }
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("factcheck-ls: {e}");
                ExitCode::from(2)
            }
        },
        Some(Command::Check {
            corpus,
            format,
            no_index,
            paths,
        }) => {
            let results = match cli::check(&paths, &corpus, !no_index) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("factcheck-ls: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut out = std::io::stdout().lock();
            let written = match format {
                Format::Text => cli::write_text(&results, &mut out),
                Format::Json => cli::write_json(&results, &mut out),
                Format::Sarif => cli::write_sarif(&results, &mut out),
            };
            if let Err(e) = written {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("factcheck-ls: {e}");
                    return ExitCode::from(2);
                }
            }
            match cli::outcome(&results) {
                Outcome::Clean => ExitCode::SUCCESS,
                Outcome::Errors => ExitCode::from(1),
            }
        }
    }
}

fn factcheck_ls_serve() -> ExitCode {
    factcheck_ls::server::run_stdio()
}
