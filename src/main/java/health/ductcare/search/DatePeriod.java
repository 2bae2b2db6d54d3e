package health.ductcare.search;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
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

    /**
     * A {@code _since} value: R4 types it as an instant, and an instant is read exactly; a date or a dateTime
     * without seconds ({@code 2026-11-01}, {@code 2026-11}) is taken from the start of
     * the period it names (UTC). Null for an absent or blank value; a 400 naming the parameter for anything else.
     */
    public static Instant since(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return parse(value).first();
        } catch (RuntimeException e) {
            throw new InvalidRequestException(name + " must be an instant such as 2025-01-31T10:00:00Z (or a date"
                    + " such as 2025-01-31, read from its start)");
        }
    }
}
