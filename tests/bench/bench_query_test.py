#!/usr/bin/env python3
"""Unit tests of scripts/bench-query's translation for quest over a stock
Xapian index (omindex: every file as plain text, no prefixes).

Run: python3 tests/bench/bench_query_test.py (ctest: bench_query_translation).
"""

import importlib.machinery
import importlib.util
import os
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "scripts", "bench-query")
_loader = importlib.machinery.SourceFileLoader("bench_query", SCRIPT)
_spec = importlib.util.spec_from_loader("bench_query", _loader)
bq = importlib.util.module_from_spec(_spec)
_loader.exec_module(bq)


def stock(text, flags=()):
    return bq.to_quest_stock(bq.Query(text, text, list(flags), "test"))


class QuestStockTranslationTest(unittest.TestCase):
    def testWordsPhrasesOperatorsAndWildcardsCarryOver(self):
        self.assertEqual(stock("power apps"), ("power apps", []))
        self.assertEqual(stock('"power apps" offline'), ('"power apps" offline', []))
        self.assertEqual(stock("(azure OR aws) -teams +gpu"),
                         ("(azure OR aws) -teams +gpu", []))
        self.assertEqual(stock("azure NEAR/3 pricing"), ("azure NEAR/3 pricing", []))
        self.assertEqual(stock("kube*"), ("kube*", []))

    def testFieldsFiltersRangesAndFlagsAreNotRun(self):
        for text in ("title:azure", "topic:ai azure", 'excerpt:"power apps"',
                     "quality:70..", "date:2020-06..2020-12 azure"):
            query, notes = stock(text)
            self.assertIsNone(query, text)
            self.assertTrue(notes and "not run" in notes[0], text)
        query, notes = stock("azure", ["--facets", "topic"])
        self.assertIsNone(query)
        self.assertTrue(notes and "not run" in notes[0])

    def testEveryQueryOfTheSetIsTranslatedOrSaysWhyNot(self):
        queries = bq.read_queries(os.path.join(os.path.dirname(SCRIPT), "queries.txt"))
        ran = 0
        for q in queries:
            query, notes = bq.to_quest_stock(q)
            if query is None:
                self.assertTrue(notes, q.line)
            else:
                self.assertEqual(notes, [], q.line)
                self.assertNotIn(":", query, q.line)
                ran += 1
        self.assertGreater(ran, len(queries) // 2)


if __name__ == "__main__":
    unittest.main()
