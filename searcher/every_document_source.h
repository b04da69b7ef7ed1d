// A posting source of nsearch's own that matches every document of a local
// database (docids 1..last) and gives each the subclass's weight. Local
// databases only: a stock Xapian server cannot rebuild it. The priors'
// sources (prior.cc) and the pruning guard (pruning_guard.cc) build on it.

#ifndef NSEARCH_SEARCHER_EVERY_DOCUMENT_SOURCE_H_
#define NSEARCH_SEARCHER_EVERY_DOCUMENT_SOURCE_H_

#include <xapian.h>

namespace nsearch::searcher {

// Subclasses give get_weight() of the current docid() (did_), set their
// maximum weight in InitSource and implement clone().
class EveryDocumentSource : public Xapian::PostingSource {
 public:
  void init(const Xapian::Database& db) override {
    did_ = 0;
    last_ = db.get_lastdocid();
    count_ = db.get_doccount();
    InitSource(db);
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
  Xapian::docid get_docid() const override { return did_; }
  void next(double) override { ++did_; }
  void skip_to(Xapian::docid did, double) override {
    if (did > did_) did_ = did;
  }
  // Always on `did` (or past the end): the source never runs ahead of the
  // postings it is checked against.
  bool check(Xapian::docid did, double) override {
    if (did > did_) did_ = did;
    return true;
  }
  bool at_end() const override { return did_ > last_; }

 protected:
  virtual void InitSource(const Xapian::Database& db) = 0;
  Xapian::docid did_ = 0;

 private:
  Xapian::docid last_ = 0;
  Xapian::doccount count_ = 0;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_EVERY_DOCUMENT_SOURCE_H_
