//! The `bargain` binary: `cli.rs` parses the arguments and dispatches to
//! `bargain_runner::commands`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
