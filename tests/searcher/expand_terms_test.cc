#include "searcher/expand_terms.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

namespace nsearch::searcher {
namespace {

// Accepts what nsearch's expansion would: "Z" stems of the free text.
bool IsStem(const std::string& term) {
  return term.size() > 2 && term[0] == 'Z' &&
         !(term[1] >= 'A' && term[1] <= 'Z');
}

// Xapian's own expand set of the same documents (exact frequencies, terms
// another document shares), to compare with.
class SharedStems : public Xapian::ExpandDecider {
 public:
  explicit SharedStems(const Xapian::Database& db) : db_(db) {}
  bool operator()(const std::string& term) const override {
    return IsStem(term) && db_.get_termfreq(term) > 1;
  }

 private:
  const Xapian::Database& db_;
};

// Documents of words drawn unevenly from a small vocabulary (so there are
// frequent and rare terms, repeated words, short and long documents, and
// many equal weights), spread over `shards` in-memory databases searched
// as one.
Xapian::Database MakeCollection(int shards,
                                std::vector<Xapian::WritableDatabase>* keep) {
  Xapian::Database all;
  for (int s = 0; s < shards; ++s) {
    keep->emplace_back(std::string(), Xapian::DB_BACKEND_INMEMORY);
    all.add_database(keep->back());
  }
  uint32_t seed = 12345;
  auto next = [&seed] {
    return seed = seed * 1103515245u + 12345u, (seed >> 8) % 1000;
  };
  for (int d = 0; d < 240; ++d) {
    Xapian::Document doc;
    const int words = 3 + static_cast<int>(next() % 25);
    for (int w = 0; w < words; ++w) {
      const unsigned r = next();
      doc.add_term("Zw" + std::to_string(r * r / 20000));  // Skewed: 0..49.
    }
    doc.add_term("XTtopic" + std::to_string(next() % 5), 2);  // A field term.
    doc.add_boolean_term("Q" + std::to_string(d));
    (*keep)[d % shards].add_document(doc);
  }
  for (auto& shard : *keep) shard.commit();
  return all;
}

std::string Describe(const std::vector<std::pair<std::string, double>>& terms) {
  std::string out;
  for (const auto& [term, weight] : terms)
    out += term + "=" + std::to_string(weight) + " ";
  return out;
}

TEST(ExpandTermsTest, ChoosesXapiansExpandSetWithExactFrequencies) {
  for (const int shards : {1, 3}) {
    std::vector<Xapian::WritableDatabase> keep;
    const Xapian::Database db = MakeCollection(shards, &keep);
    const SharedStems decider(db);
    for (const size_t size : {1, 3, 10}) {
      for (Xapian::docid first = 1; first + size <= 240; first += 17) {
        Xapian::RSet rset;
        std::vector<Xapian::docid> relevant;
        for (Xapian::docid d = first; d < first + size; ++d) {
          rset.add_document(d);
          relevant.push_back(d);
        }
        const Xapian::ESet eset = Xapian::Enquire(db).get_eset(
            10, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
        std::vector<std::pair<std::string, double>> want;
        for (auto t = eset.begin(); t != eset.end(); ++t)
          want.emplace_back(*t, t.get_weight());
        for (const bool remote : {false, true}) {
          std::vector<std::pair<std::string, double>> got;
          for (const ExpandTerm& t :
               ExpandTerms(db, relevant, 10, IsStem, remote))
            got.emplace_back(t.term, t.weight);
          ASSERT_EQ(want.size(), got.size())
              << "shards " << shards << " from " << first << " size " << size
              << "\nwant " << Describe(want) << "\ngot  " << Describe(got);
          for (size_t i = 0; i < want.size(); ++i) {
            EXPECT_EQ(want[i].first, got[i].first)
                << "shards " << shards << " from " << first << " size " << size
                << "\nwant " << Describe(want) << "\ngot  " << Describe(got);
            EXPECT_NEAR(want[i].second, got[i].second, 1e-12);
          }
        }
      }
    }
  }
}

TEST(ExpandTermsTest, KeepsOnlyTermsAnotherDocumentShares) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::Document a, b, c;
  a.add_term("Zshared");
  a.add_term("Zonly");
  b.add_term("Zshared");
  c.add_term("Zother");
  db.add_document(a);
  db.add_document(b);
  db.add_document(c);
  const auto terms = ExpandTerms(db, {1}, 10, IsStem, false);
  ASSERT_EQ(1u, terms.size());
  EXPECT_EQ("Zshared", terms[0].term);
  EXPECT_TRUE(ExpandTerms(db, {}, 10, IsStem, false).empty());
  EXPECT_TRUE(ExpandTerms(db, {1}, 0, IsStem, false).empty());
}

}  // namespace
}  // namespace nsearch::searcher
