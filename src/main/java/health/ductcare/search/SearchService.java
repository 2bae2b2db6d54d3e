package health.ductcare.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.ServerBase;
import health.ductcare.fhir.UnparsedBundle;
import health.ductcare.security.AccessPolicy;
import health.ductcare.security.Interaction;
import health.ductcare.store.DirectJdbc;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Type-level search over the index tables (search.html): every indexed R4 parameter of the type, the
 * common parameters, _include/_revinclude, _sort, _total, _summary=count, and keyset paging whose links
 * carry their position (stateless, so they work as long as the server does).
 */
@ApplicationScoped
public class SearchService {

    /** Result parameters: they shape the answer, they select nothing. */
    private static final Set<String> RESULT_PARAMETERS = Set.of("_count", "_sort", "_total", "_summary", "_include",
            "_revinclude", "_cursor", "_format", "_pretty", "_elements");
    private static final String COLUMNS = "r.pid, r.res_type, r.res_id, r.version, r.last_updated, r.json";
    /**
     * Rows no newer than the first page's snapshot. Written as an expression, not a plain {@code r.pid <= ?}, so
     * H2 cannot take it as a primary-key range: it then scanned every row (JSON included) up to the snapshot
     * instead of looking up the few pids the search criteria select (10,604 vs 54 page reads for a 20-match
     * {@code Condition?subject=} among 10,000 rows).
     */
    private static final String SNAPSHOT_CONDITION = " AND r.pid + 0 <= ?";
    /** The most references one chained or _has parameter may go through. */
    static final int MAX_CHAIN_LINKS = 3;
    /** At most this many resources are added by _include and _revinclude to one page. */
    static final int MAX_INCLUDES = 1000;

    private final EntityManager entityManager;
    private final FhirContext context;
    private final SearchParameters parameters;
    private final Clock clock;
    private final int defaultPageSize;
    private final int maxPageSize;
    private final ServerBase serverBase;
    private final AccessPolicy access;
    private volatile Map<String, List<String>> revIncludes;
    private final DirectJdbc jdbc;

    public SearchService(EntityManager entityManager, FhirContext context, SearchParameters parameters, Clock clock,
            @ConfigProperty(name = "ductcare.fhir.default-page-size") int defaultPageSize,
            @ConfigProperty(name = "ductcare.fhir.max-page-size") int maxPageSize, ServerBase serverBase,
            AccessPolicy access, DirectJdbc jdbc) {
        this.entityManager = entityManager;
        this.jdbc = jdbc;
        this.context = context;
        this.parameters = parameters;
        this.clock = clock;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
        this.serverBase = serverBase;
        this.access = access;
    }

    /** One matched row of the resource table. */
    record Row(long pid, String type, String id, int version, long lastUpdated, String json, long sortKey) {

        StoredResource stored() {
            return new StoredResource(pid, 0L, type, id, version, Instant.ofEpochMilli(lastUpdated), false, null, json);
        }
    }

    /**
     * A {@code _sort}. One date or {@code _lastUpdated} key sorts by {@code key} and pages by keyset; any other
     * sort ({@code key} null) orders by {@code orderBy} and pages by position within the first page's snapshot.
     */
    private record Sort(boolean ascending, Sql key, Sql orderBy) {

        boolean byPosition() {
            return key == null;
        }
    }

    private record Include(String sourceType, String param, String targetType, boolean iterate) {
    }

    /**
     * Where a page starts, within the rows that existed at the start: after (next) or before (previous) a row, or,
     * for a sort paged by position ({@link #at}), at an offset ({@code key}; {@code pid} is then -1).
     */
    private record Cursor(boolean next, long snapshot, long key, long pid) {

        static Cursor at(long snapshot, long offset) {
            return new Cursor(true, snapshot, offset, -1);
        }

        boolean byPosition() {
            return pid < 0;
        }

        String encode() {
            String raw = byPosition() ? "o." + snapshot + "." + key
                    : (next ? "n" : "p") + "." + snapshot + "." + key + "." + pid;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
                String[] parts = raw.split("\\.");
                if (parts.length == 3 && parts[0].equals("o") && Long.parseLong(parts[2]) >= 0) {
                    return at(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                }
                if (parts.length != 4 || !(parts[0].equals("n") || parts[0].equals("p"))
                        || Long.parseLong(parts[3]) < 0) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(parts[0].equals("n"), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                        Long.parseLong(parts[3]));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("Invalid _cursor: use the next and previous links as given");
            }
        }
    }

    /** A parsed search: the SQL condition, the parameters that were applied (for links) and the result options. */
    private static final class Plan {
        final Sql where = new Sql();
        /**
         * By name: the request's parameters come in no stable order (JAX-RS' query map), and a search's links must
         * be the same every time it is asked.
         */
        final Map<String, List<String>> applied = new TreeMap<>();
        /**
         * {@code _format}, {@code _pretty} and {@code _elements}: they select nothing, but every link of the search
         * carries them, so that each page comes back in the shape the first was asked for.
         */
        final Map<String, List<String>> shaping = new TreeMap<>();
        final List<Include> includes = new ArrayList<>();
        final List<Include> revIncludes = new ArrayList<>();
        /** Parameters a lenient search ignored; the Bundle says so in an outcome entry. */
        final List<String> ignored = new ArrayList<>();
        int count;
        Sort sort;
        boolean countOnly;
        boolean totalNone;
        Cursor cursor;
    }

    /** One page of a search as a searchset Bundle whose entries hold their resources, parsed. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Bundle search(SearchRequest request) {
        return searchPage(request).parse(context);
    }

    /**
     * One page of a search as a searchset Bundle whose entries' resources are still the stored JSON: type, total,
     * links, and entries with their full URL and search mode, plus the OperationOutcome entry of a lenient search.
     * Inside a transaction (a Bundle's entry) it sees what that transaction wrote; outside one it reads what is
     * committed, on a connection of its own ({@link DirectJdbc}).
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public UnparsedBundle searchPage(SearchRequest request) {
        String type = request.type();
        Plan plan = plan(request);
        String base = request.baseUrl() == null ? "" : request.baseUrl();
        UnparsedBundle page = new UnparsedBundle(Bundle.BundleType.SEARCHSET);
        Bundle bundle = page.skeleton();
        return jdbc.read(connection -> {
            if (plan.countOnly) {
                bundle.setTotal((int) count(connection, type, plan, null));
                bundle.addLink().setRelation("self").setUrl(link(base, type, plan, null));
                return page;
            }
            Cursor cursor = plan.cursor;
            boolean byPosition = plan.sort != null && plan.sort.byPosition();
            if (cursor != null && cursor.byPosition() != byPosition) {
                throw new InvalidRequestException("Invalid _cursor: use the next and previous links as given");
            }
            boolean forward = cursor == null || cursor.next();
            // Every page of one search sees the rows that existed when its first page was asked for, so a
            // concurrent insert neither shifts the pages nor changes the total between them.
            long snapshot = cursor != null ? cursor.snapshot() : maxPid(connection);
            List<Row> rows = plan.count == 0 ? List.of() : page(connection, type, plan, snapshot, cursor, forward);
            boolean more = rows.size() > plan.count;
            if (more) {
                rows = rows.subList(0, plan.count);
            }
            if (!forward) {
                rows = new ArrayList<>(rows);
                Collections.reverse(rows);
            }
            if (!plan.totalNone) {
                if (cursor == null && plan.count > 0 && !more) {
                    bundle.setTotal(rows.size());
                } else {
                    bundle.setTotal((int) count(connection, type, plan, snapshot));
                }
            }
            bundle.addLink().setRelation("self").setUrl(link(base, type, plan, cursor));
            if (byPosition) {
                long offset = cursor == null ? 0 : cursor.key();
                if (more) {
                    bundle.addLink().setRelation("next").setUrl(link(base, type, plan,
                            Cursor.at(snapshot, offset + plan.count)));
                }
                if (offset > 0) {
                    bundle.addLink().setRelation("previous").setUrl(link(base, type, plan,
                            Cursor.at(snapshot, Math.max(0, offset - plan.count))));
                }
            }
            boolean hasNext = !byPosition && (forward ? more : !rows.isEmpty());
            boolean hasPrevious = !byPosition && (forward ? cursor != null && !rows.isEmpty() : more);
            if (hasNext) {
                Row last = rows.get(rows.size() - 1);
                bundle.addLink().setRelation("next").setUrl(link(base, type, plan,
                        new Cursor(true, snapshot, last.sortKey(), last.pid())));
            }
            if (hasPrevious) {
                Row first = rows.get(0);
                bundle.addLink().setRelation("previous").setUrl(link(base, type, plan,
                        new Cursor(false, snapshot, first.sortKey(), first.pid())));
            }
            Set<Long> seen = new HashSet<>();
            for (Row row : rows) {
                seen.add(row.pid());
                addEntry(page, base, row, Bundle.SearchEntryMode.MATCH);
            }
            for (Row row : includes(connection, plan, rows, seen, request.compartment())) {
                addEntry(page, base, row, Bundle.SearchEntryMode.INCLUDE);
            }
            addIgnoredOutcome(page, plan);
            return page;
        });
    }

    /**
     * Every current resource of {@code type} matching {@code criteria} (search parameters, no result
     * parameters), at most {@code limit}, oldest first: what conditional create, update and delete and
     * conditional references decide on. Unknown parameters are 400.
     */
    @Transactional
    public List<StoredResource> match(String type, Map<String, List<String>> criteria, int limit) {
        return match(type, criteria, limit, null);
    }

    /** {@link #match(String, Map, int)} confined to a compartment (null: none). */
    @Transactional
    public List<StoredResource> match(String type, Map<String, List<String>> criteria, int limit,
            SearchRequest.Compartment compartment) {
        for (String name : criteria.keySet()) {
            if (RESULT_PARAMETERS.contains(name) && !name.equals("_format")) {
                throw new InvalidRequestException("Conditional criteria take search parameters only, not '"
                        + ContentNegotiation.sanitize(name) + "'");
            }
        }
        // The base only decides which absolute references are ours: no link is written.
        Plan plan = plan(new SearchRequest(type, criteria, serverBase.current(), false, compartment));
        if (plan.applied.isEmpty()) {
            throw new InvalidRequestException("Conditional criteria must name at least one search parameter");
        }
        plan.count = limit;
        return entityManager.unwrap(Session.class).doReturningWork(connection ->
                page(connection, type, plan, null, null, true).stream().limit(limit).map(Row::stored).toList());
    }

    // ------------------------------------------------------------------ parsing

    private Plan plan(SearchRequest request) {
        String type = request.type();
        Plan plan = new Plan();
        plan.count = defaultPageSize;
        Instant now = Instant.now(clock);
        Set<String> resourceTypes = context.getResourceTypes();
        for (Map.Entry<String, List<String>> entry : request.parameters().entrySet()) {
            String rawName = entry.getKey();
            List<String> values = entry.getValue() == null ? List.of() : entry.getValue();
            if (RESULT_PARAMETERS.contains(rawName.split(":", 2)[0])) {
                resultParameter(plan, type, rawName, values, request.lenient());
                continue;
            }
            try {
                List<String> given = values.stream().filter(v -> v != null && !v.isBlank()).toList();
                Sql condition = parameterCondition(type, rawName, values, request.baseUrl(), now, resourceTypes, 0);
                // A parameter without a value selects nothing and is ignored (as HAPI and most servers do).
                if (condition == null) {
                    continue;
                }
                plan.where.add(" AND ").add(condition);
                plan.applied.put(rawName, given);
            } catch (Criteria.Unsupported e) {
                if (!request.lenient()) {
                    throw new InvalidRequestException(ContentNegotiation.sanitize(capitalize(e.getMessage()))
                            + " (send 'Prefer: handling=lenient' to ignore it)");
                }
                plan.ignored.add(rawName);
            }
        }
        if (request.compartment() != null) {
            plan.where.add(" AND ").add(compartment(type, request.compartment()));
        }
        return plan;
    }

    /**
     * The condition one parameter of a search of {@code type} puts on the resource row {@code r}: each of its
     * values AND-ed (each value's comma-separated alternatives OR-ed), or null when no value is given. The
     * parameter may be chained ({@code subject:Patient.identifier}, search.html#chaining) or a reverse chain
     * ({@code _has:Observation:subject:code}, search.html#has), to {@value #MAX_CHAIN_LINKS} links.
     */
    private Sql parameterCondition(String type, String rawName, List<String> values, String baseUrl, Instant now,
            Set<String> resourceTypes, int links) {
        if (rawName.startsWith("_has:")) {
            return reverseChain(type, rawName, values, baseUrl, now, resourceTypes, links);
        }
        int dot = rawName.indexOf('.');
        if (dot > 0) {
            return chain(type, rawName.substring(0, dot), rawName.substring(dot + 1), values, baseUrl, now,
                    resourceTypes, links);
        }
        String[] nameAndModifier = rawName.split(":", 2);
        String name = nameAndModifier[0];
        String modifier = nameAndModifier.length > 1 ? nameAndModifier[1] : null;
        SearchParameters.Param param = parameters.find(type, name).orElse(null);
        if (param == null) {
            throw new Criteria.Unsupported("unknown search parameter '" + rawName + "' for " + type);
        }
        if (param.expression() == null && !SearchParameters.RESOURCE_COLUMNS.contains(name)) {
            throw new Criteria.Unsupported("search parameter '" + name + "' (" + param.type().getCode()
                    + ") is not supported for " + type);
        }
        Criteria.checkModifier(param, modifier, resourceTypes);
        List<String> given = values.stream().filter(v -> v != null && !v.isBlank()).toList();
        if (given.isEmpty()) {
            return null;
        }
        Sql and = new Sql();
        for (int i = 0; i < given.size(); i++) {
            and.add(i == 0 ? "" : " AND ").add(Criteria.build(type, param, modifier, given.get(i), baseUrl, now));
        }
        return and;
    }

    /**
     * {@code reference[:Type].rest}: resources whose reference points at a resource of a target type (the
     * modifier's, or each of the parameter's targets that has the chained parameter) matching {@code rest}.
     */
    private Sql chain(String type, String head, String rest, List<String> values, String baseUrl, Instant now,
            Set<String> resourceTypes, int links) {
        String[] nameAndModifier = head.split(":", 2);
        String name = nameAndModifier[0];
        String modifier = nameAndModifier.length > 1 ? nameAndModifier[1] : null;
        SearchParameters.Param param = chainLink(type, name, head + "." + rest, links);
        if ("missing".equals(modifier) || Criteria.IDENTIFIER.equals(modifier)) {
            throw new Criteria.Unsupported("':" + modifier + "' cannot be chained ('" + head + "." + rest + "')");
        }
        Criteria.checkModifier(param, modifier, resourceTypes);
        String chained = rest.split("[.:]", 2)[0];
        List<String> targets;
        if (modifier != null) {
            targets = List.of(modifier);
        } else if (param.targets().isEmpty()) {
            throw new Criteria.Unsupported("'" + name + "' of " + type + " may point at any type: name the type"
                    + " to chain through, as in '" + name + ":Patient." + rest + "'");
        } else {
            targets = param.targets().stream().sorted()
                    .filter(target -> resourceTypes.contains(target) && (rest.startsWith("_has:")
                            || parameters.find(target, chained).isPresent()))
                    .toList();
            if (targets.isEmpty()) {
                throw new Criteria.Unsupported("no type that '" + name + "' of " + type
                        + " points at has a search parameter '" + chained + "'");
            }
        }
        // One index lookup per target type (a UNION, not an OR that would keep the database from using the index)
        Sql union = new Sql();
        for (String target : targets) {
            Sql targetCondition = innerCondition(target, rest, values, baseUrl, now, resourceTypes, links);
            if (targetCondition == null) {
                return null;
            }
            union.add(union.isEmpty() ? "" : " UNION ")
                    .add("SELECT ref.res_pid FROM idx_reference ref WHERE ref.res_type = ? AND ref.param = ?"
                            + " AND ref.target_type = ? AND ref.target_id IN (SELECT r.res_id FROM resource r WHERE ",
                            type, param.name(), target)
                    .add(targetCondition).add(")");
        }
        return new Sql().add("r.pid IN (").add(union).add(")");
    }

    /**
     * {@code _has:Type:reference:rest}: resources that a resource of {@code Type} matching {@code rest} points
     * at through its {@code reference} parameter.
     */
    private Sql reverseChain(String type, String rawName, List<String> values, String baseUrl, Instant now,
            Set<String> resourceTypes, int links) {
        String[] parts = rawName.split(":", 4);
        if (parts.length < 4 || parts[1].isEmpty() || parts[2].isEmpty() || parts[3].isEmpty()) {
            throw new InvalidRequestException("Invalid parameter '" + ContentNegotiation.sanitize(rawName)
                    + "': _has takes the form _has:Type:reference:parameter, as in _has:Observation:subject:code");
        }
        String source = parts[1];
        if (!resourceTypes.contains(source)) {
            throw new Criteria.Unsupported("unknown resource type '" + source + "' in '" + rawName + "'");
        }
        SearchParameters.Param param = chainLink(source, parts[2], rawName, links);
        if (!param.targets().isEmpty() && !param.targets().contains(type)) {
            throw new Criteria.Unsupported("'" + parts[2] + "' of " + source + " does not point at " + type);
        }
        Sql sourceCondition = innerCondition(source, parts[3], values, baseUrl, now, resourceTypes, links);
        if (sourceCondition == null) {
            return null;
        }
        return new Sql().add("r.res_id IN (SELECT ref.target_id FROM idx_reference ref WHERE ref.res_type = ?"
                        + " AND ref.param = ? AND ref.target_type = ? AND ref.res_pid IN (SELECT r.pid FROM resource r"
                        + " WHERE ", source, param.name(), type)
                .add(sourceCondition).add("))");
    }

    /** A chain's reference parameter: one this server indexes, and the chain no longer than it allows. */
    private SearchParameters.Param chainLink(String type, String name, String rawName, int links) {
        if (links >= MAX_CHAIN_LINKS) {
            throw new Criteria.Unsupported("'" + rawName + "' chains more than " + MAX_CHAIN_LINKS
                    + " references");
        }
        SearchParameters.Param param = parameters.find(type, name).orElseThrow(
                () -> new Criteria.Unsupported("unknown search parameter '" + name + "' for " + type));
        if (param.type() != RestSearchParameterTypeEnum.REFERENCE || !param.indexed()) {
            throw new Criteria.Unsupported("'" + name + "' of " + type + " is not a reference parameter,"
                    + " so it cannot be chained");
        }
        return param;
    }

    /**
     * The condition on a chained resource of {@code type} (row alias {@code r} again, inside its subquery): not
     * deleted, matching {@code rawName}, and readable by the caller as a search of that type would be (the
     * token's scopes; its patient compartment), so a chain cannot probe what a search could not show.
     */
    private Sql innerCondition(String type, String rawName, List<String> values, String baseUrl, Instant now,
            Set<String> resourceTypes, int links) {
        access.checkInteraction(Interaction.SEARCH, type);
        Sql condition = parameterCondition(type, rawName, values, baseUrl, now, resourceTypes, links + 1);
        if (condition == null) {
            return null;
        }
        Sql sql = new Sql().add("r.res_type = ? AND r.deleted = FALSE AND ", type).add(condition);
        SearchRequest.Compartment compartment = access.searchCompartment(type);
        if (compartment != null) {
            sql.add(" AND ").add(compartment(type, compartment));
        }
        return sql;
    }

    private void resultParameter(Plan plan, String type, String rawName, List<String> values, boolean lenient) {
        if (values.isEmpty()) {
            return;
        }
        String value = values.get(values.size() - 1).trim();
        switch (rawName) {
            case "_count" -> {
                plan.count = pageSize(value);
                plan.applied.put("_count", List.of(Integer.toString(plan.count)));
            }
            case "_total" -> {
                switch (value) {
                    case "none" -> plan.totalNone = true;
                    case "estimate", "accurate" -> plan.totalNone = false;
                    default -> throw new InvalidRequestException("_total takes none, estimate or accurate");
                }
                plan.applied.put("_total", List.of(value));
            }
            case "_summary" -> {
                plan.countOnly = ContentNegotiation.parseSummary(value) == SummaryEnum.COUNT;
                plan.applied.put("_summary", List.of(value));
            }
            case "_sort" -> {
                plan.sort = sort(type, value, lenient);
                if (plan.sort != null) {
                    plan.applied.put("_sort", List.of(value));
                } else {
                    plan.ignored.add(rawName);
                }
            }
            case "_cursor" -> plan.cursor = Cursor.decode(value);
            case "_include", "_include:iterate", "_include:recurse" -> {
                for (String include : values) {
                    Include parsed = include(type, include, rawName.contains(":"), false, lenient);
                    if (parsed != null) {
                        plan.includes.add(parsed);
                        plan.applied.computeIfAbsent(rawName, k -> new ArrayList<>()).add(include);
                    } else {
                        plan.ignored.add(rawName);
                    }
                }
            }
            case "_revinclude", "_revinclude:iterate", "_revinclude:recurse" -> {
                for (String include : values) {
                    Include parsed = include(type, include, rawName.contains(":"), true, lenient);
                    if (parsed != null) {
                        plan.revIncludes.add(parsed);
                        plan.applied.computeIfAbsent(rawName, k -> new ArrayList<>()).add(include);
                    } else {
                        plan.ignored.add(rawName);
                    }
                }
            }
            case "_format", "_pretty", "_elements" -> plan.shaping.put(rawName, values);
            default -> {
                if (!lenient) {
                    throw new InvalidRequestException("Unsupported result parameter '"
                            + ContentNegotiation.sanitize(rawName) + "'");
                }
                plan.ignored.add(rawName);
            }
        }
    }

    private Sort sort(String type, String value, boolean lenient) {
        String[] keys = value.split(",");
        if (keys.length == 1) {
            String key = keys[0].trim();
            boolean ascending = !key.startsWith("-");
            String name = ascending ? key : key.substring(1);
            if (name.equals("_lastUpdated")) {
                return new Sort(ascending, new Sql().add("r.last_updated"), null);
            }
            SearchParameters.Param param = parameters.find(type, name).orElse(null);
            if (param != null && param.indexed() && param.type() == RestSearchParameterTypeEnum.DATE) {
                // Ascending sorts by the earliest value, descending by the latest; resources without one come last.
                Sql sortKey = ascending
                        ? new Sql().add("COALESCE((SELECT MIN(s.low_ms) FROM idx_date s WHERE s.res_pid = r.pid"
                                + " AND s.param = ?), ?)", name, IndexValues.OPEN_HIGH)
                        : new Sql().add("COALESCE((SELECT MAX(s.high_ms) FROM idx_date s WHERE s.res_pid = r.pid AND"
                                + " s.param = ?), ?)", name, IndexValues.OPEN_LOW);
                return new Sort(ascending, sortKey, null);
            }
        }
        Sql orderBy = new Sql();
        for (String raw : keys) {
            String key = raw.trim();
            boolean ascending = !key.startsWith("-");
            String name = ascending ? key : key.substring(1);
            Sql expression = sortExpression(type, name, ascending);
            if (expression == null) {
                return rejectSort(value, lenient, "'" + name + "' is not a search parameter of " + type
                        + " that this server can sort by");
            }
            orderBy.add(orderBy.isEmpty() ? "" : ", ").add(expression)
                    .add(ascending ? " ASC NULLS LAST" : " DESC NULLS LAST");
        }
        return new Sort(true, null, orderBy);
    }

    /**
     * What one sort key orders by: a resource's smallest value of the parameter when ascending, its largest when
     * descending (search.html#sort); null for a parameter that cannot be sorted by.
     */
    private Sql sortExpression(String type, String name, boolean ascending) {
        if (name.equals("_lastUpdated")) {
            return new Sql().add("r.last_updated");
        }
        if (name.equals("_id")) {
            return new Sql().add("r.res_id");
        }
        SearchParameters.Param param = name.isEmpty() ? null : parameters.find(type, name).orElse(null);
        if (param == null || !param.indexed()) {
            return null;
        }
        String column = switch (param.type()) {
            case DATE -> ascending ? "low_ms" : "high_ms";
            case STRING -> "value_norm";
            case TOKEN -> "code";
            case NUMBER, QUANTITY -> "amount";
            case URI -> "uri";
            case REFERENCE -> "target_id";
            default -> null;
        };
        if (column == null) {
            return null;
        }
        return new Sql().add("(SELECT " + (ascending ? "MIN" : "MAX") + "(s." + column + ") FROM "
                + Criteria.tableOf(param.type()) + " s WHERE s.res_pid = r.pid AND s.param = ?)", name);
    }

    private static Sort rejectSort(String value, boolean lenient, String why) {
        if (lenient) {
            return null;
        }
        throw new InvalidRequestException("Unsupported _sort '" + ContentNegotiation.sanitize(value) + "': " + why);
    }

    private Include include(String type, String value, boolean iterate, boolean reverse, boolean lenient) {
        String spec = value.trim();
        if (!reverse && spec.equals("*")) {
            return new Include(type, "*", null, iterate);
        }
        String[] parts = spec.split(":");
        String problem = null;
        if (parts.length < 2 || parts.length > 3 || !context.getResourceTypes().contains(parts[0])) {
            problem = "use SourceType:parameter[:TargetType]";
        } else if (!reverse && !iterate && !parts[0].equals(type)) {
            problem = "_include must start with the searched type " + type;
        } else {
            SearchParameters.Param param = parameters.find(parts[0], parts[1]).orElse(null);
            if (param == null || !param.indexed() || param.type() != RestSearchParameterTypeEnum.REFERENCE) {
                problem = parts[1] + " is not a reference parameter of " + parts[0];
            } else if (parts.length == 3 && !context.getResourceTypes().contains(parts[2])) {
                problem = parts[2] + " is not a resource type";
            }
        }
        if (problem != null) {
            if (lenient) {
                return null;
            }
            throw new InvalidRequestException("Unsupported " + (reverse ? "_revinclude" : "_include") + " '"
                    + ContentNegotiation.sanitize(spec) + "': " + problem);
        }
        return new Include(parts[0], parts[1], parts.length == 3 ? parts[2] : null, iterate);
    }

    private int pageSize(String value) {
        try {
            int requested = Integer.parseInt(value);
            if (requested < 0) {
                throw new NumberFormatException();
            }
            return Math.min(requested, maxPageSize);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("_count must be a non-negative whole number");
        }
    }

    /**
     * Resources in the compartment: the compartment's own resource, or one whose compartment-membership
     * reference parameters (as the R4 CompartmentDefinition gives them) point at it.
     */
    private Sql compartment(String type, SearchRequest.Compartment compartment) {
        List<String> membership = parameters.of(type).indexed().stream()
                .filter(p -> p.type() == RestSearchParameterTypeEnum.REFERENCE
                        && p.compartments().contains(compartment.type()))
                .map(SearchParameters.Param::name).toList();
        Sql sql = new Sql().add("(");
        if (type.equals(compartment.type())) {
            sql.add("r.res_id = ?", compartment.id());
        } else if (membership.isEmpty()) {
            sql.add("1 = 0");
        }
        if (!membership.isEmpty()) {
            sql.add(type.equals(compartment.type()) ? " OR " : "")
                    .add("r.pid IN (SELECT c.res_pid FROM idx_reference c WHERE c.res_type = ? AND c.param IN ", type)
                    .in(membership)
                    .add(" AND c.target_type = ? AND c.target_id = ?)", compartment.type(), compartment.id());
        }
        return sql.add(")");
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    // ------------------------------------------------------------------ queries

    private List<Row> page(Connection connection, String type, Plan plan, Long snapshot, Cursor cursor,
            boolean forward) throws SQLException {
        if (plan.sort != null && plan.sort.byPosition()) {
            Sql sql = new Sql().add("SELECT " + COLUMNS + ", 0 AS sort_key FROM resource r"
                    + " WHERE r.res_type = ? AND r.deleted = FALSE", type).add(plan.where);
            if (snapshot != null) {
                sql.add(SNAPSHOT_CONDITION, snapshot);
            }
            sql.add(" ORDER BY ").add(plan.sort.orderBy()).add(", r.pid ASC LIMIT ? OFFSET ?", plan.count + 1,
                    cursor == null ? 0L : cursor.key());
            return rows(connection, sql);
        }
        Sql key = plan.sort == null ? new Sql().add("r.pid") : plan.sort.key();
        boolean ascending = (plan.sort == null || plan.sort.ascending()) == forward;
        Sql sql = new Sql().add("SELECT " + COLUMNS + ", ").add(key).add(" AS sort_key FROM resource r"
                + " WHERE r.res_type = ? AND r.deleted = FALSE", type).add(plan.where);
        if (snapshot != null) {
            sql.add(SNAPSHOT_CONDITION, snapshot);
        }
        if (cursor != null) {
            String after = ascending ? " > " : " < ";
            sql.add(" AND (").add(key).add(after + "?", cursor.key())
                    .add(" OR (").add(key).add(" = ? AND r.pid" + after + "?))", cursor.key(), cursor.pid());
        }
        String direction = ascending ? " ASC" : " DESC";
        sql.add(" ORDER BY sort_key" + direction + ", r.pid" + direction + " LIMIT ?", plan.count + 1);
        return rows(connection, sql);
    }

    private long count(Connection connection, String type, Plan plan, Long snapshot) throws SQLException {
        // snapshot null: every current row (a _summary=count search)
        Sql sql = new Sql().add("SELECT COUNT(*) FROM resource r WHERE r.res_type = ? AND r.deleted = FALSE", type)
                .add(plan.where);
        if (snapshot != null) {
            sql.add(SNAPSHOT_CONDITION, snapshot);
        }
        try (PreparedStatement statement = sql.prepare(connection); ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    static long maxPid(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT MAX(pid) FROM resource");
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    static List<Row> rows(Connection connection, Sql sql) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement statement = sql.prepare(connection); ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(new Row(result.getLong(1), result.getString(2), result.getString(3), result.getInt(4),
                        result.getLong(5), result.getString(6), result.getLong(7)));
            }
        }
        return rows;
    }

    /** _include and _revinclude (with :iterate up to a few rounds), deduplicated and bounded. */
    private List<Row> includes(Connection connection, Plan plan, List<Row> matches, Set<Long> seen,
            SearchRequest.Compartment compartment) throws SQLException {
        if (plan.includes.isEmpty() && plan.revIncludes.isEmpty() || matches.isEmpty()) {
            return List.of();
        }
        List<Row> included = new ArrayList<>();
        List<Row> sources = matches;
        boolean firstRound = true;
        for (int round = 0; round < 4 && !sources.isEmpty() && included.size() < MAX_INCLUDES; round++) {
            List<Row> found = new ArrayList<>();
            for (Include include : plan.includes) {
                if (firstRound || include.iterate()) {
                    found.addAll(forward(connection, include, sources, seen, compartment,
                            MAX_INCLUDES - included.size() - found.size()));
                }
            }
            for (Include include : plan.revIncludes) {
                if (firstRound || include.iterate()) {
                    found.addAll(reverse(connection, include, sources, seen, compartment,
                            MAX_INCLUDES - included.size() - found.size()));
                }
            }
            included.addAll(found);
            sources = found;
            firstRound = false;
        }
        return included.size() > MAX_INCLUDES ? included.subList(0, MAX_INCLUDES) : included;
    }

    private List<Row> forward(Connection connection, Include include, List<Row> sources, Set<Long> seen,
            SearchRequest.Compartment compartment, int budget) throws SQLException {
        List<Long> sourcePids = sources.stream()
                .filter(row -> include.param().equals("*") || row.type().equals(include.sourceType()))
                .map(Row::pid).toList();
        return referenced(connection, sourcePids, include.param().equals("*") ? null : include.param(),
                include.targetType(), context.getResourceTypes()::contains, seen, compartment, budget);
    }

    /**
     * The current resources that the resources {@code sourcePids} refer to, through {@code param} (null: any) to
     * {@code targetType} (null: any type {@code wanted} accepts), inside the compartment when there is one, not
     * already {@code seen}, at most {@code budget}: what {@code _include} and {@code $everything} add to a page.
     */
    List<Row> referenced(Connection connection, List<Long> sourcePids, String param, String targetType,
            Predicate<String> wanted, Set<Long> seen, SearchRequest.Compartment compartment, int budget)
            throws SQLException {
        if (sourcePids.isEmpty() || budget <= 0) {
            return List.of();
        }
        Sql targets = new Sql().add("SELECT DISTINCT x.target_type, x.target_id FROM idx_reference x WHERE x.res_pid IN ")
                .in(sourcePids).add(" AND x.target_id IS NOT NULL");
        if (param != null) {
            targets.add(" AND x.param = ?", param);
        }
        if (targetType != null) {
            targets.add(" AND x.target_type = ?", targetType);
        }
        Map<String, Set<String>> idsByType = new TreeMap<>();
        try (PreparedStatement statement = targets.prepare(connection); ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                idsByType.computeIfAbsent(result.getString(1), k -> new LinkedHashSet<>()).add(result.getString(2));
            }
        }
        List<Row> found = new ArrayList<>();
        for (Map.Entry<String, Set<String>> entry : idsByType.entrySet()) {
            if (!wanted.test(entry.getKey())) {
                continue;
            }
            Sql sql = new Sql().add("SELECT " + COLUMNS + ", r.pid FROM resource r WHERE r.res_type = ?"
                    + " AND r.deleted = FALSE AND r.res_id IN ", entry.getKey()).in(entry.getValue());
            if (compartment != null) {
                sql.add(" AND ").add(compartment(entry.getKey(), compartment));
            }
            sql.add(" ORDER BY r.pid LIMIT ?", budget + seen.size());
            collect(rows(connection, sql), seen, found, budget);
        }
        return found;
    }

    private List<Row> reverse(Connection connection, Include include, List<Row> sources, Set<Long> seen,
            SearchRequest.Compartment compartment, int budget) throws SQLException {
        SearchParameters.Param param = parameters.find(include.sourceType(), include.param()).orElseThrow();
        Map<String, List<String>> idsByType = new TreeMap<>();
        for (Row row : sources) {
            boolean targetAllowed = param.targets().isEmpty() || param.targets().contains(row.type());
            if (targetAllowed && (include.targetType() == null || include.targetType().equals(row.type()))) {
                idsByType.computeIfAbsent(row.type(), k -> new ArrayList<>()).add(row.id());
            }
        }
        List<Row> found = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : idsByType.entrySet()) {
            if (budget - found.size() <= 0) {
                break;
            }
            Sql sql = new Sql().add("SELECT " + COLUMNS + ", r.pid FROM resource r WHERE r.res_type = ?"
                            + " AND r.deleted = FALSE AND r.pid IN (SELECT x.res_pid FROM idx_reference x"
                            + " WHERE x.res_type = ? AND x.param = ? AND x.target_type = ? AND x.target_id IN ",
                    include.sourceType(), include.sourceType(), include.param(), entry.getKey())
                    .in(entry.getValue()).add(")");
            if (compartment != null) {
                sql.add(" AND ").add(compartment(include.sourceType(), compartment));
            }
            sql.add(" ORDER BY r.pid LIMIT ?", budget - found.size() + seen.size());
            collect(rows(connection, sql), seen, found, budget);
        }
        return found;
    }

    private static void collect(List<Row> rows, Set<Long> seen, List<Row> found, int budget) {
        for (Row row : rows) {
            if (found.size() >= budget) {
                return;
            }
            if (seen.add(row.pid())) {
                found.add(row);
            }
        }
    }

    // ------------------------------------------------------------------ bundle

    private static void addIgnoredOutcome(UnparsedBundle page, Plan plan) {
        if (plan.ignored.isEmpty()) {
            return;
        }
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING)
                .setCode(OperationOutcome.IssueType.NOTSUPPORTED)
                .setDiagnostics("Ignored unknown or unsupported parameters (Prefer: handling=lenient): "
                        + ContentNegotiation.sanitize(String.join(", ", new LinkedHashSet<>(plan.ignored))));
        page.addEntry(null).setResource(outcome).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
    }

    static void addEntry(UnparsedBundle page, String base, Row row, Bundle.SearchEntryMode mode) {
        page.addEntry(row.json()).setFullUrl(base + "/" + row.type() + "/" + row.id())
                .getSearch().setMode(mode);
    }

    /**
     * A link to this search: the parameters that were applied and those that shape the answer, plus the page
     * position when there is one.
     */
    private static String link(String base, String type, Plan plan, Cursor cursor) {
        StringBuilder url = new StringBuilder(base).append('/').append(type);
        char separator = '?';
        Map<String, List<String>> parameters = new TreeMap<>(plan.applied);
        parameters.putAll(plan.shaping);
        for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
            for (String value : entry.getValue()) {
                url.append(separator).append(encode(entry.getKey())).append('=').append(encode(value));
                separator = '&';
            }
        }
        if (cursor != null) {
            url.append(separator).append("_cursor=").append(cursor.encode());
        }
        return url.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":")
                .replace("%2C", ",").replace("%2F", "/");
    }

    // ------------------------------------------------------------------ capability

    /** The parameters the CapabilityStatement declares for a type: every one this server can search by. */
    public List<SearchParameterInfo> supportedParameters(String type) {
        List<SearchParameterInfo> supported = new ArrayList<>();
        for (SearchParameters.Param param : parameters.all(type)) {
            if (param.indexed() || SearchParameters.RESOURCE_COLUMNS.contains(param.name())) {
                supported.add(new SearchParameterInfo(param.name(),
                        SearchParamType.fromCode(param.type().getCode()), param.uri(), param.description()));
            }
        }
        return supported;
    }

    /** The _include values a search of {@code type} accepts. */
    public List<String> includes(String type) {
        List<String> includes = new ArrayList<>();
        includes.add("*");
        for (SearchParameters.Param param : parameters.of(type).indexed()) {
            if (param.type() == RestSearchParameterTypeEnum.REFERENCE) {
                includes.add(type + ":" + param.name());
            }
        }
        return includes;
    }

    /** The _revinclude values a search of {@code type} accepts: every reference parameter that can point at it. */
    public List<String> revIncludes(String type) {
        Map<String, List<String>> all = revIncludes;
        if (all == null) {
            all = allRevIncludes();
            revIncludes = all;
        }
        return all.getOrDefault(type, List.of());
    }

    /** For every type, the reference parameters that can point at it, by source type name, in one pass. */
    private Map<String, List<String>> allRevIncludes() {
        Set<String> types = context.getResourceTypes();
        Map<String, List<String>> byTarget = new HashMap<>();
        for (String source : new TreeSet<>(types)) {
            for (SearchParameters.Param param : parameters.of(source).indexed()) {
                if (param.type() != RestSearchParameterTypeEnum.REFERENCE) {
                    continue;
                }
                String value = source + ":" + param.name();
                for (String target : param.targets().isEmpty() ? types : param.targets()) {
                    byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(value);
                }
            }
        }
        Map<String, List<String>> frozen = new HashMap<>();
        byTarget.forEach((target, values) -> frozen.put(target, List.copyOf(values)));
        return Map.copyOf(frozen);
    }
}
