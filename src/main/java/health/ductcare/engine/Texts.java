package health.ductcare.engine;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Small text helpers for notes and keyword matching. */
final class Texts {

    private Texts() {
    }

    static String human(Duration d) {
        if (d.toMinutes() % 60 == 0 && !d.isZero()) {
            return d.toHours() + " h";
        }
        if (d.getSeconds() % 60 == 0) {
            return d.toMinutes() + " min";
        }
        return d.getSeconds() + " s";
    }

    static Optional<String> firstKeywordIn(String text, List<String> keywords) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        return keywords.stream().filter(k -> lower.contains(k.toLowerCase(Locale.ROOT))).findFirst();
    }

    static String describe(List<Code> codes) {
        return codes.stream().map(c -> c.code() + " (" + c.system() + ")").reduce((a, b) -> a + ", " + b).orElse("none");
    }
}
