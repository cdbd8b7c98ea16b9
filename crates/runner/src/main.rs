//! The `bargain` binary: a thin layer over `bargain_runner::cli`.

fn main() -> std::process::ExitCode {
    bargain_runner::cli::main()
}
