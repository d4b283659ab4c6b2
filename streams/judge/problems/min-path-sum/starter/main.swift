import Foundation

var tokens: [String] = []
while let line = readLine() {
    tokens += line.split(separator: " ").map(String.init)
}
// TODO: Minimum Path Sum
