package health.ductcare.search;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Timing;

/** Value rules shared by indexing and searching, so a stored value and a searched one compare alike. */
final class IndexValues {

    static final long OPEN_LOW = Long.MIN_VALUE;
    static final long OPEN_HIGH = Long.MAX_VALUE;
    static final int MAX_TEXT = 512;
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private IndexValues() {
    }

    /** Case- and accent-insensitive form used for default and {@code :contains} string matching. */
    static String normalize(String value) {
        String decomposed = Normalizer.normalize(value, Normalizer.Form.NFD);
        return truncate(SPACES.matcher(MARKS.matcher(decomposed).replaceAll("")).replaceAll(" ").trim()
                .toLowerCase(Locale.ROOT));
    }

    /** Integer digits an index amount column holds: NUMERIC(38, 12). */
    static final int MAX_AMOUNT_INTEGER_DIGITS = 26;

    /**
     * Whether a decimal fits the index's amount columns. FHIR decimals have no range limit; a value beyond
     * 10^26 is stored with its resource but cannot be searched by value.
     */
    static boolean fitsAmount(BigDecimal value) {
        return value != null && value.precision() - value.scale() <= MAX_AMOUNT_INTEGER_DIGITS;
    }

    static String truncate(String value) {
        return value == null || value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT);
    }

    /** A range [low, high] in epoch ms, both inclusive. */
    record Range(long low, long high) {
    }

    /**
     * The instants a date covers at its precision: 2024-03-10 covers the whole day. Dates without a time
     * zone (date, year, year-month) are taken as UTC days, for storing and for searching alike.
     */
    static Range range(BaseDateTimeType value) {
        if (value == null || value.getValue() == null) {
            return null;
        }
        switch (value.getPrecision()) {
            case YEAR: {
                LocalDate start = LocalDate.of(value.getYear(), 1, 1);
                return daySpan(start, start.plusYears(1));
            }
            case MONTH: {
                LocalDate start = LocalDate.of(value.getYear(), value.getMonth() + 1, 1);
                return daySpan(start, start.plusMonths(1));
            }
            case DAY: {
                LocalDate start = LocalDate.of(value.getYear(), value.getMonth() + 1, value.getDay());
                return daySpan(start, start.plusDays(1));
            }
            case MINUTE: {
                long low = value.getValue().getTime();
                return new Range(low, low + 60_000L - 1);
            }
            case SECOND: {
                long low = value.getValue().getTime();
                return new Range(low, low + 1_000L - 1);
            }
            default: {
                long instant = value.getValue().getTime();
                return new Range(instant, instant);
            }
        }
    }

    private static Range daySpan(LocalDate start, LocalDate endExclusive) {
        return new Range(start.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
                endExclusive.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - 1);
    }

    static Range range(Period period) {
        Range start = period.hasStartElement() ? range(period.getStartElement()) : null;
        Range end = period.hasEndElement() ? range(period.getEndElement()) : null;
        if (start == null && end == null) {
            return null;
        }
        return new Range(start == null ? OPEN_LOW : start.low(), end == null ? OPEN_HIGH : end.high());
    }

    /** A Timing covers its first to its last event, or its repeat bounds. */
    static Range range(Timing timing) {
        long low = OPEN_HIGH;
        long high = OPEN_LOW;
        for (var event : timing.getEvent()) {
            Range r = range(event);
            if (r != null) {
                low = Math.min(low, r.low());
                high = Math.max(high, r.high());
            }
        }
        if (timing.hasRepeat() && timing.getRepeat().hasBoundsPeriod()) {
            Range bounds = range(timing.getRepeat().getBoundsPeriod());
            if (bounds != null) {
                low = Math.min(low, bounds.low());
                high = Math.max(high, bounds.high());
            }
        }
        return low > high ? null : new Range(low, high);
    }

    /** Half a unit of the last given digit: 5.4 stands for [5.35, 5.45). */
    static BigDecimal halfUnit(BigDecimal value) {
        return BigDecimal.ONE.movePointLeft(Math.max(value.scale(), 0)).divide(BigDecimal.valueOf(2));
    }
}
