package health.ductcare.mapping;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;

/** FHIR date/time values <-> Instant, independent of the JVM's default time zone. */
final class FhirTimes {

    private FhirTimes() {
    }

    /**
     * The instant of a FHIR date/time. A value without time of day (e.g. "2025-01-15") has no time zone
     * either, so it is read as the start of that day in UTC rather than in the JVM's zone.
     */
    static Instant instant(BaseDateTimeType value) {
        if (value == null || value.getValue() == null) {
            return null;
        }
        if (value.getPrecision().ordinal() <= TemporalPrecisionEnum.DAY.ordinal()) {
            LocalDate date = LocalDate.of(value.getYear(), value.getMonth() + 1,
                    value.getPrecision() == TemporalPrecisionEnum.DAY ? value.getDay() : 1);
            return date.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return value.getValue().toInstant();
    }

    static Instant instant(Date value) {
        return value == null ? null : value.toInstant();
    }

    /** A dateTime in UTC with seconds precision, so the JSON shows exactly the engine's instant. */
    static DateTimeType dateTime(Instant instant) {
        DateTimeType t = new DateTimeType(Date.from(instant), TemporalPrecisionEnum.SECOND);
        t.setTimeZoneZulu(true);
        return t;
    }

    static InstantType instantType(Instant instant) {
        InstantType t = new InstantType(Date.from(instant), TemporalPrecisionEnum.SECOND);
        t.setTimeZoneZulu(true);
        return t;
    }
}
