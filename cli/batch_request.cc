#include "cli/batch_request.h"

#include <string>
#include <vector>

#include "common/text_util.h"

namespace nsearch::cli {

namespace {

Status Expect(bool ok, const std::string& key, const char* what) {
  if (ok) return Status::Ok();
  return InvalidArgument("request field '" + key + "' must be " + what);
}

// A string or a list of strings.
Status StringList(const Json& value, const std::string& key,
                  std::vector<std::string>* out) {
  out->clear();
  if (value.is_string()) {
    out->push_back(value.get<std::string>());
    return Status::Ok();
  }
  NSEARCH_RETURN_IF_ERROR(
      Expect(value.is_array(), key, "a string or a list of strings"));
  for (const auto& v : value) {
    NSEARCH_RETURN_IF_ERROR(
        Expect(v.is_string(), key, "a string or a list of strings"));
    out->push_back(v.get<std::string>());
  }
  return Status::Ok();
}

// "any" or "all" set to `on`: the match mode (a request overrides the
// command line's).
void SetMatch(const std::string& key, bool on, searcher::SearchRequest* req) {
  using searcher::MatchMode;
  const MatchMode mode = key == "any" ? MatchMode::kAny : MatchMode::kAll;
  if (on) {
    req->match = mode;
  } else if (req->match == mode) {
    req->match = MatchMode::kRelaxed;
  }
}

// Applies a JSON request object on top of the command line's defaults.
Status ApplyRequest(const Json& r, searcher::SearchRequest* req,
                    bool* parse_only) {
  auto on = [&r](const char* key) {
    const auto it = r.find(key);
    return it != r.end() && it->is_boolean() && it->get<bool>();
  };
  if (on("any") && on("all"))
    return InvalidArgument("request fields 'any' and 'all' exclude each other");
  for (const auto& [key, value] : r.items()) {
    if (key == "id") continue;
    if (key == "q" || key == "query") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_string(), key, "a string"));
      req->query = value.get<std::string>();
    } else if (key == "limit" || key == "offset" || key == "facet_size") {
      NSEARCH_RETURN_IF_ERROR(
          Expect(value.is_number_unsigned(), key, "a non-negative integer"));
      (key == "limit"    ? req->limit
       : key == "offset" ? req->offset
                         : req->facet_size) = value.get<size_t>();
    } else if (key == "histogram") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_string(), key, "a string"));
      NSEARCH_ASSIGN_OR_RETURN(
          req->histogram, searcher::ParseInterval(value.get<std::string>()));
    } else if (key == "sort") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_string(), key, "a string"));
      NSEARCH_ASSIGN_OR_RETURN(
          req->sort, searcher::ParseSortOrder(value.get<std::string>()));
    } else if (key == "collapse" && value.is_string()) {
      NSEARCH_ASSIGN_OR_RETURN(
          req->collapse, searcher::ParseCollapseMode(value.get<std::string>()));
    } else if (key == "any" || key == "all" || key == "prior" ||
               key == "collapse" || key == "explain" || key == "parse_only" ||
               key == "correct" || key == "prefix") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_boolean(), key,
                                     key == "collapse"
                                         ? "story, url, none, true or false"
                                         : "true or false"));
      const bool b = value.get<bool>();
      if (key == "correct") req->correct = b;
      if (key == "prefix") req->prefix = b;
      if (key == "any" || key == "all") SetMatch(key, b, req);
      if (key == "prior") req->prior = b;
      if (key == "collapse")
        req->collapse =
            b ? searcher::CollapseMode::kStory : searcher::CollapseMode::kNone;
      if (key == "explain") req->explain = b;
      if (key == "parse_only") *parse_only = b;
    } else if (key == "topic" || key == "topics") {
      NSEARCH_RETURN_IF_ERROR(StringList(value, key, &req->topics));
    } else if (key == "provider" || key == "providers") {
      NSEARCH_RETURN_IF_ERROR(StringList(value, key, &req->providers));
    } else if (key == "type" || key == "types") {
      NSEARCH_RETURN_IF_ERROR(StringList(value, key, &req->types));
    } else if (key == "facets") {
      NSEARCH_RETURN_IF_ERROR(StringList(value, key, &req->facets));
    } else if (key == "since" || key == "until") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_string(), key, "a date string"));
      (key == "since" ? req->since : req->until) = value.get<std::string>();
    } else if (key == "timeout_ms") {
      NSEARCH_RETURN_IF_ERROR(
          Expect(value.is_number() && value.get<double>() >= 0, key,
                 "a non-negative number"));
      req->timeout_ms = value.get<double>();
    } else if (key == "min_quality" || key == "min_heat") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_number(), key, "a number"));
      (key == "min_quality" ? req->min_quality : req->min_heat) =
          value.get<double>();
    } else if (key == "boost") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_object(), key, "an object"));
      for (const auto& [name, weight] : value.items()) {
        NSEARCH_RETURN_IF_ERROR(
            Expect(weight.is_number(), "boost." + name, "a number"));
        NSEARCH_RETURN_IF_ERROR(
            searcher::SetBoost(name, weight.get<double>(), req));
      }
    } else if (key == "half_life" || key == "now") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_string(), key, "a string"));
      NSEARCH_RETURN_IF_ERROR(
          key == "now" ? searcher::SetNow(value.get<std::string>(), req)
                       : searcher::SetHalfLife(value.get<std::string>(), req));
    } else {
      return InvalidArgument("unknown request field '" + key + "'");
    }
  }
  return Status::Ok();
}

// A suggest request: {"suggest": TEXT, "id", "limit", "completions"}.
Status ApplySuggestRequest(const Json& r, searcher::SuggestRequest* req) {
  for (const auto& [key, value] : r.items()) {
    if (key == "id") continue;
    if (key == "suggest") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_string(), key, "a string"));
      req->text = value.get<std::string>();
    } else if (key == "limit" || key == "completions") {
      NSEARCH_RETURN_IF_ERROR(
          Expect(value.is_number_unsigned(), key, "a non-negative integer"));
      (key == "limit" ? req->limit : req->completions) = value.get<size_t>();
    } else {
      return InvalidArgument("unknown field '" + key +
                             "' in a suggest request (id, suggest, limit, "
                             "completions)");
    }
  }
  if (FindInvalidUtf8(req->text) != std::string::npos)
    return InvalidArgument("the text is not valid UTF-8");
  return Status::Ok();
}

}  // namespace

Result<BatchRequest> ParseBatchLine(std::string_view line,
                                    const searcher::SearchRequest& defaults,
                                    Json* id) {
  BatchRequest out;
  out.request = defaults;
  const std::string_view text = Trim(line);
  if (!text.empty() && text[0] == '{') {
    const Json r = Json::parse(text, nullptr, false);
    if (r.is_discarded() || !r.is_object())
      return InvalidArgument("the request line is not a valid JSON object");
    if (r.contains("id")) *id = r["id"];
    if (r.contains("suggest")) {
      out.suggest.emplace();
      NSEARCH_RETURN_IF_ERROR(ApplySuggestRequest(r, &*out.suggest));
      return out;
    }
    NSEARCH_RETURN_IF_ERROR(ApplyRequest(r, &out.request, &out.parse_only));
  } else {
    out.request.query = std::string(text);
  }
  if (FindInvalidUtf8(out.request.query) != std::string::npos)
    return InvalidArgument("the query is not valid UTF-8");
  return out;
}

}  // namespace nsearch::cli
