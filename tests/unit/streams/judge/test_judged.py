"""The answered set forgets what can no longer come back: commands below the committed offset."""

from __future__ import annotations

from streams.judge.judged import AnsweredCommands


def test_an_answered_command_is_known() -> None:
    answers = AnsweredCommands("ada")
    answers.add("c1", offset=5, committed=None)
    assert answers.answered("c1")
    assert not answers.answered("c2")


def test_commands_below_the_committed_offset_are_forgotten() -> None:
    answers = AnsweredCommands("ada")
    answers.add("c1", offset=5, committed=None)
    answers.add("c2", offset=9, committed=None)
    answers.add("c3", offset=12, committed=9)
    assert not answers.answered("c1")  # offset 5 < 9: committed, never redelivered
    assert answers.answered("c2") and answers.answered("c3")


def test_the_saved_form_round_trips() -> None:
    answers = AnsweredCommands("ada")
    answers.add("c1", offset=5, committed=None)
    assert AnsweredCommands.from_dict(answers.to_dict()) == answers
