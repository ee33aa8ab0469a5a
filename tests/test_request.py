"""The one request model: what a user can type, and the messages a mistake gets, the same for every door."""

from __future__ import annotations

from datetime import date

import pytest

from bot.request import CheckRequest, InputError
from bot.text.language import looks_english


def test_a_valid_request_is_typed():
    req = CheckRequest.of("  Russian forces\tcaptured Kherson ", as_of="2022-03-05", top_k="5")
    assert req.claim == "Russian forces captured Kherson"
    assert req.as_of == date(2022, 3, 5) and req.top_k == 5 and req.date_from is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"claim": ""}, "empty"),
        ({"claim": "x" * 1001}, "over the limit"),
        ({"claim": "?!"}, "no words"),
        ({"claim": "ok claim", "as_of": "March 5"}, "not a date"),
        ({"claim": "ok claim", "date_from": "2022-03-05", "date_to": "2022-03-01"}, "after date_to"),
        ({"claim": "ok claim", "top_k": 0}, "between 1 and 50"),
        ({"claim": "ok claim", "top_k": "many"}, "whole number"),
        ({"claim": "ok claim", "top_k": 5.5}, "whole number"),
        ({"claim": "ok claim", "top_k": True}, "whole number"),
        ({"claim": b"bytes"}, "must be text"),
    ],
)
def test_bad_input_gets_a_message_to_show(kwargs, message):
    with pytest.raises(InputError, match=message):
        CheckRequest.of(**kwargs)


@pytest.mark.parametrize(
    "claim",
    [
        "Крейсер «Москва» затонув у квітні 2022 року",
        "Les forces russes ont capturé la ville de Kherson",
        "Die russischen Truppen haben Cherson eingenommen",
        "Las fuerzas rusas capturaron la ciudad de Jersón",
    ],
)
def test_a_claim_not_in_english_is_refused_with_a_clear_message(claim):
    assert not looks_english(claim)
    with pytest.raises(InputError, match="English only"):
        CheckRequest.of(claim)


@pytest.mark.parametrize(
    "claim",
    [
        "Russian forces captured Kherson in early March 2022",
        "Le Monde reported that Russian forces captured Kherson",
        "Islamic State attacked Крокус City Hall",
        "Shoigu visited Kherson",
    ],
)
def test_english_claims_with_foreign_names_are_accepted(claim):
    assert looks_english(claim)
    assert CheckRequest.of(claim).claim == claim
