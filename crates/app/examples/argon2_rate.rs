//! Argon2id hashes per second of the Rust crate alone, with the server's parameters and
//! allocator (issue 10, scripts/bench-login.sh): one thread per core hashing in a loop, either
//! allocating the 19 MiB per hash (what `Argon2::hash_password` does) or reusing one block of
//! memory per thread (what the server's hashing threads do).
//!
//!   argon2_rate SECONDS THREADS alloc|reuse

use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Block, Params, Version};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(seconds), Some(threads), Some(mode)) = (
        args.get(1).and_then(|s| s.parse::<f64>().ok()),
        args.get(2).and_then(|s| s.parse::<usize>().ok()),
        args.get(3).filter(|m| *m == "alloc" || *m == "reuse"),
    ) else {
        eprintln!("用法：argon2_rate 秒数 线程数 alloc|reuse");
        std::process::exit(2);
    };
    let reuse = mode == "reuse";
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default());
                let blocks = Params::default().block_count();
                let mut memory = vec![Block::new(); blocks];
                let mut out = [0u8; 32];
                let mut count = 0u64;
                while Instant::now() < until {
                    let salt: [u8; 16] = rand::random();
                    if reuse {
                        argon
                            .hash_password_into_with_memory(
                                b"Central2024",
                                &salt,
                                &mut out,
                                &mut memory,
                            )
                            .unwrap();
                    } else {
                        argon
                            .hash_password_into(b"Central2024", &salt, &mut out)
                            .unwrap();
                    }
                    count += 1;
                }
                count
            })
        })
        .collect();
    let total: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    println!("{:.1}", total as f64 / start.elapsed().as_secs_f64());
}
