use std::io::{self, Read};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let numbers: Vec<i64> = input.split_ascii_whitespace().map(|s| s.parse().unwrap()).collect();
    let (n, capacity) = (numbers[0] as usize, numbers[1] as usize);
    let mut best = vec![0i64; capacity + 1];
    for i in 0..n {
        let weight = numbers[2 + 2 * i] as usize;
        let value = numbers[3 + 2 * i];
        // Downwards, so each item is used at most once.
        for c in (weight..=capacity).rev() {
            best[c] = best[c].max(best[c - weight] + value);
        }
    }
    println!("{}", best[capacity]);
}
