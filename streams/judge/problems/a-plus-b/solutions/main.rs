use std::io::{self, Read, Write};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut numbers = input.split_ascii_whitespace().map(|s| s.parse::<i64>().unwrap());
    let t = numbers.next().unwrap();
    let mut out = String::new();
    for _ in 0..t {
        let a = numbers.next().unwrap();
        let b = numbers.next().unwrap();
        out.push_str(&format!("{}\n", a + b));
    }
    io::stdout().write_all(out.as_bytes()).unwrap();
}
