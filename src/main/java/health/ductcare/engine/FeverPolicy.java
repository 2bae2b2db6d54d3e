package health.ductcare.engine;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Decides whether a temperature observation shows fever within the look-back window. */
final class FeverPolicy {

    private static final Set<String> COUNTED_STATUSES = Set.of("final", "amended", "corrected", "preliminary");
    private static final BigDecimal NINE = BigDecimal.valueOf(9);
    private static final BigDecimal FIVE = BigDecimal.valueOf(5);
    private static final BigDecimal THIRTY_TWO = BigDecimal.valueOf(32);

    sealed interface Outcome {
    }

    record Fever(BigDecimal celsius) implements Outcome {
    }

    record NoFever() implements Outcome {
    }

    record Ignored(String why) implements Outcome {
    }

    private FeverPolicy() {
    }

    static Outcome assess(TemperatureInput t, Protocol protocol, Instant windowStart, Instant now) {
        if (!protocol.codes().feverObservation().matchesAny(t.codes())) {
            return new NoFever();
        }
        if (t.status() == null || !COUNTED_STATUSES.contains(t.status())) {
            return new Ignored("status is " + t.status());
        }
        if (t.value() == null || t.effective() == null) {
            return new Ignored("it has no value or no effective time");
        }
        Optional<BigDecimal> ninefoldCelsius = ninefoldCelsius(t);
        if (ninefoldCelsius.isEmpty()) {
            return new Ignored("unit " + t.ucumUnit() + " is neither Cel nor [degF]");
        }
        // Compare 9*C with 9*threshold so that Fahrenheit needs no rounding division: (F-32)*5 = 9*C.
        boolean hot = ninefoldCelsius.get().compareTo(protocol.feverThresholdCelsius().multiply(NINE)) >= 0;
        if (!hot) {
            return new NoFever();
        }
        BigDecimal celsius = ninefoldCelsius.get().divide(NINE, MathContext.DECIMAL64).stripTrailingZeros();
        if (t.effective().isBefore(windowStart) || t.effective().isAfter(now)) {
            return new Ignored("it was taken at " + t.effective() + ", outside the look-back window ["
                    + windowStart + ", " + now + "]");
        }
        return new Fever(celsius);
    }

    private static Optional<BigDecimal> ninefoldCelsius(TemperatureInput t) {
        if ("Cel".equals(t.ucumUnit())) {
            return Optional.of(t.value().multiply(NINE));
        }
        if ("[degF]".equals(t.ucumUnit())) {
            return Optional.of(t.value().subtract(THIRTY_TWO).multiply(FIVE));
        }
        return Optional.empty();
    }
}
