/* The C harness's JSON: arguments in, the result out (README.md, "Contract").
 *
 * C has no JSON, so this carries the little the harness needs: a parser for
 * the test's argument array, conversion of a parsed value to LeetCode's C
 * shapes (a scalar; a pointer and a size; rows, a size and column sizes) and
 * the compact one-line printer every harness shares (doubles as JavaScript
 * prints them). glue.c, generated per signature by c_glue.py, is its only
 * user; everything here is static to it, so nothing clashes with the
 * learner's names in main.c. A bad input ends the run with exit code 2.
 */
#ifndef ONELOG_JSON_H
#define ONELOG_JSON_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum onelog_kind { ONELOG_NULL, ONELOG_BOOL, ONELOG_NUMBER, ONELOG_STRING, ONELOG_ARRAY, ONELOG_OBJECT };

typedef struct onelog_value {
    enum onelog_kind kind;
    bool boolean;
    char *text; /* a number's literal, or a string's decoded bytes (NUL-terminated) */
    struct onelog_value *items;
    int count;
} onelog_value;

static void onelog_fail(const char *why) {
    fprintf(stderr, "harness: %s\n", why);
    exit(2);
}

static void *onelog_alloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) onelog_fail("out of memory reading the input");
    return p;
}

typedef struct {
    const char *s;
    size_t at, size;
} onelog_parser;

static void onelog_space(onelog_parser *p) {
    while (p->at < p->size && strchr(" \n\r\t", p->s[p->at]) && p->s[p->at]) p->at++;
}

static bool onelog_word(onelog_parser *p, const char *w) {
    size_t n = strlen(w);
    if (p->size - p->at < n || memcmp(p->s + p->at, w, n) != 0) return false;
    p->at += n;
    return true;
}

static unsigned onelog_hex4(onelog_parser *p) {
    unsigned code = 0;
    for (int i = 0; i < 4; i++, p->at++) {
        char c = p->at < p->size ? p->s[p->at] : 'x';
        code <<= 4;
        if (c >= '0' && c <= '9') code |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') code |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') code |= (unsigned)(c - 'A' + 10);
        else onelog_fail("bad JSON input: a bad \\u escape");
    }
    return code;
}

static char *onelog_utf8(char *out, uint32_t code) {
    if (code < 0x80) {
        *out++ = (char)code;
    } else if (code < 0x800) {
        *out++ = (char)(0xC0 | (code >> 6));
        *out++ = (char)(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        *out++ = (char)(0xE0 | (code >> 12));
        *out++ = (char)(0x80 | ((code >> 6) & 0x3F));
        *out++ = (char)(0x80 | (code & 0x3F));
    } else {
        *out++ = (char)(0xF0 | (code >> 18));
        *out++ = (char)(0x80 | ((code >> 12) & 0x3F));
        *out++ = (char)(0x80 | ((code >> 6) & 0x3F));
        *out++ = (char)(0x80 | (code & 0x3F));
    }
    return out;
}

static char *onelog_string(onelog_parser *p) {
    /* Decoded text is never longer than its escaped source. */
    char *out = onelog_alloc(p->size - p->at + 1), *end = out;
    p->at++; /* the opening quote */
    while (p->at < p->size && p->s[p->at] != '"') {
        char c = p->s[p->at++];
        if (c != '\\') { *end++ = c; continue; }
        if (p->at >= p->size) break;
        char e = p->s[p->at++];
        switch (e) {
            case 'b': *end++ = '\b'; break;
            case 'f': *end++ = '\f'; break;
            case 'n': *end++ = '\n'; break;
            case 'r': *end++ = '\r'; break;
            case 't': *end++ = '\t'; break;
            case 'u': {
                uint32_t code = onelog_hex4(p);
                if (code >= 0xD800 && code < 0xDC00 && onelog_word(p, "\\u"))
                    code = 0x10000 + ((code - 0xD800) << 10) + (onelog_hex4(p) - 0xDC00);
                end = onelog_utf8(end, code);
                break;
            }
            default: *end++ = e; /* \" \\ \/ */
        }
    }
    if (p->at >= p->size) onelog_fail("bad JSON input: an unterminated string");
    p->at++;
    *end = '\0';
    return out;
}

static onelog_value onelog_parse(onelog_parser *p) {
    onelog_value v = {0};
    onelog_space(p);
    if (p->at >= p->size) onelog_fail("bad JSON input: it ends early");
    char c = p->s[p->at];
    if (c == '[' || c == '{') {
        char close = c == '[' ? ']' : '}';
        int capacity = 4;
        v.kind = c == '[' ? ONELOG_ARRAY : ONELOG_OBJECT;
        v.items = onelog_alloc(sizeof(onelog_value) * (size_t)capacity);
        p->at++;
        onelog_space(p);
        if (p->at < p->size && p->s[p->at] == close) { p->at++; return v; }
        for (;;) {
            if (v.count + 2 > capacity) {
                capacity *= 2;
                v.items = realloc(v.items, sizeof(onelog_value) * (size_t)capacity);
                if (!v.items) onelog_fail("out of memory reading the input");
            }
            v.items[v.count++] = onelog_parse(p);
            if (v.kind == ONELOG_OBJECT) { /* kept as key, value pairs; never converted */
                onelog_space(p);
                if (!onelog_word(p, ":")) onelog_fail("bad JSON input: expected ':'");
                v.items[v.count++] = onelog_parse(p);
            }
            onelog_space(p);
            if (p->at < p->size && p->s[p->at] == ',') { p->at++; continue; }
            if (p->at < p->size && p->s[p->at] == close) { p->at++; return v; }
            onelog_fail("bad JSON input: expected ',' or a closing bracket");
        }
    }
    if (c == '"') { v.kind = ONELOG_STRING; v.text = onelog_string(p); return v; }
    if (onelog_word(p, "true")) { v.kind = ONELOG_BOOL; v.boolean = true; return v; }
    if (onelog_word(p, "false")) { v.kind = ONELOG_BOOL; return v; }
    if (onelog_word(p, "null")) return v;
    size_t start = p->at;
    while (p->at < p->size && p->s[p->at] && strchr("+-.eE0123456789", p->s[p->at])) p->at++;
    if (start == p->at) onelog_fail("bad JSON input: an unexpected character");
    v.kind = ONELOG_NUMBER;
    v.text = onelog_alloc(p->at - start + 1);
    memcpy(v.text, p->s + start, p->at - start);
    v.text[p->at - start] = '\0';
    return v;
}

/* stdin, a JSON array of `count` arguments. */
static onelog_value onelog_read_arguments(int count) {
    size_t size = 0, capacity = 1 << 16, got;
    char *text = onelog_alloc(capacity);
    while ((got = fread(text + size, 1, capacity - size, stdin)) > 0) {
        size += got;
        if (size == capacity) {
            capacity *= 2;
            text = realloc(text, capacity);
            if (!text) onelog_fail("out of memory reading the input");
        }
    }
    onelog_parser p = {text, 0, size};
    onelog_value args = onelog_parse(&p);
    onelog_space(&p);
    if (p.at != p.size) onelog_fail("bad JSON input: text after the value");
    if (args.kind != ONELOG_ARRAY || args.count != count) {
        fprintf(stderr, "harness: the input is not an array of %d arguments\n", count);
        exit(2);
    }
    return args;
}

/* --- a parsed value as a parameter ------------------------------------------------ */

static long long onelog_integer(const onelog_value *v, long long low, long long high) {
    if (v->kind != ONELOG_NUMBER) onelog_fail("an argument is not a number");
    char *end;
    errno = 0;
    long long out = strtoll(v->text, &end, 10);
    if (errno == ERANGE) onelog_fail("an integer argument is out of its type's range");
    if (*end) { /* 3.0 or 1e3 in an integer place still names an integer */
        /* No floor() or fabs(): libm comes before glue.c on the language's argv. */
        double d = strtod(v->text, &end);
        if (*end || d > 9.2e18 || d < -9.2e18 || d != (double)(long long)d)
            onelog_fail("an argument is not an integer");
        out = (long long)d;
    }
    if (out < low || out > high) onelog_fail("an integer argument is out of its type's range");
    return out;
}

static int onelog_as_int(const onelog_value *v) { return (int)onelog_integer(v, INT32_MIN, INT32_MAX); }
static long long onelog_as_long(const onelog_value *v) { return onelog_integer(v, INT64_MIN, INT64_MAX); }
static double onelog_as_double(const onelog_value *v) {
    if (v->kind != ONELOG_NUMBER) onelog_fail("an argument is not a number");
    return strtod(v->text, NULL);
}
static bool onelog_as_bool(const onelog_value *v) {
    if (v->kind != ONELOG_BOOL) onelog_fail("an argument is not a bool");
    return v->boolean;
}
static char *onelog_as_string(const onelog_value *v) {
    if (v->kind != ONELOG_STRING) onelog_fail("an argument is not a string");
    return v->text;
}

static const onelog_value *onelog_array(const onelog_value *v) {
    if (v->kind != ONELOG_ARRAY) onelog_fail("an argument is not an array");
    return v;
}

/* T* from an array (with its size), T** from an array of arrays (with its size
 * and each row's size), for each scalar type T. */
#define ONELOG_ARRAYS(NAME, TYPE)                                                          \
    static TYPE *onelog_as_##NAME##_array(const onelog_value *v, int *size) {              \
        onelog_array(v);                                                                   \
        TYPE *out = onelog_alloc(sizeof(TYPE) * (size_t)v->count);                         \
        for (int i = 0; i < v->count; i++) out[i] = onelog_as_##NAME(&v->items[i]);        \
        *size = v->count;                                                                  \
        return out;                                                                        \
    }                                                                                      \
    static TYPE **onelog_as_##NAME##_matrix(const onelog_value *v, int *size, int **cols) { \
        onelog_array(v);                                                                   \
        TYPE **out = onelog_alloc(sizeof(TYPE *) * (size_t)v->count);                      \
        *cols = onelog_alloc(sizeof(int) * (size_t)v->count);                              \
        for (int i = 0; i < v->count; i++)                                                 \
            out[i] = onelog_as_##NAME##_array(&v->items[i], &(*cols)[i]);                  \
        *size = v->count;                                                                  \
        return out;                                                                        \
    }

ONELOG_ARRAYS(int, int)
ONELOG_ARRAYS(long, long long)
ONELOG_ARRAYS(double, double)
ONELOG_ARRAYS(bool, bool)
ONELOG_ARRAYS(string, char *)

/* --- the result as compact JSON, into one growing buffer ---------------------------- */

typedef struct {
    char *text;
    size_t size, capacity;
} onelog_out;

static void onelog_put(onelog_out *o, const char *s, size_t n) {
    if (o->size + n + 1 > o->capacity) {
        o->capacity = (o->size + n + 1) * 2;
        o->text = realloc(o->text, o->capacity);
        if (!o->text) onelog_fail("out of memory writing the result");
    }
    memcpy(o->text + o->size, s, n);
    o->size += n;
    o->text[o->size] = '\0';
}

static void onelog_puts(onelog_out *o, const char *s) { onelog_put(o, s, strlen(s)); }

static void onelog_write_int(onelog_out *o, int v) {
    char buf[16];
    onelog_put(o, buf, (size_t)snprintf(buf, sizeof buf, "%d", v));
}
static void onelog_write_long(onelog_out *o, long long v) {
    char buf[32];
    onelog_put(o, buf, (size_t)snprintf(buf, sizeof buf, "%lld", v));
}
static void onelog_write_bool(onelog_out *o, bool v) { onelog_puts(o, v ? "true" : "false"); }

/* As JavaScript's Number#toString: the shortest digits that read back as the
 * same double, fixed notation for 1e-7 <= |v| < 1e21, else d.ddde+N. */
static void onelog_write_double(onelog_out *o, double v) {
    if (isnan(v) || isinf(v)) { onelog_puts(o, "null"); return; } /* JSON.stringify's choice */
    if (v == 0) { onelog_puts(o, "0"); return; }
    if (v < 0) { onelog_puts(o, "-"); v = -v; }
    char sci[40], digits[24];
    for (int precision = 0; precision < 17; precision++) {
        snprintf(sci, sizeof sci, "%.*e", precision, v);
        if (strtod(sci, NULL) == v) break;
    }
    int k = 0, n = atoi(strchr(sci, 'e') + 1) + 1; /* the decimal point sits after n digits */
    for (const char *c = sci; *c != 'e'; c++)
        if (*c != '.') digits[k++] = *c;
    digits[k] = '\0';
    char buf[64];
    if (k <= n && n <= 21) {
        onelog_puts(o, digits);
        for (int i = k; i < n; i++) onelog_puts(o, "0");
    } else if (0 < n && n <= 21) {
        onelog_put(o, digits, (size_t)n);
        onelog_puts(o, ".");
        onelog_puts(o, digits + n);
    } else if (-6 < n && n <= 0) {
        onelog_puts(o, "0.");
        for (int i = n; i < 0; i++) onelog_puts(o, "0");
        onelog_puts(o, digits);
    } else {
        onelog_put(o, digits, 1);
        if (k > 1) {
            onelog_puts(o, ".");
            onelog_puts(o, digits + 1);
        }
        onelog_put(o, buf, (size_t)snprintf(buf, sizeof buf, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1)));
    }
}

static void onelog_write_string(onelog_out *o, const char *v) {
    static const char hex[] = "0123456789abcdef";
    if (!v) { onelog_puts(o, "null"); return; }
    onelog_puts(o, "\"");
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        switch (*c) {
            case '"': onelog_puts(o, "\\\""); break;
            case '\\': onelog_puts(o, "\\\\"); break;
            case '\b': onelog_puts(o, "\\b"); break;
            case '\f': onelog_puts(o, "\\f"); break;
            case '\n': onelog_puts(o, "\\n"); break;
            case '\r': onelog_puts(o, "\\r"); break;
            case '\t': onelog_puts(o, "\\t"); break;
            default:
                if (*c < 0x20) {
                    char escaped[7] = {'\\', 'u', '0', '0', hex[*c >> 4], hex[*c & 0xF], '\0'};
                    onelog_puts(o, escaped);
                } else {
                    onelog_put(o, (const char *)c, 1); /* non-ASCII as is, as the other harnesses */
                }
        }
    }
    onelog_puts(o, "\"");
}

/* An array from a pointer and its size, an array of arrays from rows, their
 * number and each row's size (LeetCode's returnSize, returnColumnSizes). */
#define ONELOG_WRITE_ARRAYS(NAME, TYPE)                                                           \
    static void onelog_write_##NAME##_array(onelog_out *o, TYPE const *v, int size) {             \
        onelog_puts(o, "[");                                                                      \
        for (int i = 0; i < size; i++) {                                                          \
            if (i) onelog_puts(o, ",");                                                           \
            onelog_write_##NAME(o, v[i]);                                                         \
        }                                                                                         \
        onelog_puts(o, "]");                                                                      \
    }                                                                                             \
    static void onelog_write_##NAME##_matrix(onelog_out *o, TYPE *const *v, int size,             \
                                             const int *cols) {                                   \
        onelog_puts(o, "[");                                                                      \
        for (int i = 0; i < size; i++) {                                                          \
            if (i) onelog_puts(o, ",");                                                           \
            onelog_write_##NAME##_array(o, v[i], cols[i]);                                        \
        }                                                                                         \
        onelog_puts(o, "]");                                                                      \
    }

ONELOG_WRITE_ARRAYS(int, int)
ONELOG_WRITE_ARRAYS(long, long long)
ONELOG_WRITE_ARRAYS(double, double)
ONELOG_WRITE_ARRAYS(bool, bool)
ONELOG_WRITE_ARRAYS(string, char *)

#endif
