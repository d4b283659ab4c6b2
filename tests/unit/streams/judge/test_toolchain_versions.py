"""What a toolchain's --version output is recorded as, and how the record is read."""

from __future__ import annotations

import json

from streams.judge.toolchain_versions import MAX_VERSION_CHARS, parse_versions, version_line


def test_the_first_line_that_shows_a_version_wins() -> None:
    gcc = "gcc (Debian 12.2.0-14) 12.2.0\nCopyright (C) 2022 Free Software Foundation, Inc.\n"
    assert version_line(gcc) == "gcc (Debian 12.2.0-14) 12.2.0"
    banner = "Picked up JAVA_TOOL_OPTIONS: -Xss8m\n\ninfo: kotlinc-jvm 2.4.21 (JRE 17.0.13)\n"
    assert version_line(banner) == "info: kotlinc-jvm 2.4.21 (JRE 17.0.13)"


def test_without_a_dotted_number_the_first_line_is_kept() -> None:
    assert version_line("\n  Some Tool nightly  \nmore\n") == "Some Tool nightly"
    assert version_line(" \n\n") is None
    elixir = "Erlang/OTP 25 [erts-13.1.5] [64-bit]\n\nElixir 1.14.0 (compiled with Erlang/OTP 25)\n"
    assert version_line(elixir, "Elixir") == "Elixir 1.14.0 (compiled with Erlang/OTP 25)"
    assert version_line(elixir) == "Erlang/OTP 25 [erts-13.1.5] [64-bit]"
    assert version_line("v" + "9.9." * 100) == ("v" + "9.9." * 100)[:MAX_VERSION_CHARS]


def test_the_record_gives_versions_and_leaves_out_what_is_malformed() -> None:
    text = json.dumps(
        {
            "python": {"version": "Python 3.11.2", "stamp": "a"},
            "cobol": {"version": None, "stamp": "b"},  # not installed
            "odd": "3.1",
        }
    )
    assert parse_versions(text) == {"python": "Python 3.11.2"}
    assert parse_versions("{half") == {} and parse_versions("[]") == {}
