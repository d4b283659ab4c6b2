use std::io::{self, Read, Write};

const MOD: u64 = 1_000_000_007;

/// (F(n), F(n+1)) mod MOD by fast doubling.
fn fib(n: u64) -> (u64, u64) {
    if n == 0 {
        return (0, 1);
    }
    let (a, b) = fib(n >> 1);
    let c = a * ((2 * b + MOD - a) % MOD) % MOD;
    let d = (a * a + b * b) % MOD;
    if n & 1 == 1 {
        (d, (c + d) % MOD)
    } else {
        (c, d)
    }
}

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut numbers = input.split_ascii_whitespace().map(|s| s.parse::<u64>().unwrap());
    let t = numbers.next().unwrap();
    let mut out = String::new();
    for _ in 0..t {
        out.push_str(&format!("{}\n", fib(numbers.next().unwrap()).0));
    }
    io::stdout().write_all(out.as_bytes()).unwrap();
}
