package health.ductcare.protocol;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Type;

/** Reads rule values from extensions and fails with the file name and the extension at fault. */
final class RuleReader {

    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY,
            "sun", DayOfWeek.SUNDAY);

    private final String source;

    RuleReader(String source) {
        this.source = source;
    }

    ProtocolException fail(String problem) {
        return new ProtocolException(source, problem);
    }

    Extension single(Element owner, String url) {
        List<Extension> found = owner.getExtensionsByUrl(url);
        if (found.size() != 1) {
            throw fail("expected exactly one extension " + url + ", found " + found.size());
        }
        return found.get(0);
    }

    Extension single(DomainResource owner, String url) {
        List<Extension> found = owner.getExtensionsByUrl(url);
        if (found.size() != 1) {
            throw fail("expected exactly one extension " + url + ", found " + found.size());
        }
        return found.get(0);
    }

    Duration duration(Extension ext, boolean mayBeZero) {
        Type value = ext.getValue();
        if (!(value instanceof Quantity q)) {
            throw fail("extension " + ext.getUrl() + " needs a valueDuration");
        }
        return checkedDuration(q, ext.getUrl(), mayBeZero);
    }

    Duration checkedDuration(Quantity q, String where, boolean mayBeZero) {
        Duration d = FhirDurations.toDuration(q)
                .orElseThrow(() -> fail(where + ": duration " + describe(q) + " is not a whole number of s/min/h/d in UCUM"));
        if (d.isNegative() || (!mayBeZero && d.isZero())) {
            throw fail(where + ": duration " + describe(q) + " must be " + (mayBeZero ? "zero or more" : "positive"));
        }
        return d;
    }

    BigDecimal celsius(Extension ext) {
        if (!(ext.getValue() instanceof Quantity q) || q.getValue() == null || !"Cel".equals(q.getCode())) {
            throw fail("extension " + ext.getUrl() + " needs a valueQuantity in Cel");
        }
        if (q.getValue().compareTo(BigDecimal.valueOf(35)) < 0 || q.getValue().compareTo(BigDecimal.valueOf(42)) > 0) {
            throw fail("extension " + ext.getUrl() + ": fever threshold " + q.getValue() + " Cel is not plausible");
        }
        return q.getValue();
    }

    String primitive(Extension ext, String subUrl) {
        Extension sub = single(ext, subUrl);
        if (!(sub.getValue() instanceof PrimitiveType<?> p) || p.getValueAsString() == null) {
            throw fail("extension " + ext.getUrl() + "#" + subUrl + " needs a value");
        }
        return p.getValueAsString();
    }

    LocalTime time(Extension ext, String subUrl) {
        try {
            return LocalTime.parse(primitive(ext, subUrl));
        } catch (DateTimeParseException e) {
            throw fail("extension " + ext.getUrl() + "#" + subUrl + " is not a time");
        }
    }

    ZoneId zone(Extension ext, String subUrl) {
        String id = primitive(ext, subUrl);
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw fail("extension " + ext.getUrl() + "#" + subUrl + ": unknown time zone " + id);
        }
    }

    Set<DayOfWeek> days(Extension ext) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (Extension day : ext.getExtensionsByUrl("day")) {
            DayOfWeek d = DAYS.get(day.getValue() == null ? null : day.getValue().primitiveValue());
            if (d == null) {
                throw fail("extension " + ext.getUrl() + "#day: expected mon..sun");
            }
            days.add(d);
        }
        if (days.isEmpty()) {
            throw fail("extension " + ext.getUrl() + " names no opening day");
        }
        return days;
    }

    List<String> strings(DomainResource owner, String url) {
        return owner.getExtensionsByUrl(url).stream().map(e -> e.getValue() == null ? "" : e.getValue().primitiveValue())
                .filter(s -> s != null && !s.isBlank()).toList();
    }

    static String describe(Quantity q) {
        return q.getValue() + " " + q.getCode();
    }
}
