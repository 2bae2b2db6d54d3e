package health.ductcare.search;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.FhirIds;
import health.ductcare.fhir.ServerBase;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * Turns one search parameter (name, modifier and its comma-separated values) into a SQL condition on the
 * resource row {@code r}: values of one parameter are OR-ed, the caller AND-s the parameters.
 */
final class Criteria {

    private static final Set<String> PREFIXES = Set.of("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");
    /**
     * The largest scale (either sign) of a searched number: far beyond the index's amounts (26 integer and 12
     * fraction digits), and small enough that the range arithmetic stays cheap. {@code 1e999999999} or
     * {@code 1e-2147483647} made BigDecimal overflow (a 500), and exponents just below that would take minutes.
     */
    static final int MAX_NUMBER_SCALE = 1000;

    private Criteria() {
    }

    /** Thrown for a parameter or modifier this server does not support: 400, or ignored when lenient. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    static String tableOf(RestSearchParameterTypeEnum type) {
        return switch (type) {
            case TOKEN -> "idx_token";
            case STRING -> "idx_string";
            case DATE -> "idx_date";
            case REFERENCE -> "idx_reference";
            case QUANTITY -> "idx_quantity";
            case NUMBER -> "idx_number";
            case URI -> "idx_uri";
            default -> throw new Unsupported("unsupported parameter type " + type);
        };
    }

    /**
     * The modifier of a reference parameter that matches the reference's {@code identifier} (a logical reference,
     * search.html#modifiers) as a token, instead of its literal reference.
     */
    static final String IDENTIFIER = "identifier";

    /** The parameter name under which a reference parameter's {@code Reference.identifier} is indexed as a token. */
    public static String identifierParam(String referenceParam) {
        return referenceParam + ":" + IDENTIFIER;
    }

    /** Checks that the modifier applies to the parameter; throws {@link Unsupported} otherwise. */
    static void checkModifier(SearchParameters.Param param, String modifier, Set<String> resourceTypes) {
        if (modifier == null || modifier.equals("missing")) {
            return;
        }
        boolean ok = switch (param.type()) {
            case TOKEN -> modifier.equals("not")
                    || (modifier.equals("text") && !param.name().equals("_id") && !param.booleanValued());
            case STRING -> modifier.equals("exact") || modifier.equals("contains");
            case URI -> modifier.equals("below") || modifier.equals("above");
            case REFERENCE -> modifier.equals(IDENTIFIER) || resourceTypes.contains(modifier)
                    && (param.targets().isEmpty() || param.targets().contains(modifier));
            default -> false;
        };
        if (!ok) {
            throw new Unsupported("modifier ':" + modifier + "' is not supported on search parameter '"
                    + param.name() + "'");
        }
    }

    /**
     * The condition for one occurrence of a parameter. A value that cannot be one of the parameter's (a boolean
     * that is not true or false, an id that no resource can have) is a 400 naming the parameter and the value,
     * never a condition that silently matches nothing.
     */
    static Sql build(String type, SearchParameters.Param param, String modifier, String rawValue, String baseUrl,
            Instant now) {
        List<String> values = split(rawValue, ',');
        if (values.isEmpty() || values.stream().allMatch(String::isEmpty)) {
            throw new InvalidRequestException("Search parameter '" + param.name() + "' has no value");
        }
        if ("missing".equals(modifier)) {
            return missing(type, param, values);
        }
        if (param.name().equals("_id")) {
            List<String> ids = values.stream().map(Criteria::unescape).toList();
            for (String id : ids) {
                if (!FhirIds.isValid(id)) {
                    throw invalidValue(param.name(), id, "an id is 1-64 letters, digits, '-' and '.'");
                }
            }
            return new Sql().add("not".equals(modifier) ? "r.res_id NOT IN " : "r.res_id IN ").in(ids);
        }
        if (param.name().equals("_lastUpdated")) {
            Sql or = new Sql().add("(");
            for (int i = 0; i < values.size(); i++) {
                or.add(i == 0 ? "" : " OR ").add(dateCondition(values.get(i), "r.last_updated", "r.last_updated", now));
            }
            return or.add(")");
        }
        Sql or = new Sql();
        for (int i = 0; i < values.size(); i++) {
            or.add(i == 0 ? "(" : " OR (").add(valueCondition(param, modifier, values.get(i), baseUrl, now)).add(")");
        }
        boolean negated = "not".equals(modifier);
        boolean byIdentifier = IDENTIFIER.equals(modifier);
        return new Sql().add(negated ? "r.pid NOT IN (" : "r.pid IN (")
                .add("SELECT x.res_pid FROM " + (byIdentifier ? "idx_token" : tableOf(param.type()))
                        + " x WHERE x.res_type = ? AND x.param = ? AND (",
                        type, byIdentifier ? identifierParam(param.name()) : param.name())
                .add(or).add("))");
    }

    /** Thrown for a value the parameter cannot take: 400, whether the search is lenient or not. */
    static InvalidRequestException invalidValue(String parameter, String value, String expected) {
        return new InvalidRequestException("Invalid value '" + ContentNegotiation.sanitize(value)
                + "' for search parameter '" + ContentNegotiation.sanitize(parameter) + "': " + expected);
    }

    /** {@code true} or {@code false}, in any case; null for anything else. */
    private static Boolean parseBoolean(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static Sql missing(String type, SearchParameters.Param param, List<String> values) {
        Set<Boolean> wanted = new HashSet<>();
        for (String value : values) {
            Boolean parsed = parseBoolean(value);
            if (parsed == null) {
                throw invalidValue(param.name() + ":missing", value, "it takes true or false");
            }
            wanted.add(parsed);
        }
        if (wanted.size() == 2) {
            return new Sql().add("1 = 1"); // missing or not
        }
        boolean missing = wanted.contains(Boolean.TRUE);
        if (SearchParameters.RESOURCE_COLUMNS.contains(param.name())) {
            return new Sql().add(missing ? "1 = 0" : "1 = 1");
        }
        return new Sql().add(missing ? "r.pid NOT IN (" : "r.pid IN (")
                .add("SELECT x.res_pid FROM " + tableOf(param.type()) + " x WHERE x.res_type = ? AND x.param = ?)",
                        type, param.name());
    }

    private static Sql valueCondition(SearchParameters.Param param, String modifier, String value, String baseUrl,
            Instant now) {
        return switch (param.type()) {
            case TOKEN -> param.booleanValued() ? booleanToken(param, value) : token(modifier, value);
            case STRING -> string(modifier, value);
            case DATE -> dateCondition(value, "x.low_ms", "x.high_ms", now);
            case REFERENCE -> IDENTIFIER.equals(modifier) ? token(null, value) : reference(modifier, value, baseUrl);
            case QUANTITY -> quantity(value);
            case NUMBER -> number(value);
            case URI -> uri(modifier, value);
            default -> throw new Unsupported("search parameter '" + param.name() + "' is not supported");
        };
    }

    private static Sql token(String modifier, String value) {
        if ("text".equals(modifier)) {
            return new Sql().add("x.display LIKE ? ESCAPE '\\'",
                    Sql.likeLiteral(IndexValues.normalize(unescape(value))) + "%");
        }
        List<String> parts = split(value, '|').stream().map(Criteria::unescape).toList();
        if (parts.size() == 1) {
            return new Sql().add("x.code = ?", parts.get(0));
        }
        if (parts.size() != 2) {
            throw new InvalidRequestException("A token is code, system|code, |code or system|");
        }
        String system = parts.get(0);
        String code = parts.get(1);
        if (system.isEmpty()) {
            return new Sql().add("x.sys IS NULL AND x.code = ?", code);
        }
        if (code.isEmpty()) {
            return new Sql().add("x.sys = ?", system);
        }
        return new Sql().add("x.code = ? AND x.sys = ?", code, system);
    }

    /**
     * A token over a boolean element: {@code true} or {@code false} (a boolean has no system, so {@code |true} is
     * the same). Anything else could never match.
     */
    private static Sql booleanToken(SearchParameters.Param param, String value) {
        List<String> parts = split(value, '|').stream().map(Criteria::unescape).toList();
        Boolean parsed = parts.size() == 1 ? parseBoolean(parts.get(0))
                : parts.size() == 2 && parts.get(0).isEmpty() ? parseBoolean(parts.get(1)) : null;
        if (parsed == null) {
            throw invalidValue(param.name(), value, "it is a boolean, true or false");
        }
        return new Sql().add("x.code = ?", parsed.toString());
    }

    private static Sql string(String modifier, String rawValue) {
        String value = unescape(rawValue);
        if ("exact".equals(modifier)) {
            return new Sql().add("x.value_exact = ?", IndexValues.truncate(value));
        }
        String normalized = Sql.likeLiteral(IndexValues.normalize(value));
        if ("contains".equals(modifier)) {
            return new Sql().add("x.value_norm LIKE ? ESCAPE '\\'", "%" + normalized + "%");
        }
        return new Sql().add("x.value_norm LIKE ? ESCAPE '\\'", normalized + "%");
    }

    private static Sql reference(String modifier, String rawValue, String baseUrl) {
        String value = unescape(rawValue);
        String typeRestriction = modifier;
        if (FhirIds.isValid(value)) {
            Sql sql = new Sql().add("x.target_id = ?", value);
            return typeRestriction == null ? sql : sql.add(" AND x.target_type = ?", typeRestriction);
        }
        ReferenceValue parsed = ReferenceValue.parse(value, baseUrl);
        if (parsed.url() == null) {
            if (typeRestriction != null && !typeRestriction.equals(parsed.type())) {
                return new Sql().add("1 = 0");
            }
            Sql sql = new Sql().add("(x.target_type = ? AND x.target_id = ?)", parsed.type(), parsed.id());
            if (ServerBase.local(value, null) == null) {
                // An absolute URL of our own base also finds a row indexed under that URL before such references
                // were indexed as Type/id (a resource written since keeps only the relative form).
                sql.add(" OR x.target_url = ?", IndexValues.truncate(value));
            }
            return sql;
        }
        return new Sql().add("x.target_url = ?", parsed.url());
    }

    private static Sql uri(String modifier, String rawValue) {
        String value = unescape(rawValue);
        if ("below".equals(modifier)) {
            return new Sql().add("x.uri LIKE ? ESCAPE '\\'", Sql.likeLiteral(value) + "%");
        }
        if ("above".equals(modifier)) {
            // The stored uri is a prefix of the searched one (a '%' or '_' inside a stored uri acts as a wildcard).
            return new Sql().add("? LIKE (x.uri || '%')", value);
        }
        return new Sql().add("x.uri = ?", value);
    }

    private record Prefixed(String prefix, String value) {
    }

    private static Prefixed prefixed(String value) {
        if (value.length() > 2 && PREFIXES.contains(value.substring(0, 2))
                && (Character.isDigit(value.charAt(2)) || value.charAt(2) == '-' || value.charAt(2) == '.')) {
            return new Prefixed(value.substring(0, 2), value.substring(2));
        }
        return new Prefixed("eq", value);
    }

    static IndexValues.Range parseDate(String value) {
        // A '+' in a time zone arrives as a space when the client did not encode it.
        String text = value.trim().replace(' ', '+');
        try {
            if (text.startsWith("0000")) {
                throw new IllegalArgumentException(); // R4's year is 0001-9999; HAPI's parser takes 0000 too
            }
            DateTimeType date = new DateTimeType(text);
            IndexValues.Range range = IndexValues.range(date);
            if (range == null) {
                throw new IllegalArgumentException();
            }
            return range;
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Invalid date '" + ContentNegotiation.sanitize(value)
                    + "': use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.sss](Z|+hh:mm), optionally"
                    + " prefixed by eq, ne, gt, lt, ge, le, sa, eb or ap");
        }
    }

    /**
     * The spec's range rules (search.html#prefix): the resource's range [low, high] is compared with the
     * searched value's implicit range [vLow, vHigh].
     */
    static Sql dateCondition(String value, String low, String high, Instant now) {
        Prefixed prefixed = prefixed(value);
        IndexValues.Range v = parseDate(prefixed.value());
        String contained = "(" + low + " >= ? AND " + high + " <= ?)";
        return switch (prefixed.prefix()) {
            case "eq" -> new Sql().add(contained, v.low(), v.high());
            case "ne" -> new Sql().add("NOT " + contained, v.low(), v.high());
            case "gt" -> new Sql().add(high + " > ?", v.high());
            case "lt" -> new Sql().add(low + " < ?", v.low());
            case "ge" -> new Sql().add("(" + high + " > ? OR " + contained + ")", v.high(), v.low(), v.high());
            case "le" -> new Sql().add("(" + low + " < ? OR " + contained + ")", v.low(), v.low(), v.high());
            case "sa" -> new Sql().add(low + " > ?", v.high());
            case "eb" -> new Sql().add(high + " < ?", v.low());
            default -> {
                // ap: within 10% of the distance between the value and now (at least a day).
                long slack = Math.max(86_400_000L, Math.abs(now.toEpochMilli() - v.low()) / 10);
                yield new Sql().add("(" + low + " <= ? AND " + high + " >= ?)", v.high() + slack, v.low() - slack);
            }
        };
    }

    private static Sql number(String value) {
        Prefixed prefixed = prefixed(value);
        return amountCondition(prefixed.prefix(), parseNumber(prefixed.value()), "x.amount");
    }

    private static Sql quantity(String value) {
        Prefixed prefixed = prefixed(value);
        List<String> parts = split(prefixed.value(), '|').stream().map(Criteria::unescape).toList();
        Sql sql = amountCondition(prefixed.prefix(), parseNumber(parts.get(0)), "x.amount");
        if (parts.size() == 3) {
            if (!parts.get(1).isEmpty()) {
                sql.add(" AND x.sys = ?", parts.get(1));
            }
            if (!parts.get(2).isEmpty()) {
                sql.add(" AND x.code = ?", parts.get(2));
            }
        } else if (parts.size() != 1) {
            throw new InvalidRequestException("A quantity is [prefix]number, or [prefix]number|system|code");
        }
        return sql;
    }

    private static BigDecimal parseNumber(String value) {
        BigDecimal number;
        try {
            number = new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Invalid number '" + ContentNegotiation.sanitize(value) + "'");
        }
        if (Math.abs((long) number.scale()) > MAX_NUMBER_SCALE) {
            throw new InvalidRequestException("Invalid number '" + ContentNegotiation.sanitize(value)
                    + "': its exponent is out of range (at most " + MAX_NUMBER_SCALE
                    + " places either side of the point)");
        }
        return number;
    }

    private static Sql amountCondition(String prefix, BigDecimal number, String column) {
        BigDecimal half = IndexValues.halfUnit(number);
        return switch (prefix) {
            case "eq" -> new Sql().add("(" + column + " >= ? AND " + column + " < ?)", number.subtract(half),
                    number.add(half));
            case "ne" -> new Sql().add("NOT (" + column + " >= ? AND " + column + " < ?)", number.subtract(half),
                    number.add(half));
            case "gt", "sa" -> new Sql().add(column + " > ?", number);
            case "lt", "eb" -> new Sql().add(column + " < ?", number);
            case "ge" -> new Sql().add(column + " >= ?", number);
            case "le" -> new Sql().add(column + " <= ?", number);
            default -> {
                BigDecimal slack = number.abs().divide(BigDecimal.TEN).max(half);
                yield new Sql().add("(" + column + " >= ? AND " + column + " <= ?)", number.subtract(slack),
                        number.add(slack));
            }
        };
    }

    /**
     * Splits on {@code separator} unless it is escaped with a backslash; other escapes stay for the next
     * split and are removed by {@link #unescape}.
     */
    static List<String> split(String value, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                if (next != separator) {
                    current.append(c);
                }
                current.append(next);
            } else if (c == separator) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    /** Removes the search escapes {@code \, \| \$ \\}. */
    static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c == '\\' && i + 1 < value.length() ? value.charAt(++i) : c);
        }
        return out.toString();
    }
}
