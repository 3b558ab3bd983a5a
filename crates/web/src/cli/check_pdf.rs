//! `tuanjian check-pdf FILE` (hidden): the upload check of `tuanjian_app::files::pdf`, run by
//! the server in a child process so the file's buffer, and whatever a hostile file does to the
//! parser, stay out of the server.

use std::process::ExitCode;

use super::CheckPdfArgs;

/// 0 with the page count on stdout; 2 with why the file is no PDF; 1 when it cannot be read.
pub fn run(a: &CheckPdfArgs) -> ExitCode {
    let bytes = match std::fs::read(&a.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("错误：无法读取 {}：{e}", a.file.display());
            return ExitCode::FAILURE;
        }
    };
    match tuanjian_app::files::pdf::check(&bytes) {
        Ok(pages) => {
            println!("{pages}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            println!("{why}");
            ExitCode::from(2)
        }
    }
}
