use std::io::{self, Read};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let numbers: Vec<i64> = input.split_ascii_whitespace().map(|s| s.parse().unwrap()).collect();
    let n = numbers[0] as usize;
    let point = |i: usize| (numbers[1 + 2 * i], numbers[2 + 2 * i]);
    let mut twice: i64 = 0;
    for i in 0..n {
        let (x1, y1) = point(i);
        let (x2, y2) = point((i + 1) % n);
        twice += x1 * y2 - x2 * y1;
    }
    let twice = twice.abs();
    println!("{}.{}", twice / 2, if twice % 2 == 1 { 5 } else { 0 });
}
