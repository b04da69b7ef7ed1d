#include "cli/batch_request.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/text_util.h"

namespace nsearch::cli {

namespace {

using searcher::SearchRequest;

// How a request's settings are named in messages: as the flags a user
// typed, or as the keys of a batch line.
class Names {
 public:
  explicit Names(RequestSource source) : source_(source) {}
  // "--facet-size", or "request field 'facet_size'".
  std::string Of(const std::string& key) const {
    if (source_ == RequestSource::kBatchLine)
      return "request field '" + key + "'";
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    return flag;
  }
  // "--any and --all", or "request fields 'any' and 'all'".
  std::string Pair(const std::string& a, const std::string& b) const {
    if (source_ == RequestSource::kBatchLine)
      return "request fields '" + a + "' and '" + b + "'";
    return Of(a) + " and " + Of(b);
  }

 private:
  RequestSource source_;
};

Status Expect(bool ok, const std::string& name, const char* what) {
  if (ok) return Status::Ok();
  return InvalidArgument(name + " must be " + what);
}

// A string or a list of strings.
Status StringList(const Json& value, const std::string& name,
                  std::vector<std::string>* out) {
  out->clear();
  if (value.is_string()) {
    out->push_back(value.get<std::string>());
    return Status::Ok();
  }
  NSEARCH_RETURN_IF_ERROR(
      Expect(value.is_array(), name, "a string or a list of strings"));
  for (const auto& v : value) {
    NSEARCH_RETURN_IF_ERROR(
        Expect(v.is_string(), name, "a string or a list of strings"));
    out->push_back(v.get<std::string>());
  }
  return Status::Ok();
}

// A count from 0 to `max` (a flag's value is signed, a batch line's
// unsigned unless negative; one past int64 reads as the largest int64).
Status Count(const Json& value, const std::string& name, size_t max,
             size_t* out) {
  NSEARCH_RETURN_IF_ERROR(
      Expect(value.is_number_integer(), name, "a non-negative integer"));
  const bool huge =
      value.is_number_unsigned() && value.get<uint64_t>() > uint64_t{INT64_MAX};
  const int64_t v = huge ? INT64_MAX : value.get<int64_t>();
  NSEARCH_RETURN_IF_ERROR(CheckRange(name, v, 0, static_cast<int64_t>(max)));
  *out = static_cast<size_t>(v);
  return Status::Ok();
}

// "any" or "all" set to `on`: the match mode (a request overrides the
// command line's).
void SetMatch(const std::string& key, bool on, SearchRequest* req) {
  using searcher::MatchMode;
  const MatchMode mode = key == "any" ? MatchMode::kAny : MatchMode::kAll;
  if (on) {
    req->match = mode;
  } else if (req->match == mode) {
    req->match = MatchMode::kRelaxed;
  }
}

// The settings that are true or false.
bool IsSwitch(const std::string& key) {
  for (const char* k : {"any", "all", "prior", "collapse", "explain",
                        "parse_only", "correct", "prefix", "expand"})
    if (key == k) return true;
  return false;
}

void SetSwitch(const std::string& key, bool on, SearchRequest* req,
               bool* parse_only) {
  if (key == "any" || key == "all") SetMatch(key, on, req);
  if (key == "prior") req->prior = on;
  if (key == "collapse")
    req->collapse =
        on ? searcher::CollapseMode::kStory : searcher::CollapseMode::kNone;
  if (key == "explain") req->explain = on;
  if (key == "parse_only") *parse_only = on;
  if (key == "correct") req->correct = on;
  if (key == "expand") req->expand = on;
  if (key == "prefix") req->prefix = on;
}

// The settings whose value is a string.
Status ApplyText(const std::string& key, const std::string& text,
                 SearchRequest* req) {
  if (key == "q" || key == "query") {
    req->query = text;
  } else if (key == "sort") {
    NSEARCH_ASSIGN_OR_RETURN(req->sort, searcher::ParseSortOrder(text));
  } else if (key == "histogram") {
    NSEARCH_ASSIGN_OR_RETURN(req->histogram, searcher::ParseInterval(text));
  } else if (key == "collapse") {
    NSEARCH_ASSIGN_OR_RETURN(req->collapse, searcher::ParseCollapseMode(text));
  } else if (key == "since" || key == "until") {
    (key == "since" ? req->since : req->until) = text;
  } else if (key == "half_life") {
    return searcher::SetHalfLife(text, req);
  } else if (key == "now") {
    return searcher::SetNow(text, req);
  }
  return Status::Ok();
}

Status ApplyBoost(const Json& value, const Names& names, SearchRequest* req) {
  NSEARCH_RETURN_IF_ERROR(
      Expect(value.is_object(), names.Of("boost"), "an object"));
  for (const auto& [name, weight] : value.items()) {
    NSEARCH_RETURN_IF_ERROR(
        Expect(weight.is_number(), names.Of("boost." + name), "a number"));
    NSEARCH_RETURN_IF_ERROR(
        searcher::SetBoost(name, weight.get<double>(), req));
  }
  return Status::Ok();
}

// One setting.
Status ApplyField(const std::string& key, const Json& value, const Names& names,
                  SearchRequest* req, bool* parse_only) {
  const std::string name = names.Of(key);
  if (key == "collapse" && value.is_string())
    return ApplyText(key, value.get<std::string>(), req);
  if (IsSwitch(key)) {
    NSEARCH_RETURN_IF_ERROR(Expect(value.is_boolean(), name,
                                   key == "collapse"
                                       ? "story, url, none, true or false"
                                       : "true or false"));
    SetSwitch(key, value.get<bool>(), req, parse_only);
    return Status::Ok();
  }
  if (key == "q" || key == "query" || key == "sort" || key == "histogram" ||
      key == "half_life" || key == "now" || key == "since" || key == "until") {
    const bool date = key == "since" || key == "until";
    NSEARCH_RETURN_IF_ERROR(
        Expect(value.is_string(), name, date ? "a date string" : "a string"));
    return ApplyText(key, value.get<std::string>(), req);
  }
  if (key == "limit")
    return Count(value, name, searcher::kMaxLimit, &req->limit);
  if (key == "offset")
    return Count(value, name, searcher::kMaxOffset, &req->offset);
  if (key == "facet_size")
    return Count(value, name, searcher::kMaxLimit, &req->facet_size);
  if (key == "topic" || key == "topics")
    return StringList(value, name, &req->topics);
  if (key == "provider" || key == "providers")
    return StringList(value, name, &req->providers);
  if (key == "type" || key == "types")
    return StringList(value, name, &req->types);
  if (key == "facets") return StringList(value, name, &req->facets);
  if (key == "timeout_ms") {
    NSEARCH_RETURN_IF_ERROR(
        Expect(value.is_number() && value.get<double>() >= 0, name,
               "a non-negative number"));
    req->timeout_ms = value.get<double>();
    return Status::Ok();
  }
  if (key == "min_quality" || key == "min_heat") {
    NSEARCH_RETURN_IF_ERROR(Expect(value.is_number(), name, "a number"));
    (key == "min_quality" ? req->min_quality : req->min_heat) =
        value.get<double>();
    return Status::Ok();
  }
  if (key == "boost") return ApplyBoost(value, names, req);
  return InvalidArgument("unknown request field '" + key + "'");
}

}  // namespace

Status ApplyRequest(const Json& settings, RequestSource source,
                    SearchRequest* req, bool* parse_only) {
  const Names names(source);
  auto on = [&settings](const char* key) {
    const auto it = settings.find(key);
    return it != settings.end() && it->is_boolean() && it->get<bool>();
  };
  if (on("any") && on("all"))
    return InvalidArgument(names.Pair("any", "all") + " exclude each other");
  // Two spellings of one field: which one should win is a guess, so
  // neither does.
  for (const auto& [one, other] :
       {std::pair{"q", "query"}, std::pair{"topic", "topics"},
        std::pair{"provider", "providers"}, std::pair{"type", "types"}})
    if (settings.contains(one) && settings.contains(other))
      return InvalidArgument(names.Pair(one, other) +
                             " are the same field: give one of them");
  for (const auto& [key, value] : settings.items()) {
    if (key == "id") continue;
    NSEARCH_RETURN_IF_ERROR(ApplyField(key, value, names, req, parse_only));
  }
  return Status::Ok();
}

namespace {

// A suggest request: {"suggest": TEXT, "id", "limit", "completions"}.
Status ApplySuggestRequest(const Json& r, searcher::SuggestRequest* req) {
  const Names names(RequestSource::kBatchLine);
  for (const auto& [key, value] : r.items()) {
    if (key == "id") continue;
    if (key == "suggest") {
      NSEARCH_RETURN_IF_ERROR(
          Expect(value.is_string(), names.Of(key), "a string"));
      req->text = value.get<std::string>();
    } else if (key == "limit" || key == "completions") {
      NSEARCH_RETURN_IF_ERROR(Expect(value.is_number_unsigned(), names.Of(key),
                                     "a non-negative integer"));
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
    NSEARCH_RETURN_IF_ERROR(ApplyRequest(r, RequestSource::kBatchLine,
                                         &out.request, &out.parse_only));
  } else if (!text.empty() && text[0] == '[' && Json::accept(text)) {
    // A JSON array is no request, and as query text it would search for
    // its brackets and quotes. (A line starting with '"' stays query text:
    // it is a phrase.)
    return InvalidArgument(
        "a request line is a JSON object or a plain query, not a JSON array");
  } else {
    out.request.query = std::string(text);
  }
  if (FindInvalidUtf8(out.request.query) != std::string::npos)
    return InvalidArgument("the query is not valid UTF-8");
  return out;
}

}  // namespace nsearch::cli
