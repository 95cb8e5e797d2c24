"""Pol.is votes.csv in and out: imports are all or nothing with a report row by row; exports are the same
format with participants numbered in an order that links to nothing.

The real conversation used here is Pol.is open data (tests/evidence/data/polis, CC BY 4.0): gathered with
the Polis software (compdemocracy.org/polis), with attribution to The Computational Democracy Project.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chalkface.conversations import actions
from chalkface.conversations.models import Vote
from chalkface.evidence.opinions import read_polis_votes, vote_matrix
from tests.conversations.helpers import SEEDS, ConversationTestCase

SEATTLE = Path(__file__).resolve().parent.parent / "evidence" / "data" / "polis" / "15-per-hour-seattle"
HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"


def _profiles(frame: object) -> Counter:
    """Each participant's votes as a sorted tuple, counted: equal for two files with the same votes under
    any renumbering of the participants."""
    vm = vote_matrix(frame)  # type: ignore[arg-type]
    rows: dict[int, list[tuple[object, int]]] = {}
    for r, c, v in zip(vm.rows, vm.cols, vm.values, strict=True):
        rows.setdefault(int(r), []).append((vm.statements[int(c)], int(v)))
    return Counter(tuple(sorted(p)) for p in rows.values())


class ImportTests(ConversationTestCase):
    def upload(self, text: str, name: str = "votes.csv") -> object:
        self.login(self.olivia)
        return self.client.post(
            reverse("conversations:import", args=[self.conversation.pk]),
            {"votes": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
        )

    def test_it_keeps_the_latest_vote_per_participant_and_statement(self) -> None:
        response = self.upload(HEADER + "1000,,0,7,1\n3000,,0,7,-1\n2000,,0,7,0\n1000,,1,8,1\n")
        self.assertContains(response, 'id="import-done"')
        self.assertEqual(Vote.objects.count(), 2)
        first = self.conversation.statements.get(number=0)
        self.assertEqual(Vote.objects.get(statement=first).value, -1)
        self.assertEqual(len(set(Vote.objects.values_list("participant", flat=True))), 2)
        self.assertNotIn("7", set(Vote.objects.values_list("participant", flat=True)))

    def test_a_file_with_a_bad_row_saves_nothing_and_says_which_row(self) -> None:
        response = self.upload(HEADER + "1000,,0,7,1\n1001,,x,7,1\n1002,,1,8,2\n")
        self.assertContains(response, 'id="import-errors"', status_code=400)
        self.assertContains(response, "Row 3, column comment-id", status_code=400)
        self.assertContains(response, "Row 4, column vote", status_code=400)
        self.assertEqual(Vote.objects.count(), 0)

    def test_it_refuses_a_file_without_the_polis_columns(self) -> None:
        response = self.upload("a,b\n1,2\n")
        self.assertContains(response, "comment-id", status_code=400)
        self.assertContains(response, "Nothing was saved", status_code=400)
        self.assertEqual(Vote.objects.count(), 0)

    def test_it_makes_the_statements_it_does_not_know_with_their_text(self) -> None:
        comments = "comment-id,comment-body\n40,Lunch breaks should be protected.\n"
        self.login(self.olivia)
        self.client.post(
            reverse("conversations:import", args=[self.conversation.pk]),
            {
                "votes": SimpleUploadedFile("votes.csv", (HEADER + "1,,40,1,1\n").encode()),
                "comments": SimpleUploadedFile("comments.csv", comments.encode()),
            },
        )
        self.assertEqual(
            self.conversation.statements.get(number=40).text, "Lunch breaks should be protected."
        )

    def test_a_real_polis_conversation_goes_in_and_comes_out_with_the_same_votes(self) -> None:
        conversation = actions.create_conversation(None, self.campaign, {"topic": "A $15 minimum wage"})
        report = actions.import_votes(
            None,
            conversation,
            (SEATTLE / "votes.csv").read_bytes(),
            "votes.csv",
            ((SEATTLE / "comments.csv").read_bytes(), "comments.csv"),
        )
        self.assertTrue(report.ok, report.errors[:3])
        original = read_polis_votes(SEATTLE / "votes.csv")
        self.assertEqual(report.votes, vote_matrix(original).n_votes)
        exported = read_polis_votes(io.BytesIO(actions.export_votes(None, conversation)))
        self.assertEqual(_profiles(exported), _profiles(original))
        self.assertEqual(conversation.statements.count(), 54)


class ExportTests(ConversationTestCase):
    def test_our_votes_come_out_in_the_polis_format_and_read_back(self) -> None:
        client = self.enter()
        self.vote_all(client, lambda t: 1 if SEEDS.index(t) % 2 else -1)
        body = actions.export_votes(None, self.conversation)
        self.assertTrue(body.decode().startswith("timestamp,datetime,comment-id,voter-id,vote"))
        frame = read_polis_votes(io.BytesIO(body))
        self.assertEqual(frame.height, len(SEEDS))
        self.assertEqual(set(frame["participant"].to_list()), {0})
