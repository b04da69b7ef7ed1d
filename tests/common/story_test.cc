// Near-duplicate rules of common/story.h, on pairs taken from the real
// trees in ../shared/corpus (titles and excerpts as they are there).

#include "common/story.h"

#include <memory>

#include <gtest/gtest.h>

namespace nsearch {
namespace {

class StoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto analyzer = Analyzer::Create({"english", "english"});
    ASSERT_TRUE(analyzer.ok());
    analyzer_ = std::move(*analyzer);
  }

  struct Copy {
    const char* title;
    const char* excerpt;
    int64_t date;  // Seconds.
  };

  // What the joiner decides for a pair: by signature, else by text.
  bool Same(const Copy& a, const Copy& b) {
    const StoryText ta = MakeStoryText(*analyzer_, a.title, a.excerpt);
    const StoryText tb = MakeStoryText(*analyzer_, b.title, b.excerpt);
    const StoryFacts fa{a.date, SignatureOf(ta)};
    const StoryFacts fb{b.date, SignatureOf(tb)};
    if (auto by_signature = SameStoryBySignature(fa, fb, spec_))
      return *by_signature;
    return SimilarTexts(ta, tb, spec_.similarity);
  }

  static constexpr int64_t kDay = 86400;
  StorySpec spec_;
  std::unique_ptr<Analyzer> analyzer_;
};

TEST_F(StoryTest, TheSameStoryFromTwoOutlets) {
  // VentureBeat and Business Insider, a day apart; the second excerpt is
  // page boilerplate.
  EXPECT_TRUE(Same(
      {"Microsoft uses GPT-3 to add AI features to Power Apps",
       "Microsoft says it's bringing OpenAI's language model, GPT-3, to its "
       "Power Apps platform for the purpose of generating formulas.",
       0},
      {"Microsoft uses GPT-3 to add AI features to Power Apps",
       "Disclaimer | Accessibility Statement | Commerce Policy | Made In NYC",
       kDay}));
  // A title with the outlet's name added at one end.
  EXPECT_TRUE(
      Same({"Uptake Fusion Cloud Datastore for OSIsoft PI Now Available on "
            "Microsoft Azure Marketplace",
            "Uptake announced that Uptake Fusion is now available.", 0},
           {"Uptake Fusion Cloud Datastore for OSIsoft PI Now Available on "
            "Microsoft Azure Marketplace | Morningstar",
            "CHICAGO, May 19, 2021 /PRNewswire/ -- Uptake, the leader in "
            "industrial AI",
            kDay + 3600}));
  EXPECT_TRUE(Same(
      {"Microsoft Power Apps brings collaboration to center stage with 3 big "
       "announcements",
       "Microsoft announced three features.", 0},
      {"Power Apps brings collaboration to center stage with 3 big "
       "announcements",
       "Power Apps is adding collaboration.", 2 * kDay}));
}

TEST_F(StoryTest, TheSameItemRetitled) {
  // One video published twice under two titles, the same description.
  const char* excerpt =
      "In this Quick Thursday Tip, you will learn how to start with a mobile "
      "phone sized app in Project Oakdale. This lets you make screens that "
      "use the screen real estate better if you want to have";
  EXPECT_TRUE(Same(
      {"Create mobile apps in Project Oakdale for Microsoft Teams", excerpt, 0},
      {"Create mobile apps in Microsoft Dataverse for Microsoft Teams", excerpt,
       0}));
}

TEST_F(StoryTest, NumberedPartsAreDifferentStories) {
  const char* excerpt =
      "How to export Excel data to multiple PDF files with Power Automate, "
      "no premium license needed.";
  EXPECT_FALSE(Same(
      {"Excel Data To Multiple PDFs (No PowerApps Premium, Free!) - Part 1/2",
       excerpt, 0},
      {"Excel Data To Multiple PDFs (No PowerApps Premium, Free!) - Part 2/2",
       excerpt, 0}));
}

TEST_F(StoryTest, MonthlyUpdatesAreDifferentStories) {
  const char* excerpt =
      "We are excited to share the latest updates for modernization and "
      "theming in Power Apps.";
  EXPECT_FALSE(
      Same({"January 2024 updates for modernization and theming in Power Apps",
            excerpt, 0},
           {"February 2024 updates for modernization and theming in Power "
            "Apps",
            excerpt, 2 * kDay}));
}

TEST_F(StoryTest, TwoTrainingDaysWithOneTemplateAreDifferentStories) {
  EXPECT_FALSE(Same(
      {"Microsoft Azure Virtual Training Day: Deliver Integrated Analytics "
       "with Azure Synapse",
       "Join us at Microsoft Azure Virtual Training Day: Deliver Integrated "
       "Analytics with Azure Synapse. Learn from experts in this free "
       "training event.",
       0},
      {"Microsoft Azure Virtual Training Day: Fundamentals",
       "Join us at Microsoft Azure Virtual Training Day: Fundamentals. Learn "
       "from experts in this free training event.",
       kDay}));
  // Two tutorials of one series, one word apart in the title.
  EXPECT_FALSE(
      Same({"PowerApps Portals External Authentication with LinkedIn",
            "In this video we set up external authentication for a portal "
            "with LinkedIn.",
            0},
           {"PowerApps Portals External Authentication with Facebook",
            "In this video we set up external authentication for a portal "
            "with Facebook.",
            kDay}));
}

TEST_F(StoryTest, CopiesTooFarApartOrUndatedOnOneSideAreNot) {
  const Copy a{"Microsoft makes some changes to paying for Power Apps",
               "Pay-as-you-go comes to Power Apps.", 0};
  Copy later = a;
  later.date = 4 * kDay;
  EXPECT_TRUE(Same(a, Copy{a.title, a.excerpt, 3 * kDay}));
  EXPECT_FALSE(Same(a, later));
  const StoryText text = MakeStoryText(*analyzer_, a.title, a.excerpt);
  EXPECT_FALSE(*SameStoryBySignature({0, SignatureOf(text)},
                                     {std::nullopt, SignatureOf(text)}, spec_));
}

TEST_F(StoryTest, SignatureRoundTripsAndNamesItsCandidateTerms) {
  const StorySignature sig = SignatureOf(MakeStoryText(
      *analyzer_, "Power Apps brings collaboration to center stage",
      "Three announcements."));
  const auto back = StorySignature::Unserialise(sig.Serialise());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(1.0, back->Estimate(sig));
  EXPECT_EQ(sig.Serialise(), back->Serialise());
  // Six bands, the title, its head and its tail.
  EXPECT_EQ(9u, sig.Terms().size());
  EXPECT_FALSE(StorySignature::Unserialise("short").has_value());
}

}  // namespace
}  // namespace nsearch
