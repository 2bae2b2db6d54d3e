package health.ductcare.rest;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.fhir.ContentNegotiation;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The FHIR-relevant request headers: versions in ETags, Prefer, and HTTP dates. */
public final class FhirHeaders {

    private static final Pattern VERSION_TAG = Pattern.compile("^\\s*(?:W/)?\"?([0-9]{1,9})\"?\\s*$");

    private FhirHeaders() {
    }

    public enum ReturnPreference { MINIMAL, REPRESENTATION, OPERATION_OUTCOME }

    /** The version named by {@code If-Match}: {@code W/"3"}, {@code "3"} or {@code 3}; null when absent. */
    public static Integer ifMatchVersion(HttpHeaders headers) {
        String value = headers.getHeaderString(HttpHeaders.IF_MATCH);
        if (value == null || value.isBlank()) {
            return null;
        }
        Integer version = null;
        for (String tag : value.split(",")) {
            Matcher matcher = VERSION_TAG.matcher(tag);
            if (!matcher.matches()) {
                throw new InvalidRequestException("If-Match must name a version, like W/\"3\", not '"
                        + ContentNegotiation.sanitize(value) + "'");
            }
            int named = Integer.parseInt(matcher.group(1));
            if (version != null && version != named) {
                throw new InvalidRequestException("If-Match names more than one version");
            }
            version = named;
        }
        return version;
    }

    /** True when {@code If-None-Match} is {@code *}: on a write, "only if it does not exist yet". */
    public static boolean ifNoneMatchAny(HttpHeaders headers) {
        String value = headers.getHeaderString(HttpHeaders.IF_NONE_MATCH);
        return value != null && value.trim().equals("*");
    }

    /** True when {@code If-None-Match} names the given version (or is {@code *}). */
    public static boolean ifNoneMatchHits(HttpHeaders headers, int currentVersion) {
        String value = headers.getHeaderString(HttpHeaders.IF_NONE_MATCH);
        if (value == null || value.isBlank()) {
            return false;
        }
        for (String tag : value.split(",")) {
            if (tag.trim().equals("*")) {
                return true;
            }
            Matcher matcher = VERSION_TAG.matcher(tag);
            if (matcher.matches() && Integer.parseInt(matcher.group(1)) == currentVersion) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code If-Modified-Since} is given and the resource has not changed since then. */
    public static boolean notModifiedSince(HttpHeaders headers, Instant lastUpdated) {
        String value = headers.getHeaderString(HttpHeaders.IF_MODIFIED_SINCE);
        if (value == null || value.isBlank()) {
            return false;
        }
        try {
            Instant since = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return !lastUpdated.truncatedTo(ChronoUnit.SECONDS).isAfter(since);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    public static ReturnPreference returnPreference(HttpHeaders headers) {
        String value = preference(headers, "return");
        if (value == null) {
            return ReturnPreference.REPRESENTATION;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "minimal" -> ReturnPreference.MINIMAL;
            case "operationoutcome" -> ReturnPreference.OPERATION_OUTCOME;
            default -> ReturnPreference.REPRESENTATION;
        };
    }

    public static boolean lenientHandling(HttpHeaders headers) {
        return "lenient".equalsIgnoreCase(preference(headers, "handling"));
    }

    private static String preference(HttpHeaders headers, String name) {
        for (String header : headers.getRequestHeader("Prefer")) {
            for (String token : header.split("[,;]")) {
                String[] pair = token.trim().split("=", 2);
                if (pair.length == 2 && pair[0].trim().equalsIgnoreCase(name)) {
                    return pair[1].trim().replace("\"", "");
                }
            }
        }
        return null;
    }

    public static String httpDate(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
}
