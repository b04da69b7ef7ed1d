#!/usr/bin/env python3
"""Unit tests of scripts/relevance_metrics.py against hand-computed values.

Run: python3 tests/relevance/metrics_test.py (ctest: relevance_metrics).
Logarithms used below: log2(3) = 1.5849625, so 1/log2(3) = 0.6309298;
log2(4) = 2 (1/2 = 0.5); log2(5) = 2.3219281, so 1/log2(5) = 0.4306766.
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import relevance_metrics as rm  # noqa: E402


class NdcgMapRecallTest(unittest.TestCase):
    def assertScores(self, ranking, judgments, ndcg, ap, recall):
        self.assertAlmostEqual(rm.ndcg_cut(ranking, judgments, 10), ndcg, places=6)
        self.assertAlmostEqual(rm.average_precision(ranking, judgments), ap, places=6)
        self.assertAlmostEqual(rm.recall_cut(ranking, judgments, 100), recall, places=6)

    def testPerfectRanking(self):
        # Every relevant document first: DCG = IDCG, each relevant document
        # has precision 1 at its rank, all are retrieved.
        judgments = {"a": 1, "b": 1, "c": 1, "n": 0}
        self.assertScores(["a", "b", "c", "n", "x"], judgments, 1.0, 1.0, 1.0)

    def testReversedRanking(self):
        # Ideal order a b n1 n2; the run has it backwards: n2 n1 b a.
        # DCG  = 1/log2(4) + 1/log2(5) = 0.5 + 0.4306766 = 0.9306766
        # IDCG = 1/log2(2) + 1/log2(3) = 1 + 0.6309298   = 1.6309298
        # nDCG = 0.9306766 / 1.6309298 = 0.5706417
        # AP   = (1/3 + 2/4) / 2 = 0.8333333 / 2 = 0.4166667
        judgments = {"a": 1, "b": 1, "n1": 0, "n2": 0}
        self.assertScores(["n2", "n1", "b", "a"], judgments, 0.5706417, 0.4166667, 1.0)

    def testGradedGainsAreTheGrades(self):
        # Grades a=3 b=2 c=1, run c b a (worst first).
        # DCG  = 1/log2(2) + 2/log2(3) + 3/log2(4) = 1 + 1.2618595 + 1.5 = 3.7618595
        # IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.2618595 + 0.5 = 4.7618595
        # nDCG = 3.7618595 / 4.7618595 = 0.7899980
        # AP and recall only see relevance (grade > 0): 1/1, 2/2, 3/3 -> 1.
        judgments = {"a": 3, "b": 2, "c": 1}
        self.assertScores(["c", "b", "a"], judgments, 0.7899980, 1.0, 1.0)
        # Best first is perfect whatever the grades.
        self.assertScores(["a", "b", "c"], judgments, 1.0, 1.0, 1.0)

    def testNegativeAndZeroGradesGainNothing(self):
        # x (grade -1) and n (grade 0) at ranks 1-2, a (grade 2) at rank 3.
        # DCG = 2/log2(4) = 1; IDCG = 2/log2(2) = 2; nDCG = 0.5.
        # AP = (1/3) / 1; recall = 1/1.
        judgments = {"a": 2, "n": 0, "x": -1}
        self.assertScores(["x", "n", "a"], judgments, 0.5, 1 / 3, 1.0)

    def testNoResults(self):
        judgments = {"a": 1, "b": 2}
        self.assertScores([], judgments, 0.0, 0.0, 0.0)

    def testRelevantDocumentsMissingFromTheRun(self):
        # Relevant a b c d; the run finds a (rank 1) and c (rank 3) only.
        # DCG  = 1 + 1/log2(4) = 1.5
        # IDCG = 1 + 0.6309298 + 0.5 + 0.4306766 = 2.5616064
        # nDCG = 1.5 / 2.5616064 = 0.5855700
        # AP   = (1/1 + 2/3) / 4 = 1.6666667 / 4 = 0.4166667 (b, d: precision 0)
        # R@100 = 2/4
        judgments = {"a": 1, "b": 1, "c": 1, "d": 1}
        self.assertScores(["a", "x", "c"], judgments, 0.5855700, 0.4166667, 0.5)

    def testDuplicatesCountOnceAtTheirFirstRank(self):
        # x x a x b is read as x a b (copies removed, a and b move up).
        # DCG  = 1/log2(3) + 1/log2(4) = 0.6309298 + 0.5 = 1.1309298
        # IDCG = 1 + 0.6309298 = 1.6309298
        # nDCG = 1.1309298 / 1.6309298 = 0.6934264
        # AP   = (1/2 + 2/3) / 2 = 1.1666667 / 2 = 0.5833333
        # (without removal: (1/3 + 2/5) / 2 = 0.3666667)
        judgments = {"a": 1, "b": 1}
        self.assertScores(["x", "x", "a", "x", "b"], judgments, 0.6934264, 0.5833333, 1.0)
        # A relevant document repeated is not counted twice: a a b = a b.
        self.assertScores(["a", "a", "b"], judgments, 1.0, 1.0, 1.0)

    def testCutoffs(self):
        # One relevant document at rank 11: outside nDCG@10 (0), AP = 1/11.
        judgments = {"a": 1}
        run = ["n%d" % i for i in range(10)] + ["a"]
        self.assertScores(run, judgments, 0.0, 1 / 11, 1.0)
        # At rank 101: outside R@100 (0), AP = 1/101.
        run = ["n%d" % i for i in range(100)] + ["a"]
        self.assertScores(run, judgments, 0.0, 1 / 101, 0.0)

    def testIdealIsCutAtTen(self):
        # 12 relevant documents, the first 10 of them in the top 10: DCG@10 =
        # IDCG@10 (the two relevant documents beyond rank 10 do not lower it).
        judgments = {"r%d" % i: 1 for i in range(12)}
        run = ["r%d" % i for i in range(10)]
        self.assertAlmostEqual(rm.ndcg_cut(run, judgments, 10), 1.0, places=9)
        # AP = 10 * 1 / 12; R@100 = 10/12.
        self.assertAlmostEqual(rm.average_precision(run, judgments), 10 / 12, places=9)
        self.assertAlmostEqual(rm.recall_cut(run, judgments, 100), 10 / 12, places=9)
        # The grade-2 document ranks first in the ideal list, cut at 10:
        # IDCG = 2 + sum over ranks 2..10 of 1/log2(rank + 1) (nine ones).
        judgments["g"] = 2
        ideal = 2 + sum(1 / rm.math.log2(r + 1) for r in range(2, 11))
        got = sum(1 / rm.math.log2(r + 1) for r in range(1, 11))  # run: ten ones
        self.assertAlmostEqual(rm.ndcg_cut(run, judgments, 10), got / ideal, places=9)


class EvaluateTest(unittest.TestCase):
    def testCompleteAveragingCountsQueriesAbsentFromTheRun(self):
        qrels = {
            "1": {"a": 1, "n": 0},   # in the run, perfect
            "2": {"b": 1},           # absent from the run: scores 0, counted
            "3": {"c": 0},           # no relevant document: not counted
        }
        run = {"1": ["a", "n"], "3": ["c"], "4": ["z"]}  # "4" has no qrels
        result = rm.evaluate(run, qrels)
        self.assertEqual(result["queries"], 2)
        self.assertEqual(result["answered"], 1)
        self.assertEqual(sorted(result["per_query"]), ["1", "2"])
        # Each mean = (1 + 0) / 2.
        for measure in rm.MEASURES:
            self.assertAlmostEqual(result["mean"][measure], 0.5, places=9)
            self.assertEqual(result["per_query"]["2"][measure], 0.0)

    def testEmptyListIsNotAnswered(self):
        qrels = {"1": {"a": 1}, "2": {"b": 1}}
        result = rm.evaluate({"1": [], "2": ["x", "b"]}, qrels)
        self.assertEqual(result["answered"], 1)
        # Query 2: nDCG = (1/log2 3) / 1 = 0.6309298, AP = 1/2, R@100 = 1;
        # query 1 scores 0. Means: 0.3154649, 0.25, 0.5.
        self.assertAlmostEqual(result["mean"]["ndcg_cut_10"], 0.3154649, places=6)
        self.assertAlmostEqual(result["mean"]["map"], 0.25, places=9)
        self.assertAlmostEqual(result["mean"]["recall_100"], 0.5, places=9)

    def testNoJudgedQueries(self):
        result = rm.evaluate({"1": ["a"]}, {"1": {"a": 0}})
        self.assertEqual(result["queries"], 0)
        self.assertEqual(result["mean"], {m: 0.0 for m in rm.MEASURES})


class OrderAndFilesTest(unittest.TestCase):
    def testTrecOrderBreaksTiesByKeyDescending(self):
        scored = [("1", 2.0), ("3", 2.0), ("2", 5.0), ("10", 2.0)]
        # 5.0 first; the 2.0 tie in descending string order: "3" > "10" > "1".
        self.assertEqual(rm.trec_order(scored), ["2", "3", "10", "1"])

    def testReadQrelsAndQueries(self):
        with tempfile.TemporaryDirectory() as tmp:
            qrels_path = os.path.join(tmp, "qrels.tsv")
            with open(qrels_path, "w", encoding="utf-8") as fh:
                fh.write("# comment\n1\t28\t1\n1\t35\t2\n\n2 0 a/b.md 0\n")
            self.assertEqual(rm.read_qrels(qrels_path),
                             {"1": {"28": 1, "35": 2}, "2": {"a/b.md": 0}})
            queries_path = os.path.join(tmp, "queries.tsv")
            with open(queries_path, "w", encoding="utf-8") as fh:
                fh.write("1\twhat is information science?\n2\tazure  \n")
            self.assertEqual(rm.read_queries(queries_path),
                             {"1": "what is information science?", "2": "azure"})
            with open(qrels_path, "w", encoding="utf-8") as fh:
                fh.write("1\t28\n")
            with self.assertRaises(ValueError):
                rm.read_qrels(qrels_path)


if __name__ == "__main__":
    unittest.main()
