//! The `appeal` binary: parse arguments, run the command, print any error once, exit.

use std::process::ExitCode;

use clap::Parser;

/// Typesetting allocates and frees many small objects (printpdf and lopdf build a tree of PDF
/// objects per document), on several threads; mimalloc does that faster than the system
/// allocator. The benchmarks use it too, to measure what the binary does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = appeal::cli::Cli::parse();
    match cli.run() {
        Ok(exit) => exit.into(),
        Err(err) => {
            eprintln!("error: {err}");
            appeal::cli::Exit::Usage.into()
        }
    }
}
