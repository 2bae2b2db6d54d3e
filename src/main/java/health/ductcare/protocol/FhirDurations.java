package health.ductcare.protocol;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** UCUM time quantities <-> java.time.Duration. */
public final class FhirDurations {

    public static final String UCUM = "http://unitsofmeasure.org";
    private static final Map<String, Long> SECONDS_PER_UNIT = Map.of("s", 1L, "min", 60L, "h", 3600L, "d", 86400L,
            "wk", 604800L);

    private FhirDurations() {
    }

    /** Empty when the quantity has no value, an unknown unit or a fraction of a second. */
    public static Optional<Duration> toDuration(org.hl7.fhir.r4.model.Quantity q) {
        if (q == null || q.getValue() == null || q.getCode() == null || !SECONDS_PER_UNIT.containsKey(q.getCode())
                || (q.hasSystem() && !UCUM.equals(q.getSystem()))) {
            return Optional.empty();
        }
        BigDecimal seconds = q.getValue().multiply(BigDecimal.valueOf(SECONDS_PER_UNIT.get(q.getCode())));
        try {
            return Optional.of(Duration.ofSeconds(seconds.longValueExact()));
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** The largest whole unit (h, min or s) that expresses the duration exactly. */
    public static org.hl7.fhir.r4.model.Duration toFhir(Duration d) {
        long seconds = d.getSeconds();
        String unit = seconds % 3600 == 0 && seconds != 0 ? "h" : seconds % 60 == 0 ? "min" : "s";
        long value = seconds / SECONDS_PER_UNIT.get(unit);
        org.hl7.fhir.r4.model.Duration fhir = new org.hl7.fhir.r4.model.Duration();
        fhir.setValue(value).setUnit(unit).setSystem(UCUM).setCode(unit);
        return fhir;
    }
}
