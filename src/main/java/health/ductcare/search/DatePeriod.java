package health.ductcare.search;

import java.time.Instant;

/**
 * The instants a FHIR date value covers at its precision, read as the search parameters read it: {@code 2026-11}
 * is the whole UTC month, an instant with milliseconds covers that millisecond. Both ends are inclusive.
 */
public record DatePeriod(Instant first, Instant last) {

    /** Parses a date, dateTime or instant; an invalid value is a 400 naming the accepted forms. */
    public static DatePeriod parse(String value) {
        IndexValues.Range range = Criteria.parseDate(value);
        return new DatePeriod(Instant.ofEpochMilli(range.low()), Instant.ofEpochMilli(range.high()));
    }
}
