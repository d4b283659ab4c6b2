use std::collections::VecDeque;
use std::io::{self, Read};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let numbers: Vec<usize> = input.split_ascii_whitespace().map(|s| s.parse().unwrap()).collect();
    let (n, m) = (numbers[0], numbers[1]);
    let mut successors = vec![Vec::new(); n + 1];
    let mut indegree = vec![0usize; n + 1];
    for i in 0..m {
        let (u, v) = (numbers[2 + 2 * i], numbers[3 + 2 * i]);
        successors[u].push(v);
        indegree[v] += 1;
    }
    let mut ready: VecDeque<usize> = (1..=n).filter(|&v| indegree[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(u) = ready.pop_front() {
        order.push(u);
        for &v in &successors[u] {
            indegree[v] -= 1;
            if indegree[v] == 0 {
                ready.push_back(v);
            }
        }
    }
    if order.len() != n {
        println!("IMPOSSIBLE");
    } else {
        let line: Vec<String> = order.iter().map(|v| v.to_string()).collect();
        println!("{}", line.join(" "));
    }
}
