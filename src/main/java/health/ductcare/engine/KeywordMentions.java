package health.ductcare.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds keywords in free text and tells an affirmed mention ("plugged duct, left breast") from a negated or
 * ruled-out one ("no blocked duct", "blocked duct ruled out", "not a plugged duct"). A small rule in the manner
 * of NegEx (Chapman et al. 2001): a negation cue negates a keyword in the same clause when it comes at most
 * {@value #WORDS_BEFORE} words before it, or {@value #WORDS_AFTER} words after it. A clause ends at sentence
 * punctuation or a contrasting word ("but", "however"); a comma ends a cue's reach too, except across a list
 * joined by "or"/"nor" ("no redness, swelling or blocked duct"). Phrases such as "no improvement" only look
 * like negations and negate nothing. The keywords are the protocol's; the cues are English, not clinical data.
 */
final class KeywordMentions {

    /** One occurrence of a keyword, and whether the text negates it. */
    record Mention(String keyword, boolean negated) {
    }

    static final int WORDS_BEFORE = 5;
    static final int WORDS_AFTER = 3;

    private static final Pattern CLAUSE_BREAK =
            Pattern.compile("[.;:!?\\n\\r]|\\b(?:but|however|although|though|whereas|except)\\b");
    private static final Pattern WORD = Pattern.compile("[a-z0-9/']+");
    private static final List<String[]> CUES_BEFORE = phrases("no", "not", "none", "without", "never", "neither",
            "nor", "cannot", "denies", "denied", "deny", "negative for", "free of", "absence of", "absent",
            "unlikely", "rule out", "rules out", "ruled out", "r/o");
    private static final List<String[]> CUES_AFTER = phrases("ruled out", "excluded", "unlikely", "absent",
            "negative", "not confirmed", "not seen", "not found", "not present");
    /** Start like a cue but do not deny what follows: "no improvement of the blocked duct" affirms it. */
    private static final List<String[]> PSEUDO_CUES = phrases("no change", "no improvement", "not only",
            "not improved", "not improving", "not resolved", "without improvement");

    private KeywordMentions() {
    }

    /** The first keyword the text mentions without negating it. */
    static Optional<String> firstAffirmed(String text, List<String> keywords) {
        return in(text, keywords).stream().filter(m -> !m.negated()).map(Mention::keyword).findFirst();
    }

    /** Every mention of every keyword, in the order of the text's clauses and of {@code keywords}. */
    static List<Mention> in(String text, List<String> keywords) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<Mention> mentions = new ArrayList<>();
        for (String clause : CLAUSE_BREAK.split(text.toLowerCase(Locale.ROOT))) {
            for (String keyword : keywords) {
                String key = keyword.toLowerCase(Locale.ROOT);
                for (int at = clause.indexOf(key); at >= 0 && !key.isEmpty(); at = clause.indexOf(key, at + 1)) {
                    boolean negated = negatedBefore(clause.substring(0, at))
                            || negatedAfter(clause.substring(at + key.length()));
                    mentions.add(new Mention(keyword, negated));
                }
            }
        }
        return mentions;
    }

    private static boolean negatedBefore(String before) {
        String[] segments = before.split(",", -1);
        List<String> nearest = words(segments[segments.length - 1]);
        if (endsWithin(nearest, CUES_BEFORE, WORDS_BEFORE)) {
            return true;
        }
        // "no redness, swelling or blocked duct": the keyword ends a list that a cue before it negates.
        if (segments.length > 1 && (nearest.contains("or") || nearest.contains("nor"))) {
            for (int i = segments.length - 2; i >= 0; i--) {
                if (endsWithin(words(segments[i]), CUES_BEFORE, Integer.MAX_VALUE)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean negatedAfter(String after) {
        List<String> words = words(after.split(",", 2)[0]);
        for (String[] cue : CUES_AFTER) {
            for (int i = 0; i <= Math.min(WORDS_AFTER, words.size() - cue.length); i++) {
                if (matchesAt(words, i, cue)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when a cue (not part of a pseudo-cue) ends at most {@code maxGap} words before the end of {@code words}. */
    private static boolean endsWithin(List<String> words, List<String[]> cues, int maxGap) {
        for (int i = 0; i < words.size(); i++) {
            if (isPseudoCueAt(words, i)) {
                continue;
            }
            int cueLength = cueLengthAt(words, i, cues);
            if (cueLength > 0 && words.size() - (i + cueLength) <= maxGap) {
                return true;
            }
        }
        return false;
    }

    private static int cueLengthAt(List<String> words, int i, List<String[]> cues) {
        if (words.get(i).endsWith("n't")) {
            return 1;
        }
        for (String[] cue : cues) {
            if (matchesAt(words, i, cue)) {
                return cue.length;
            }
        }
        return 0;
    }

    private static boolean isPseudoCueAt(List<String> words, int i) {
        return PSEUDO_CUES.stream().anyMatch(pseudo -> matchesAt(words, i, pseudo));
    }

    private static boolean matchesAt(List<String> words, int i, String[] phrase) {
        if (i < 0 || i + phrase.length > words.size()) {
            return false;
        }
        for (int k = 0; k < phrase.length; k++) {
            if (!words.get(i + k).equals(phrase[k])) {
                return false;
            }
        }
        return true;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(text);
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }

    private static List<String[]> phrases(String... phrases) {
        return Arrays.stream(phrases).map(p -> p.split(" ")).toList();
    }
}
