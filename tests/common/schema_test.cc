#include "common/schema.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/hash.h"
#include "common/status.h"
#include "tests/support/test_support.h"

namespace nsearch {
namespace {

// The smallest valid schema; tests append to or replace parts of it.
const char kMinimalDocument[] =
    "name: mini\n"
    "version: 2\n"
    "document:\n"
    "  title: [title]\n"
    "  quality: [quality]\n";
const char kMinimalFields[] =
    "fields:\n"
    "  title: {from: [title], text: true, prefix: S}\n";

std::string Minimal(const std::string& extra_fields = "") {
  return std::string(kMinimalDocument) + kMinimalFields + extra_fields;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Parses `text`, expecting kInvalidArgument with `needle` in the message.
void ExpectInvalid(const std::string& text, const std::string& needle) {
  SCOPED_TRACE(text);
  auto schema = Schema::Parse(text);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, schema.error().code());
  EXPECT_TRUE(Contains(schema.error().message(), needle))
      << "message: " << schema.error().message() << "\nexpected: " << needle;
}

TEST(SchemaTest, ParsesDefaultSchema) {
  auto parsed = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const Schema& schema = *parsed;
  EXPECT_EQ("news", schema.name());
  EXPECT_EQ(4, schema.version());
  EXPECT_EQ("english", schema.stemmer());
  EXPECT_EQ("english", schema.stopwords());
  EXPECT_EQ(Schema::DefaultText(), schema.text());

  for (const char* name :
       {"title", "excerpt", "body", "topic", "provider", "type", "category",
        "site", "url", "quality", "heat", "date"}) {
    const FieldSpec* field = schema.FindField(name);
    ASSERT_NE(nullptr, field) << name;
    EXPECT_EQ(name, field->name);
  }

  EXPECT_EQ((std::vector<std::string>{"title", "name"}),
            schema.KeysFor("title"));
  EXPECT_EQ((std::vector<std::string>{"publishedDateTime", "startDateTime"}),
            schema.KeysFor("date"));
  EXPECT_EQ((std::vector<std::string>{"$body"}), schema.KeysFor("body"));
  EXPECT_EQ((std::vector<std::string>{"provider.name"}),
            schema.KeysFor("provider_name"));
  EXPECT_TRUE(schema.KeysFor("related").empty());

  const RankingSpec& ranking = schema.ranking();
  EXPECT_DOUBLE_EQ(1.2, ranking.k1);
  EXPECT_DOUBLE_EQ(0.75, ranking.b);
  EXPECT_DOUBLE_EQ(0.01, ranking.quality.weight);
  EXPECT_DOUBLE_EQ(100.0, ranking.quality.cap);
  EXPECT_DOUBLE_EQ(50.0, ranking.quality.missing);
  EXPECT_DOUBLE_EQ(0.03, ranking.heat.weight);
  EXPECT_DOUBLE_EQ(100.0, ranking.heat.cap);
  EXPECT_DOUBLE_EQ(50.0, ranking.heat.missing);
  EXPECT_DOUBLE_EQ(0.1, ranking.recency.weight);
  EXPECT_DOUBLE_EQ(14 * 86400.0, ranking.recency.half_life_seconds);
  // A missing or negative value counts as `missing`; values are capped.
  EXPECT_DOUBLE_EQ(0.01 * 0.5, ranking.quality.Score(std::nullopt));
  EXPECT_DOUBLE_EQ(0.03 * 0.5, ranking.heat.Score(-1.0));
  EXPECT_DOUBLE_EQ(0.03, ranking.heat.Score(1354.0));
  EXPECT_DOUBLE_EQ(0.1, ranking.recency.Score(100, 50));  // Future: new.
  EXPECT_DOUBLE_EQ(0.05, ranking.recency.Score(0, 14 * 86400));
  EXPECT_EQ(9u, ranking.quality.slot);
  EXPECT_EQ(10u, ranking.heat.slot);
  EXPECT_EQ(11u, ranking.recency.slot);
  EXPECT_EQ(500, ranking.quality.Level(std::nullopt));
  EXPECT_EQ(1000, ranking.quality.Level(250.0));
  EXPECT_EQ(123, ranking.quality.Level(12.3));
}

// Ranking slots a schema does not name are the first free ones from 9.
TEST(SchemaTest, RankingSlotsDefaultToTheFirstFreeOnesFromNine) {
  auto schema = Schema::Parse(
      Minimal("  q: {from: [quality], slot: 10, kind: number}\n") +
      "ranking:\n  heat: {slot: 9}\n");
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  EXPECT_EQ(11u, schema->ranking().quality.slot);
  EXPECT_EQ(9u, schema->ranking().heat.slot);
  EXPECT_EQ(12u, schema->ranking().recency.slot);
}

// Queries rebuild the schema from the JSON tree an index stores (no YAML
// parser on the query path); it must be the same schema in every respect.
TEST(SchemaTest, StoredTreeGivesTheSameSchema) {
  auto parsed = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  auto stored =
      Schema::ParseStored(parsed->TreeJson(), parsed->text(), parsed->hash());
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(parsed->name(), stored->name());
  EXPECT_EQ(parsed->version(), stored->version());
  EXPECT_EQ(parsed->text(), stored->text());
  EXPECT_EQ(parsed->hash(), stored->hash());
  EXPECT_EQ(parsed->stemmer(), stored->stemmer());
  EXPECT_EQ(parsed->top_level_keys(), stored->top_level_keys());
  ASSERT_EQ(parsed->fields().size(), stored->fields().size());
  for (size_t i = 0; i < parsed->fields().size(); ++i) {
    const FieldSpec& a = parsed->fields()[i];
    const FieldSpec& b = stored->fields()[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.from, b.from);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.prefix, b.prefix);
    EXPECT_EQ(a.weight, b.weight);
    EXPECT_EQ(a.search, b.search);
    EXPECT_EQ(a.filter, b.filter);
    EXPECT_EQ(a.filter_prefix, b.filter_prefix);
    EXPECT_EQ(a.slot, b.slot);
    EXPECT_EQ(a.facet_slot, b.facet_slot);
  }
  EXPECT_EQ(parsed->collapse_slot(), stored->collapse_slot());
  EXPECT_EQ(stored->FindField("topic"), stored->FindField("topics"));
  EXPECT_DOUBLE_EQ(parsed->ranking().heat.weight,
                   stored->ranking().heat.weight);
  EXPECT_DOUBLE_EQ(parsed->ranking().recency.half_life_seconds,
                   stored->ranking().recency.half_life_seconds);
  EXPECT_DOUBLE_EQ(parsed->ranking().k1, stored->ranking().k1);

  auto broken = Schema::ParseStored("{\"name\": ", "", "");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, broken.error().code());
  // The stored form is checked like the YAML.
  auto invalid =
      Schema::ParseStored(R"({"name": "x", "version": "1"})", "", "");
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(std::string::npos, invalid.error().message().find("document"));
}

TEST(SchemaTest, DefaultFieldRoles) {
  auto parsed = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const Schema& schema = *parsed;

  const FieldSpec* title = schema.FindField("title");
  ASSERT_NE(nullptr, title);
  EXPECT_TRUE(title->text);
  EXPECT_TRUE(title->search);
  EXPECT_EQ("S", title->prefix);
  EXPECT_EQ(2u, title->weight);

  const FieldSpec* topic = schema.FindField("topic");
  ASSERT_NE(nullptr, topic);
  EXPECT_TRUE(topic->filter);
  EXPECT_EQ("K", topic->filter_prefix);
  EXPECT_EQ("XT", topic->prefix);

  const FieldSpec* provider = schema.FindField("provider");
  ASSERT_NE(nullptr, provider);
  EXPECT_FALSE(provider->search);
  EXPECT_EQ("XP", provider->filter_prefix);

  const FieldSpec* site = schema.FindField("site");
  ASSERT_NE(nullptr, site);
  EXPECT_EQ(FieldKind::kHost, site->kind);
  EXPECT_EQ(
      (std::vector<std::string>{"web_url", "original_url", "provider_domain"}),
      site->from);

  const FieldSpec* url = schema.FindField("url");
  ASSERT_NE(nullptr, url);
  EXPECT_EQ(FieldKind::kUrl, url->kind);

  for (const auto& [name, slot] : std::vector<std::pair<std::string, unsigned>>{
           {"quality", 0}, {"heat", 1}, {"date", 2}}) {
    SCOPED_TRACE(name);
    const FieldSpec* f = schema.FindField(name);
    ASSERT_NE(nullptr, f);
    EXPECT_EQ(std::optional<unsigned>(slot), f->slot);
    EXPECT_FALSE(f->text);
    EXPECT_FALSE(f->filter);
  }
  EXPECT_EQ(FieldKind::kDate, schema.FindField("date")->kind);
  EXPECT_EQ(FieldKind::kNumber, schema.FindField("heat")->kind);
}

TEST(SchemaTest, TopLevelKeysAreOnlyThoseRead) {
  auto parsed = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const std::set<std::string>& keys = parsed->top_level_keys();
  for (const char* key :
       {"title", "name", "provider", "excerpt", "topics", "publishedDateTime",
        "startDateTime", "webUrl", "website", "originalUrl", "quality", "heat",
        "published"}) {
    EXPECT_EQ(1u, keys.count(key)) << key;
  }
  for (const char* key :
       {"related", "secured", "images", "provider.name", "$body", "body"}) {
    EXPECT_EQ(0u, keys.count(key)) << key;
  }
}

TEST(SchemaTest, FindFieldResolvesAliases) {
  auto parsed = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const FieldSpec* topics = parsed->FindField("topics");
  ASSERT_NE(nullptr, topics);
  EXPECT_EQ("topic", topics->name);
  EXPECT_EQ(parsed->FindField("topic"), topics);
  const FieldSpec* name = parsed->FindField("name");
  ASSERT_NE(nullptr, name);
  EXPECT_EQ("title", name->name);
  EXPECT_EQ(nullptr, parsed->FindField("nope"));
  EXPECT_EQ(nullptr, parsed->FindField(""));
  EXPECT_EQ(nullptr, parsed->FindField("Title"));
}

TEST(SchemaTest, ParsesMinimalSchema) {
  auto parsed = Schema::Parse(Minimal());
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ("mini", parsed->name());
  EXPECT_EQ(2, parsed->version());
  ASSERT_EQ(1u, parsed->fields().size());
  EXPECT_EQ("title", parsed->fields()[0].name);
  EXPECT_EQ(1u, parsed->fields()[0].weight);
  // Without a ranking: section, the built-in defaults.
  EXPECT_DOUBLE_EQ(RankingSpec().quality.weight,
                   parsed->ranking().quality.weight);
  EXPECT_DOUBLE_EQ(RankingSpec().k1, parsed->ranking().k1);
}

TEST(SchemaTest, RejectsMissingName) {
  ExpectInvalid(Minimal().substr(std::string("name: mini\n").size()), "name");
  ExpectInvalid("name: [a, b]\n" + Minimal().substr(11),
                "name: required string");
}

TEST(SchemaTest, RejectsUnknownDocumentField) {
  const std::string text =
      std::string(kMinimalDocument) + "  colour: [colour]\n" + kMinimalFields;
  ExpectInvalid(text, "document.colour: unknown document field");
}

TEST(SchemaTest, RejectsFieldFromUnknownDocumentField) {
  ExpectInvalid(
      Minimal("  excerpt: {from: [excerpt], text: true, prefix: XE}\n"),
      "fields.excerpt.from: 'excerpt' is not a field");
}

TEST(SchemaTest, RejectsDuplicatePrefix) {
  ExpectInvalid(Minimal("  other: {from: [title], text: true, prefix: S}\n"),
                "prefix 'S' is used twice");
  ExpectInvalid(
      Minimal("  other: {from: [title], filter: true, filter_prefix: S}\n"),
      "prefix 'S' is used twice");
}

TEST(SchemaTest, RejectsPrefixNotUpperCase) {
  ExpectInvalid(Minimal("  other: {from: [title], text: true, prefix: xo}\n"),
                "fields.other: prefix must be upper-case");
  ExpectInvalid(Minimal("  other: {from: [title], filter: true}\n"),
                "fields.other: prefix must be upper-case");
}

TEST(SchemaTest, RejectsReservedPrefix) {
  ExpectInvalid(
      Minimal("  id: {from: [title], filter: true, filter_prefix: Q}\n"),
      "prefix 'Q' is reserved");
  ExpectInvalid(Minimal("  stem: {from: [title], text: true, prefix: Z}\n"),
                "prefix 'Z' is reserved");
  ExpectInvalid(
      Minimal("  root: {from: [title], filter: true, filter_prefix: XR}\n"),
      "prefix 'XR' is reserved");
}

TEST(SchemaTest, RejectsMultiLetterPrefixWithoutX) {
  ExpectInvalid(Minimal("  other: {from: [title], text: true, prefix: AB}\n"),
                "multi-letter prefix 'AB' must start with X");
}

TEST(SchemaTest, RejectsSlotProblems) {
  ExpectInvalid(
      Minimal("  quality: {from: [quality], kind: number}\n"),
      "fields.quality: number and date fields (and only they) need a slot");
  ExpectInvalid(Minimal("  quality: {from: [quality], slot: 0}\n"),
                "need a slot");
  ExpectInvalid(Minimal("  quality: {from: [quality], kind: number, slot: 0}\n"
                        "  other: {from: [quality], kind: date, slot: 0}\n"),
                "used twice");
  ExpectInvalid(Minimal("  quality: {from: [quality], kind: number, slot: 0}\n"
                        "  other: {from: [quality], kind: date, slot: 0}\n"),
                "fields.other: slot");
}

TEST(SchemaTest, RejectsOtherInvalidFields) {
  ExpectInvalid(Minimal("  other: {from: [title], kind: colour, filter: true, "
                        "filter_prefix: XO}\n"),
                "unknown kind 'colour'");
  ExpectInvalid(Minimal("  other: {from: [title]}\n"), "needs text: true");
  ExpectInvalid(Minimal("  other: {from: [title], text: maybe, prefix: XO}\n"),
                "expected true or false");
  ExpectInvalid(Minimal("  other: {text: true, prefix: XO}\n"),
                "'from' is required");
  ExpectInvalid(Minimal("aliases:\n  t: nope\n"),
                "aliases.t: unknown field 'nope'");
  ExpectInvalid(std::string(kMinimalDocument), "fields");
  ExpectInvalid("name: x\nversion: 1\ndocument:\n  excerpt: [excerpt]\n" +
                    std::string(kMinimalFields),
                "document.title");
}

TEST(SchemaTest, RejectsBadWeightsAndRanking) {
  // A search field's weight is a whole number of times its words count.
  for (const char* weight : {"0", "1.5", "17", "-2", "many"})
    ExpectInvalid(Minimal("  other: {from: [title], text: true, prefix: XO, "
                          "search: true, weight: " +
                          std::string(weight) + "}\n"),
                  "fields.other.weight");
  ExpectInvalid(Minimal("  other: {from: [title], text: true, prefix: XO, "
                        "positions: often}\n"),
                "expected true or false");
  auto ranking = [](const std::string& body) {
    return Minimal() + "ranking:\n" + body;
  };
  ExpectInvalid(ranking("  bm25: {k1: -1}\n"), "ranking.bm25.k1");
  ExpectInvalid(ranking("  bm25: {b: 1.5}\n"), "ranking.bm25.b");
  ExpectInvalid(ranking("  quality: {weight: 11}\n"), "ranking.quality");
  ExpectInvalid(ranking("  heat: {cap: 0}\n"), "cap must be positive");
  ExpectInvalid(ranking("  heat: {missing: 101}\n"), "missing must be");
  ExpectInvalid(ranking("  recency: {half_life: soon}\n"),
                "ranking.recency.half_life");
  ExpectInvalid(ranking("  recency: {half_life: 0d}\n"),
                "ranking.recency.half_life");
  ExpectInvalid(ranking("  recency: {weight: -0.1}\n"), "ranking.recency");
  ExpectInvalid(ranking("  [1, 2]\n"), "ranking");
  ExpectInvalid(ranking("  quality: {slot: x}\n"), "ranking.quality.slot");
  ExpectInvalid(ranking("  quality: {slot: 4}\n  heat: {slot: 4}\n"),
                "slot 4 used twice");
  ExpectInvalid(Minimal("  q: {from: [quality], slot: 3, kind: number}\n") +
                    "ranking:\n  recency: {slot: 3}\n",
                "ranking.recency.slot");
  auto good = Schema::Parse(
      ranking("  bm25: {k1: 0.9, b: 0.4}\n  heat: {weight: 0.2, missing: 0}\n"
              "  recency: {weight: 0.5, half_life: 36h}\n"));
  ASSERT_TRUE(good.ok()) << good.error().ToString();
  EXPECT_DOUBLE_EQ(0.9, good->ranking().k1);
  EXPECT_DOUBLE_EQ(0.4, good->ranking().b);
  EXPECT_DOUBLE_EQ(0.0, good->ranking().heat.missing);
  EXPECT_DOUBLE_EQ(36 * 3600.0, good->ranking().recency.half_life_seconds);
}

TEST(SchemaTest, RejectsYamlSyntaxErrorWithLine) {
  ExpectInvalid(std::string(kMinimalDocument) + "fields: [unclosed\n",
                "YAML error at line");
  ExpectInvalid("name: mini\nversion: 2\ndocument: a: b\n",
                "YAML error at line 3");
  ExpectInvalid("- just\n- a list\n", "top level: expected a mapping");
}

TEST(SchemaTest, HashIsStableAndFollowsText) {
  auto a = Schema::Parse(Minimal());
  auto b = Schema::Parse(Minimal());
  auto c = Schema::Parse(Minimal() + "# a comment changes the text\n");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->hash(), b->hash());
  EXPECT_NE(a->hash(), c->hash());
  EXPECT_EQ(16u, a->hash().size());
  EXPECT_EQ(Hex64(Fnv1a64(Minimal())), a->hash());
}

TEST(SchemaTest, LoadFileReadsSchema) {
  auto loaded = Schema::LoadFile(testing::SourceDir() + "/schema/news.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  auto builtin = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(builtin.ok());
  EXPECT_EQ("news", loaded->name());
  EXPECT_EQ(builtin->hash(), loaded->hash());
}

TEST(SchemaTest, LoadFileReportsMissingAndInvalidFiles) {
  testing::TempDir dir;
  auto missing = Schema::LoadFile(dir.path() + "/missing.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(StatusCode::kNotFound, missing.error().code());
  EXPECT_TRUE(Contains(missing.error().message(), "missing.yaml"));

  const std::string path = dir.Write("bad.yaml", "version: 1\n");
  auto bad = Schema::LoadFile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad.error().code());
  EXPECT_EQ(0u, bad.error().message().find(path + ": schema: name"))
      << bad.error().message();
}

}  // namespace
}  // namespace nsearch
