"""Which objects a key acts on: its own accounts or learner, anyone's with an
operator scope, no one's without either. Refusals are 403 naming why and the field."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.access import acts_for, acts_for_command, owned
from gateway.auth import ApiKey
from gateway.command import Command
from gateway.exchange.commands import BY_NAME
from gateway.exchange.principal import ACCOUNT
from gateway.judge import commands as judge_commands
from gateway.judge.principal import LEARNER
from gateway.problems import Problem
from gateway.writes import validate
from tests.unit.gateway.judge.test_requests import PROBLEM, SUBMIT


def key(*scopes: str, accounts: tuple[str, ...] = (), learner: str | None = None) -> ApiKey:
    granted = {
        ACCOUNT.kind: frozenset(accounts),
        LEARNER.kind: frozenset({learner} if learner else ()),
    }
    return ApiKey("k", frozenset(scopes), principals={k: ids for k, ids in granted.items() if ids})


def refused(call: Any, *args: Any, **kwargs: Any) -> Problem:
    with pytest.raises(Problem) as caught:
        call(*args, **kwargs)
    assert caught.value.status == 403
    return caught.value


def test_a_trader_acts_for_its_accounts_only() -> None:
    trader = key("exchange:write", accounts=("acct-a", "acct-c"))
    acts_for(trader, ACCOUNT, "acct-a", field="account_id", where="body")
    acts_for(trader, ACCOUNT, "acct-c", field="account_id", where="path")
    problem = refused(acts_for, trader, ACCOUNT, "acct-b", field="account_id", where="body")
    assert problem.detail == "this key acts for accounts ['acct-a', 'acct-c']; not for 'acct-b'"
    assert problem.errors == [
        {"field": "account_id", "pointer": "#/account_id", "detail": problem.detail}
    ]
    in_path = refused(acts_for, trader, ACCOUNT, "acct-b", field="account_id", where="path")
    assert in_path.errors[0]["parameter"] == "account_id"


def test_a_learner_acts_as_itself_only() -> None:
    ada = key("judge:write", learner="ada")
    acts_for(ada, LEARNER, "ada", field="user_id", where="body")
    problem = refused(acts_for, ada, LEARNER, "bob", field="user_id", where="body")
    assert problem.detail == "this key acts for learner 'ada'; not for 'bob'"


def test_the_owner_of_a_stored_object_is_named_with_the_object() -> None:
    trader = key("exchange:read", accounts=("acct-a",))
    problem = refused(
        acts_for, trader, ACCOUNT, "acct-b", field="order_id", where="path", whose="the order's"
    )
    assert problem.detail == (
        "this key acts for accounts ['acct-a']; not for 'acct-b', the order's account"
    )
    assert problem.errors[0]["parameter"] == "order_id"


def test_a_stored_object_is_its_owners_and_unknown_until_its_owner_is_known() -> None:
    ada = key("judge:read", learner="ada")
    mine, theirs = (
        {"submission_id": "s1", "user_id": "ada"},
        {"submission_id": "s2", "user_id": "bob"},
    )
    assert owned(ada, LEARNER, "submission", mine, where="path") is mine
    problem = refused(owned, ada, LEARNER, "submission", theirs, where="path")
    assert (
        problem.detail == "this key acts for learner 'ada'; not for 'bob', the submission's learner"
    )
    assert problem.errors[0]["parameter"] == "submission_id"
    assert owned(ada, LEARNER, "submission", None, where="path") is None
    assert owned(ada, LEARNER, "submission", {"submission_id": "s3"}, where="path") is None
    assert owned(key("judge:operator"), LEARNER, "submission", theirs, where="path") is theirs


def test_a_key_without_a_principal_acts_for_no_one() -> None:
    anonymous = key("exchange:read", "exchange:write", "judge:read", "judge:write")
    account = refused(acts_for, anonymous, ACCOUNT, "acct-a", field="account_id", where="body")
    assert "acts for no account" in account.detail and "exchange:operator" in account.detail
    learner = refused(acts_for, anonymous, LEARNER, "ada", field="user_id", where="path")
    assert "acts for no learner" in learner.detail and "judge:operator" in learner.detail


def test_an_operator_acts_for_anyone_in_its_own_domain_only() -> None:
    operator = key("exchange:operator", accounts=("acct-a",))
    for account in ("acct-a", "acct-b", "anyone"):
        acts_for(operator, ACCOUNT, account, field="account_id", where="body")
    refused(acts_for, operator, LEARNER, "ada", field="user_id", where="body")
    acts_for(key("judge:operator"), LEARNER, "bob", field="user_id", where="body")


def command_check(
    who: ApiKey, command: Command, body: dict[str, Any], path: dict[str, Any] | None = None,
    *, path_in_body: bool = False,
) -> None:  # fmt: skip
    request_model, path_model = validate(command, body, path or {}, path_in_body=path_in_body)
    acts_for_command(who, command, request_model, path_model, path_in_body=path_in_body)


ORDER_ID = "01J0000000000000000000000Z"
LIMIT = {"client_order_id": "c-1", "symbol": "ACME", "side": "buy", "type": "limit",
         "quantity": 1, "price": 100}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "body", "path", "where"),
    [
        ("deposit", {"amount": 5}, {"account_id": "{}"}, "parameter"),
        ("withdraw", {"amount": 5}, {"account_id": "{}"}, "parameter"),
        ("transfer_shares", {"symbol": "ACME", "quantity": 1, "direction": "out"},
         {"account_id": "{}"}, "parameter"),
        ("place_order", {**LIMIT, "account_id": "{}"}, {}, "pointer"),
        ("cancel_order", {"account_id": "{}"}, {"order_id": ORDER_ID}, "pointer"),
    ],
)  # fmt: skip
def test_every_account_command_acts_for_the_account_it_names(
    name: str, body: dict[str, Any], path: dict[str, Any], where: str
) -> None:
    command, trader = BY_NAME[name], key("exchange:write", accounts=("acct-a",))

    def naming(account: str) -> tuple[dict[str, Any], dict[str, Any]]:
        fill = {k: v.format(account) if v == "{}" else v for k, v in body.items()}
        return fill, {k: v.format(account) if v == "{}" else v for k, v in path.items()}

    command_check(trader, command, *naming("acct-a"))
    problem = refused(command_check, trader, command, *naming("acct-b"))
    assert problem.errors[0]["field"] == "account_id" and where in problem.errors[0]
    command_check(key("exchange:write", "exchange:operator"), command, *naming("acct-b"))


def test_a_batch_line_names_its_account_by_pointer() -> None:
    trader = key("exchange:write", accounts=("acct-a",))
    problem = refused(
        command_check, trader, BY_NAME["deposit"], {"amount": 5}, {"account_id": "acct-b"},
        path_in_body=True,
    )  # fmt: skip
    assert problem.errors[0]["pointer"] == "#/account_id"


def test_the_judges_commands_act_for_the_learner_they_name() -> None:
    ada = key("judge:write", learner="ada")
    for command in (judge_commands.RUN, judge_commands.SUBMIT):
        command_check(ada, command, SUBMIT | {"user_id": "ada"})
        problem = refused(command_check, ada, command, SUBMIT | {"user_id": "bob"})
        assert problem.errors[0]["pointer"] == "#/user_id"
    mark = judge_commands.MARK
    command_check(ada, mark, {"status": "completed"}, {"user_id": "ada", "problem_id": "p"})
    problem = refused(
        command_check, ada, mark, {"status": "completed"}, {"user_id": "bob", "problem_id": "p"}
    )
    assert problem.errors[0]["parameter"] == "user_id"


def test_admin_commands_name_no_principal() -> None:
    admin = key("exchange:admin", "judge:admin")
    command_check(admin, BY_NAME["list_instrument"], {"symbol": "ACME", "tick_size": 1,
                                                      "lot_size": 1})  # fmt: skip
    command_check(admin, BY_NAME["halt"], {"reason": "news"}, {"symbol": "ACME"})
    command_check(admin, judge_commands.PUBLISH, PROBLEM)
