package health.ductcare.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.UnparsedBundle;
import health.ductcare.search.SearchService.Row;
import health.ductcare.security.AccessPolicy;
import health.ductcare.store.DirectJdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.Bundle;

/**
 * {@code Patient/[id]/$everything} (patient-operation-everything.html), transport-free: the patient, every current
 * resource of her compartment (one whose compartment-membership reference, as the R4 CompartmentDefinition names
 * them, points at her) and the resources those refer to that belong to no patient (a Medication, a Practitioner),
 * as searchset pages in the order the resources were first stored. AuditEvents are left out unless {@code _type}
 * names them: the trail of who read her record is not part of it. The caller checks that the patient exists and
 * may be read, and passes the parsed Bundle through {@link AccessPolicy#guardBundle}.
 */
@ApplicationScoped
public class PatientEverything {

    /** The operation's parameters this server takes, and those that only shape the answer. */
    private static final Set<String> PARAMETERS = Set.of("_count", "_since", "_type", "_cursor");
    private static final Set<String> SHAPING = Set.of("_format", "_pretty", "_elements", "_summary");
    private static final String COLUMNS = "r.pid, r.res_type, r.res_id, r.version, r.last_updated, r.json, r.pid";
    /** At most this many referenced resources are added to one page. */
    static final int MAX_REFERENCED = 1000;

    /** The patient's id, the query's parameters and the FHIR base URL for links and full URLs. */
    public record Request(String patientId, Map<String, List<String>> parameters, String baseUrl) {
    }

    private final DirectJdbc jdbc;
    private final FhirContext context;
    private final SearchParameters parameters;
    private final AccessPolicy access;
    private final SearchService search;
    private final int defaultPageSize;
    private final int maxPageSize;
    private volatile Map<String, List<String>> membership;

    public PatientEverything(DirectJdbc jdbc, FhirContext context, SearchParameters parameters,
            AccessPolicy access, SearchService search,
            @ConfigProperty(name = "ductcare.fhir.default-page-size") int defaultPageSize,
            @ConfigProperty(name = "ductcare.fhir.max-page-size") int maxPageSize) {
        this.jdbc = jdbc;
        this.context = context;
        this.parameters = parameters;
        this.access = access;
        this.search = search;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public UnparsedBundle page(Request request) {
        Map<String, List<String>> query = request.parameters() == null ? Map.of() : request.parameters();
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name) && !SHAPING.contains(name)) {
                throw new InvalidRequestException("$everything does not take the parameter '"
                        + ContentNegotiation.sanitize(name) + "'; it takes "
                        + String.join(", ", new TreeSet<>(PARAMETERS)));
            }
        }
        int count = "count".equals(first(query, "_summary")) ? 0
                : PageSize.of(first(query, "_count"), defaultPageSize, maxPageSize);
        Instant since = DatePeriod.since("_since", first(query, "_since"));
        Set<String> types = types(first(query, "_type"));
        long[] cursor = decodeCursor(first(query, "_cursor"));
        String base = request.baseUrl() == null ? "" : request.baseUrl();
        UnparsedBundle page = new UnparsedBundle(Bundle.BundleType.SEARCHSET);
        Bundle bundle = page.skeleton();
        return jdbc.read(connection -> {
            long snapshot = cursor != null ? cursor[0] : SearchService.maxPid(connection);
            Sql where = compartmentRows(request.patientId(), types, since, snapshot);
            Row patient = types.contains("Patient") ? patientRow(connection, request.patientId(), since, snapshot)
                    : null;
            bundle.setTotal((int) Math.min(Integer.MAX_VALUE, count(connection, where) + (patient == null ? 0 : 1)));
            List<Row> rows = new ArrayList<>();
            if (cursor == null && patient != null && count > 0) {
                rows.add(patient);
            }
            Sql pageSql = new Sql().add("SELECT " + COLUMNS + " FROM resource r").add(where);
            if (cursor != null) {
                pageSql.add(" AND r.pid + 0 > ?", cursor[1]);
            }
            pageSql.add(" ORDER BY r.pid LIMIT ?", count + 1);
            List<Row> compartment = count == 0 ? List.of() : SearchService.rows(connection, pageSql);
            for (Row row : compartment) {
                if (patient == null || row.pid() != patient.pid()) {
                    rows.add(row);
                }
            }
            boolean more = rows.size() > count;
            if (more) {
                rows = rows.subList(0, count);
            }
            bundle.addLink().setRelation("self").setUrl(link(base, request.patientId(), query, null));
            if (more) {
                // After the last of her resources on this page: the Patient, first on the first page, may have been
                // stored after some of them.
                long after = cursor == null ? 0 : cursor[1];
                for (Row row : rows) {
                    if (row != patient) {
                        after = row.pid();
                    }
                }
                String next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        (snapshot + "." + after).getBytes(StandardCharsets.UTF_8));
                bundle.addLink().setRelation("next").setUrl(link(base, request.patientId(), query, next));
            }
            Set<Long> seen = new HashSet<>();
            for (Row row : rows) {
                seen.add(row.pid());
                SearchService.addEntry(page, base, row, Bundle.SearchEntryMode.MATCH);
            }
            for (Row row : referenced(connection, rows, types, seen)) {
                SearchService.addEntry(page, base, row, Bundle.SearchEntryMode.INCLUDE);
            }
            return page;
        });
    }

    /**
     * Her compartment's current resources of the wanted types, stored no later than the snapshot: the index rows
     * that point at her through a membership parameter of a wanted type, so the AuditEvents of her reads are not
     * even looked at when they are not wanted.
     */
    private Sql compartmentRows(String patientId, Set<String> types, Instant since, long snapshot) {
        Sql membership = new Sql();
        for (String type : types) {
            List<String> names = membershipParameters().get(type);
            if (names != null) {
                membership.add(membership.isEmpty() ? "" : " OR ").add("(x.res_type = ? AND x.param IN ", type)
                        .in(names).add(")");
            }
        }
        if (membership.isEmpty()) {
            membership.add("1 = 0");
        }
        Sql where = new Sql().add(" WHERE r.pid IN (SELECT x.res_pid FROM idx_reference x WHERE x.target_type = ?"
                + " AND x.target_id = ? AND (", "Patient", patientId).add(membership).add("))");
        where.add(" AND r.deleted = FALSE AND r.pid + 0 <= ?", snapshot);
        if (since != null) {
            where.add(" AND r.last_updated >= ?", since.toEpochMilli());
        }
        return where;
    }

    private Row patientRow(Connection connection, String patientId, Instant since, long snapshot)
            throws SQLException {
        Sql sql = new Sql().add("SELECT " + COLUMNS + " FROM resource r WHERE r.res_type = ? AND r.res_id = ?"
                + " AND r.deleted = FALSE AND r.pid <= ?", "Patient", patientId, snapshot);
        if (since != null) {
            sql.add(" AND r.last_updated >= ?", since.toEpochMilli());
        }
        List<Row> rows = SearchService.rows(connection, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * The resources the page's resources refer to that belong to no patient's compartment (another patient's
     * resources are never added), of the wanted types and not already on the page.
     */
    private List<Row> referenced(Connection connection, List<Row> sources, Set<String> types, Set<Long> seen)
            throws SQLException {
        Set<String> compartmentTypes = membershipParameters().keySet();
        return search.referenced(connection, sources.stream().map(Row::pid).toList(), null, null,
                type -> types.contains(type) && !type.equals("Patient") && !compartmentTypes.contains(type), seen,
                null, MAX_REFERENCED);
    }

    /** The Patient compartment's membership parameters (R4 CompartmentDefinition), by the type they belong to. */
    private Map<String, List<String>> membershipParameters() {
        Map<String, List<String>> known = membership;
        if (known == null) {
            Map<String, List<String>> byType = new TreeMap<>();
            for (String type : context.getResourceTypes()) {
                List<String> names = parameters.of(type).patientCompartment().stream()
                        .map(SearchParameters.Param::name).toList();
                if (!names.isEmpty()) {
                    byType.put(type, names);
                }
            }
            known = Map.copyOf(byType);
            membership = known;
        }
        return known;
    }

    /** The types asked for ({@code _type}), less those the caller may not read; AuditEvent only when named. */
    private Set<String> types(String value) {
        Set<String> wanted = new TreeSet<>();
        if (value == null || value.isBlank()) {
            wanted.addAll(context.getResourceTypes());
            wanted.removeAll(AccessPolicy.ADMIN_TYPES);
        } else {
            for (String type : value.split(",")) {
                String trimmed = type.trim();
                if (!context.getResourceTypes().contains(trimmed)) {
                    throw new InvalidRequestException("Invalid value '" + ContentNegotiation.sanitize(trimmed)
                            + "' for _type: not an R4 resource type");
                }
                wanted.add(trimmed);
            }
        }
        wanted.removeAll(access.unreadableTypes(wanted));
        return wanted;
    }

    private long count(Connection connection, Sql where) throws SQLException {
        Sql sql = new Sql().add("SELECT COUNT(*) FROM resource r").add(where);
        try (PreparedStatement statement = sql.prepare(connection); ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    private static String link(String base, String patientId, Map<String, List<String>> query, String cursor) {
        StringBuilder url = new StringBuilder(base).append("/Patient/").append(patientId).append("/$everything");
        char separator = '?';
        for (Map.Entry<String, List<String>> entry : new TreeMap<>(query).entrySet()) {
            if (entry.getKey().equals("_cursor")) {
                continue;
            }
            for (String value : entry.getValue()) {
                url.append(separator).append(entry.getKey()).append('=').append(SearchService.encode(value));
                separator = '&';
            }
        }
        if (cursor != null) {
            url.append(separator).append("_cursor=").append(cursor);
        }
        return url.toString();
    }

    /** {@code [snapshot, last pid]} of a {@code next} link, or null on the first page. */
    private static long[] decodeCursor(String token) {
        if (token == null) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\.");
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Invalid _cursor: take it from a next link");
        }
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
