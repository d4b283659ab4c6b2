// The C++ harness's JSON: arguments in, the result out (README.md, "Contract").
//
// The standard library has no JSON, so this carries the little the harness
// needs: a parser for the test's argument array, conversion of a parsed value
// to the parameter's C++ type (int, long long, double, bool, std::string and
// std::vector of any of them), and the compact one-line printer every harness
// shares (doubles as JavaScript prints them). glue.cpp, generated per
// signature by cpp_glue.py, is its only user.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace onelog_json {

struct Value {
    enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
    bool boolean = false;
    std::string text;  // a number's literal, or a string's decoded bytes
    std::vector<Value> items;
};

class Parser {
public:
    explicit Parser(const std::string& source) : s_(source) {}

    Value document() {
        Value value = parse();
        space();
        if (at_ != s_.size()) fail("text after the JSON value");
        return value;
    }

private:
    const std::string& s_;
    std::size_t at_ = 0;

    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error("harness: bad JSON input at byte " + std::to_string(at_) + ": " + why);
    }
    void space() {
        while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\n' || s_[at_] == '\r' || s_[at_] == '\t')) ++at_;
    }
    bool word(const char* w) {
        std::size_t n = std::char_traits<char>::length(w);
        if (s_.compare(at_, n, w) != 0) return false;
        at_ += n;
        return true;
    }

    Value parse() {
        space();
        if (at_ >= s_.size()) fail("unexpected end");
        Value value;
        char c = s_[at_];
        if (c == '[' || c == '{') {
            value.kind = c == '[' ? Value::Kind::array : Value::Kind::object;
            char close = c == '[' ? ']' : '}';
            ++at_;
            space();
            if (at_ < s_.size() && s_[at_] == close) { ++at_; return value; }
            for (;;) {
                value.items.push_back(parse());
                if (value.kind == Value::Kind::object) {  // kept as key, value pairs; never converted
                    space();
                    if (at_ >= s_.size() || s_[at_] != ':') fail("expected ':'");
                    ++at_;
                    value.items.push_back(parse());
                }
                space();
                if (at_ < s_.size() && s_[at_] == ',') { ++at_; continue; }
                if (at_ < s_.size() && s_[at_] == close) { ++at_; return value; }
                fail("expected ',' or a closing bracket");
            }
        }
        if (c == '"') { value.kind = Value::Kind::string; value.text = string(); return value; }
        if (word("true")) { value.kind = Value::Kind::boolean; value.boolean = true; return value; }
        if (word("false")) { value.kind = Value::Kind::boolean; return value; }
        if (word("null")) return value;
        std::size_t start = at_;
        while (at_ < s_.size() && std::string("+-.eE0123456789").find(s_[at_]) != std::string::npos) ++at_;
        if (start == at_) fail("unexpected character");
        value.kind = Value::Kind::number;
        value.text = s_.substr(start, at_ - start);
        return value;
    }

    unsigned hex4() {
        if (at_ + 4 > s_.size()) fail("short \\u escape");
        unsigned code = 0;
        auto [end, error] = std::from_chars(s_.data() + at_, s_.data() + at_ + 4, code, 16);
        if (error != std::errc() || end != s_.data() + at_ + 4) fail("bad \\u escape");
        at_ += 4;
        return code;
    }

    static void utf8(std::string& out, std::uint32_t code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    std::string string() {
        std::string out;
        ++at_;  // the opening quote
        while (at_ < s_.size() && s_[at_] != '"') {
            char c = s_[at_++];
            if (c != '\\') { out += c; continue; }
            if (at_ >= s_.size()) break;
            char e = s_[at_++];
            switch (e) {
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    std::uint32_t code = hex4();
                    if (code >= 0xD800 && code < 0xDC00 && word("\\u")) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (hex4() - 0xDC00);
                    }
                    utf8(out, code);
                    break;
                }
                default: out += e;  // \" \\ \/
            }
        }
        if (at_ >= s_.size()) fail("unterminated string");
        ++at_;
        return out;
    }
};

// --- a parsed value as the parameter's type --------------------------------------

template <class T> struct From;

[[noreturn]] inline void wrong(const char* wanted) {
    throw std::runtime_error(std::string("harness: an argument is not ") + wanted);
}

template <class Integer> Integer integer(const Value& v, const char* wanted) {
    Integer out{};
    if (v.kind != Value::Kind::number) wrong(wanted);
    auto [end, error] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), out);
    if (error != std::errc() || end != v.text.data() + v.text.size()) {
        // 3.0 or 1e3 in an integer place still names an integer.
        double d = std::strtod(v.text.c_str(), nullptr);
        if (d != std::floor(d) || std::fabs(d) > 9.2e18) wrong(wanted);
        out = static_cast<Integer>(d);
    }
    return out;
}

template <> struct From<int> { static int from(const Value& v) { return integer<int>(v, "an int"); } };
template <> struct From<long long> { static long long from(const Value& v) { return integer<long long>(v, "a long"); } };
template <> struct From<double> {
    static double from(const Value& v) {
        if (v.kind != Value::Kind::number) wrong("a double");
        return std::strtod(v.text.c_str(), nullptr);
    }
};
template <> struct From<bool> {
    static bool from(const Value& v) {
        if (v.kind != Value::Kind::boolean) wrong("a bool");
        return v.boolean;
    }
};
template <> struct From<std::string> {
    static std::string from(const Value& v) {
        if (v.kind != Value::Kind::string) wrong("a string");
        return v.text;
    }
};
template <class T> struct From<std::vector<T>> {
    static std::vector<T> from(const Value& v) {
        if (v.kind != Value::Kind::array) wrong("an array");
        std::vector<T> out;
        out.reserve(v.items.size());
        for (const Value& item : v.items) out.push_back(From<T>::from(item));
        return out;
    }
};

template <class T> T from(const Value& v) { return From<T>::from(v); }

// --- the result as compact JSON ----------------------------------------------------

inline void write(std::string& out, int v) { out += std::to_string(v); }
inline void write(std::string& out, long long v) { out += std::to_string(v); }
inline void write(std::string& out, bool v) { out += v ? "true" : "false"; }

// As JavaScript's Number#toString: the shortest digits that read back as the
// same double, fixed notation for 1e-7 <= |v| < 1e21, else d.ddde+N.
inline void write(std::string& out, double v) {
    if (std::isnan(v) || std::isinf(v)) { out += "null"; return; }  // JSON.stringify's choice
    if (v == 0) { out += "0"; return; }
    if (v < 0) { out += '-'; v = -v; }
    char buf[64];
    auto [end, error] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string sci(buf, end);  // d[.ddd]e(+|-)XX
    std::size_t e = sci.find('e');
    std::string digits = sci.substr(0, 1) + (e > 1 ? sci.substr(2, e - 2) : "");
    int k = static_cast<int>(digits.size());
    int n = std::stoi(sci.substr(e + 1)) + 1;  // the decimal point sits after n digits
    if (k <= n && n <= 21) {
        out += digits + std::string(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    } else {
        out += digits.substr(0, 1);
        if (k > 1) out += "." + digits.substr(1);
        out += n - 1 >= 0 ? "e+" : "e-";
        out += std::to_string(std::abs(n - 1));
    }
}

inline void write(std::string& out, const std::string& v) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (unsigned char c : v) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xF];
                } else {
                    out += static_cast<char>(c);  // non-ASCII as is, as the other harnesses print it
                }
        }
    }
    out += '"';
}

inline void write(std::string& out, const std::vector<bool>& v) {
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        write(out, static_cast<bool>(v[i]));
    }
    out += ']';
}

template <class T> void write(std::string& out, const std::vector<T>& v) {
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        write(out, v[i]);
    }
    out += ']';
}

}  // namespace onelog_json
