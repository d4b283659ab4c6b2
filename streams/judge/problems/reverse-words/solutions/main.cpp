#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main() {
    std::string line;
    std::getline(std::cin, line);
    int n = std::stoi(line);
    std::string out;
    for (int i = 0; i < n; i++) {
        if (!std::getline(std::cin, line)) line.clear();
        std::istringstream words(line);
        std::vector<std::string> list;
        std::string word;
        while (words >> word) list.push_back(word);
        for (size_t j = list.size(); j-- > 0;) {
            out += list[j];
            if (j > 0) out += ' ';
        }
        out += '\n';
    }
    std::cout << out;
    return 0;
}
