// Finds the content files under the roots given to `nsearch index`.

#ifndef NSEARCH_INDEXER_WALKER_H_
#define NSEARCH_INDEXER_WALKER_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "indexer/document_builder.h"

namespace nsearch::indexer {

// Lists the `.md` and `.markdown` files under each root, sorted by path.
// Hidden files and folders (a name starting with ".") are skipped. Symbolic
// links are followed only when their target lies inside the root, and a
// folder is never entered twice (no loops). A root may be a single file.
//   kNotFound  a root does not exist
//   kIOError   a root cannot be read
// Unreadable sub-folders are skipped and reported through `problems`.
Result<std::vector<SourceFile>> ListContentFiles(
    const std::vector<std::string>& roots,
    std::vector<std::pair<std::string, std::string>>* problems);

// Makes `path` absolute and lexically normal, without resolving symlinks.
std::string AbsolutePath(const std::string& path);

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_WALKER_H_
