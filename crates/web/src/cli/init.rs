use std::io::{BufRead, IsTerminal};

use rand::Rng;
use tuanjian_domain::{IdNumber, NewPassword};
use tuanjian_store::Store;
use tuanjian_store::bootstrap::{FirstAdmin, InitOutcome};

use crate::auth::password_hash::Hasher;
use crate::cli::InitArgs;

/// Letters and digits without look-alikes (0/O, 1/l/I), for a password read off a screen.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn generated_password() -> String {
    let mut rng = rand::rng();
    loop {
        let p: String = (0..16)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        if p.bytes().any(|b| b.is_ascii_digit()) && p.bytes().any(|b| b.is_ascii_alphabetic()) {
            return p;
        }
    }
}

pub async fn run(args: InitArgs) -> anyhow::Result<()> {
    let id = IdNumber::parse(&args.admin_id).map_err(|e| anyhow::anyhow!("--admin-id：{e}"))?;
    if let Some(w) = id.address_warning() {
        eprintln!("提示：{w}");
    }
    let store = Store::open(&args.db.database_url).await?;
    if let Some(root) = store.root_org().await? {
        println!(
            "系统已经初始化（{} 已存在），本次没有做任何修改。",
            root.short_name
        );
        return Ok(());
    }
    let (password, generated) = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else if args.generate_password {
        (generated_password(), true)
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("请设置团中央管理员密码：")?;
        let second = rpassword::prompt_password("请再次输入：")?;
        if first != second {
            anyhow::bail!("两次输入的密码不一致，没有做任何修改");
        }
        (first, false)
    } else {
        anyhow::bail!(
            "没有终端可以输入密码：请使用 --password-stdin 从标准输入读取，或 --generate-password 生成密码"
        );
    };
    let password =
        NewPassword::parse(&password, &id).map_err(|e| anyhow::anyhow!("密码不符合要求：{e}"))?;
    let hash = Hasher::new(1).hash(password.expose().to_string()).await?;
    let outcome = store
        .init(FirstAdmin {
            id_number: &id,
            name: &args.admin_name,
            password_hash: &hash,
        })
        .await?;
    match outcome {
        InitOutcome::Created { root, provinces } => {
            println!(
                "已创建 {} 和 {provinces} 个省级团委（含新疆生产建设兵团和系统团委）。",
                root.short_name
            );
            println!("团中央管理员账号：{}", id);
            if generated {
                println!(
                    "初始密码（只显示这一次，请妥善保存）：{}",
                    password.expose()
                );
            }
        }
        InitOutcome::AlreadyInitialised { root } => {
            println!(
                "系统已经初始化（{} 已存在），本次没有做任何修改。",
                root.short_name
            );
        }
    }
    store.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_passwords_have_letters_and_digits() {
        for _ in 0..50 {
            let p = super::generated_password();
            assert_eq!(p.len(), 16);
            assert!(
                p.bytes().any(|b| b.is_ascii_digit()) && p.bytes().any(|b| b.is_ascii_alphabetic())
            );
        }
    }
}
