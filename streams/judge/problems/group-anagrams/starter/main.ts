function groupAnagrams(strs: string[]): string[][] {
  // TODO: Group Anagrams
}
