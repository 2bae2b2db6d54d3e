package health.ductcare.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Rows of the resource tables; knows nothing of FHIR semantics beyond type, id and version. */
@ApplicationScoped
public class ResourceStore {

    private static final String CURRENT_ROW =
            "select pid, version, last_updated, deleted, json from resource where res_type = ? and res_id = ?";

    private final EntityManager entityManager;
    private final DirectJdbc jdbc;

    public ResourceStore(EntityManager entityManager, DirectJdbc jdbc) {
        this.entityManager = entityManager;
        this.jdbc = jdbc;
    }

    public Optional<ResourceEntity> findCurrent(String type, String id) {
        return entityManager.createQuery(
                        "from ResourceEntity r where r.type = :type and r.resourceId = :id", ResourceEntity.class)
                .setParameter("type", type).setParameter("id", id)
                .getResultStream().findFirst();
    }

    /**
     * The current row, locked until the transaction ends, so concurrent writers of one resource queue up.
     * The row is re-read under the lock: an instance this transaction loaded earlier may be stale by then.
     */
    public Optional<ResourceEntity> findCurrentForUpdate(String type, String id) {
        Optional<ResourceEntity> row = findCurrent(type, id);
        row.ifPresent(entity -> entityManager.refresh(entity, LockModeType.PESSIMISTIC_WRITE));
        return row;
    }

    /**
     * The current row as committed now, read past any instance this transaction loaded earlier (a scalar query,
     * not an entity the persistence context would hand back unchanged) and without locking it.
     */
    public Optional<StoredResource> findCommitted(String type, String id) {
        return entityManager.createQuery("select r.pid, r.version, r.lastUpdated, r.deleted, r.json from ResourceEntity r"
                        + " where r.type = :type and r.resourceId = :id", Object[].class)
                .setParameter("type", type).setParameter("id", id)
                .getResultStream().findFirst()
                .map(row -> new StoredResource((Long) row[0], 0L, type, id, (Integer) row[1],
                        java.time.Instant.ofEpochMilli((Long) row[2]), (Boolean) row[3], null, (String) row[4]));
    }

    /**
     * The current row as committed, with one JDBC query: for a read outside any transaction, where there is
     * nothing unflushed to see and Hibernate's query, session and entity handling cost more than the query itself
     * (bench/RESULTS.md, item 33). Inside a transaction use {@link #findCurrent}.
     */
    public Optional<StoredResource> readCommitted(String type, String id) {
        return jdbc.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(CURRENT_ROW)) {
                statement.setString(1, type);
                statement.setString(2, id);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredResource(row.getLong(1), 0L, type, id, row.getInt(2),
                            Instant.ofEpochMilli(row.getLong(3)), row.getBoolean(4), null, row.getString(5)));
                }
            }
        });
    }

    public Optional<ResourceVersionEntity> findVersion(String type, String id, int version) {
        return entityManager.createQuery("from ResourceVersionEntity v where v.type = :type and v.resourceId = :id"
                        + " and v.version = :version", ResourceVersionEntity.class)
                .setParameter("type", type).setParameter("id", id).setParameter("version", version)
                .getResultStream().findFirst();
    }

    /** When version 1 was stored, in epoch milliseconds: read alone, so no history row joins the session. */
    public Optional<Long> firstVersionMillis(String type, String id) {
        return entityManager.createQuery("select v.lastUpdated from ResourceVersionEntity v where v.type = :type"
                        + " and v.resourceId = :id and v.version = 1", Long.class)
                .setParameter("type", type).setParameter("id", id)
                .getResultStream().findFirst();
    }

    public void persist(ResourceEntity current, ResourceVersionEntity version) {
        if (current.pid == null) {
            entityManager.persist(current);
        }
        version.resourcePid = current.pid;
        entityManager.persist(version);
        entityManager.flush();
    }

    /**
     * History newest first. {@code type} and {@code id} may be null for type-level and system-level history.
     * {@code sinceMillis} bounds {@code last_updated}; {@code at} (may be null) keeps the versions that were current
     * at some moment of that period ({@code _at}); {@code beforePid} pages by key; {@code hiddenTypes} (may be
     * empty) are left out.
     */
    public List<ResourceVersionEntity> history(String type, String id, Long sinceMillis, MillisPeriod at,
            Long beforePid, Set<String> hiddenTypes, int limit) {
        return historyQuery("from ResourceVersionEntity v", " order by v.pid desc", ResourceVersionEntity.class,
                type, id, sinceMillis, at, beforePid, hiddenTypes)
                .setMaxResults(limit).getResultList();
    }

    public long countHistory(String type, String id, Long sinceMillis, MillisPeriod at, Set<String> hiddenTypes) {
        return historyQuery("select count(v) from ResourceVersionEntity v", "", Long.class,
                type, id, sinceMillis, at, null, hiddenTypes)
                .getSingleResult();
    }

    /** Epoch milliseconds, both ends inclusive. */
    public record MillisPeriod(long first, long last) {
    }

    private <T> TypedQuery<T> historyQuery(String select, String order, Class<T> resultType, String type, String id,
            Long sinceMillis, MillisPeriod at, Long beforePid, Set<String> hiddenTypes) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        StringBuilder jpql = new StringBuilder(select).append(" where 1 = 1");
        addFilter(jpql, parameters, "v.type = :type", "type", type);
        addFilter(jpql, parameters, "v.type not in :hidden", "hidden",
                hiddenTypes == null || hiddenTypes.isEmpty() ? null : hiddenTypes);
        addFilter(jpql, parameters, "v.resourceId = :id", "id", id);
        addFilter(jpql, parameters, "v.lastUpdated >= :since", "since", sinceMillis);
        // _at: a version is current from its own time until the next version's; keep those overlapping the period.
        addFilter(jpql, parameters, "v.lastUpdated <= :atLast", "atLast", at == null ? null : at.last());
        addFilter(jpql, parameters, "not exists (select 1 from ResourceVersionEntity later where later.type = v.type"
                + " and later.resourceId = v.resourceId and later.version > v.version"
                + " and later.lastUpdated <= :atFirst)", "atFirst", at == null ? null : at.first());
        addFilter(jpql, parameters, "v.pid < :beforePid", "beforePid", beforePid);
        TypedQuery<T> query = entityManager.createQuery(jpql.append(order).toString(), resultType);
        parameters.forEach(query::setParameter);
        return query;
    }

    private static void addFilter(StringBuilder jpql, Map<String, Object> parameters, String condition, String name,
            Object value) {
        if (value != null) {
            jpql.append(" and ").append(condition);
            parameters.put(name, value);
        }
    }
}
