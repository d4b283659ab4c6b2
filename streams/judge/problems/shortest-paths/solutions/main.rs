use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Read};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut numbers = input.split_ascii_whitespace().map(|s| s.parse::<i64>().unwrap());
    let mut next = || numbers.next().unwrap();
    let (n, m, s) = (next() as usize, next() as usize, next() as usize);
    let mut adjacency: Vec<Vec<(usize, i64)>> = vec![Vec::new(); n + 1];
    for _ in 0..m {
        let (u, v, w) = (next() as usize, next() as usize, next());
        adjacency[u].push((v, w));
    }
    let mut dist: Vec<Option<i64>> = vec![None; n + 1];
    let mut heap = BinaryHeap::new();
    dist[s] = Some(0);
    heap.push(Reverse((0i64, s)));
    while let Some(Reverse((d, u))) = heap.pop() {
        if dist[u] != Some(d) {
            continue;
        }
        for &(v, w) in &adjacency[u] {
            let candidate = d + w;
            if dist[v].map_or(true, |current| candidate < current) {
                dist[v] = Some(candidate);
                heap.push(Reverse((candidate, v)));
            }
        }
    }
    let line: Vec<String> = dist[1..].iter().map(|d| d.unwrap_or(-1).to_string()).collect();
    println!("{}", line.join(" "));
}
