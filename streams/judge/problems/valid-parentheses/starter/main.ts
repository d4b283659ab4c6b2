function isValid(s: string): boolean {
  // TODO: Valid Parentheses
}
