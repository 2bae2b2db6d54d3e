package health.ductcare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Affirmed and negated mentions of the corroborating keywords in a diagnosis text. */
class KeywordMentionsTest {

    private static final List<String> KEYWORDS = List.of("blocked duct", "blocked milk duct", "plugged duct",
            "clogged duct", "lactiferous duct");

    @ParameterizedTest
    @ValueSource(strings = {
            "Blocked milk duct, left breast",
            "PLUGGED DUCT",
            "Plugged duct (left), not infected",
            "No fever, plugged duct left breast",
            "Denies pain but has a plugged duct",
            "No blocked duct on the right; blocked duct on the left",
            "No fever and the left breast shows a blocked duct",
            "No improvement of the blocked duct after feeding",
            "Engorgement excluded, blocked duct confirmed",
            "obstruction of a lactiferous duct"})
    void anAffirmedMentionCorroborates(String text) {
        assertThat(KeywordMentions.firstAffirmed(text, KEYWORDS)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "no blocked duct",
            "Blocked duct ruled out",
            "blocked duct was ruled out",
            "not a plugged duct",
            "Engorgement, no blocked duct",
            "No evidence of a blocked milk duct",
            "without a plugged duct",
            "Patient denies a clogged duct",
            "negative for plugged duct",
            "This isn't a blocked duct.",
            "No redness, swelling or blocked duct",
            "plugged duct excluded",
            "blocked duct unlikely; engorgement",
            "rule out blocked duct",
            "r/o plugged duct"})
    void aNegatedOrRuledOutMentionDoesNotCorroborate(String text) {
        assertThat(KeywordMentions.firstAffirmed(text, KEYWORDS)).isEmpty();
        assertThat(KeywordMentions.in(text, KEYWORDS)).isNotEmpty().allMatch(KeywordMentions.Mention::negated);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Engorgement", "   "})
    void aTextWithoutAKeywordHasNoMention(String text) {
        assertThat(KeywordMentions.in(text, KEYWORDS)).isEmpty();
        assertThat(KeywordMentions.firstAffirmed(text, KEYWORDS)).isEmpty();
    }

    @Test
    void aCueTooFarBeforeTheKeywordDoesNotReachIt() {
        assertThat(KeywordMentions.firstAffirmed("no signs of a blocked duct", KEYWORDS)).isEmpty();
        assertThat(KeywordMentions.firstAffirmed("no fever today and since yesterday a blocked duct", KEYWORDS))
                .contains("blocked duct");
    }

    @Test
    void everyMentionIsReportedWithItsKeyword() {
        assertThat(KeywordMentions.in("no blocked duct; plugged duct left", KEYWORDS)).containsExactly(
                new KeywordMentions.Mention("blocked duct", true), new KeywordMentions.Mention("plugged duct", false));
    }
}
