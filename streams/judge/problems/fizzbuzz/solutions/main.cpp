#include <iostream>
#include <string>

int main() {
    int n;
    std::cin >> n;
    std::string out;
    for (int i = 1; i <= n; i++) {
        if (i % 15 == 0) out += "FizzBuzz";
        else if (i % 3 == 0) out += "Fizz";
        else if (i % 5 == 0) out += "Buzz";
        else out += std::to_string(i);
        out += '\n';
    }
    std::cout << out;
    return 0;
}
