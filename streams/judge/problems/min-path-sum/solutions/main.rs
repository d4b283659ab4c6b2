use std::io::{self, Read};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let numbers: Vec<i64> = input.split_ascii_whitespace().map(|s| s.parse().unwrap()).collect();
    let (rows, cols) = (numbers[0] as usize, numbers[1] as usize);
    // best[c]: the cheapest path to column c of the current row.
    let mut best = vec![0i64; cols];
    for r in 0..rows {
        for c in 0..cols {
            let cell = numbers[2 + r * cols + c];
            best[c] = match (r, c) {
                (0, 0) => cell,
                (0, _) => best[c - 1] + cell,
                (_, 0) => best[c] + cell,
                _ => best[c].min(best[c - 1]) + cell,
            };
        }
    }
    println!("{}", best[cols - 1]);
}
