"""The feed's sample requests `onelog up` prints: two members (alice and
bob, whom `up` has created already: a PUT of a member is idempotent), bob
follows alice, alice posts, bob reads his timeline."""

from __future__ import annotations

from collections.abc import Mapping

from onelog.curl import curl_request

AUTHOR = "alice"
READER = "bob"
SAMPLE_MEMBERS = (AUTHOR, READER)


def feed_samples(gateway_url: str, key: str) -> Mapping[str, str]:
    members = f"{gateway_url}/v1/feed/members"
    return {
        "feed_member_curl": curl_request("PUT", f"{members}/{AUTHOR}", key, {"handle": AUTHOR}),
        "feed_second_member_curl": curl_request(
            "PUT", f"{members}/{READER}", key, {"handle": READER}
        ),
        "feed_follow_curl": curl_request(
            "POST", f"{members}/{READER}/follows", key, {"other": AUTHOR}
        ),
        "feed_post_curl": curl_request(
            "POST", f"{members}/{AUTHOR}/posts", key, {"text": "Hello from onelog's feed"}
        ),
        "feed_timeline_curl": curl_request(
            "GET", f"{members}/{READER}/timeline?mode=chronological&limit=20", key
        ),
    }
