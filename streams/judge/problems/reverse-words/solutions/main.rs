use std::io::{self, Read, Write};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut lines = input.split('\n');
    let n: usize = lines.next().unwrap().trim().parse().unwrap();
    let mut out = String::new();
    for _ in 0..n {
        let line = lines.next().unwrap_or("");
        let words: Vec<&str> = line.split_whitespace().rev().collect();
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    io::stdout().write_all(out.as_bytes()).unwrap();
}
